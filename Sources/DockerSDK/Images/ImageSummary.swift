/// One image as `GET /images/json` lists it.
public struct ImageSummary: Codable, Sendable, Equatable {
    /// The image ID, `sha256:...`.
    public var id: String
    /// The parent image's ID, empty when none.
    public var parentID: String?
    /// `repo:tag` references; `nil` or empty for dangling images.
    public var repoTags: [String]?
    /// `repo@sha256:...` digests.
    public var repoDigests: [String]?
    /// Creation time, seconds since 1970.
    public var created: Int64
    /// Size in bytes.
    public var size: Int64
    /// Bytes shared with other images (-1 when not computed).
    public var sharedSize: Int64?
    /// Labels.
    public var labels: [String: String]?
    /// Containers using it (-1 when not computed).
    public var containers: Int?

    enum CodingKeys: String, CodingKey {
        case id = "Id", parentID = "ParentId", repoTags = "RepoTags", repoDigests = "RepoDigests"
        case created = "Created", size = "Size", sharedSize = "SharedSize", labels = "Labels", containers = "Containers"
    }
}
