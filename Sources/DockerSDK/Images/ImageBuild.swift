import Foundation

/// How `POST /build` builds (`docker build` flags; names from the Engine API).
///
/// The SDK always asks for the classic builder (`version=1`), which dockerd 20.10 serves and newer
/// daemons still accept (deprecated there). BuildKit (`version=2`) needs its gRPC session protocol
/// over a hijacked `/session` connection, which is out of scope, so it is not offered.
public struct BuildOptions: Sendable, Equatable {
    /// `-t`: names for the result, `repo:tag` (repeatable).
    public var tags: [String]
    /// `-f`: the Dockerfile's path inside the context (default `Dockerfile`).
    public var dockerfile: String?
    /// `--build-arg`: values for `ARG` instructions.
    public var buildArgs: [String: String]
    /// `--target`: the stage to build in a multi-stage Dockerfile.
    public var target: String?
    /// `--label`: labels on the result.
    public var labels: [String: String]
    /// `--no-cache`: run every step again.
    public var noCache: Bool
    /// `--pull`: pull newer base images first.
    public var pull: Bool
    /// `--rm` (default true): remove intermediate containers after a successful build.
    public var removeIntermediate: Bool
    /// `--force-rm`: remove intermediate containers also after a failed step.
    public var forceRemoveIntermediate: Bool
    /// `--network`: the network mode of `RUN` steps (`bridge`, `host`, `none`, a network name).
    public var networkMode: String?
    /// `--add-host`: `host:ip` lines added to `/etc/hosts` of `RUN` steps.
    public var extraHosts: [String]
    /// `--platform`: e.g. `linux/amd64`.
    public var platform: String?
    /// `--cache-from`: images to consider as cache sources.
    public var cacheFrom: [String]
    /// `-q`: only the image ID in the output.
    public var quiet: Bool
    /// Credentials for the registries base images come from (sent as `X-Registry-Config`), keyed by
    /// registry, e.g. from `DockerConfigFile.allCredentials()`.
    public var registryCredentials: [String: RegistryAuth]

    /// Creates build options.
    public init(tags: [String] = [], dockerfile: String? = nil, buildArgs: [String: String] = [:], target: String? = nil,
                labels: [String: String] = [:], noCache: Bool = false, pull: Bool = false, removeIntermediate: Bool = true,
                forceRemoveIntermediate: Bool = false, networkMode: String? = nil, extraHosts: [String] = [],
                platform: String? = nil, cacheFrom: [String] = [], quiet: Bool = false,
                registryCredentials: [String: RegistryAuth] = [:]) {
        self.tags = tags
        self.dockerfile = dockerfile
        self.buildArgs = buildArgs
        self.target = target
        self.labels = labels
        self.noCache = noCache
        self.pull = pull
        self.removeIntermediate = removeIntermediate
        self.forceRemoveIntermediate = forceRemoveIntermediate
        self.networkMode = networkMode
        self.extraHosts = extraHosts
        self.platform = platform
        self.cacheFrom = cacheFrom
        self.quiet = quiet
        self.registryCredentials = registryCredentials
    }

    /// The query of `POST /build`.
    func query() throws -> [QueryItem] {
        var query = [QueryItem("version", "1")]
        for tag in tags {
            guard !tag.isEmpty, !tag.contains(where: \.isWhitespace) else {
                throw DockerError.invalidArgument("bad image tag \"\(tag)\"")
            }
            query.append(QueryItem("t", tag))
        }
        if let dockerfile { query.append(QueryItem("dockerfile", DockerIgnore.clean(dockerfile))) }
        if !buildArgs.isEmpty { query.append(QueryItem("buildargs", try Self.json(buildArgs))) }
        if let target { query.append(QueryItem("target", target)) }
        if !labels.isEmpty { query.append(QueryItem("labels", try Self.json(labels))) }
        if noCache { query.append(QueryItem("nocache", "1")) }
        if pull { query.append(QueryItem("pull", "1")) }
        query.append(QueryItem("rm", removeIntermediate ? "1" : "0"))
        if forceRemoveIntermediate { query.append(QueryItem("forcerm", "1")) }
        if let networkMode { query.append(QueryItem("networkmode", networkMode)) }
        for host in extraHosts {
            guard host.contains(":") else { throw DockerError.invalidArgument("extra host \"\(host)\" is not HOST:IP") }
            query.append(QueryItem("extrahosts", host))
        }
        if let platform { query.append(QueryItem("platform", platform)) }
        if !cacheFrom.isEmpty { query.append(QueryItem("cachefrom", try Self.json(cacheFrom))) }
        if quiet { query.append(QueryItem("q", "1")) }
        return query
    }

    /// The `X-Registry-Config` header: base64url of the JSON map of credentials by registry.
    func registryConfigHeader() throws -> String? {
        guard !registryCredentials.isEmpty else { return nil }
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        return try encoder.encode(registryCredentials).base64EncodedString()
            .replacingOccurrences(of: "+", with: "-").replacingOccurrences(of: "/", with: "_")
    }

    private static func json<T: Encodable>(_ value: T) throws -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        return String(decoding: try encoder.encode(value), as: UTF8.self)
    }
}

/// A `Step N/M : INSTRUCTION` line of the classic builder.
public struct BuildStep: Sendable, Equatable, CustomStringConvertible {
    /// The step's number, from 1.
    public var number: Int
    /// How many steps the build has.
    public var total: Int
    /// The instruction, e.g. `RUN make`.
    public var instruction: String

    /// Creates a step.
    public init(number: Int, total: Int, instruction: String) {
        self.number = number
        self.total = total
        self.instruction = instruction
    }

    /// Parses `Step 3/5 : RUN make` (and Podman's Buildah form, `[1/2] STEP 3/5: RUN make`, numbered
    /// within its stage); nil for any other line.
    public init?(line: String) {
        if let step = EngineCompatibility.buildahStep(line) {
            self = step
            return
        }
        guard line.hasPrefix("Step "), let colon = line.range(of: " : ") else { return nil }
        let numbers = line[line.index(line.startIndex, offsetBy: 5)..<colon.lowerBound].split(separator: "/")
        guard numbers.count == 2, let number = Int(numbers[0]), let total = Int(numbers[1]) else { return nil }
        self.init(number: number, total: total, instruction: String(line[colon.upperBound...]))
    }

    /// `Step 3/5 : RUN make`, as the builder prints it.
    public var description: String { "Step \(number)/\(total) : \(instruction)" }
}

/// One event of a build, in the order the daemon reports them.
public enum BuildEvent: Sendable, Equatable {
    /// A step starts.
    case step(BuildStep)
    /// A line of output: the builder's (` ---> Running in ...`) or a `RUN` command's, without its newline.
    case output(String)
    /// The ID of an image the build produced (`aux`); the last one is the result.
    case imageID(String)
    /// Pull progress while a base image is fetched (`--pull` or a missing `FROM` image).
    case progress(ProgressEvent)
}

/// What a finished build produced.
public struct BuildResult: Sendable, Equatable {
    /// The image built, `sha256:...`.
    public var imageID: String
    /// The steps run, in order.
    public var steps: [BuildStep]
    /// The output lines.
    public var output: [String]
}

/// The events of a build; an error line ends it with `DockerError.buildFailed` naming the step.
public struct BuildStream: AsyncSequence, Sendable {
    /// One event of the build.
    public typealias Element = BuildEvent
    let lines: JSONLineStream<StreamMessage>
    let cleanup: Cleanup?

    init(lines: JSONLineStream<StreamMessage>, cleanup: (@Sendable () -> Void)?) {
        self.lines = lines
        self.cleanup = cleanup.map(Cleanup.init)
    }

    /// Stops the build's transfer (the daemon stops the build when the connection closes).
    public func cancel() {
        lines.cancel()
    }

    /// Reads to the end; throws on an error line, or when no image ID was reported.
    public func wait() async throws -> BuildResult {
        var steps: [BuildStep] = []
        var output: [String] = []
        var imageID: String?
        var shortID: String?
        for try await event in self {
            switch event {
            case .step(let step): steps.append(step)
            case .output(let line):
                output.append(line)
                if line.hasPrefix("Successfully built ") { shortID = String(line.dropFirst("Successfully built ".count)) }
            case .imageID(let id): imageID = id
            case .progress: break
            }
        }
        // Quiet builds answer with the ID as their only output line.
        if imageID == nil, let last = output.last, last.hasPrefix("sha256:") { imageID = last }
        // Podman's quiet builds print the bare hex ID.
        if imageID == nil, let last = output.last, EngineCompatibility.imageID(last) != last {
            imageID = EngineCompatibility.imageID(last)
            output[output.count - 1] = EngineCompatibility.imageID(last)
        }
        guard let id = imageID ?? shortID else {
            throw DockerError.malformedResponse("the build ended without naming the image it built")
        }
        return BuildResult(imageID: id, steps: steps, output: output)
    }

    /// Iterates the build's events.
    public func makeAsyncIterator() -> Iterator {
        Iterator(base: lines.makeAsyncIterator(), cleanup: cleanup)
    }

    /// Removes the temporary context once the stream and its iterators are gone (the upload holds
    /// the file open, so removing it early is harmless).
    final class Cleanup: Sendable {
        let action: @Sendable () -> Void
        init(_ action: @escaping @Sendable () -> Void) { self.action = action }
        deinit { action() }
    }

    /// Yields events; the step being run is remembered for the error.
    public struct Iterator: AsyncIteratorProtocol {
        var base: JSONLineStream<StreamMessage>.Iterator
        let cleanup: Cleanup?
        var pending: [BuildEvent] = []
        var partial = ""
        var step: BuildStep?
        var finished = false

        /// Text longer than this without a newline is handed out as it is.
        static let maxPartialLine = 64 << 10

        /// The next event; nil at the end; an error line throws `DockerError.buildFailed`.
        public mutating func next() async throws -> BuildEvent? {
            while true {
                if !pending.isEmpty { return pending.removeFirst() }
                if finished { return nil }
                guard let message = try await base.next() else {
                    finished = true
                    if !partial.isEmpty { take(line: partial) }
                    partial = ""
                    continue
                }
                if let error = message.errorMessage {
                    if !partial.isEmpty { take(line: partial) }
                    partial = ""
                    finished = true
                    throw DockerError.buildFailed(step: step, message: error,
                                                  code: message.errorDetail?.code ?? EngineCompatibility.buildExitCode(error))
                }
                if let text = message.stream { take(text: text) }
                if let id = message.aux?.id { pending.append(.imageID(id)) }
                if message.stream == nil, message.aux == nil, message.status != nil || message.progressDetail != nil {
                    pending.append(.progress(message.progressEvent))
                }
            }
        }

        private mutating func take(text: String) {
            partial += text
            while let newline = partial.firstIndex(of: "\n") {
                let line = String(partial[..<newline])
                partial = String(partial[partial.index(after: newline)...])
                take(line: line)
            }
            if partial.utf8.count > Self.maxPartialLine {
                take(line: partial)
                partial = ""
            }
        }

        private mutating func take(line: String) {
            let line = line.hasSuffix("\r") ? String(line.dropLast()) : line
            if let parsed = BuildStep(line: line) {
                step = parsed
                pending.append(.step(parsed))
            } else {
                pending.append(.output(line))
            }
        }
    }
}

extension ImagesAPI {
    /// Builds an image (`docker build`) with the classic builder; events stream as the build runs.
    ///
    /// A folder context is written as a tar to a temporary file first (honouring `.dockerignore`)
    /// and streamed from disk; the file is removed when the stream ends or is dropped.
    public func build(_ context: BuildContext, options: BuildOptions = BuildOptions()) async throws -> BuildStream {
        var query = try options.query()
        if !options.extraHosts.isEmpty {
            _ = try await client.apiVersion()
            query = try EngineCompatibility.buildQuery(query, engine: await client.knownEngine)
        }
        var headers: [String: String] = [:]
        if let config = try options.registryConfigHeader() { headers["X-Registry-Config"] = config }
        let body: RequestBody
        var cleanup: (@Sendable () -> Void)?
        switch context {
        case .directory(let path):
            let folder = FileManager.default.temporaryDirectory
                .appendingPathComponent("dockersdk-build-\(UUID().uuidString)").path
            try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true,
                                                    attributes: [.posixPermissions: 0o700])
            let remove: @Sendable () -> Void = { try? FileManager.default.removeItem(atPath: folder) }
            do {
                // A fixed name inside a unique folder: recorded fixtures stay comparable.
                let tar = (folder as NSString).appendingPathComponent("build-context.tar")
                try BuildContextWriter(directory: path, dockerfile: options.dockerfile ?? "Dockerfile").write(to: tar)
                body = .file(path: tar, contentType: "application/x-tar")
            } catch {
                remove()
                throw error
            }
            cleanup = remove
        case .tarFile(let path):
            guard FileManager.default.isReadableFile(atPath: path) else {
                throw DockerError.invalidArgument("cannot read the build context \(path)")
            }
            body = .file(path: path, contentType: "application/x-tar")
        case .tarData(let data):
            body = .data(data, contentType: "application/x-tar")
        }
        do {
            let response = try await client.openStream("POST", "/build", query: query, body: body, headers: headers)
            return BuildStream(lines: JSONLineStream(bytes: response.body, what: "image build"), cleanup: cleanup)
        } catch {
            cleanup?()
            throw error
        }
    }

    /// Removes the build cache (`docker builder prune`); `all` also removes cache records in use
    /// internally, `keepStorage` keeps that many bytes (sent as `keep-storage` before API 1.48 and
    /// as its successor `reserved-space` from 1.48). `maxUsedSpace` and `minFreeSpace` need API 1.48:
    /// on an older daemon they are `.unsupportedAPIVersion` naming that version, and nothing is sent.
    public func pruneBuildCache(all: Bool = false, keepStorage: Int64? = nil, maxUsedSpace: Int64? = nil,
                                minFreeSpace: Int64? = nil, filters: Filters = Filters()) async throws -> BuildCachePruneResult {
        let version = try await client.apiVersion()
        let spaceOptions = APIVersion(1, 48)
        var query: [QueryItem] = []
        if all { query.append(QueryItem("all", "1")) }
        if let keepStorage {
            query.append(QueryItem(version >= spaceOptions ? "reserved-space" : "keep-storage", String(keepStorage)))
        }
        for (name, value) in [("max-used-space", maxUsedSpace), ("min-free-space", minFreeSpace)] {
            guard let value else { continue }
            try await client.requireAPI(spaceOptions, for: name)
            query.append(QueryItem(name, String(value)))
        }
        if let filter = filters.queryItem { query.append(filter) }
        return try await client.decode(BuildCachePruneResult.self, "POST", "/build/prune", query: query)
    }
}

/// The answer of `POST /build/prune`.
public struct BuildCachePruneResult: Codable, Sendable, Equatable {
    /// IDs of the cache records removed.
    public var cachesDeleted: [String]?
    /// Bytes freed.
    public var spaceReclaimed: Int64

    /// Creates a result.
    public init(cachesDeleted: [String]? = nil, spaceReclaimed: Int64 = 0) {
        self.cachesDeleted = cachesDeleted
        self.spaceReclaimed = spaceReclaimed
    }

    enum CodingKeys: String, CodingKey { case cachesDeleted = "CachesDeleted", spaceReclaimed = "SpaceReclaimed" }
}
