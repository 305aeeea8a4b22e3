/// A network as `GET /networks` and `GET /networks/{id}` describe it.
///
/// Fields a daemon version lacks (or sends as `null`) decode as nil.
public struct Network: Codable, Sendable, Equatable {
    /// The network's name.
    public var name: String
    /// The network's ID.
    public var id: String
    /// Creation time, RFC 3339 with nanoseconds.
    public var created: String?
    /// `local`, `global` or `swarm`.
    public var scope: String?
    /// The driver, e.g. `bridge`, `host`, `null`, `overlay`, `macvlan`.
    public var driver: String?
    /// Whether IPv4 is enabled (API 1.47+; always on before).
    public var enableIPv4: Bool?
    /// Whether IPv6 is enabled.
    public var enableIPv6: Bool?
    /// The address management: driver, subnets, options.
    public var ipam: IPAM?
    /// Whether the network has no route to the outside.
    public var `internal`: Bool?
    /// Whether standalone containers may attach (swarm networks).
    public var attachable: Bool?
    /// Whether this is the swarm routing-mesh network.
    public var ingress: Bool?
    /// The config-only network this one takes its configuration from.
    public var configFrom: ConfigReference?
    /// Whether this is a config-only network.
    public var configOnly: Bool?
    /// Attached containers by container ID (inspect; absent from lists from API 1.50).
    public var containers: [String: NetworkContainer]?
    /// Driver options.
    public var options: [String: String]?
    /// Labels.
    public var labels: [String: String]?
    /// Swarm peers (swarm-scoped networks with `verbose`).
    public var peers: [PeerInfo]?
    /// Address usage per subnet (inspect, API 1.52+).
    public var status: NetworkStatus?

    /// The IPAM configurations (subnets), empty when none.
    public var subnets: [IPAMConfig] { ipam?.config ?? [] }

    /// The endpoint of the container with this ID, ID prefix or name, if attached.
    public func container(_ idOrPrefix: String) -> NetworkContainer? {
        guard let containers, !idOrPrefix.isEmpty else { return nil }
        if let exact = containers[idOrPrefix] { return exact }
        return containers.first { $0.key.hasPrefix(idOrPrefix) || $0.value.name == idOrPrefix }?.value
    }

    enum CodingKeys: String, CodingKey, CaseIterable {
        case name = "Name", id = "Id", created = "Created", scope = "Scope", driver = "Driver"
        case enableIPv4 = "EnableIPv4", enableIPv6 = "EnableIPv6", ipam = "IPAM", `internal` = "Internal"
        case attachable = "Attachable", ingress = "Ingress", configFrom = "ConfigFrom", configOnly = "ConfigOnly"
        case containers = "Containers", options = "Options", labels = "Labels", peers = "Peers", status = "Status"
    }

    static let specLeftOut = ["Services": "Swarm services' tasks on an overlay network (verbose inspect), out of scope"]
}

/// A network's address management: which IPAM driver, which subnets.
public struct IPAM: Codable, Sendable, Equatable {
    /// The IPAM driver, `default` unless a plugin is used.
    public var driver: String?
    /// The subnets, each with its gateway, range and reserved addresses.
    public var config: [IPAMConfig]?
    /// IPAM driver options (dockerd 20.10 sends `null`).
    public var options: [String: String]?

    /// Creates an IPAM configuration.
    public init(driver: String? = nil, config: [IPAMConfig]? = nil, options: [String: String]? = nil) {
        self.driver = driver
        self.config = config
        self.options = options
    }

    enum CodingKeys: String, CodingKey, CaseIterable { case driver = "Driver", config = "Config", options = "Options" }
}

/// One subnet of a network.
public struct IPAMConfig: Codable, Sendable, Equatable {
    /// The subnet in CIDR notation, e.g. `10.213.7.0/24`.
    public var subnet: String?
    /// The range dynamic addresses are taken from, in CIDR notation, inside the subnet.
    public var ipRange: String?
    /// The gateway address, inside the subnet.
    public var gateway: String?
    /// Addresses the IPAM driver must not hand out, by host name.
    public var auxiliaryAddresses: [String: String]?

    /// Creates a subnet configuration.
    public init(subnet: String? = nil, ipRange: String? = nil, gateway: String? = nil,
                auxiliaryAddresses: [String: String]? = nil) {
        self.subnet = subnet
        self.ipRange = ipRange
        self.gateway = gateway
        self.auxiliaryAddresses = auxiliaryAddresses
    }

    enum CodingKeys: String, CodingKey, CaseIterable {
        case subnet = "Subnet", ipRange = "IPRange", gateway = "Gateway", auxiliaryAddresses = "AuxiliaryAddresses"
    }
}

/// A container's endpoint as a network's inspect lists it.
public struct NetworkContainer: Codable, Sendable, Equatable {
    /// The container's name.
    public var name: String?
    /// The endpoint's ID.
    public var endpointID: String?
    /// The MAC address.
    public var macAddress: String?
    /// The IPv4 address with its prefix length, e.g. `10.213.7.10/24`.
    public var ipv4Address: String?
    /// The IPv6 address with its prefix length, empty when none.
    public var ipv6Address: String?

    /// The IPv4 address without its prefix length.
    public var ipv4: String? {
        guard let ipv4Address, !ipv4Address.isEmpty else { return nil }
        return String(ipv4Address.split(separator: "/", maxSplits: 1)[0])
    }

    enum CodingKeys: String, CodingKey, CaseIterable {
        case name = "Name", endpointID = "EndpointID", macAddress = "MacAddress", ipv4Address = "IPv4Address"
        case ipv6Address = "IPv6Address"
    }
}

/// The config-only network a network takes its configuration from.
public struct ConfigReference: Codable, Sendable, Equatable {
    /// The config-only network's name, empty when none.
    public var network: String?

    /// Creates a reference to a config-only network.
    public init(network: String?) {
        self.network = network
    }

    enum CodingKeys: String, CodingKey, CaseIterable { case network = "Network" }
}

/// A swarm node a network spans.
public struct PeerInfo: Codable, Sendable, Equatable {
    /// The node's name.
    public var name: String?
    /// The node's IP address.
    public var ip: String?
    enum CodingKeys: String, CodingKey, CaseIterable { case name = "Name", ip = "IP" }
}

/// A network's address usage (API 1.52+).
public struct NetworkStatus: Codable, Sendable, Equatable {
    /// IPAM usage.
    public var ipam: IPAMStatus?
    enum CodingKeys: String, CodingKey, CaseIterable { case ipam = "IPAM" }

    /// Usage per subnet.
    public struct IPAMStatus: Codable, Sendable, Equatable {
        /// Usage by subnet (CIDR).
        public var subnets: [String: SubnetStatus]?
        enum CodingKeys: String, CodingKey, CaseIterable { case subnets = "Subnets" }
    }

    /// How many addresses of a subnet are used and free.
    public struct SubnetStatus: Codable, Sendable, Equatable {
        /// Addresses in use.
        public var ipsInUse: UInt64?
        /// Addresses still available for dynamic allocation.
        public var dynamicIPsAvailable: UInt64?
        enum CodingKeys: String, CodingKey, CaseIterable { case ipsInUse = "IPsInUse", dynamicIPsAvailable = "DynamicIPsAvailable" }
    }
}
