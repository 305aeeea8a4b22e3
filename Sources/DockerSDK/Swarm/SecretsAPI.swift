import Foundation

extension DockerClient {
    /// The Secrets area: create, list, inspect, update (labels), remove. Managers only.
    public var secrets: SecretsAPI { SecretsAPI(client: self) }
    /// The Configs area: create, list, inspect, update (labels), remove. Managers only.
    public var configs: ConfigsAPI { ConfigsAPI(client: self) }
}

/// What `POST /secrets/create` and `POST /configs/create` answer.
public struct IDResponse: Codable, Sendable, Equatable {
    /// The new object's ID.
    public var id: String
    enum CodingKeys: String, CodingKey, CaseIterable { case id = "ID" }
}

/// The Secrets area of the Engine API (`/secrets/...`). Content goes in once and is only ever
/// readable inside the tasks given it (/run/secrets/NAME).
public struct SecretsAPI: Sendable {
    let client: DockerClient

    /// Creates a secret (`POST /secrets/create`); a name in use is `.conflict`.
    @discardableResult
    public func create(_ spec: SecretSpec) async throws -> IDResponse {
        try SwarmPaths.check(spec.name, "secret")
        return try await client.decode(IDResponse.self, "POST", "/secrets/create", body: try .json(spec))
    }

    /// The secrets (`GET /secrets`); filters: `id`, `label`, `name`, `names`.
    public func list(filters: Filters = Filters()) async throws -> [SwarmSecret] {
        try await client.decode([SwarmSecret].self, "GET", "/secrets", query: filters.queryItem.map { [$0] } ?? [])
    }

    /// One secret by ID or name (`GET /secrets/{id}`); a missing one is `.notFound`.
    public func inspect(_ id: String) async throws -> SwarmSecret {
        try SwarmPaths.check(id, "secret")
        return try await client.decode(SwarmSecret.self, "GET", "/secrets/\(SwarmPaths.escape(id))")
    }

    /// Replaces a secret's labels (`POST /secrets/{id}/update?version=`); its data cannot change.
    public func update(_ id: String, labels: [String: String]) async throws {
        let secret = try await inspect(id)
        var spec = secret.spec
        spec.labels = labels
        spec.data = nil
        _ = try await client.send("POST", "/secrets/\(SwarmPaths.escape(secret.id))/update",
                                  query: [SwarmPaths.version(secret.version)], body: try .json(spec))
    }

    /// Removes a secret (`DELETE /secrets/{id}`); one in use by a service is refused.
    public func remove(_ id: String) async throws {
        try SwarmPaths.check(id, "secret")
        _ = try await client.send("DELETE", "/secrets/\(SwarmPaths.escape(id))")
    }
}

/// The Configs area of the Engine API (`/configs/...`): files given to tasks, readable by managers.
public struct ConfigsAPI: Sendable {
    let client: DockerClient

    /// Creates a config (`POST /configs/create`); a name in use is `.conflict`.
    @discardableResult
    public func create(_ spec: ConfigSpec) async throws -> IDResponse {
        try SwarmPaths.check(spec.name, "config")
        return try await client.decode(IDResponse.self, "POST", "/configs/create", body: try .json(spec))
    }

    /// The configs (`GET /configs`); filters: `id`, `label`, `name`, `names`.
    public func list(filters: Filters = Filters()) async throws -> [SwarmConfig] {
        try await client.decode([SwarmConfig].self, "GET", "/configs", query: filters.queryItem.map { [$0] } ?? [])
    }

    /// One config by ID or name (`GET /configs/{id}`), its data included.
    public func inspect(_ id: String) async throws -> SwarmConfig {
        try SwarmPaths.check(id, "config")
        return try await client.decode(SwarmConfig.self, "GET", "/configs/\(SwarmPaths.escape(id))")
    }

    /// Replaces a config's labels (`POST /configs/{id}/update?version=`); its data cannot change.
    public func update(_ id: String, labels: [String: String]) async throws {
        let config = try await inspect(id)
        var spec = config.spec
        spec.labels = labels
        _ = try await client.send("POST", "/configs/\(SwarmPaths.escape(config.id))/update",
                                  query: [SwarmPaths.version(config.version)], body: try .json(spec))
    }

    /// Removes a config (`DELETE /configs/{id}`); one in use by a service is refused.
    public func remove(_ id: String) async throws {
        try SwarmPaths.check(id, "config")
        _ = try await client.send("DELETE", "/configs/\(SwarmPaths.escape(id))")
    }
}
