import Foundation

extension DockerClient {
    /// The Nodes area: list, inspect, update (labels, role, availability), remove. Managers only.
    public var nodes: NodesAPI { NodesAPI(client: self) }
}

/// The Nodes area of the Engine API (`/nodes/...`); every call needs a manager.
public struct NodesAPI: Sendable {
    let client: DockerClient

    /// The swarm's nodes (`GET /nodes`).
    ///
    /// Filters the daemon knows: `id`, `label`, `membership` (`accepted`/`pending`), `name`,
    /// `node.label`, `role` (`manager`/`worker`).
    public func list(filters: Filters = Filters()) async throws -> [Node] {
        try await client.decode([Node].self, "GET", "/nodes", query: filters.queryItem.map { [$0] } ?? [])
    }

    /// One node by ID or name (`GET /nodes/{id}`); a missing one is `.notFound`.
    public func inspect(_ id: String) async throws -> Node {
        try SwarmPaths.check(id, "node")
        return try await client.decode(Node.self, "GET", "/nodes/\(SwarmPaths.escape(id))")
    }

    /// Replaces a node's spec (`POST /nodes/{id}/update?version=`); take both from `inspect`.
    public func update(_ id: String, spec: NodeSpec, version: ObjectVersion) async throws {
        try SwarmPaths.check(id, "node")
        _ = try await client.send("POST", "/nodes/\(SwarmPaths.escape(id))/update",
                                  query: [QueryItem("version", String(version.index))], body: try .json(spec))
    }

    /// Changes a node's labels, role or availability, keeping the rest of its spec.
    ///
    /// `labels` replaces all labels when given. Reads the node first for its current version.
    public func update(_ id: String, labels: [String: String]? = nil, role: NodeSpec.Role? = nil,
                       availability: NodeSpec.Availability? = nil) async throws {
        let node = try await inspect(id)
        var spec = node.spec
        if let labels { spec.labels = labels }
        if let role { spec.role = role }
        if let availability { spec.availability = availability }
        try await update(node.id, spec: spec, version: node.version)
    }

    /// Removes a node from the swarm (`DELETE /nodes/{id}`); one still up needs `force`.
    public func remove(_ id: String, force: Bool = false) async throws {
        try SwarmPaths.check(id, "node")
        _ = try await client.send("DELETE", "/nodes/\(SwarmPaths.escape(id))", query: force ? [QueryItem("force", "true")] : [])
    }
}

/// Path helpers shared by the Swarm areas.
enum SwarmPaths {
    static func check(_ id: String, _ what: String) throws {
        guard !id.isEmpty else { throw DockerError.invalidArgument("\(what) ID or name is empty") }
    }

    static func escape(_ id: String) -> String { DockerRequest.encode(id) }

    static func version(_ version: ObjectVersion) -> QueryItem { QueryItem("version", String(version.index)) }
}
