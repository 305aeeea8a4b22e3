/// Everything `POST /containers/create` takes: the container's config, host config and networks.
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

    /// A container of `image` running `cmd`.
    public init(image: String, cmd: [String]? = nil, env: [String]? = nil, labels: [String: String]? = nil,
                hostConfig: HostConfig? = nil) {
        self.init(config: ContainerConfig(image: image, cmd: cmd, env: env, labels: labels), hostConfig: hostConfig)
    }

    private struct NetworkingConfig: Encodable {
        let endpointsConfig: [String: EndpointSettings]
        enum CodingKeys: String, CodingKey { case endpointsConfig = "EndpointsConfig" }
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

/// The answer of `POST /containers/create`.
public struct ContainerCreateResponse: Codable, Sendable, Equatable {
    /// The new container's ID.
    public var id: String
    /// Warnings about the configuration.
    public var warnings: [String]?
    enum CodingKeys: String, CodingKey { case id = "Id", warnings = "Warnings" }
}
