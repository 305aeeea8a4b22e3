import DockerSDK
import Foundation

/// What the failover drill saw: seed 000 §2.3, measured.
public struct FailoverReport: Sendable, Codable, Equatable {
    /// The key whose slot's master was stopped.
    public var key: String
    /// Its slot.
    public var slot: Int
    /// The stopped master's container.
    public var oldMaster: String
    /// The replica that took over.
    public var newMaster: String
    /// Keys written into the slot before the stop.
    public var keysWritten: Int
    /// Replicas that acknowledged the writes (WAIT on the writing connection).
    public var replicasAcknowledged: Int
    /// Keys read back from the new master with the right value.
    public var keysReadBack: Int
    /// Seconds from the stop until a node flagged the master as failed.
    public var failureDetectedAfter: Double
    /// Seconds from the stop until the replica was a master.
    public var promotedAfter: Double
    /// Seconds from the stop until every running node said `cluster_state:ok`.
    public var clusterOKAfter: Double
    /// Seconds from restarting the old master until it was a replica of the new one.
    public var rejoinedAfter: Double
    /// Whether no acknowledged write was lost and the old master came back as a replica.
    public var passed: Bool { keysReadBack == keysWritten && replicasAcknowledged >= 1 && rejoinedAfter >= 0 }
}

extension RedisCluster {
    /// Stops the master owning `key`'s slot after writing `keyCount` keys there (acknowledged by a
    /// replica), waits for its replica to take over, reads the keys back, restarts the old master and
    /// waits until it rejoins as a replica of the new one, in its own view and in every other node's. Every
    /// wait is bounded.
    public func failoverDrill(key: String = "k1", keyCount: Int = 100, progress: RecipeProgress = .silent) async throws -> FailoverReport {
        let progress = resources.logged(progress)
        let nodes = try await currentNodes().filter { $0.container.containerStatus == .running }.map(\.plan)
        let cli = try await anyCLI()
        guard let first = nodes.first else { throw DockerError.invalidArgument("no node is running") }
        let view = try await cli.nodes(first)
        let slot = KeySlot.slot(for: key)
        guard let master = view.masters.first(where: { $0.slots.contains { $0.contains(slot) } }),
              let masterPlan = nodes.first(where: { $0.host == master.host && $0.port == master.port }) else {
            throw DockerError.invalidArgument("no master owns slot \(slot)")
        }
        let replicaIDs = Set(view.replicas(of: master.id).map(\.id))
        guard !replicaIDs.isEmpty else {
            throw DockerError.invalidArgument("the master of slot \(slot) has no replica: a failover needs replicasPerMaster >= 1")
        }
        progress.step("master of slot \(slot) (\(key)) is \(masterPlan.name) \(master.address); replicas: \(replicaIDs.count)")

        // A replica acknowledges writes only once its replication link is up (a full sync of a new
        // replica starts after the master's repl-diskless-sync-delay, 5 s by default): wait for one.
        let resp = resp
        try await Poll.backoff("a replica of \(masterPlan.name) to be in sync", timeout: .seconds(60), maximum: .milliseconds(200)) {
            let info = try await resp.text(masterPlan, ["INFO", "replication"])
            let online = info.split(whereSeparator: \.isNewline).filter { $0.hasPrefix("slave") && $0.contains("state=online") }.count
            return (online >= 1, "\(online) replicas online")
        }
        // Keys with the hash tag {key} share its slot: one connection writes them all, then WAIT.
        let keys = (0..<keyCount).map { ("{\(key)}:drill:\($0)", "value-\($0)") }
        let script = keys.map { ["SET", $0.0, $0.1] } + [["WAIT", "1", "5000"]]
        let written = try await resp.pipeline(masterPlan, script, timeout: .seconds(15))
        let oks = written.dropLast().filter { $0 == .simple("OK") }.count
        var acknowledged = 0
        if case .integer(let count)? = written.last { acknowledged = count }
        guard oks == keyCount, acknowledged >= 1 else {
            throw DockerError.invalidArgument("writing \(keyCount) keys gave \(oks) OK and \(acknowledged) replica acknowledgements")
        }
        progress.info("wrote \(keyCount) keys into slot \(slot), acknowledged by \(acknowledged) replica(s)")

        progress.step("stopping \(masterPlan.name)")
        let stopped = ContinuousClock.now
        try await docker.containers.stop(masterPlan.name, timeout: 5)
        let survivors = nodes.filter { $0.name != masterPlan.name }
        guard let firstSurvivor = survivors.first else {
            throw DockerError.invalidArgument("no other node is running: a failover needs the replicas up")
        }
        let survivorCLI = self.cli(firstSurvivor.name)

        var detected = -1.0, promoted = -1.0
        var newMasterPlan: RedisNodePlan?
        try await Poll.until("a replica of \(masterPlan.name) to be promoted", timeout: .seconds(90), interval: .milliseconds(200)) {
            for node in survivors {
                guard let seen = try? await survivorCLI.nodes(node) else { continue }
                if detected < 0, seen.node(id: master.id)?.flags.contains(.fail) == true { detected = seconds(since: stopped) }
                if let me = seen.myself, replicaIDs.contains(me.id), me.role == .master {
                    if detected < 0 { detected = seconds(since: stopped) }
                    promoted = seconds(since: stopped)
                    newMasterPlan = node
                    return (true, nil)
                }
            }
            return (false, detected < 0 ? "no node flags the master as failed yet" : "failure detected, no promotion yet")
        }
        guard let newMaster = newMasterPlan else { throw DockerError.invalidArgument("no promoted replica") }
        progress.report(.pass, String(format: "failure detected after %.1f s; %@ promoted after %.1f s", detected, newMaster.name, promoted))

        var clusterOK = -1.0
        try await Poll.until("cluster_state:ok on every running node", timeout: .seconds(60), interval: .milliseconds(200)) {
            for node in survivors {
                guard let info = try? await survivorCLI.info(node), info.state == .ok else { return (false, "\(node.name) not ok") }
            }
            clusterOK = seconds(since: stopped)
            return (true, nil)
        }

        let readBack = try await readKeys(keys, cli: survivorCLI, via: newMaster)
        progress.report(readBack == keyCount ? .pass : .fail, "read back \(readBack)/\(keyCount) acknowledged keys from \(newMaster.name)")

        progress.step("starting \(masterPlan.name) again")
        let restarted = ContinuousClock.now
        try await docker.containers.start(masterPlan.name)
        let newMasterID = try await resp.myID(newMaster)
        var rejoined = -1.0
        try await Poll.until("\(masterPlan.name) to rejoin as a replica of \(newMaster.name)", timeout: .seconds(90),
                             interval: .milliseconds(300)) {
            guard let seen = try? await survivorCLI.nodes(masterPlan), let me = seen.myself else { return (false, "not answering") }
            guard me.role == .replica, me.masterID == newMasterID else { return (false, "role \(me.role), master \(me.masterID ?? "-")") }
            // Every other node must see it so too (gossip takes a moment; `status` reads one other node's view).
            for other in nodes where other.name != masterPlan.name {
                guard let theirs = try? await survivorCLI.nodes(other),
                      let entry = theirs.nodes.first(where: { $0.host == masterPlan.host && $0.port == masterPlan.port }) else {
                    return (false, "\(other.name) not answering")
                }
                guard entry.role == .replica, entry.masterID == newMasterID else {
                    return (false, "\(other.name) sees role \(entry.role), master \(entry.masterID ?? "-")")
                }
            }
            rejoined = seconds(since: restarted)
            return (true, nil)
        }
        try await waitUntilHealthy(nodes: nodes, progress: progress, timeout: .seconds(90))
        progress.report(.pass, String(format: "%@ rejoined as a replica of %@ after %.1f s", masterPlan.name, newMaster.name, rejoined))
        return FailoverReport(key: key, slot: slot, oldMaster: masterPlan.name, newMaster: newMaster.name,
                              keysWritten: keyCount, replicasAcknowledged: acknowledged, keysReadBack: readBack,
                              failureDetectedAfter: detected, promotedAfter: promoted, clusterOKAfter: clusterOK,
                              rejoinedAfter: rejoined)
    }
}
