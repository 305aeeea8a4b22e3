/// The answer of `GET /system/df`, in both its shapes: before API 1.52 flat lists (`LayersSize`,
/// `Images`, `Containers`, `Volumes`, `BuildCache`), from 1.52 one summary per kind (`ImageUsage`, ...)
/// whose `Items` the SDK asks for (`verbose=1`). `images`, `containers`, `volumes` and `buildCache`
/// read the lists from either shape.
public struct DiskUsage: Codable, Sendable, Equatable {
    /// Bytes used by image layers (before API 1.52).
    public var layersSize: Int64?
    /// Every image, with sizes.
    public var images: [ImageSummary]?
    /// Every container, with sizes.
    public var containers: [ContainerSummary]?
    /// Every volume, with usage.
    public var volumes: [Volume]?
    /// Build cache records.
    public var buildCache: [BuildCacheRecord]?
    /// Bytes used by the build cache (older daemons).
    public var builderSize: Int64?
    /// Image totals (API 1.52+).
    public var imageUsage: Usage<ImageSummary>?
    /// Container totals (API 1.52+).
    public var containerUsage: Usage<ContainerSummary>?
    /// Volume totals (API 1.52+).
    public var volumeUsage: Usage<Volume>?
    /// Build cache totals (API 1.52+).
    public var buildCacheUsage: Usage<BuildCacheRecord>?

    /// Counts and sizes for one kind of object (`ImagesDiskUsage`, `ContainersDiskUsage`, ...).
    public struct Usage<Item: Codable & Sendable & Equatable>: Codable, Sendable, Equatable {
        /// Objects in use.
        public var activeCount: Int64?
        /// All objects.
        public var totalCount: Int64?
        /// Bytes that removing unused objects would free.
        public var reclaimable: Int64?
        /// Bytes used.
        public var totalSize: Int64?
        /// The objects (with `verbose=1`).
        public var items: [Item]?
        enum CodingKeys: String, CodingKey, CaseIterable {
            case activeCount = "ActiveCount", totalCount = "TotalCount", reclaimable = "Reclaimable"
            case totalSize = "TotalSize", items = "Items"
        }
    }

    enum CodingKeys: String, CodingKey, CaseIterable {
        case layersSize = "LayersSize", images = "Images", containers = "Containers", volumes = "Volumes"
        case buildCache = "BuildCache", builderSize = "BuilderSize", imageUsage = "ImageUsage"
        case containerUsage = "ContainerUsage", volumeUsage = "VolumeUsage", buildCacheUsage = "BuildCacheUsage"
    }

    /// Decodes either shape of `GET /system/df`: the lists, or the usage summaries of API 1.52.
    public init(from decoder: Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        layersSize = try c.decodeIfPresent(Int64.self, forKey: .layersSize)
        builderSize = try c.decodeIfPresent(Int64.self, forKey: .builderSize)
        imageUsage = try c.decodeIfPresent(Usage<ImageSummary>.self, forKey: .imageUsage)
        containerUsage = try c.decodeIfPresent(Usage<ContainerSummary>.self, forKey: .containerUsage)
        volumeUsage = try c.decodeIfPresent(Usage<Volume>.self, forKey: .volumeUsage)
        buildCacheUsage = try c.decodeIfPresent(Usage<BuildCacheRecord>.self, forKey: .buildCacheUsage)
        images = try c.decodeIfPresent([ImageSummary].self, forKey: .images) ?? imageUsage?.items
        containers = try c.decodeIfPresent([ContainerSummary].self, forKey: .containers) ?? containerUsage?.items
        volumes = try c.decodeIfPresent([Volume].self, forKey: .volumes) ?? volumeUsage?.items
        buildCache = try c.decodeIfPresent([BuildCacheRecord].self, forKey: .buildCache) ?? buildCacheUsage?.items
    }

    /// Encodes the shape it was decoded from.
    public func encode(to encoder: Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encodeIfPresent(layersSize, forKey: .layersSize)
        try c.encodeIfPresent(builderSize, forKey: .builderSize)
        if imageUsage == nil { try c.encodeIfPresent(images, forKey: .images) }
        if containerUsage == nil { try c.encodeIfPresent(containers, forKey: .containers) }
        if volumeUsage == nil { try c.encodeIfPresent(volumes, forKey: .volumes) }
        if buildCacheUsage == nil { try c.encodeIfPresent(buildCache, forKey: .buildCache) }
        try c.encodeIfPresent(imageUsage, forKey: .imageUsage)
        try c.encodeIfPresent(containerUsage, forKey: .containerUsage)
        try c.encodeIfPresent(volumeUsage, forKey: .volumeUsage)
        try c.encodeIfPresent(buildCacheUsage, forKey: .buildCacheUsage)
    }
}

/// One build cache record (`BuildCache`).
public struct BuildCacheRecord: Codable, Sendable, Equatable {
    /// The record's ID.
    public var id: String
    /// Parent records (API 1.42+; `parent` before).
    public var parents: [String]?
    /// The parent record (before API 1.42).
    public var parent: String?
    /// `internal`, `frontend`, `source.local`, `source.git.checkout`, `exec.cachemount`, `regular`.
    public var type: String?
    /// What it holds.
    public var description: String?
    /// Whether a build uses it now.
    public var inUse: Bool?
    /// Whether it is shared.
    public var shared: Bool?
    /// Bytes used.
    public var size: Int64?
    /// Creation time, RFC 3339.
    public var createdAt: String?
    /// When last used, RFC 3339.
    public var lastUsedAt: String?
    /// How many times it was used.
    public var usageCount: Int?

    enum CodingKeys: String, CodingKey, CaseIterable {
        case id = "ID", parents = "Parents", parent = "Parent", type = "Type", description = "Description"
        case inUse = "InUse", shared = "Shared", size = "Size", createdAt = "CreatedAt", lastUsedAt = "LastUsedAt"
        case usageCount = "UsageCount"
    }
}
