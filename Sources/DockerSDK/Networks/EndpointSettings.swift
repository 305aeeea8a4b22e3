/// A container's endpoint on one network: as configured at create/connect, and as inspected.
public struct EndpointSettings: Codable, Sendable, Equatable {
    /// Static addresses asked for.
    public var ipamConfig: EndpointIPAMConfig?
    /// Legacy links, `container:alias`.
    public var links: [String]?
    /// Extra DNS names for the container on this network.
    public var aliases: [String]?
    /// The network's ID.
    public var networkID: String?
    /// The endpoint's ID.
    public var endpointID: String?
    /// The IPv4 gateway.
    public var gateway: String?
    /// The IPv4 address.
    public var ipAddress: String?
    /// The IPv4 prefix length.
    public var ipPrefixLen: Int?
    /// The IPv6 gateway.
    public var ipv6Gateway: String?
    /// The global IPv6 address.
    public var globalIPv6Address: String?
    /// The global IPv6 prefix length.
    public var globalIPv6PrefixLen: Int?
    /// The MAC address.
    public var macAddress: String?
    /// Driver options.
    public var driverOpts: [String: String]?
    /// DNS names the container answers to on this network (API 1.44+).
    public var dnsNames: [String]?

    /// Creates endpoint settings for create or connect.
    public init(ipv4Address: String? = nil, ipv6Address: String? = nil, aliases: [String]? = nil, links: [String]? = nil) {
        if ipv4Address != nil || ipv6Address != nil {
            ipamConfig = EndpointIPAMConfig(ipv4Address: ipv4Address, ipv6Address: ipv6Address)
        }
        self.aliases = aliases
        self.links = links
    }

    enum CodingKeys: String, CodingKey {
        case ipamConfig = "IPAMConfig", links = "Links", aliases = "Aliases", networkID = "NetworkID"
        case endpointID = "EndpointID", gateway = "Gateway", ipAddress = "IPAddress", ipPrefixLen = "IPPrefixLen"
        case ipv6Gateway = "IPv6Gateway", globalIPv6Address = "GlobalIPv6Address"
        case globalIPv6PrefixLen = "GlobalIPv6PrefixLen", macAddress = "MacAddress", driverOpts = "DriverOpts"
        case dnsNames = "DNSNames"
    }
}

/// Static addresses for an endpoint.
public struct EndpointIPAMConfig: Codable, Sendable, Equatable {
    /// The IPv4 address.
    public var ipv4Address: String?
    /// The IPv6 address.
    public var ipv6Address: String?
    /// Link-local addresses.
    public var linkLocalIPs: [String]?

    /// Creates a static address configuration.
    public init(ipv4Address: String? = nil, ipv6Address: String? = nil, linkLocalIPs: [String]? = nil) {
        self.ipv4Address = ipv4Address
        self.ipv6Address = ipv6Address
        self.linkLocalIPs = linkLocalIPs
    }

    enum CodingKeys: String, CodingKey {
        case ipv4Address = "IPv4Address", ipv6Address = "IPv6Address", linkLocalIPs = "LinkLocalIPs"
    }
}
