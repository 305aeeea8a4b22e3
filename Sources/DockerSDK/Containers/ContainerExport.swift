extension ContainersAPI {
    /// The container's whole file system as a tar archive that streams as it comes
    /// (`GET /containers/{id}/export`, `docker export`): an `AsyncSequence` of `Data` chunks.
    public func export(_ id: String) async throws -> ByteStream {
        try await client.openStream("GET", "/containers/\(Self.escape(id))/export").body
    }

    /// Writes the container's file system as a tar archive to `file` (`docker export -o FILE`), streamed
    /// to disk, and returns the bytes written. A failed transfer leaves no partial file.
    @discardableResult
    public func export(_ id: String, to file: String) async throws -> Int64 {
        try await StreamFiles.write(try await export(id), to: file, what: "the export of container \(id)")
    }
}
