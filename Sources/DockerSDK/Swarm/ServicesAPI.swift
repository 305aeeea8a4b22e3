import Foundation

extension DockerClient {
    /// The Services area: create, inspect, list, update, rollback, remove, logs. Managers only.
    public var services: ServicesAPI { ServicesAPI(client: self) }
}

/// The Services area of the Engine API (`/services/...`); every call needs a manager.
///
/// ```swift
/// let created = try await docker.services.create(spec)
/// let service = try await docker.services.inspect(created.id)
/// var changed = service.spec
/// changed.taskTemplate.containerSpec?.env = ["MODE=2"]
/// try await docker.services.update(service.id, spec: changed, version: service.version)
/// try await docker.services.rollback(service.id)
/// ```
public struct ServicesAPI: Sendable {
    let client: DockerClient

    /// Creates a service (`POST /services/create`).
    ///
    /// - Parameters:
    ///   - spec: the service to create.
    ///   - registryAuth: credentials for pulling the image on the nodes (sent as `X-Registry-Auth`).
    /// - Throws: `DockerError.conflict` for a name in use; `DockerError.requiresAPIVersion` for an option the
    ///   negotiated version lacks; `DockerError.swarm` on a node that is no manager.
    @discardableResult
    public func create(_ spec: ServiceSpec, registryAuth: RegistryAuth? = nil) async throws -> ServiceCreateResponse {
        try await check(spec)
        var headers: [String: String] = [:]
        if let registryAuth { headers["X-Registry-Auth"] = try registryAuth.headerValue() }
        return try await client.decode(ServiceCreateResponse.self, "POST", "/services/create", body: try .json(spec), headers: headers)
    }

    /// One service by ID, ID prefix or name (`GET /services/{id}`); a missing one is `.notFound`.
    ///
    /// - Parameters:
    ///   - id: the service's ID, ID prefix or name.
    ///   - insertDefaults: fill in the defaults the daemon applied.
    public func inspect(_ id: String, insertDefaults: Bool = false) async throws -> Service {
        try SwarmPaths.check(id, "service")
        return try await client.decode(Service.self, "GET", "/services/\(SwarmPaths.escape(id))",
                                       query: insertDefaults ? [QueryItem("insertDefaults", "true")] : [])
    }

    /// The services (`GET /services`).
    ///
    /// Filters the daemon knows: `id`, `label`, `mode` (`replicated`/`global`), `name`.
    /// - Parameters:
    ///   - filters: the daemon's filters, see above.
    ///   - status: include running and desired task counts (`serviceStatus`).
    public func list(filters: Filters = Filters(), status: Bool = false) async throws -> [Service] {
        var query = filters.queryItem.map { [$0] } ?? []
        if status { query.append(QueryItem("status", "true")) }
        return try await client.decode([Service].self, "GET", "/services", query: query)
    }

    /// Replaces a service's spec (`POST /services/{id}/update?version=`); take the version from `inspect`.
    ///
    /// A stale version is refused ("update out of sequence"): inspect again and retry.
    @discardableResult
    public func update(_ id: String, spec: ServiceSpec, version: ObjectVersion,
                       registryAuth: RegistryAuth? = nil) async throws -> ServiceUpdateResponse {
        try SwarmPaths.check(id, "service")
        try await check(spec)
        var headers: [String: String] = [:]
        if let registryAuth { headers["X-Registry-Auth"] = try registryAuth.headerValue() }
        return try await client.decode(ServiceUpdateResponse.self, "POST", "/services/\(SwarmPaths.escape(id))/update",
                                       query: [SwarmPaths.version(version)], body: try .json(spec), headers: headers)
    }

    /// Returns a service to its previous spec (`update` with `rollback=previous`).
    ///
    /// - Throws: `DockerError.badRequest` (or a daemon error) when the service was never updated.
    @discardableResult
    public func rollback(_ id: String) async throws -> ServiceUpdateResponse {
        let service = try await inspect(id)
        return try await client.decode(ServiceUpdateResponse.self, "POST", "/services/\(SwarmPaths.escape(service.id))/update",
                                       query: [SwarmPaths.version(service.version), QueryItem("rollback", "previous")],
                                       body: try .json(service.spec))
    }

    /// Removes a service and its tasks (`DELETE /services/{id}`).
    public func remove(_ id: String) async throws {
        try SwarmPaths.check(id, "service")
        _ = try await client.send("DELETE", "/services/\(SwarmPaths.escape(id))")
    }

    /// The output of every task of the service, demultiplexed (raw when the service has a TTY).
    ///
    /// Without `follow` the stream ends after what was logged so far. Needs a log driver that can be
    /// read back (`json-file`, `journald`, `local`).
    public func logs(_ id: String, options: LogsOptions = LogsOptions()) async throws -> ContainerOutput {
        let service = try await inspect(id)
        let tty = service.spec.taskTemplate.containerSpec?.tty ?? false
        let response = try await client.openStream("GET", "/services/\(SwarmPaths.escape(service.id))/logs",
                                                   query: SwarmLogs.query(options))
        return ContainerOutput(bytes: response.body, multiplexed: !tty)
    }

    /// Refuses options the negotiated version lacks (nothing is sent).
    func check(_ spec: ServiceSpec) async throws {
        if spec.name?.isEmpty == true { throw DockerError.invalidArgument("service name is empty") }
        let name = spec.name ?? "(unnamed)"
        guard spec.taskTemplate.containerSpec != nil || spec.taskTemplate.pluginSpec != nil
            || spec.taskTemplate.networkAttachmentSpec != nil else {
            throw DockerError.invalidArgument("service \(name): the task template has no ContainerSpec")
        }
        if let image = spec.taskTemplate.containerSpec?.image, image.isEmpty {
            throw DockerError.invalidArgument("service \(name): ContainerSpec.Image is empty")
        }
        try await client.checkVersion(of: spec)
    }
}

/// The query of service and task logs.
enum SwarmLogs {
    static func query(_ options: LogsOptions) -> [QueryItem] {
        var query = [QueryItem("stdout", options.stdout ? "1" : "0"), QueryItem("stderr", options.stderr ? "1" : "0")]
        if options.follow { query.append(QueryItem("follow", "1")) }
        if options.timestamps { query.append(QueryItem("timestamps", "1")) }
        if let tail = options.tail { query.append(QueryItem("tail", String(tail))) }
        if let since = options.since { query.append(QueryItem("since", SystemAPI.timestamp(since))) }
        return query
    }
}
