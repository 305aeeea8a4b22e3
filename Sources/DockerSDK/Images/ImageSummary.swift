/// One image as `GET /images/json` lists it (`ImageSummary`).
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
    /// Size in bytes with shared layers (gone from API 1.44).
    public var virtualSize: Int64?
    /// Labels.
    public var labels: [String: String]?
    /// Containers using it (-1 when not computed).
    public var containers: Int?
    /// The manifests of a multi-platform image (API 1.47+, with `manifests=1`).
    public var manifests: [ImageManifestSummary]?
    /// The image's OCI descriptor (API 1.48+).
    public var descriptor: OCIDescriptor?

    enum CodingKeys: String, CodingKey, CaseIterable {
        case id = "Id", parentID = "ParentId", repoTags = "RepoTags", repoDigests = "RepoDigests"
        case created = "Created", size = "Size", sharedSize = "SharedSize", virtualSize = "VirtualSize"
        case labels = "Labels", containers = "Containers", manifests = "Manifests", descriptor = "Descriptor"
    }
}
