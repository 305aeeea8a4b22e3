import Foundation

/// One event of `POST /images/load`.
public enum LoadEvent: Sendable, Equatable {
    /// Layer progress (`Loading layer`, bytes done).
    case progress(ProgressEvent)
    /// An image is in: its reference (`Loaded image: repo:tag`) or ID (`Loaded image ID: sha256:...`).
    case loaded(String)
    /// Any other output line.
    case output(String)
}

/// The events of a load; an error line ends it with `.streamError`.
public struct LoadStream: AsyncSequence, Sendable {
    /// One event of the load.
    public typealias Element = LoadEvent
    let lines: JSONLineStream<StreamMessage>
    let cleanup: BuildStream.Cleanup?
    /// The engine, when known: Podman names the loaded images differently (EngineCompatibility).
    var engine: Engine? = nil

    /// Stops the load's transfer.
    public func cancel() {
        lines.cancel()
    }

    /// Reads to the end and returns what was loaded (references or IDs); throws on an error line.
    @discardableResult
    public func wait() async throws -> [String] {
        var loaded: [String] = []
        for try await event in self {
            if case .loaded(let name) = event { loaded.append(name) }
        }
        return loaded
    }

    /// Iterates the load's events.
    public func makeAsyncIterator() -> Iterator {
        Iterator(base: lines.makeAsyncIterator(), cleanup: cleanup, engine: engine)
    }

    /// Yields events until the end or an error line.
    public struct Iterator: AsyncIteratorProtocol {
        var base: JSONLineStream<StreamMessage>.Iterator
        let cleanup: BuildStream.Cleanup?
        let engine: Engine?
        var pending: [LoadEvent] = []

        /// The next event; nil at the end; throws on an error line.
        public mutating func next() async throws -> LoadEvent? {
            while pending.isEmpty {
                guard let message = try await base.next() else { return nil }
                if let error = message.errorMessage { throw DockerError.streamError(message: error) }
                if let text = message.stream {
                    for line in text.split(separator: "\n") where !line.trimmingCharacters(in: .whitespaces).isEmpty {
                        pending.append(contentsOf: Self.events(String(line), engine: engine))
                    }
                } else {
                    pending.append(.progress(message.progressEvent))
                }
            }
            return pending.removeFirst()
        }

        static func event(_ line: String) -> LoadEvent {
            for prefix in ["Loaded image ID: ", "Loaded image: "] where line.hasPrefix(prefix) {
                return .loaded(String(line.dropFirst(prefix.count)).trimmingCharacters(in: .whitespaces))
            }
            return .output(line)
        }

        /// The events of one line, with the names Docker gives (one `.loaded` per image).
        static func events(_ line: String, engine: Engine?) -> [LoadEvent] {
            guard case .loaded(let name) = event(line) else { return [event(line)] }
            return EngineCompatibility.loadedNames(name, engine: engine).map(LoadEvent.loaded)
        }
    }
}

extension ImagesAPI {
    /// Exports images with their tags and layers as one tar (`docker save`), streamed as it comes.
    /// One name uses `GET /images/{name}/get`, several `GET /images/get?names=...`.
    /// `platform` (API 1.48+) picks one variant of multi-platform images.
    public func save(_ names: [String], platform: OCIPlatform? = nil) async throws -> ByteStream {
        guard !names.isEmpty else { throw DockerError.invalidArgument("save needs at least one image") }
        var query: [QueryItem] = []
        if let platform {
            try await client.requireAPI(APIVersion(1, 48), for: "save platform")
            query.append(QueryItem("platform", try platform.queryValue()))
        }
        let response: DockerStreamResponse
        if names.count == 1 {
            response = try await client.openStream("GET", "/images/\(ImageReference.pathComponent(names[0]))/get", query: query)
        } else {
            response = try await client.openStream("GET", "/images/get", query: names.map { QueryItem("names", $0) } + query)
        }
        return response.body
    }

    /// Saves images to a file (`docker save -o FILE`), chunk by chunk; returns the bytes written.
    /// A failed save removes the partial file.
    @discardableResult
    public func save(_ names: [String], to path: String, platform: OCIPlatform? = nil) async throws -> Int64 {
        let stream = try await save(names, platform: platform)
        guard FileManager.default.createFile(atPath: path, contents: nil), let out = FileHandle(forWritingAtPath: path) else {
            stream.cancel()
            throw DockerError.invalidArgument("cannot write \(path)")
        }
        var written: Int64 = 0
        do {
            for try await chunk in stream {
                try out.write(contentsOf: chunk)
                written += Int64(chunk.count)
            }
            try out.close()
        } catch {
            stream.cancel()
            try? out.close()
            try? FileManager.default.removeItem(atPath: path)
            if error is DockerError { throw error }
            throw DockerError.invalidArgument("cannot write \(path): \(error.localizedDescription)")
        }
        return written
    }

    /// Loads images from a `docker save` tar (`docker load`): a file is streamed from disk.
    /// Progress and the loaded references come as events.
    /// `platforms` (API 1.48+) load only those variants of multi-platform images.
    public func load(_ source: ImportSource, quiet: Bool = false, platforms: [OCIPlatform] = []) async throws -> LoadStream {
        try await load(source, quiet: quiet, platforms: platforms, cleanup: nil)
    }

    /// Loads images from a stream of tar bytes (e.g. another daemon's `save`): the bytes are
    /// spooled to a temporary file (bounded memory) that is then streamed to the daemon and removed.
    /// The transport uploads files or bytes, not async sequences, hence the spool.
    public func load<S: AsyncSequence & Sendable>(streaming source: S, quiet: Bool = false,
                                                  platforms: [OCIPlatform] = []) async throws -> LoadStream
        where S.Element == Data {
        if !platforms.isEmpty { try await client.requireAPI(APIVersion(1, 48), for: "load platform") }
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("dockersdk-load-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true,
                                                attributes: [.posixPermissions: 0o700])
        let remove: @Sendable () -> Void = { try? FileManager.default.removeItem(atPath: folder) }
        let path = (folder as NSString).appendingPathComponent("images.tar")
        do {
            guard FileManager.default.createFile(atPath: path, contents: nil), let out = FileHandle(forWritingAtPath: path) else {
                throw DockerError.invalidArgument("cannot write \(path)")
            }
            defer { try? out.close() }
            for try await chunk in source { try out.write(contentsOf: chunk) }
        } catch {
            remove()
            if error is DockerError { throw error }
            throw DockerError.invalidArgument("cannot spool the images to load: \(error.localizedDescription)")
        }
        return try await load(.file(path), quiet: quiet, platforms: platforms, cleanup: remove)
    }

    private func load(_ source: ImportSource, quiet: Bool, platforms: [OCIPlatform],
                      cleanup: (@Sendable () -> Void)?) async throws -> LoadStream {
        var query = [QueryItem("quiet", quiet ? "1" : "0")]
        do {
            if !platforms.isEmpty { try await client.requireAPI(APIVersion(1, 48), for: "load platform") }
            for platform in platforms { query.append(QueryItem("platform", try platform.queryValue())) }
        } catch {
            cleanup?()
            throw error
        }
        let body: RequestBody = switch source {
        case .file(let path): .file(path: path, contentType: "application/x-tar")
        case .data(let data): .data(data, contentType: "application/x-tar")
        }
        if case .file(let path) = source, !FileManager.default.isReadableFile(atPath: path) {
            cleanup?()
            throw DockerError.invalidArgument("cannot read \(path)")
        }
        do {
            let response = try await client.openStream("POST", "/images/load", query: query, body: body)
            return LoadStream(lines: JSONLineStream(bytes: response.body, what: "image load"),
                              cleanup: cleanup.map(BuildStream.Cleanup.init), engine: await client.knownEngine)
        } catch {
            cleanup?()
            throw error
        }
    }
}
