import DockerSDK
import Foundation

/// Runs `redis-cli` inside a node's container, against any node of the cluster.
struct RedisCLI: Sendable {
    let docker: DockerClient
    /// The container whose redis-cli is used.
    let container: String

    /// `redis-cli -h host -p port ARGS...`; returns stdout, throws `CommandFailed` on a non-zero exit.
    func run(_ node: RedisNodePlan, _ args: [String], cluster: Bool = false, stdin: String? = nil) async throws -> String {
        try await raw(["-h", node.host, "-p", String(node.port)] + (cluster ? ["-c"] : []) + args, stdin: stdin)
    }

    /// `redis-cli ARGS...` as given.
    func raw(_ args: [String], stdin: String? = nil) async throws -> String {
        try await docker.run(["redis-cli"] + args, in: container, stdin: stdin.map { Data($0.utf8) })
    }

    /// Whether the node answers PING.
    func ping(_ node: RedisNodePlan) async -> Bool {
        (try? await run(node, ["ping"]))?.trimmingCharacters(in: .whitespacesAndNewlines) == "PONG"
    }

    /// The node's view of the cluster.
    func nodes(_ node: RedisNodePlan) async throws -> ClusterView {
        try ClusterView(parsing: try await run(node, ["cluster", "nodes"]))
    }

    /// The node's cluster info.
    func info(_ node: RedisNodePlan) async throws -> ClusterInfo {
        try ClusterInfo(parsing: try await run(node, ["cluster", "info"]))
    }
}
