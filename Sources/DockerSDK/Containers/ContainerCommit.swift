import Foundation

/// How `commit` makes an image of a container (`POST /commit`, `docker commit`).
public struct CommitOptions: Sendable, Equatable {
    /// The commit message (`-m`), shown by `docker history`.
    public var comment: String?
    /// The author (`-a`), e.g. `Jane <jane@example.com>`.
    public var author: String?
    /// Dockerfile instructions applied to the image's config (`-c`), e.g. `CMD ["sh"]`, `ENV A=1`,
    /// `LABEL k=v`; the daemon accepts CMD, ENTRYPOINT, ENV, EXPOSE, LABEL, ONBUILD, USER, VOLUME, WORKDIR.
    public var changes: [String]
    /// Pause the container while committing (`-p`, on by default as in the CLI).
    public var pause: Bool
    /// A container configuration for the image, applied before `changes`.
    public var config: ContainerConfig?

    /// Creates commit options.
    public init(comment: String? = nil, author: String? = nil, changes: [String] = [], pause: Bool = true,
                config: ContainerConfig? = nil) {
        self.comment = comment
        self.author = author
        self.changes = changes
        self.pause = pause
        self.config = config
    }
}

extension ContainersAPI {
    /// Makes an image of the container's file system and settings (`docker commit`) and returns its ID
    /// (`sha256:...`). With `reference` (`repo[:tag]`), the image is tagged; without, it is untagged.
    @discardableResult
    public func commit(_ id: String, as reference: String? = nil,
                       options: CommitOptions = CommitOptions()) async throws -> String {
        var query = [QueryItem("container", id)]
        if let reference {
            guard !reference.isEmpty, !reference.contains(where: \.isWhitespace) else {
                throw DockerError.invalidArgument("\"\(reference)\" is not an image reference (repo[:tag])")
            }
            let (repository, tag) = ImageReference.split(reference)
            query.append(QueryItem("repo", repository))
            if let tag { query.append(QueryItem("tag", tag)) }
        }
        if let comment = options.comment { query.append(QueryItem("comment", comment)) }
        if let author = options.author { query.append(QueryItem("author", author)) }
        query.append(QueryItem("pause", options.pause ? "1" : "0"))
        for change in options.changes { query.append(QueryItem("changes", change)) }
        struct Created: Decodable { let Id: String }
        // Always a JSON body (`{}` without a config): the daemon refuses curl's default form content type.
        // A commit takes as long as the container's changes take to write: no unary time limit.
        let id = try await client.decode(Created.self, "POST", "/commit", query: query,
                                         body: try .json(options.config ?? ContainerConfig()), longRunning: true).Id
        return EngineCompatibility.imageID(id)
    }
}
