import Foundation

/// A path's metadata in a container, from the `X-Docker-Container-Path-Stat` header of
/// `HEAD /containers/{id}/archive` (and of `GET`).
public struct ContainerPathStat: Codable, Sendable, Equatable {
    /// The last path component, e.g. `redis.conf`.
    public var name: String
    /// The size in bytes (for a folder, what the file system reports for it).
    public var size: Int64
    /// The mode as Go's `os.FileMode`: permission bits plus type bits (`kind` reads them).
    public var mode: UInt32
    /// The modification time as sent, RFC 3339 with nanoseconds.
    public var mtime: String
    /// The target, for a symbolic link; empty otherwise.
    public var linkTarget: String?

    /// What kind of file system object the path is.
    public enum Kind: Sendable, Equatable {
        /// A regular file.
        case file
        /// A folder.
        case directory
        /// A symbolic link (`linkTarget` says where to).
        case symlink
        /// A device, pipe, socket or other special file.
        case other
    }

    /// The kind, from Go's `os.FileMode` type bits.
    public var kind: Kind {
        if mode & Self.modeDir != 0 { return .directory }
        if mode & Self.modeSymlink != 0 { return .symlink }
        if mode & Self.typeBits == 0 { return .file }
        return .other
    }

    /// The Unix permission bits, e.g. `0o644`.
    public var permissions: Int { Int(mode & 0o777) }

    /// The modification time as a date; nil when the daemon sent something that is not RFC 3339.
    public var modificationDate: Date? { Self.parseDate(mtime) }

    /// Creates a stat value (for tests and replays).
    public init(name: String, size: Int64, mode: UInt32, mtime: String, linkTarget: String? = nil) {
        self.name = name
        self.size = size
        self.mode = mode
        self.mtime = mtime
        self.linkTarget = linkTarget
    }

    // Go's os.FileMode: ModeDir 1<<31, ModeSymlink 1<<27; the type bits are those two plus
    // named pipe, socket, device, char device and irregular.
    static let modeDir: UInt32 = 1 << 31
    static let modeSymlink: UInt32 = 1 << 27
    static let typeBits: UInt32 = (1 << 31) | (1 << 27) | (1 << 26) | (1 << 25) | (1 << 24) | (1 << 21) | (1 << 19)

    /// Decodes the header's value: base64 of a JSON object.
    public static func decodeHeader(_ value: String) throws -> ContainerPathStat {
        guard let json = Data(base64Encoded: value.trimmingCharacters(in: .whitespaces)) else {
            throw DockerError.malformedResponse("X-Docker-Container-Path-Stat is not base64 (\(value.count) characters)")
        }
        var stat = try JSONCoding.decode(ContainerPathStat.self, from: json, what: "X-Docker-Container-Path-Stat")
        // Podman puts the resolved path itself in linkTarget for what is not a link; Docker leaves it empty.
        if stat.kind != .symlink, !(stat.linkTarget ?? "").isEmpty { stat.linkTarget = "" }
        return stat
    }

    static let headerName = "X-Docker-Container-Path-Stat"

    private static func parseDate(_ text: String) -> Date? {
        let formatter = ISO8601DateFormatter()
        formatter.formatOptions = [.withInternetDateTime, .withFractionalSeconds]
        // ISO8601DateFormatter takes at most milliseconds: cut nanoseconds down to three digits.
        var trimmed = text
        if let dot = text.firstIndex(of: "."),
           let end = text[dot...].firstIndex(where: { $0 == "Z" || $0 == "+" || $0 == "-" }) {
            let digits = text[text.index(after: dot)..<end]
            trimmed = String(text[..<dot]) + "." + String(digits.prefix(3)).padding(toLength: 3, withPad: "0", startingAt: 0)
                + String(text[end...])
        }
        if let date = formatter.date(from: trimmed) { return date }
        formatter.formatOptions = [.withInternetDateTime]
        return formatter.date(from: text)
    }
}

/// A tar archive of a path in a container, streamed as it comes: an `AsyncSequence` of `Data` chunks.
public struct ContainerArchiveStream: AsyncSequence, Sendable {
    /// A chunk of the tar archive.
    public typealias Element = Data
    /// The archived path's metadata, from the response header (nil if the daemon sent none).
    public let stat: ContainerPathStat?
    /// The tar bytes.
    public let bytes: ByteStream

    /// Wraps a tar byte stream.
    public init(stat: ContainerPathStat?, bytes: ByteStream) {
        self.stat = stat
        self.bytes = bytes
    }

    /// Stops the transfer.
    public func cancel() { bytes.cancel() }

    /// Iterates the archive's chunks; dropping the iterator aborts the transfer.
    public func makeAsyncIterator() -> ByteStream.Iterator { bytes.makeAsyncIterator() }
}

/// Options for extracting an archive into a container (`PUT /containers/{id}/archive`).
public struct PutArchiveOptions: Sendable, Equatable {
    /// Fail instead of replacing a folder by a non-folder (or the reverse).
    public var noOverwriteDirNonDir: Bool
    /// Give the extracted files the container's user and group instead of the archive's (`docker cp -a`).
    public var copyUIDGID: Bool

    /// Creates options; both off by default, as for `docker cp`.
    public init(noOverwriteDirNonDir: Bool = false, copyUIDGID: Bool = false) {
        self.noOverwriteDirNonDir = noOverwriteDirNonDir
        self.copyUIDGID = copyUIDGID
    }

    var query: [QueryItem] {
        var query: [QueryItem] = []
        if noOverwriteDirNonDir { query.append(QueryItem("noOverwriteDirNonDir", "1")) }
        if copyUIDGID { query.append(QueryItem("copyUIDGID", "1")) }
        return query
    }
}

extension ContainersAPI {
    /// A path's metadata in the container (`HEAD /containers/{id}/archive`); a missing path is `.notFound`.
    public func stat(_ id: String, path: String) async throws -> ContainerPathStat {
        let response: DockerResponse
        do {
            response = try await client.send("HEAD", "/containers/\(Self.escape(id))/archive",
                                             query: [QueryItem("path", path)])
        } catch DockerError.notFound(let message) {
            // A HEAD answer has no body: say what was not found.
            throw DockerError.notFound(message: message == HTTPStatus.reason(404)
                ? "no such container or path: \(path) in container \(id)" : message)
        }
        guard let header = response.headers[ContainerPathStat.headerName] else {
            throw DockerError.malformedResponse("HEAD archive of \(path): no \(ContainerPathStat.headerName) header")
        }
        return try ContainerPathStat.decodeHeader(header)
    }

    /// Downloads `path` from the container as a tar archive that streams as it comes
    /// (`GET /containers/{id}/archive`); a missing path is `.notFound`.
    public func archive(_ id: String, path: String) async throws -> ContainerArchiveStream {
        let response = try await client.openStream("GET", "/containers/\(Self.escape(id))/archive",
                                                   query: [QueryItem("path", path)])
        let stat = try response.headers[ContainerPathStat.headerName].map(ContainerPathStat.decodeHeader)
        return ContainerArchiveStream(stat: stat, bytes: response.body)
    }

    /// Downloads `path` from the container as a tar archive into the file `file`, streamed to disk,
    /// and returns the path's metadata. A failed transfer leaves no partial file.
    @discardableResult
    public func getArchive(_ id: String, path: String, to file: String) async throws -> ContainerPathStat? {
        let stream = try await archive(id, path: path)
        _ = try await StreamFiles.write(stream.bytes, to: file, what: "the archive of \(path)")
        return stream.stat
    }

    /// Extracts the tar archive in the file `file` into the folder `path` in the container (which must
    /// exist), streamed from disk.
    public func putArchive(_ id: String, path: String, file: String,
                           options: PutArchiveOptions = PutArchiveOptions()) async throws {
        guard FileManager.default.isReadableFile(atPath: file) else {
            throw DockerError.invalidArgument("cannot read the archive \(file)")
        }
        // Bound by the archive's size, not by the unary time limit.
        _ = try await client.send("PUT", "/containers/\(Self.escape(id))/archive",
                                  query: [QueryItem("path", path)] + options.query,
                                  body: .file(path: file, contentType: "application/x-tar"), longRunning: true)
    }

    /// Extracts a tar archive that arrives as chunks (e.g. another container's `archive`) into the folder
    /// `path` in the container. The chunks are spooled to a temporary file first, never held in memory.
    public func putArchive<S: AsyncSequence>(_ id: String, path: String, stream: S,
                                             options: PutArchiveOptions = PutArchiveOptions()) async throws
        where S.Element == Data
    {
        try await StreamFiles.withSpooled(stream, name: "archive.tar") { file in
            try await putArchive(id, path: path, file: file, options: options)
        }
    }
}
