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
    ///
    /// Redis keeps a master's `cluster_state` at fail until 2 s after its process started (the
    /// writable delay of cluster.c); replicas have no such delay. With at least one replica per master,
    /// the slots are therefore first given to the first replica of each master, the masters replicate
    /// them, and once the masters (as replicas) report `cluster_state:ok` each takes its slots over
    /// with `CLUSTER FAILOVER TAKEOVER` (no election, a broadcast to all nodes): the planned masters end
    /// up as masters with an ok state, and the temporary owners as their replicas.
    func formCluster(_ nodes: [RedisNodePlan], progress: RecipeProgress) async throws {
        let masterCount = plan.options.masters
        let masters = Array(nodes.prefix(masterCount)), replicas = Array(nodes.dropFirst(masterCount))
        let ranges = Self.slotRanges(masters: masterCount)
        let resp = resp
        let takeover = replicas.count >= masterCount
        // Who holds the slots first, and who replicates whom first (index into `nodes`).
        let firstOwners = takeover ? Array(replicas.prefix(masterCount)) : masters
        let extraReplicas = takeover ? Array(replicas.dropFirst(masterCount)) : replicas
        progress.step("forming the cluster over RESP: slots on \(masters.count) \(takeover ? "replicas-to-be" : "masters"), "
            + "MEET between \(nodes.count) nodes, REPLICATE on \(replicas.count) nodes"
            + (takeover ? ", then FAILOVER TAKEOVER by the \(masterCount) masters" : ""))

        // Slots and epochs (an epoch can only be set while a node knows no other node: before MEET).
        let ownerIndex = Dictionary(firstOwners.enumerated().map { ($1.name, $0) }, uniquingKeysWith: { a, _ in a })
        try await concurrently(Array(nodes.enumerated())) { index, node in
            var commands = [["CLUSTER", "SET-CONFIG-EPOCH", String(index + 1)],
                            ["CONFIG", "SET", "cluster-node-timeout", String(formationNodeTimeoutMs)]]
            if let slot = ownerIndex[node.name] {
                commands.append(["CLUSTER", "ADDSLOTSRANGE", String(ranges[slot].first), String(ranges[slot].last)])
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
        if takeover {
            let ownerIDs = try await ids(of: firstOwners)
            try await replicate(Array(masters.enumerated()).map { ($1, ownerIDs[$0], firstOwners[$0].name) })
            // Once a master-to-be (a replica now) is ok, it takes its slots over; bounded, and a
            // master that is not ok in time takes over anyway (it then waits out the delay).
            try await concurrently(masters) { master in
                try? await Poll.backoff("\(master.name) to report cluster_state:ok as a replica", timeout: .seconds(10),
                                        maximum: .milliseconds(50)) {
                    (try await resp.info(master).state == .ok, nil)
                }
                try await resp.ok(master, ["CLUSTER", "FAILOVER", "TAKEOVER"])
                try await Poll.backoff("\(master.name) to take over", timeout: .seconds(30), maximum: .milliseconds(50)) {
                    (try await resp.nodes(master).myself?.role == .master, nil)
                }
            }
        }
        guard !extraReplicas.isEmpty else { return }
        let masterIDs = try await ids(of: masters)
        let offset = takeover ? masterCount : 0
        try await replicate(Array(extraReplicas.enumerated()).map { index, replica in
            let master = (index + offset) % masterCount
            return (replica, masterIDs[master], masters[master].name)
        })
    }

    /// `CLUSTER MYID` of each node, in order.
    func ids(of nodes: [RedisNodePlan]) async throws -> [String] {
        let resp = resp
        return try await withThrowingTaskGroup(of: (Int, String).self) { group in
            for (index, node) in nodes.enumerated() { group.addTask { (index, try await resp.myID(node)) } }
            var ids = [String](repeating: "", count: nodes.count)
            for try await (index, id) in group { ids[index] = id }
            return ids
        }
    }

    /// `CLUSTER REPLICATE` on each replica as soon as it knows its master (past the handshake).
    func replicate(_ pairs: [(replica: RedisNodePlan, masterID: String, masterName: String)]) async throws {
        let resp = resp
        try await concurrently(pairs) { replica, masterID, masterName in
            try await Poll.backoff("\(replica.name) to replicate \(masterName)", timeout: .seconds(30), maximum: .milliseconds(100)) {
                let view = try await resp.nodes(replica)
                guard let master = view.node(id: masterID), !master.flags.contains(.handshake), master.role == .master else {
                    return (false, "\(replica.name) does not know \(masterID) as a master yet")
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
