import DockerSDK
import Foundation

/// What the host-loss drill saw.
public struct HostLossReport: Sendable, Codable, Equatable {
    /// The host whose link was cut.
    public var lostHost: String
    /// Masters that were on it.
    public var lostMasters: [String]
    /// The replicas (on other hosts) promoted in their place.
    public var promoted: [String]
    /// Writes a replica acknowledged (WAIT on the writing connection), before, during and after the loss.
    public var acknowledgedWrites: Int
    /// Acknowledged writes not read back afterwards (must be 0).
    public var lostWrites: Int
    /// Writes that failed or were not acknowledged while the host was away (expected, not counted as lost:
    /// between the promotion and the host's return the new master has no replica to acknowledge them).
    public var unacknowledgedWrites: Int
    /// Seconds from the cut until every lost master's replica was a master.
    public var promotedAfter: Double
    /// Seconds from the cut until every surviving node said `cluster_state:ok`.
    public var clusterOKAfter: Double
    /// Seconds from restoring the link until the lost host's nodes were all replicas again.
    public var rejoinedAfter: Double
    /// Whether the cluster came back whole with no acknowledged write lost.
    public var passed: Bool { lostWrites == 0 && acknowledgedWrites > 0 && promoted.count == lostMasters.count && rejoinedAfter >= 0 }
}

extension RedisClusterSwarm {
    /// Loses a whole host while a writer keeps writing with WAIT, and checks the cluster heals.
    ///
    /// `cut` takes `host` off the network (e.g. its link down) and `restore` brings it back: the
    /// recipe does not touch the network itself. The writer writes batches of keys hashed to a slot of
    /// a master on that host, each batch followed by `WAIT 1` on the same connection (through
    /// `redis-cli -c`, which follows the slot to its new master); a batch counts as acknowledged
    /// only when every SET said OK and a replica acknowledged. After the promotion, `cluster_state:ok`
    /// and the host's return (its nodes rejoin as replicas), every acknowledged key is read back.
    /// `whileLost`, when given, runs once the cluster is ok again and before the host comes back
    /// (e.g. to check that the swarm's control plane survived a manager's loss).
    ///
    /// The drill reaches every node through its own host's daemon, never through a manager, so it
    /// works whichever host is lost, including the first manager.
    public func hostLossDrill(lose host: String, batchSize: Int = 10, progress: RecipeProgress = .silent,
                              cut: @Sendable () async throws -> Void,
                              restore: @Sendable () async throws -> Void,
                              whileLost: (@Sendable () async throws -> Void)? = nil) async throws -> HostLossReport {
        let lostNodes = plan.nodes.filter { $0.host == host }
        let survivors = plan.nodes.filter { $0.host != host }
        guard !lostNodes.isEmpty, let anchor = survivors.first else {
            throw DockerError.invalidArgument("\(host) holds no node of \(plan.prefix), or nothing survives it")
        }
        // Who is master where now, and which replicas may take over.
        let view = try ClusterView(parsing: try await cli(anchor, ["cluster", "nodes"]))
        let lostEndpoints = Set(lostNodes.map(\.endpoint))
        let lostMasters = view.masters.filter { lostEndpoints.contains("\($0.host):\($0.port)") }
        guard let target = lostMasters.first, let range = target.slots.first else {
            throw DockerError.invalidArgument("no master of \(plan.prefix) runs on \(host)")
        }
        let successors = Set(lostMasters.flatMap { view.replicas(of: $0.id).map(\.id) })
        let tag = (0..<100_000).lazy.map { "drill\($0)" }.first { range.contains(KeySlot.slot(for: "{\($0)}")) } ?? "drill"
        let name = { (node: ClusterNode) in self.plan.nodes.first { $0.endpoint == "\(node.host):\(node.port)" }?.name ?? node.address }
        progress.step("losing \(host): masters \(lostMasters.map(name)); writing {\(tag)} (slot \(KeySlot.slot(for: "{\(tag)}")))")

        let (writerHost, writerContainer) = try await runningContainer(anchor)
        let writer = DrillWriter(batchSize: batchSize, tag: tag)
        let writing = Task {
            var batch = 0
            while !Task.isCancelled, batch < 10_000 {
                let keys = (0..<batchSize).map { ("{\(tag)}:\(batch):\($0)", "v\(batch)-\($0)") }
                let script = keys.map { "SET \($0.0) \($0.1)" } + ["WAIT 1 1000"]
                let output = try? await withDeadline(seconds: 8) {
                    try await self.cli(in: writerContainer, on: writerHost,
                                       ["-c", "-h", anchor.address, "-p", String(anchor.port)],
                                       stdin: script.joined(separator: "\n") + "\n", seconds: 5)
                }
                await writer.record(keys, output: output)
                batch += 1
            }
        }
        defer { writing.cancel() }

        try await Poll.until("3 acknowledged batches before the loss", timeout: .seconds(60)) {
            (await writer.acknowledgedBatches >= 3, nil)
        }
        progress.step("cutting \(host) off")
        try await cut()
        let cutAt = ContinuousClock.now
        var promotedAfter = -1.0, clusterOKAfter = -1.0, rejoinedAfter = -1.0
        var promoted: [String] = []
        do {
            try await Poll.until("the lost masters' replicas to be promoted", timeout: .seconds(90), interval: .milliseconds(300)) {
                var now: [String] = []
                for node in survivors {
                    guard let seen = try? ClusterView(parsing: try await cli(node, ["cluster", "nodes"], seconds: 3)),
                          let me = seen.myself else { continue }
                    if successors.contains(me.id), me.role == .master { now.append(node.name) }
                }
                promoted = now
                return (now.count >= lostMasters.count, "promoted so far: \(now)")
            }
            promotedAfter = seconds(since: cutAt)
            progress.report(.pass, String(format: "%@ promoted after %.1f s", promoted.joined(separator: ", "), promotedAfter))
            try await Poll.until("cluster_state:ok on every surviving node", timeout: .seconds(60), interval: .milliseconds(300)) {
                for node in survivors {
                    let info = try ClusterInfo(parsing: try await cli(node, ["cluster", "info"], seconds: 3))
                    guard info.state == .ok else { return (false, "\(node.name): \(info.state.rawValue)") }
                }
                return (true, nil)
            }
            clusterOKAfter = seconds(since: cutAt)
            // The new master has no replica until the host is back: its writes are accepted, not acknowledged.
            let before = await writer.acceptedBatches
            try await Poll.until("3 batches accepted by the new master", timeout: .seconds(60)) {
                (await writer.acceptedBatches >= before + 3, nil)
            }
            progress.report(.pass, String(format: "cluster_state:ok after %.1f s; the new master takes writes", clusterOKAfter))
            if let whileLost { try await whileLost() }
        } catch {
            try? await restore()
            throw error
        }
        progress.step("bringing \(host) back")
        try await restore()
        let restoredAt = ContinuousClock.now
        try await Poll.until("\(host)'s nodes to rejoin as replicas", timeout: .seconds(90), interval: .milliseconds(500)) {
            for node in lostNodes {
                guard let seen = try? ClusterView(parsing: try await cli(node, ["cluster", "nodes"], seconds: 3)),
                      let me = seen.myself else { return (false, "\(node.name) not answering") }
                guard me.role == .replica, !me.isFailing else { return (false, "\(node.name) is \(me.role)") }
            }
            return (true, nil)
        }
        rejoinedAfter = seconds(since: restoredAt)
        let acknowledgedBefore = await writer.acknowledgedBatches
        try await Poll.until("3 batches acknowledged by the rejoined replica", timeout: .seconds(60)) {
            (await writer.acknowledgedBatches >= acknowledgedBefore + 3, nil)
        }
        writing.cancel()
        _ = await writing.result
        try await waitUntilHealthy(timeout: .seconds(60))
        progress.report(.pass, String(format: "%@'s nodes rejoined as replicas after %.1f s", host, rejoinedAfter))

        let acknowledged = await writer.acknowledgedKeys
        var readBack = 0
        for chunk in stride(from: 0, to: acknowledged.count, by: 200).map({ Array(acknowledged[$0..<min($0 + 200, acknowledged.count)]) }) {
            let output = try await cli(in: writerContainer, on: writerHost, ["-c", "-h", anchor.address, "-p", String(anchor.port)],
                                       stdin: chunk.map { "GET \($0.0)" }.joined(separator: "\n") + "\n")
            let values = output.split(separator: "\n").map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.hasPrefix("-> Redirected") }
            readBack += zip(chunk, values).filter { $0.0.1 == $0.1 }.count
        }
        let report = HostLossReport(lostHost: host, lostMasters: lostMasters.map(name), promoted: promoted,
                                    acknowledgedWrites: acknowledged.count, lostWrites: acknowledged.count - readBack,
                                    unacknowledgedWrites: await writer.unacknowledged, promotedAfter: promotedAfter,
                                    clusterOKAfter: clusterOKAfter, rejoinedAfter: rejoinedAfter)
        progress.report(report.lostWrites == 0 ? .pass : .fail,
                        "read back \(readBack)/\(acknowledged.count) acknowledged writes (\(report.unacknowledgedWrites) unacknowledged during the loss)")
        return report
    }
}

/// The writer's tally: which keys a replica acknowledged.
actor DrillWriter {
    let batchSize: Int
    let tag: String
    private(set) var acknowledgedKeys: [(String, String)] = []
    private(set) var acknowledgedBatches = 0
    private(set) var acceptedBatches = 0
    private(set) var unacknowledged = 0

    init(batchSize: Int, tag: String) {
        self.batchSize = batchSize
        self.tag = tag
    }

    /// A batch counts when every SET said OK and the final WAIT reported at least one replica.
    func record(_ keys: [(String, String)], output: String?) {
        let lines = (output ?? "").split(separator: "\n").map { $0.trimmingCharacters(in: .whitespaces) }
            .filter { !$0.isEmpty && !$0.hasPrefix("-> Redirected") }
        let oks = lines.filter { $0 == "OK" }.count
        if oks == keys.count { acceptedBatches += 1 }
        if oks == keys.count, lines.count == keys.count + 1, let replicas = Int(lines[keys.count]), replicas >= 1 {
            acknowledgedKeys += keys
            acknowledgedBatches += 1
        } else {
            unacknowledged += keys.count
        }
    }
}

/// Runs `body`, giving up (nil) after `seconds`.
func withDeadline<T: Sendable>(seconds: Double, _ body: @escaping @Sendable () async throws -> T) async throws -> T? {
    try await withThrowingTaskGroup(of: T?.self) { group in
        group.addTask { try await body() }
        group.addTask {
            try await Task.sleep(for: .seconds(seconds))
            return nil
        }
        defer { group.cancelAll() }
        return try await group.next() ?? nil
    }
}
