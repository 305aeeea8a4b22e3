import DockerSDK
import Foundation

/// The typed state of a deployed cluster.
public struct RedisClusterStatus: Sendable, Codable, Equatable {
    /// One node: its container and what the cluster says of it.
    public struct Node: Sendable, Codable, Equatable {
        /// The container's name.
        public var container: String
        /// The container's state (`running`, `exited`, ...).
        public var containerState: String
        /// `host:port`.
        public var address: String
        /// The cluster's record of the node (id, role, master, flags, slots, epoch, link), when reachable.
        public var cluster: ClusterNode?
    }

    /// Every node of the deployment.
    public var nodes: [Node]
    /// CLUSTER INFO from the first reachable node.
    public var info: ClusterInfo?
    /// `host:port` of every running node as a client on the host reaches it (host mode, or bridge mode
    /// with `loopbackBasePort`); empty when the nodes are only reachable on their bridge network.
    public var endpoints: [String] = []
}

/// Something wrong with a deployed cluster, as `check` reports it.
public enum RedisClusterIssue: Sendable, Codable, Equatable, CustomStringConvertible {
    /// A node did not answer.
    case unreachable(node: String, reason: String)
    /// A node reports a `cluster_state` other than `ok`.
    case stateNotOK(node: String, state: String)
    /// A node knows a different number of nodes than are running.
    case nodeCountMismatch(node: String, known: Int, expected: Int)
    /// The views disagree, slots are uncovered or open, a node fails...
    case topology(ClusterProblem)

    /// One line naming the node and the problem.
    public var description: String {
        switch self {
        case let .unreachable(node, reason): "\(node) does not answer: \(reason)"
        case let .stateNotOK(node, state): "\(node) reports cluster_state:\(state)"
        case let .nodeCountMismatch(node, known, expected): "\(node) knows \(known) nodes, \(expected) are running"
        case .topology(let problem): problem.description
        }
    }
}

extension RedisCluster {
    /// The topology from CLUSTER NODES and CLUSTER INFO, joined with the containers.
    public func status() async throws -> RedisClusterStatus {
        let current = try await currentNodes()
        guard !current.isEmpty else { return RedisClusterStatus(nodes: [], info: nil, endpoints: []) }
        let cli = try await anyCLI()
        var view: ClusterView?
        var info: ClusterInfo?
        for (node, container) in current where container.containerStatus == .running {
            if let nodesView = try? await cli.nodes(node), let nodeInfo = try? await cli.info(node) {
                view = nodesView
                info = nodeInfo
                break
            }
        }
        let nodes = current.map { node, container in
            RedisClusterStatus.Node(container: node.name, containerState: container.containerStatus.rawValue, address: node.address,
                                    cluster: view?.nodes.first { $0.host == node.host && $0.port == node.port })
        }
        let endpoints = plan.endpoints.isEmpty ? [] : current.filter { $0.container.state == "running" }.map(\.plan.address)
        return RedisClusterStatus(nodes: nodes, info: info, endpoints: endpoints)
    }

    /// What `redis-cli --cluster check` checks, over every running node's view; empty when healthy.
    public func check() async throws -> [RedisClusterIssue] {
        let current = try await currentNodes().filter { $0.container.containerStatus == .running }.map(\.plan)
        return try await check(nodes: current)
    }

    /// Checks the given nodes' views; a node that does not answer, or is not `ok`, is a problem.
    func check(nodes: [RedisNodePlan]) async throws -> [RedisClusterIssue] {
        guard !nodes.isEmpty else {
            return [.unreachable(node: plan.options.namePrefix, reason: "no node is running")]
        }
        // Every node at once, CLUSTER NODES and CLUSTER INFO in one round trip each.
        let resp = resp
        let answers = await withTaskGroup(of: (Int, Result<(ClusterView, ClusterInfo), any Error>).self) { group in
            for (index, node) in nodes.enumerated() {
                group.addTask {
                    do { return (index, .success(try await resp.view(node))) } catch { return (index, .failure(error)) }
                }
            }
            var answers = [Result<(ClusterView, ClusterInfo), any Error>?](repeating: nil, count: nodes.count)
            for await (index, answer) in group { answers[index] = answer }
            return answers
        }
        var views: [ClusterView] = []
        var problems: [RedisClusterIssue] = []
        for (node, answer) in zip(nodes, answers) {
            switch answer {
            case .success(let (view, info)):
                views.append(view)
                if info.state != .ok { problems.append(.stateNotOK(node: node.address, state: info.state.rawValue)) }
                if info.knownNodes != nodes.count {
                    problems.append(.nodeCountMismatch(node: node.address, known: info.knownNodes, expected: nodes.count))
                }
            case .failure(let error):
                problems.append(.unreachable(node: node.address, reason: "\(error)"))
            case nil:
                problems.append(.unreachable(node: node.address, reason: "no answer"))
            }
        }
        return problems + ClusterCheck.problems(in: views).map(RedisClusterIssue.topology)
    }
}
