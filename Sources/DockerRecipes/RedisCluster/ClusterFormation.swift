import DockerSDK
import Foundation

extension RedisCluster {
    /// The slot ranges of `masters` masters, split as `redis-cli --cluster create` splits them.
    static func slotRanges(masters: Int) -> [SlotRange] {
        let perMaster = Double(KeySlot.slotCount) / Double(masters)
        var ranges: [SlotRange] = []
        var first = 0
        var cursor = 0.0
        for index in 0..<masters {
            var last = Int((cursor + perMaster - 1).rounded())
            if last > KeySlot.slotCount - 1 || index == masters - 1 { last = KeySlot.slotCount - 1 }
            ranges.append(SlotRange(first: first, last: last))
            first = last + 1
            cursor += perMaster
        }
        return ranges
    }

    /// Forms the cluster over RESP, what `redis-cli --cluster create --cluster-replicas R` does,
    /// with every step issued to all nodes at once: slots (`CLUSTER ADDSLOTSRANGE`) and distinct
    /// config epochs on the masters, `CLUSTER MEET` between every pair (no wait for gossip to spread
    /// the news), then `CLUSTER REPLICATE` on each replica as soon as it knows its master. The first
    /// `masters` nodes are the masters; replica k follows master k mod `masters`.
    ///
    /// Nodes learn each other's slots only from heartbeats, which a node sends to a peer at the latest
    /// `cluster-node-timeout / 2` after the last answer: with the seeds' 5 s that is up to 2.5 s after
    /// the handshakes. During formation the nodes run with `formationNodeTimeoutMs` (1 s at most), so the
    /// slot map spreads within half a second; `up` sets the configured timeout back on every node
    /// before it returns, also when it fails (`restoreNodeTimeout`).
    func formCluster(_ nodes: [RedisNodePlan], progress: RecipeProgress) async throws {
        let masterCount = plan.options.masters
        let masters = Array(nodes.prefix(masterCount)), replicas = Array(nodes.dropFirst(masterCount))
        let ranges = Self.slotRanges(masters: masterCount)
        let resp = resp
        progress.step("forming the cluster over RESP: slots on \(masters.count) masters, MEET between \(nodes.count) nodes, "
            + "REPLICATE on \(replicas.count) replicas")

        // Slots and epochs (an epoch can only be set while a node knows no other node: before MEET).
        try await concurrently(Array(nodes.enumerated())) { index, node in
            var commands = [["CLUSTER", "SET-CONFIG-EPOCH", String(index + 1)],
                            ["CONFIG", "SET", "cluster-node-timeout", String(formationNodeTimeoutMs)]]
            if index < masterCount {
                commands.append(["CLUSTER", "ADDSLOTSRANGE", String(ranges[index].first), String(ranges[index].last)])
            }
            let replies = try await resp.pipeline(node, commands)
            for (command, reply) in zip(commands, replies) where reply != .simple("OK") {
                throw RedisRESP.error(command, node, reply.description)
            }
        }
        // Every pair meets once: node i introduces itself to every later node.
        try await concurrently(Array(nodes.enumerated())) { index, node in
            let commands = nodes.dropFirst(index + 1).map { ["CLUSTER", "MEET", $0.host, String($0.port), String($0.busPort)] }
            guard !commands.isEmpty else { return }
            let replies = try await resp.pipeline(node, commands)
            for (command, reply) in zip(commands, replies) where reply != .simple("OK") {
                throw RedisRESP.error(command, node, reply.description)
            }
        }
        guard !replicas.isEmpty else { return }
        let masterIDs = try await withThrowingTaskGroup(of: (Int, String).self) { group in
            for (index, master) in masters.enumerated() { group.addTask { (index, try await resp.myID(master)) } }
            var ids = [String](repeating: "", count: masters.count)
            for try await (index, id) in group { ids[index] = id }
            return ids
        }
        try await concurrently(Array(replicas.enumerated())) { index, replica in
            let masterID = masterIDs[index % masterCount]
            try await Poll.backoff("\(replica.name) to replicate \(masters[index % masterCount].name)", timeout: .seconds(30),
                                   maximum: .milliseconds(100)) {
                // The master must be known (past the handshake) before REPLICATE accepts it.
                let view = try await resp.nodes(replica)
                guard let master = view.node(id: masterID), !master.flags.contains(.handshake) else {
                    return (false, "\(replica.name) does not know \(masterID) yet")
                }
                try await resp.ok(replica, ["CLUSTER", "REPLICATE", masterID])
                return (true, nil)
            }
        }
    }

    /// The `cluster-node-timeout` nodes run with while the cluster forms.
    var formationNodeTimeoutMs: Int { min(1000, plan.options.nodeTimeoutMs) }

    /// Sets the configured `cluster-node-timeout` again on every node of `nodes`.
    func restoreNodeTimeout(_ nodes: [RedisNodePlan]) async throws {
        let resp = resp, timeout = String(plan.options.nodeTimeoutMs)
        try await concurrently(nodes) { node in try await resp.ok(node, ["CONFIG", "SET", "cluster-node-timeout", timeout]) }
    }

    /// Runs `body` for every element at once; the first error cancels the rest and is thrown.
    func concurrently<T: Sendable>(_ elements: [T], _ body: @escaping @Sendable (T) async throws -> Void) async throws {
        try await withThrowingTaskGroup(of: Void.self) { group in
            for element in elements { group.addTask { try await body(element) } }
            try await group.waitForAll()
        }
    }
}
