/// One container as `GET /containers/json` lists it (`ContainerSummary`).
public struct ContainerSummary: Codable, Sendable, Equatable {
    /// The container's ID.
    public var id: String
    /// Its names, each with a leading `/`.
    public var names: [String]?
    /// The image it was created from, as given.
    public var image: String
    /// The image's ID.
    public var imageID: String?
    /// The image manifest it was created from (API 1.48+, containerd image store).
    public var imageManifestDescriptor: OCIDescriptor?
    /// The command it runs.
    public var command: String?
    /// Creation time, seconds since 1970.
    public var created: Int64
    /// created, running, paused, restarting, removing, exited or dead.
    public var containerStatus: ContainerStatus
    /// Human-readable status, e.g. `Up 3 minutes`.
    public var status: String?
    /// Published ports.
    public var ports: [Port]?
    /// Labels.
    public var labels: [String: String]?
    /// Bytes written by the container (only when sizes are asked for).
    public var sizeRw: Int64?
    /// The size of its whole filesystem in bytes (only when sizes are asked for).
    public var sizeRootFs: Int64?
    /// Its network mode and annotations.
    public var hostConfig: HostConfigSummary?
    /// Networks and the container's addresses on them.
    public var networkSettings: NetworkSummary?
    /// Its mounts.
    public var mounts: [MountPoint]?
    /// Its health (API 1.52+).
    public var health: HealthSummary?

    /// `created`, `running`, `paused`, `restarting`, `removing`, `exited` or `dead`.
    @available(*, deprecated, renamed: "containerStatus")
    public var state: String {
        get { containerStatus.rawValue }
        set { containerStatus = ContainerStatus(rawValue: newValue) }
    }

    /// The first name, without its leading `/`.
    public var name: String? {
        names?.first.map { $0.hasPrefix("/") ? String($0.dropFirst()) : $0 }
    }

    /// A port the container exposes or publishes (`PortSummary`).
    public struct Port: Codable, Sendable, Equatable {
        /// The host address it is published on.
        public var ip: String?
        /// The container's port.
        public var privatePort: Int
        /// The host's port, when published.
        public var publicPort: Int?
        /// `tcp`, `udp` or `sctp`.
        public var type: String

        enum CodingKeys: String, CodingKey, CaseIterable {
            case ip = "IP", privatePort = "PrivatePort", publicPort = "PublicPort", type = "Type"
        }
    }

    /// The host-config part of a listed container.
    public struct HostConfigSummary: Codable, Sendable, Equatable {
        /// The network mode.
        public var networkMode: String?
        /// Annotations (API 1.46+).
        public var annotations: [String: String]?
        enum CodingKeys: String, CodingKey, CaseIterable { case networkMode = "NetworkMode", annotations = "Annotations" }
    }

    /// A listed container's health (API 1.52+).
    public struct HealthSummary: Codable, Sendable, Equatable {
        /// none, starting, healthy or unhealthy.
        public var healthStatus: HealthStatus?
        /// Consecutive failures.
        public var failingStreak: Int?
        enum CodingKeys: String, CodingKey, CaseIterable { case healthStatus = "Status", failingStreak = "FailingStreak" }
    }

    /// The networks part of a listed container.
    public struct NetworkSummary: Codable, Sendable, Equatable {
        /// Endpoints by network name.
        public var networks: [String: EndpointSummary]?
        enum CodingKeys: String, CodingKey, CaseIterable { case networks = "Networks" }
    }

    /// A listed container's endpoint on one network (an `EndpointSettings`).
    public struct EndpointSummary: Codable, Sendable, Equatable {
        /// The network's ID.
        public var networkID: String?
        /// The endpoint's ID.
        public var endpointID: String?
        /// The IPv4 address.
        public var ipAddress: String?
        /// The IPv4 prefix length.
        public var ipPrefixLen: Int?
        /// The gateway.
        public var gateway: String?
        /// The MAC address.
        public var macAddress: String?
        /// The global IPv6 address.
        public var globalIPv6Address: String?
        /// The global IPv6 prefix length.
        public var globalIPv6PrefixLen: Int?
        /// The IPv6 gateway.
        public var ipv6Gateway: String?
        /// Static addresses asked for.
        public var ipamConfig: EndpointIPAMConfig?
        /// Legacy links.
        public var links: [String]?
        /// Extra DNS names on this network.
        public var aliases: [String]?
        /// DNS names the container answers to (API 1.44+).
        public var dnsNames: [String]?
        /// Driver options.
        public var driverOpts: [String: String]?
        /// Default-route priority (API 1.48+).
        public var gwPriority: Int?

        enum CodingKeys: String, CodingKey, CaseIterable {
            case networkID = "NetworkID", endpointID = "EndpointID", ipAddress = "IPAddress", ipPrefixLen = "IPPrefixLen"
            case gateway = "Gateway", macAddress = "MacAddress", globalIPv6Address = "GlobalIPv6Address"
            case globalIPv6PrefixLen = "GlobalIPv6PrefixLen", ipv6Gateway = "IPv6Gateway", ipamConfig = "IPAMConfig"
            case links = "Links", aliases = "Aliases", dnsNames = "DNSNames", driverOpts = "DriverOpts"
            case gwPriority = "GwPriority"
        }
    }

    enum CodingKeys: String, CodingKey, CaseIterable {
        case id = "Id", names = "Names", image = "Image", imageID = "ImageID"
        case imageManifestDescriptor = "ImageManifestDescriptor", command = "Command", created = "Created"
        case containerStatus = "State", status = "Status", ports = "Ports", labels = "Labels", sizeRw = "SizeRw"
        case sizeRootFs = "SizeRootFs", hostConfig = "HostConfig", networkSettings = "NetworkSettings"
        case mounts = "Mounts", health = "Health"
    }
}
