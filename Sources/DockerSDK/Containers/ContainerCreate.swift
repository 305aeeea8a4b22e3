/// Everything `POST /containers/create` takes: the container's config, host config and networks.
///
/// Built from an inspected container, `ContainerCreate(config: info.config, hostConfig: info.hostConfig)`
/// re-creates its settings (networks other than the one of `HostConfig.NetworkMode` are not in inspect's
/// `Config`/`HostConfig`: pass them as `endpoints`). Fields newer than the negotiated API version are
/// refused with `DockerError.requiresAPIVersion` before anything is sent.
public struct ContainerCreate: Encodable, Sendable, Equatable {
    /// Image, command, environment, labels...
    public var config: ContainerConfig
    /// Ports, mounts, network mode, limits...
    public var hostConfig: HostConfig?
    /// The endpoint per network to attach at creation (aliases, static IPs), by network name.
    public var endpoints: [String: EndpointSettings]?

    /// Creates a container description.
    public init(config: ContainerConfig, hostConfig: HostConfig? = nil, endpoints: [String: EndpointSettings]? = nil) {
        self.config = config
        self.hostConfig = hostConfig
        self.endpoints = endpoints
    }

    /// Re-creates the settings of an inspected container (`info.config`, `info.hostConfig`).
    public init(config: ContainerConfig?, hostConfig: HostConfig?) {
        self.init(config: config ?? ContainerConfig(), hostConfig: hostConfig, endpoints: nil)
    }

    /// Re-creates an inspected container: its `Config`, its `HostConfig`, and the endpoint settings it
    /// was created with on the network of its `NetworkMode` (static addresses, aliases, links, driver
    /// options). Addresses the daemon assigned are not carried over; networks connected after creation
    /// are not either (connect them again with `networks.connect`).
    public init(recreating info: ContainerInspect) {
        self.init(config: info.config, hostConfig: info.hostConfig)
        guard let mode = info.hostConfig?.networkMode, !mode.isEmpty,
              let inspected = info.networkSettings?.networks?[mode] else { return }
        var endpoint = EndpointSettings(aliases: nil)
        if let ipam = inspected.ipamConfig, ipam != EndpointIPAMConfig() { endpoint.ipamConfig = ipam }
        // Before API 1.45 inspect adds the container's short ID to its aliases: not a setting of its own.
        let shortID = String(info.id.prefix(12))
        let aliases = inspected.aliases?.filter { $0 != shortID } ?? []
        if !aliases.isEmpty { endpoint.aliases = aliases }
        if let links = inspected.links, !links.isEmpty { endpoint.links = links }
        if let options = inspected.driverOpts, !options.isEmpty { endpoint.driverOpts = options }
        if let priority = inspected.gwPriority, priority != 0 { endpoint.gwPriority = priority }
        if endpoint != EndpointSettings(aliases: nil) { endpoints = [mode: endpoint] }
    }

    /// A container of `image` running `cmd`.
    public init(image: String, cmd: [String]? = nil, env: [String]? = nil, labels: [String: String]? = nil,
                hostConfig: HostConfig? = nil) {
        self.init(config: ContainerConfig(image: image, cmd: cmd, env: env, labels: labels), hostConfig: hostConfig)
    }

    private enum CodingKeys: String, CodingKey {
        case hostConfig = "HostConfig", networkingConfig = "NetworkingConfig"
    }

    /// Encodes the body of `POST /containers/create`.
    public func encode(to encoder: Encoder) throws {
        try config.encode(to: encoder)
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encodeIfPresent(hostConfig, forKey: .hostConfig)
        if let endpoints { try c.encode(NetworkingConfig(endpointsConfig: endpoints), forKey: .networkingConfig) }
    }
}

/// The networks a container joins at creation (`NetworkingConfig`).
public struct NetworkingConfig: Codable, Sendable, Equatable {
    /// The endpoint per network, by network name (more than one needs API 1.44).
    public var endpointsConfig: [String: EndpointSettings]?

    /// Creates a networking configuration.
    public init(endpointsConfig: [String: EndpointSettings]? = nil) {
        self.endpointsConfig = endpointsConfig
    }

    enum CodingKeys: String, CodingKey, CaseIterable { case endpointsConfig = "EndpointsConfig" }
}

/// The answer of `POST /containers/create`.
public struct ContainerCreateResponse: Codable, Sendable, Equatable {
    /// The new container's ID.
    public var id: String
    /// Warnings about the configuration.
    public var warnings: [String]?
    enum CodingKeys: String, CodingKey, CaseIterable { case id = "Id", warnings = "Warnings" }
}
