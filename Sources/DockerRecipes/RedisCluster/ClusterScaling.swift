import DockerSDK
import Foundation

/// What a scale-out or scale-in did.
public struct ScaleReport: Sendable, Codable, Equatable {
    /// The master added or removed.
    public var master: String
    /// The replica added or removed.
    public var replica: String?
    /// Slots the master owned at the end (scale-out) or before leaving (scale-in).
    public var masterSlots: Int
    /// Keys written before the change.
    public var keysWritten: Int
    /// Of those, keys read back after it.
    public var keysReadBack: Int
    /// Seconds it took.
    public var seconds: Double
    /// Whether every key survived and the slots moved as planned.
    public var passed: Bool
}

extension RedisCluster {
    /// Adds a master and its replica, rebalances slots onto the new master, and checks keys written
    /// before are still readable.
    public func scaleOut(keyCount: Int = 300, progress: RecipeProgress = .silent) async throws -> ScaleReport {
        let progress = resources.logged(progress)
        let started = ContinuousClock.now
        let current = try await currentNodes()
        let running = current.filter { $0.container.containerStatus == .running }.map(\.plan)
        guard let anchor = running.first else { throw DockerError.invalidArgument("no node is running: run `up` first") }
        let cli = RedisCLI(docker: docker, container: anchor.name)
        let keys = try await writeKeys(keyCount, cli: cli, via: anchor, prefix: "scale")
        let next = (current.map(\.plan.index).max() ?? -1) + 1
        let newMaster = try plan.node(next), newReplica = try plan.node(next + 1)
        progress.step("adding \(newMaster.name) (master) and \(newReplica.name) (its replica)")
        try await startNodes([newMaster, newReplica], existing: current.map(\.container))
        try await waitUntilAnswering([newMaster, newReplica], progress: progress)
        _ = try await cli.raw(["--cluster", "add-node", newMaster.address, anchor.address])
        let all = running + [newMaster]
        try await waitUntilHealthy(nodes: all, progress: progress)
        let masterID = try await cli.run(newMaster, ["cluster", "myid"]).trimmingCharacters(in: .whitespacesAndNewlines)
        _ = try await cli.raw(["--cluster", "add-node", newReplica.address, anchor.address,
                               "--cluster-slave", "--cluster-master-id", masterID])
        try await waitUntilHealthy(nodes: all + [newReplica], progress: progress)
        progress.step("rebalancing slots onto \(newMaster.name)")
        _ = try await cli.raw(["--cluster", "rebalance", anchor.address, "--cluster-use-empty-masters"])
        try await waitUntilHealthy(nodes: all + [newReplica], progress: progress)
        let slots = try await cli.nodes(newMaster).myself?.slotCount ?? 0
        let readBack = try await readKeys(keys, cli: cli, via: anchor)
        let masters = try await cli.nodes(anchor).masters.count
        let fairShare = KeySlot.slotCount / max(1, masters)
        let passed = readBack == keyCount && slots >= fairShare * 9 / 10
        progress.report(passed ? .pass : .fail, "\(newMaster.name) owns \(slots) slots (fair share \(fairShare)); \(readBack)/\(keyCount) keys readable")
        return ScaleReport(master: newMaster.name, replica: newReplica.name, masterSlots: slots, keysWritten: keyCount,
                           keysReadBack: readBack, seconds: seconds(since: started), passed: passed)
    }

    /// Moves every slot off the last added master, removes it and its replica from the cluster and
    /// deletes their containers; keys written before stay readable.
    public func scaleIn(keyCount: Int = 300, progress: RecipeProgress = .silent) async throws -> ScaleReport {
        let progress = resources.logged(progress)
        let started = ContinuousClock.now
        let current = try await currentNodes()
        let initial = plan.nodes.count
        let extra = current.filter { $0.plan.index >= initial }.map(\.plan)
        guard !extra.isEmpty else { throw DockerError.invalidArgument("nothing to scale in: no node beyond the initial \(initial)") }
        let keep = current.filter { $0.plan.index < initial && $0.container.containerStatus == .running }.map(\.plan)
        guard let anchor = keep.first else { throw DockerError.invalidArgument("no initial node is running") }
        let cli = RedisCLI(docker: docker, container: anchor.name)
        let keys = try await writeKeys(keyCount, cli: cli, via: anchor, prefix: "scalein")
        let view = try await cli.nodes(anchor)
        let extraNodes = extra.compactMap { node in view.nodes.first { $0.host == node.host && $0.port == node.port }.map { (node, $0) } }
        let masters = extraNodes.filter { $0.1.role == .master }
        let replicas = extraNodes.filter { $0.1.role == .replica }
        var movedSlots = 0
        for (node, record) in masters where record.slotCount > 0 {
            movedSlots += record.slotCount
            progress.step("moving \(record.slotCount) slots off \(node.name)")
            _ = try await cli.raw(["--cluster", "rebalance", anchor.address, "--cluster-weight", "\(record.id)=0"])
            try await Poll.until("\(node.name) to own no slots", timeout: .seconds(120)) {
                let slots = try await cli.nodes(anchor).node(id: record.id)?.slotCount ?? 0
                return (slots == 0, "\(slots) slots left")
            }
        }
        for (node, record) in replicas + masters {
            progress.step("removing \(node.name) from the cluster")
            _ = try await cli.raw(["--cluster", "del-node", anchor.address, record.id])
        }
        for node in extra {
            try await docker.containers.remove(node.name, force: true, volumes: true)
            try? await docker.volumes.remove("\(node.name)-data", force: true)
        }
        try await waitUntilHealthy(nodes: keep, progress: progress)
        let readBack = try await readKeys(keys, cli: cli, via: anchor)
        let passed = readBack == keyCount
        progress.report(passed ? .pass : .fail, "\(extra.map(\.name).joined(separator: ", ")) removed; \(readBack)/\(keyCount) keys readable")
        return ScaleReport(master: masters.first?.0.name ?? extra[0].name, replica: replicas.first?.0.name,
                           masterSlots: movedSlots, keysWritten: keyCount, keysReadBack: readBack,
                           seconds: seconds(since: started), passed: passed)
    }

    /// Writes `count` keys through redirection (`redis-cli -c`) and returns them with their values.
    func writeKeys(_ count: Int, cli: RedisCLI, via node: RedisNodePlan, prefix: String) async throws -> [(String, String)] {
        let keys = (0..<count).map { ("\(prefix):\($0)", "v\($0)-\(UInt16.random(in: 0...UInt16.max))") }
        let output = try await cli.run(node, [], cluster: true, stdin: keys.map { "SET \($0.0) \($0.1)" }.joined(separator: "\n") + "\n")
        let oks = output.split(separator: "\n").filter { $0.trimmingCharacters(in: .whitespaces) == "OK" }.count
        guard oks == count else { throw DockerError.invalidArgument("only \(oks) of \(count) writes were acknowledged") }
        return keys
    }

    /// Reads keys back through redirection and counts those with the right value.
    func readKeys(_ keys: [(String, String)], cli: RedisCLI, via node: RedisNodePlan) async throws -> Int {
        let output = try await cli.run(node, [], cluster: true, stdin: keys.map { "GET \($0.0)" }.joined(separator: "\n") + "\n")
        // redis-cli -c reports each redirection on a line of its own before the reply.
        let values = output.split(separator: "\n").map { $0.trimmingCharacters(in: .whitespaces) }
            .filter { !$0.hasPrefix("-> Redirected") }
        return zip(keys, values).filter { $0.0.1 == $0.1 }.count
    }
}
