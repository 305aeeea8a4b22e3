/// One container as `GET /containers/json` lists it.
public struct ContainerSummary: Codable, Sendable, Equatable {
    /// The container's ID.
    public var id: String
    /// Its names, each with a leading `/`.
    public var names: [String]?
    /// The image it was created from, as given.
    public var image: String
    /// The image's ID.
    public var imageID: String?
    /// The command it runs.
    public var command: String?
    /// Creation time, seconds since 1970.
    public var created: Int64
    /// `created`, `running`, `paused`, `restarting`, `removing`, `exited` or `dead`.
    public var state: String
    /// Human-readable status, e.g. `Up 3 minutes`.
    public var status: String?
    /// Published ports.
    public var ports: [Port]?
    /// Labels.
    public var labels: [String: String]?
    /// Bytes written by the container (only when sizes are asked for).
    public var sizeRw: Int64?
    /// Networks and the container's addresses on them.
    public var networkSettings: NetworkSummary?

    /// The first name, without its leading `/`.
    public var name: String? {
        names?.first.map { $0.hasPrefix("/") ? String($0.dropFirst()) : $0 }
    }

    /// A port the container exposes or publishes.
    public struct Port: Codable, Sendable, Equatable {
        /// The host address it is published on.
        public var ip: String?
        /// The container's port.
        public var privatePort: Int
        /// The host's port, when published.
        public var publicPort: Int?
        /// `tcp`, `udp` or `sctp`.
        public var type: String

        enum CodingKeys: String, CodingKey {
            case ip = "IP", privatePort = "PrivatePort", publicPort = "PublicPort", type = "Type"
        }
    }

    /// The networks part of a listed container.
    public struct NetworkSummary: Codable, Sendable, Equatable {
        /// Endpoints by network name.
        public var networks: [String: EndpointSummary]?
        enum CodingKeys: String, CodingKey { case networks = "Networks" }
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

    enum CodingKeys: String, CodingKey {
        case id = "Id", names = "Names", image = "Image", imageID = "ImageID", command = "Command"
        case created = "Created", state = "State", status = "Status", ports = "Ports", labels = "Labels"
        case sizeRw = "SizeRw", networkSettings = "NetworkSettings"
    }
}
