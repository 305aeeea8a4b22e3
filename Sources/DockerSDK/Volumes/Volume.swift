/// A volume as `GET /volumes` and `GET /volumes/{name}` describe it.
public struct Volume: Codable, Sendable, Equatable {
    /// The volume's name.
    public var name: String
    /// The volume driver, e.g. `local`.
    public var driver: String
    /// Where the volume's data is on the host.
    public var mountpoint: String
    /// Creation time, RFC 3339.
    public var createdAt: String?
    /// Labels.
    public var labels: [String: String]?
    /// `local` or `global`.
    public var scope: String?
    /// Driver options.
    public var options: [String: String]?
    /// Driver-specific status.
    public var status: [String: JSONValue]?
    /// Size and reference count (only from `/system/df`).
    public var usageData: UsageData?

    /// How much a volume holds and how many containers use it.
    public struct UsageData: Codable, Sendable, Equatable {
        /// Bytes used, -1 when not computed.
        public var size: Int64
        /// Containers referring to it, -1 when not computed.
        public var refCount: Int64
        enum CodingKeys: String, CodingKey, CaseIterable { case size = "Size", refCount = "RefCount" }
    }

    enum CodingKeys: String, CodingKey, CaseIterable {
        case name = "Name", driver = "Driver", mountpoint = "Mountpoint", createdAt = "CreatedAt", labels = "Labels"
        case scope = "Scope", options = "Options", status = "Status", usageData = "UsageData"
    }

    static let specLeftOut = ["ClusterVolume": "Swarm cluster volumes (CSI) belong to the Swarm API, out of scope"]
}
