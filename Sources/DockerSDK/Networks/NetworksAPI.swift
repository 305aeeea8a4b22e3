import Foundation

/// The Networks area: `/networks`, `/networks/{id}`, create, connect, disconnect, prune.
///
/// ```swift
/// let created = try await docker.networks.create(NetworkCreate(
///     name: "backend", subnets: [IPAMConfig(subnet: "10.213.7.0/24", gateway: "10.213.7.1")]))
/// try await docker.networks.connect(network: created.id, container: "web",
///                                   config: EndpointConfig(ipv4Address: "10.213.7.10", aliases: ["web"]))
/// ```
///
/// Arguments are checked before anything is sent (`NetworkValidation`); a bad name, subnet,
/// gateway, range or static address throws `DockerError.invalidArgument`.
public struct NetworksAPI: Sendable {
    let client: DockerClient

    /// The networks (`GET /networks`), e.g. filtered by `Filters.label("com.example.app")`.
    ///
    /// Filters the daemon knows: `dangling`, `driver`, `id`, `label`, `name`, `scope`, `type`.
    public func list(filters: Filters = Filters()) async throws -> [Network] {
        try await client.decode([Network].self, "GET", "/networks", query: filters.queryItem.map { [$0] } ?? [])
    }

    /// One network by ID, ID prefix or name (`GET /networks/{id}`).
    ///
    /// - Parameters:
    ///   - id: the network's ID, ID prefix or name.
    ///   - verbose: adds swarm service details (swarm-scoped networks).
    ///   - scope: only a network of this scope (`swarm`, `global`, `local`).
    /// - Throws: `DockerError.notFound` when there is no such network.
    public func inspect(_ id: String, verbose: Bool = false, scope: String? = nil) async throws -> Network {
        try Self.checkID(id)
        var query: [QueryItem] = []
        if verbose { query.append(QueryItem("verbose", "true")) }
        if let scope { query.append(QueryItem("scope", scope)) }
        return try await client.decode(Network.self, "GET", "/networks/\(Self.escape(id))", query: query)
    }

    /// Creates a network (`POST /networks/create`) after validating its name and subnets.
    ///
    /// `CheckDuplicate` is sent (default true) to daemons before API 1.44, which otherwise accept a
    /// second network of the same name; from 1.44 the daemon always refuses duplicates and the field is gone.
    /// - Throws: `DockerError.conflict` for a name in use; `DockerError.forbidden` (or `badRequest`)
    ///   whose `isAddressPoolOverlap` is true when a subnet overlaps another network's.
    @discardableResult
    public func create(_ config: NetworkCreate) async throws -> NetworkCreateResponse {
        try NetworkValidation.validate(config)
        try await client.checkVersion(of: config)
        var body = config
        if try await client.apiVersion() >= APIVersion(1, 44) { body.checkDuplicate = nil }
        return try await client.decode(NetworkCreateResponse.self, "POST", "/networks/create", body: try .json(body))
    }

    /// Connects a container to a network (`POST /networks/{id}/connect`).
    ///
    /// - Parameters:
    ///   - network: the network's ID or name.
    ///   - container: the container's ID or name.
    ///   - config: aliases, static addresses (`EndpointConfig(ipv4Address:aliases:)`), links, driver options.
    public func connect(network: String, container: String, config: EndpointConfig? = nil) async throws {
        try Self.checkID(network)
        try Self.checkContainer(container)
        if let config { try NetworkValidation.validate(endpoint: config) }
        if let config { try await client.checkVersion(of: config) }
        _ = try await client.send("POST", "/networks/\(Self.escape(network))/connect",
                                  body: try .json(ConnectRequest(container: container, endpointConfig: config)))
    }

    /// Connects a container to an inspected network, checking static addresses against its subnets first.
    public func connect(_ network: Network, container: String, config: EndpointConfig? = nil) async throws {
        if let config { try NetworkValidation.validate(endpoint: config, subnets: network.subnets) }
        try await connect(network: network.id, container: container, config: config)
    }

    /// Disconnects a container from a network (`POST /networks/{id}/disconnect`).
    ///
    /// - Parameters:
    ///   - network: the network's ID or name.
    ///   - container: the container's ID or name.
    ///   - force: disconnect even when the container is not running or the endpoint is stale.
    public func disconnect(network: String, container: String, force: Bool = false) async throws {
        try Self.checkID(network)
        try Self.checkContainer(container)
        _ = try await client.send("POST", "/networks/\(Self.escape(network))/disconnect",
                                  body: try .json(DisconnectRequest(container: container, force: force ? true : nil)))
    }

    /// Removes a network (`DELETE /networks/{id}`).
    ///
    /// - Throws: `DockerError.notFound` when there is no such network; `forbidden` for a predefined one;
    ///   an error whose message says it has active endpoints while containers are attached.
    public func remove(_ id: String) async throws {
        try Self.checkID(id)
        _ = try await client.send("DELETE", "/networks/\(Self.escape(id))")
    }

    /// Removes unused networks (`POST /networks/prune`) and returns the names removed.
    ///
    /// Filters the daemon knows: `until`, `label`, `label!`.
    @discardableResult
    public func prune(filters: Filters = Filters()) async throws -> [String] {
        let response = try await client.decode(NetworkPruneResponse.self, "POST", "/networks/prune",
                                               query: filters.queryItem.map { [$0] } ?? [])
        return response.networksDeleted ?? []
    }

    // MARK: - Helpers

    struct ConnectRequest: Encodable {
        let container: String
        let endpointConfig: EndpointConfig?
        enum CodingKeys: String, CodingKey { case container = "Container", endpointConfig = "EndpointConfig" }
    }

    struct DisconnectRequest: Encodable {
        let container: String
        let force: Bool?
        enum CodingKeys: String, CodingKey { case container = "Container", force = "Force" }
    }

    static func checkID(_ id: String) throws {
        guard !id.isEmpty else { throw DockerError.invalidArgument("network ID or name is empty") }
    }

    static func checkContainer(_ container: String) throws {
        guard !container.isEmpty else { throw DockerError.invalidArgument("container ID or name is empty") }
    }

    /// Percent-encodes an ID or name for use as one path segment.
    static func escape(_ segment: String) -> String {
        DockerRequest.pathSegment(segment)
    }
}

extension DockerClient {
    /// The Networks area: list, inspect, create, connect, disconnect, remove, prune.
    public var networks: NetworksAPI { NetworksAPI(client: self) }
}

extension DockerError {
    /// Whether the daemon refused a network because its subnet overlaps another network's
    /// ("Pool overlaps with other one on this address space"; 403 on dockerd 20.10, 400 on some versions).
    public var isAddressPoolOverlap: Bool {
        switch self {
        case .forbidden(let m), .badRequest(let m), .serverError(_, let m):
            m.localizedCaseInsensitiveContains("pool overlaps")
                // Podman: "subnet 10.1.2.0/26 is already used on the host or by another config"
                || m.localizedCaseInsensitiveContains("is already used on the host or by another config")
        default:
            false
        }
    }
}
