import DockerSDK
import Foundation

/// Runs `redis-cli` inside a node's container, against any node of the cluster (for its `--cluster`
/// tools: add-node, rebalance, del-node); the node queries go over RESP (`resp`).
struct RedisCLI: Sendable {
    let docker: DockerClient
    /// The container whose redis-cli is used.
    let container: String
    /// The RESP connections the queries use.
    let resp: RedisRESP

    /// `redis-cli -h host -p port ARGS...`; returns stdout, throws `CommandFailed` on a non-zero exit.
    func run(_ node: RedisNodePlan, _ args: [String], cluster: Bool = false, stdin: String? = nil) async throws -> String {
        try await raw(["-h", node.host, "-p", String(node.port)] + (cluster ? ["-c"] : []) + args, stdin: stdin)
    }

    /// `redis-cli ARGS...` as given.
    func raw(_ args: [String], stdin: String? = nil) async throws -> String {
        try await docker.run(["redis-cli"] + args, in: container, stdin: stdin.map { Data($0.utf8) })
    }

    /// Whether the node answers PING.
    func ping(_ node: RedisNodePlan) async -> Bool { await resp.ping(node) }

    /// The node's view of the cluster.
    func nodes(_ node: RedisNodePlan) async throws -> ClusterView { try await resp.nodes(node) }

    /// The node's cluster info.
    func info(_ node: RedisNodePlan) async throws -> ClusterInfo { try await resp.info(node) }
}

/// Redis commands over the recipe's own RESP connections, one per node.
struct RedisRESP: Sendable {
    let connections: RedisConnections
    let route: @Sendable (RedisNodePlan) -> RedisRoute

    /// Sends commands to `node` in one round trip; replies in order, error replies included.
    func pipeline(_ node: RedisNodePlan, _ commands: [[String]], timeout: Duration = .seconds(5)) async throws -> [RESPValue] {
        let connection = try await connections.connection(route(node), timeout: timeout)
        return try await connection.pipeline(commands, timeout: timeout)
    }

    /// One command; an error reply throws `RedisCommandError`.
    func send(_ node: RedisNodePlan, _ command: [String], timeout: Duration = .seconds(5)) async throws -> RESPValue {
        let reply = try await pipeline(node, [command], timeout: timeout)[0]
        if case .error(let message) = reply { throw Self.error(command, node, message) }
        return reply
    }

    /// One command whose reply is text (status, bulk or integer).
    func text(_ node: RedisNodePlan, _ command: [String], timeout: Duration = .seconds(5)) async throws -> String {
        let reply = try await send(node, command, timeout: timeout)
        guard let text = reply.text else { throw Self.error(command, node, reply.description) }
        return text
    }

    /// `+OK` expected.
    func ok(_ node: RedisNodePlan, _ command: [String]) async throws {
        let reply = try await send(node, command)
        guard reply == .simple("OK") else { throw Self.error(command, node, reply.description) }
    }

    /// Whether the node answers PING.
    func ping(_ node: RedisNodePlan) async -> Bool {
        (try? await send(node, ["PING"], timeout: .seconds(2))) == .simple("PONG")
    }

    /// `CLUSTER NODES`, parsed.
    func nodes(_ node: RedisNodePlan) async throws -> ClusterView {
        try ClusterView(parsing: try await text(node, ["CLUSTER", "NODES"]))
    }

    /// `CLUSTER INFO`, parsed.
    func info(_ node: RedisNodePlan) async throws -> ClusterInfo {
        try ClusterInfo(parsing: try await text(node, ["CLUSTER", "INFO"]))
    }

    /// `CLUSTER NODES` and `CLUSTER INFO` in one round trip.
    func view(_ node: RedisNodePlan) async throws -> (ClusterView, ClusterInfo) {
        let replies = try await pipeline(node, [["CLUSTER", "NODES"], ["CLUSTER", "INFO"]])
        guard let nodes = replies[0].text, let info = replies[1].text else {
            throw Self.error(["CLUSTER", "NODES"], node, replies.map(\.description).joined(separator: ", "))
        }
        return (try ClusterView(parsing: nodes), try ClusterInfo(parsing: info))
    }

    /// `CLUSTER MYID`.
    func myID(_ node: RedisNodePlan) async throws -> String { try await text(node, ["CLUSTER", "MYID"]) }

    static func error(_ command: [String], _ node: RedisNodePlan, _ reply: String) -> RedisCommandError {
        RedisCommandError(command: command.prefix(2).joined(separator: " "), node: node.address, reply: reply)
    }
}
