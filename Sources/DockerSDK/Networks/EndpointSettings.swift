/// A container's endpoint on one network: as configured at create/connect, and as inspected.
///
/// The same shape serves three places of the Engine API: `EndpointConfig` of
/// `POST /networks/{id}/connect`, `NetworkingConfig.EndpointsConfig` of `POST /containers/create`,
/// and `NetworkSettings.Networks` of `GET /containers/{id}/json`.
///
/// ```swift
/// let endpoint = EndpointConfig(ipv4Address: "10.213.7.10", aliases: ["db"])
/// try await docker.networks.connect(network: "backend", container: "pg", config: endpoint)
/// ```
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
    /// The MAC address (settable at create/connect from API 1.44).
    public var macAddress: String?
    /// Driver options.
    public var driverOpts: [String: String]?
    /// DNS names the container answers to on this network (API 1.44+).
    public var dnsNames: [String]?
    /// Which endpoint's gateway becomes the default route; highest wins (API 1.48+).
    public var gwPriority: Int?

    /// Creates endpoint settings for create or connect.
    ///
    /// - Parameters:
    ///   - ipv4Address: a static IPv4 address on the network (the network needs a user-configured subnet).
    ///   - ipv6Address: a static IPv6 address on the network.
    ///   - aliases: extra DNS names for the container on this network.
    ///   - links: legacy links, `container:alias`.
    ///   - macAddress: a MAC address for the endpoint (API 1.44+).
    ///   - driverOpts: options for the network driver.
    public init(ipv4Address: String? = nil, ipv6Address: String? = nil, aliases: [String]? = nil, links: [String]? = nil,
                macAddress: String? = nil, driverOpts: [String: String]? = nil) {
        if ipv4Address != nil || ipv6Address != nil {
            ipamConfig = EndpointIPAMConfig(ipv4Address: ipv4Address, ipv6Address: ipv6Address)
        }
        self.aliases = aliases
        self.links = links
        self.macAddress = macAddress
        self.driverOpts = driverOpts
    }

    /// The static IPv4 address asked for, if any.
    public var staticIPv4Address: String? { ipamConfig?.ipv4Address }
    /// The static IPv6 address asked for, if any.
    public var staticIPv6Address: String? { ipamConfig?.ipv6Address }

    enum CodingKeys: String, CodingKey, CaseIterable {
        case ipamConfig = "IPAMConfig", links = "Links", aliases = "Aliases", networkID = "NetworkID"
        case endpointID = "EndpointID", gateway = "Gateway", ipAddress = "IPAddress", ipPrefixLen = "IPPrefixLen"
        case ipv6Gateway = "IPv6Gateway", globalIPv6Address = "GlobalIPv6Address"
        case globalIPv6PrefixLen = "GlobalIPv6PrefixLen", macAddress = "MacAddress", driverOpts = "DriverOpts"
        case dnsNames = "DNSNames", gwPriority = "GwPriority"
    }
}

/// What `connect` and container create take: the configurable part of `EndpointSettings`.
public typealias EndpointConfig = EndpointSettings

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

    enum CodingKeys: String, CodingKey, CaseIterable {
        case ipv4Address = "IPv4Address", ipv6Address = "IPv6Address", linkLocalIPs = "LinkLocalIPs"
    }
}
