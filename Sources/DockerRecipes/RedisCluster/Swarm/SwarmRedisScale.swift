import DockerSDK
import Foundation

/// What `check` found on a swarm deployment: the checks of `redis-cli --cluster check` plus the
/// anti-affinity (no replica on its master's host).
public struct SwarmRedisCheck: Sendable, Codable, Equatable {
    /// Unreachable nodes, states other than ok, disagreeing views, uncovered or open slots.
    public var problems: [RedisClusterIssue]
    /// Replicas on the same host as their master.
    public var replicasSharingTheirMastersHost: [String]
    /// One line per problem.
    public var messages: [String]
    /// Whether nothing is wrong.
    public var ok: Bool { problems.isEmpty && replicasSharingTheirMastersHost.isEmpty }
}

/// What a scale-out onto another host did.
public struct SwarmScaleReport: Sendable, Codable, Equatable {
    /// The new master's service and host.
    public var master: String
    /// The host it runs on.
    public var masterHost: String
    /// The new replicas' services and hosts (`NAME@hN`).
    public var replicas: [String]
    /// Slots the new master serves after the rebalance.
    public var masterSlots: Int
    /// Keys written before the scale-out.
    public var keysWritten: Int
    /// Of those, read back afterwards.
    public var keysReadBack: Int
    /// Replicas on their master's host after the scale-out (must be empty).
    public var replicasSharingTheirMastersHost: [String]
    /// Whether the new master took slots, every key survived and the anti-affinity holds.
    public var passed: Bool { masterSlots > 0 && keysReadBack == keysWritten && keysWritten > 0 && replicasSharingTheirMastersHost.isEmpty }
}

extension RedisClusterSwarm {
    /// Checks every node's view (like `redis-cli --cluster check`) and the anti-affinity; reaches each
    /// node through its own host.
    public func check() async throws -> SwarmRedisCheck {
        var views: [ClusterView] = []
        var problems: [RedisClusterIssue] = []
        for node in plan.nodes {
            do {
                let view = try ClusterView(parsing: try await cli(node, ["cluster", "nodes"], seconds: 5))
                let info = try ClusterInfo(parsing: try await cli(node, ["cluster", "info"], seconds: 5))
                views.append(view)
                if info.state != .ok { problems.append(.stateNotOK(node: node.endpoint, state: info.state.rawValue)) }
                if info.knownNodes != plan.nodes.count {
                    problems.append(.nodeCountMismatch(node: node.endpoint, known: info.knownNodes, expected: plan.nodes.count))
                }
            } catch {
                problems.append(.unreachable(node: node.endpoint, reason: "\(error)"))
            }
        }
        problems += ClusterCheck.problems(in: views).map(RedisClusterIssue.topology)
        let sharing = try await status().replicasSharingTheirMastersHost
        return SwarmRedisCheck(problems: problems, replicasSharingTheirMastersHost: sharing,
                               messages: problems.map(\.description) + sharing.map { "\($0) shares its master's host" })
    }

    /// Adds a master on `host` (e.g. a host just added to the swarm) and its replicas on other hosts
    /// (the least loaded first), joins them, rebalances the slots onto the new master and checks that
    /// keys written before are all still there.
    ///
    /// Returns the grown deployment (its plan includes the new nodes) and the report.
    public func scaleOut(onto host: String, keys: Int = 200, progress: RecipeProgress = .silent) async throws
        -> (cluster: RedisClusterSwarm, report: SwarmScaleReport) {
        guard keys >= 1, keys <= 100_000 else { throw DockerError.invalidArgument("keys must be 1...100000, not \(keys)") }
        let target = try self.host(host)
        guard try await target.docker.images.exists(image) else {
            throw DockerError.invalidArgument("\(image) is not on \(host): load it there first (no registry)")
        }
        let perMaster = plan.replicas(of: plan.masters.first?.group ?? 0).count
        let grownPlan = try plan.addingGroup(on: (target.name, target.address), hosts: hosts.map { ($0.name, $0.address) },
                                             replicasPerMaster: perMaster)
        let grown = try RedisClusterSwarm(manager: manager, hosts: hosts, plan: grownPlan, image: image, nodeTimeoutMs: nodeTimeoutMs)
        let added = grownPlan.nodes.filter { node in !plan.nodes.contains { $0.name == node.name } }
        guard let newMaster = added.first(where: \.isMaster), let anchor = plan.masters.first else {
            throw DockerError.invalidArgument("nothing to add")
        }

        progress.step("writing \(keys) keys before the scale-out")
        let pairs = (0..<keys).map { ("scale:\($0)", "v\($0)") }
        var written = 0
        for chunk in stride(from: 0, to: pairs.count, by: 200).map({ Array(pairs[$0..<min($0 + 200, pairs.count)]) }) {
            let output = try await cli(anchor, ["-c"], stdin: chunk.map { "SET \($0.0) \($0.1)" }.joined(separator: "\n") + "\n")
            written += output.split(separator: "\n").filter { $0.trimmingCharacters(in: .whitespaces) == "OK" }.count
        }
        guard written == keys else { throw DockerError.invalidArgument("only \(written)/\(keys) keys were written before the scale-out") }

        progress.step("creating \(added.map { "\($0.name)@\($0.host)" }.joined(separator: ", "))")
        for node in added { try await manager.services.create(grown.serviceSpec(node)) }
        for node in added {
            try await grown.requireTaskOnPlannedHost(node, timeout: .seconds(90))
            try await Poll.until("\(node.name) to answer PING", timeout: .seconds(30)) {
                (try await grown.cli(node, ["ping"]).trimmingCharacters(in: .whitespacesAndNewlines) == "PONG", nil)
            }
        }
        progress.step("adding \(newMaster.name) as a master, then its replicas")
        try await Poll.until("\(newMaster.name) to join", timeout: .seconds(60), interval: .milliseconds(500)) {
            _ = try await grown.cli(newMaster, ["--cluster", "add-node", newMaster.endpoint, anchor.endpoint], raw: true)
            return (true, nil)
        }
        let masterID = try await grown.cli(newMaster, ["cluster", "myid"]).trimmingCharacters(in: .whitespacesAndNewlines)
        for replica in added where !replica.isMaster {
            try await Poll.until("\(replica.name) to join as a replica of \(newMaster.name)", timeout: .seconds(60),
                                 interval: .milliseconds(500)) {
                _ = try await grown.cli(replica, ["--cluster", "add-node", replica.endpoint, newMaster.endpoint, "--cluster-slave",
                                                  "--cluster-master-id", masterID], raw: true)
                return (true, nil)
            }
        }
        try await grown.waitUntilHealthy(timeout: .seconds(90))
        progress.step("rebalancing the slots onto \(newMaster.name)")
        // rebalance refuses while the nodes disagree: retry, bounded.
        try await Poll.until("the rebalance", timeout: .seconds(180), interval: .seconds(1)) {
            _ = try await grown.cli(newMaster, ["--cluster", "rebalance", newMaster.endpoint, "--cluster-use-empty-masters"],
                                    raw: true, seconds: 150)
            return (true, nil)
        }
        try await grown.waitUntilHealthy(timeout: .seconds(90))
        let view = try ClusterView(parsing: try await grown.cli(newMaster, ["cluster", "nodes"]))
        let slots = view.myself?.slotCount ?? 0
        var readBack = 0
        for chunk in stride(from: 0, to: pairs.count, by: 200).map({ Array(pairs[$0..<min($0 + 200, pairs.count)]) }) {
            let output = try await grown.cli(anchor, ["-c"], stdin: chunk.map { "GET \($0.0)" }.joined(separator: "\n") + "\n")
            let values = output.split(separator: "\n").map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.hasPrefix("-> Redirected") }
            readBack += zip(chunk, values).filter { $0.0.1 == $0.1 }.count
        }
        let sharing = try await grown.status().replicasSharingTheirMastersHost
        let report = SwarmScaleReport(master: newMaster.name, masterHost: newMaster.host,
                                      replicas: added.filter { !$0.isMaster }.map { "\($0.name)@\($0.host)" }, masterSlots: slots,
                                      keysWritten: written, keysReadBack: readBack, replicasSharingTheirMastersHost: sharing)
        progress.report(report.passed ? .pass : .fail,
                        "\(newMaster.name) on \(host) serves \(slots) slots; \(readBack)/\(written) keys read back")
        return (grown, report)
    }
}
