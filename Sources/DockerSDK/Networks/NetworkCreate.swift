/// What `POST /networks/create` takes.
///
/// ```swift
/// let config = NetworkCreate(name: "backend",
///                            subnets: [IPAMConfig(subnet: "10.213.7.0/24", gateway: "10.213.7.1")],
///                            labels: ["com.example.app": "shop"])
/// let created = try await docker.networks.create(config)
/// ```
public struct NetworkCreate: Codable, Sendable, Equatable {
    /// The network's name: `[a-zA-Z0-9][a-zA-Z0-9_.-]*`.
    public var name: String
    /// The driver; nil lets the daemon choose (`bridge`).
    public var driver: String?
    /// `local` or `swarm`; nil lets the driver decide.
    public var scope: String?
    /// Restricts external access.
    public var `internal`: Bool?
    /// Lets standalone containers attach (swarm networks).
    public var attachable: Bool?
    /// Makes it the swarm routing-mesh network.
    public var ingress: Bool?
    /// Makes it a config-only network.
    public var configOnly: Bool?
    /// A config-only network to take the configuration from.
    public var configFrom: ConfigReference?
    /// The address management: subnets, gateways, ranges.
    public var ipam: IPAM?
    /// Enables IPv4 (API 1.47+; nil keeps the daemon's default, on).
    public var enableIPv4: Bool?
    /// Enables IPv6.
    public var enableIPv6: Bool?
    /// Driver options, e.g. `com.docker.network.bridge.name`.
    public var options: [String: String]?
    /// Labels.
    public var labels: [String: String]?
    /// Asks the daemon to refuse a name already in use (sent before API 1.44, where it became the rule).
    ///
    /// dockerd before 25 creates a second network with the same name unless this is true, so it
    /// defaults to true: a duplicate name then fails with `DockerError.conflict`.
    public var checkDuplicate: Bool?

    /// Creates a network configuration.
    ///
    /// - Parameters:
    ///   - name: the network's name.
    ///   - driver: the driver; nil for the daemon's default (`bridge`).
    ///   - subnets: subnets with optional gateway, IP range and auxiliary addresses; empty lets the daemon pick one.
    ///   - ipamDriver: the IPAM driver; nil for `default`.
    ///   - internal: restricts external access.
    ///   - attachable: lets standalone containers attach.
    ///   - enableIPv6: enables IPv6 (give an IPv6 subnet too).
    ///   - options: driver options.
    ///   - labels: labels.
    ///   - checkDuplicate: refuse an existing name (default true).
    public init(name: String, driver: String? = nil, subnets: [IPAMConfig] = [], ipamDriver: String? = nil,
                internal: Bool? = nil, attachable: Bool? = nil, enableIPv6: Bool? = nil,
                options: [String: String]? = nil, labels: [String: String]? = nil, checkDuplicate: Bool = true) {
        self.name = name
        self.driver = driver
        if !subnets.isEmpty || ipamDriver != nil {
            ipam = IPAM(driver: ipamDriver, config: subnets.isEmpty ? nil : subnets)
        }
        self.internal = `internal`
        self.attachable = attachable
        self.enableIPv6 = enableIPv6
        self.options = options
        self.labels = labels
        self.checkDuplicate = checkDuplicate
    }

    enum CodingKeys: String, CodingKey {
        case name = "Name", driver = "Driver", scope = "Scope", `internal` = "Internal", attachable = "Attachable"
        case ingress = "Ingress", configOnly = "ConfigOnly", configFrom = "ConfigFrom", ipam = "IPAM"
        case enableIPv4 = "EnableIPv4", enableIPv6 = "EnableIPv6", options = "Options", labels = "Labels"
        case checkDuplicate = "CheckDuplicate"
    }
}

/// What `POST /networks/create` answers.
public struct NetworkCreateResponse: Codable, Sendable, Equatable {
    /// The new network's ID.
    public var id: String
    /// A warning from the daemon, empty or nil when none.
    public var warning: String?

    enum CodingKeys: String, CodingKey { case id = "Id", warning = "Warning" }
}

/// What `POST /networks/prune` answers.
struct NetworkPruneResponse: Decodable {
    var networksDeleted: [String]?
    enum CodingKeys: String, CodingKey { case networksDeleted = "NetworksDeleted" }
}
