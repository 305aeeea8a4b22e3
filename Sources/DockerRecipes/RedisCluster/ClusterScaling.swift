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
        let cli = self.cli(anchor.name)
        let keys = try await writeKeys(keyCount, cli: cli, via: anchor, prefix: "scale")
        let next = (current.map(\.plan.index).max() ?? -1) + 1
        let newMaster = try plan.node(next), newReplica = try plan.node(next + 1)
        progress.step("adding \(newMaster.name) (master) and \(newReplica.name) (its replica)")
        try await startNodes([newMaster, newReplica], existing: current.map(\.container))
        try await waitUntilAnswering([newMaster, newReplica], progress: progress)
        _ = try await cli.raw(["--cluster", "add-node", newMaster.address, anchor.address])
        let all = running + [newMaster]
        try await waitUntilHealthy(nodes: all, progress: progress)
        let masterID = try await resp.myID(newMaster)
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
        let cli = self.cli(anchor.name)
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

    /// Writes `count` keys over RESP, each to the node owning its slot (following MOVED and ASK),
    /// and returns them with their values; throws unless every write is acknowledged.
    func writeKeys(_ count: Int, cli: RedisCLI, via node: RedisNodePlan, prefix: String) async throws -> [(String, String)] {
        let keys = (0..<count).map { ("\(prefix):\($0)", "v\($0)-\(UInt16.random(in: 0...UInt16.max))") }
        let replies = try await clusterCommands(keys.map { ["SET", $0.0, $0.1] }, keys: keys.map(\.0), via: node)
        let oks = replies.filter { $0 == .simple("OK") }.count
        guard oks == count else {
            let firstOther = replies.first { $0 != .simple("OK") }.map { ": \($0)" } ?? ""
            throw DockerError.invalidArgument("only \(oks) of \(count) writes were acknowledged\(firstOther)")
        }
        return keys
    }

    /// Reads keys back over RESP (following redirects) and counts those with the right value.
    func readKeys(_ keys: [(String, String)], cli: RedisCLI, via node: RedisNodePlan) async throws -> Int {
        let replies = try await clusterCommands(keys.map { ["GET", $0.0] }, keys: keys.map(\.0), via: node)
        return zip(keys, replies).filter { $0.0.1 == $0.1.text }.count
    }

    /// Runs `commands` (one key each) on the nodes owning the keys' slots, per `via`'s slot map: one
    /// pipeline per owner, all owners at once; a `MOVED` or `ASK` reply is followed (at most 5 times).
    func clusterCommands(_ commands: [[String]], keys: [String], via node: RedisNodePlan) async throws -> [RESPValue] {
        let resp = resp
        let running = try await currentNodes().filter { $0.container.containerStatus == .running }.map(\.plan)
        let byAddress = Dictionary(running.map { ($0.address, $0) }, uniquingKeysWith: { a, _ in a })
        let view = try await resp.nodes(node)
        let owners = view.slotOwners
        let addressOf = Dictionary(view.nodes.map { ($0.id, $0.address) }, uniquingKeysWith: { a, _ in a })
        var groups: [String: [Int]] = [:]
        for (index, key) in keys.enumerated() {
            let owner = owners[KeySlot.slot(for: key)].flatMap { addressOf[$0] } ?? node.address
            groups[owner, default: []].append(index)
        }
        var replies = [RESPValue](repeating: .error("not sent"), count: commands.count)
        try await withThrowingTaskGroup(of: [(Int, RESPValue)].self) { group in
            for (address, indexes) in groups {
                group.addTask {
                    let target = byAddress[address] ?? node
                    let answers = try await resp.pipeline(target, indexes.map { commands[$0] }, timeout: .seconds(15))
                    var out: [(Int, RESPValue)] = []
                    for (index, answer) in zip(indexes, answers) {
                        out.append((index, try await Self.follow(answer, command: commands[index], from: target, resp: resp, nodes: byAddress)))
                    }
                    return out
                }
            }
            for try await answered in group { for (index, reply) in answered { replies[index] = reply } }
        }
        return replies
    }

    /// Follows `MOVED` / `ASK` replies for one command (at most 5 hops); other replies are returned.
    static func follow(_ reply: RESPValue, command: [String], from node: RedisNodePlan, resp: RedisRESP,
                       nodes: [String: RedisNodePlan]) async throws -> RESPValue {
        var reply = reply
        var current = node
        for _ in 0..<5 {
            guard case .error(let message) = reply, let redirect = ClusterRedirect(parsing: message) else { return reply }
            let address = redirect.host.isEmpty ? "\(current.host):\(redirect.port)" : redirect.address
            guard let target = nodes[address] else { return reply }
            current = target
            if redirect.kind == .ask {
                reply = try await resp.pipeline(target, [["ASKING"], command])[1]
            } else {
                reply = try await resp.pipeline(target, [command])[0]
            }
        }
        return reply
    }
}
