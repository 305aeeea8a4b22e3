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

    /// A listed container's endpoint on one network.
    public struct EndpointSummary: Codable, Sendable, Equatable {
        /// The network's ID.
        public var networkID: String?
        /// The IPv4 address.
        public var ipAddress: String?
        /// The gateway.
        public var gateway: String?
        /// The MAC address.
        public var macAddress: String?

        enum CodingKeys: String, CodingKey {
            case networkID = "NetworkID", ipAddress = "IPAddress", gateway = "Gateway", macAddress = "MacAddress"
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
