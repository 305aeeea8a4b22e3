import Foundation

extension ContainersAPI {
    /// Downloads `path` from the container as a tar archive that streams as it comes, for archives
    /// larger than `DockerClient.Configuration.maxResponseBodySize` (`getArchive` holds the whole
    /// archive in memory); a missing path is `.notFound`.
    public func archiveStream(_ id: String, path: String) async throws -> ByteStream {
        try await client.openStream("GET", "/containers/\(Self.escape(id))/archive", query: [QueryItem("path", path)]).body
    }
}
