/// The answer of `GET /system/df`.
public struct DiskUsage: Codable, Sendable, Equatable {
    /// Bytes used by image layers.
    public var layersSize: Int64?
    /// Every image, with sizes.
    public var images: [ImageSummary]?
    /// Every container, with sizes.
    public var containers: [ContainerSummary]?
    /// Every volume, with usage.
    public var volumes: [Volume]?
    /// Bytes used by the build cache.
    public var builderSize: Int64?

    enum CodingKeys: String, CodingKey {
        case layersSize = "LayersSize", images = "Images", containers = "Containers", volumes = "Volumes"
        case builderSize = "BuilderSize"
    }
}
