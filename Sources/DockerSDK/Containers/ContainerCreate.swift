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

    /// A container of `image` running `cmd`.
    public init(image: String, cmd: [String]? = nil, env: [String]? = nil, labels: [String: String]? = nil,
                hostConfig: HostConfig? = nil) {
        self.init(config: ContainerConfig(image: image, cmd: cmd, env: env, labels: labels), hostConfig: hostConfig)
    }

    private enum CodingKeys: String, CodingKey {
        case hostConfig = "HostConfig", networkingConfig = "NetworkingConfig"
    }

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
