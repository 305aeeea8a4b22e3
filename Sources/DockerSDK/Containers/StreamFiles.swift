import Foundation

/// Moving streamed bodies to and from files without holding them in memory.
enum StreamFiles {
    /// Writes every chunk of `chunks` to `path`, returning the bytes written.
    ///
    /// The data goes to a temporary file beside `path`, renamed over it only once the stream ended
    /// well: a failed or cancelled transfer leaves no half-written file (and an older file intact).
    static func write<S: AsyncSequence>(_ chunks: S, to path: String, what: String) async throws -> Int64
        where S.Element == Data
    {
        let target = URL(fileURLWithPath: path)
        let partial = target.deletingLastPathComponent()
            .appendingPathComponent(".\(target.lastPathComponent).partial-\(UUID().uuidString.prefix(8))")
        guard FileManager.default.createFile(atPath: partial.path, contents: nil),
              let handle = FileHandle(forWritingAtPath: partial.path) else {
            throw DockerError.invalidArgument("cannot write \(what) to \(path): cannot create a file in \(target.deletingLastPathComponent().path)")
        }
        var written: Int64 = 0
        do {
            for try await chunk in chunks {
                try handle.write(contentsOf: chunk)
                written += Int64(chunk.count)
            }
            try handle.close()
            guard rename(partial.path, target.path) == 0 else {
                throw DockerError.invalidArgument("cannot write \(what) to \(path): \(String(cString: strerror(errno)))")
            }
        } catch {
            try? handle.close()
            try? FileManager.default.removeItem(at: partial)
            if error is DockerError || error is CancellationError { throw error }
            throw DockerError.invalidArgument("cannot write \(what) to \(path): \(error.localizedDescription)")
        }
        return written
    }

    /// Spools `chunks` into a fresh temporary folder as `name`, runs `body` with the file's path, then
    /// removes the folder, whether `body` returned or threw.
    ///
    /// The file keeps the same name on every run, so a recorded request (`<file NAME>`) replays.
    static func withSpooled<S: AsyncSequence, T>(
        _ chunks: S, name: String, _ body: (String) async throws -> T
    ) async throws -> T where S.Element == Data {
        let folder = FileManager.default.temporaryDirectory
            .appendingPathComponent("dockersdk-spool-\(UUID().uuidString)", isDirectory: true)
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: false)
        defer { try? FileManager.default.removeItem(at: folder) }
        let path = folder.appendingPathComponent(name).path
        _ = try await write(chunks, to: path, what: name)
        return try await body(path)
    }
}
