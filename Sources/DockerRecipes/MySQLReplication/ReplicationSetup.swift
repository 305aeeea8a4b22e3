import DockerSDK
import Foundation

/// A replica whose replication did not start; quotes the server's own error.
public struct ReplicationFailed: Error, Sendable, CustomStringConvertible {
    /// The replica's container.
    public var replica: String
    /// `Last_IO_Error` (e.g. access denied for the replication user), if any.
    public var lastIOError: String?
    /// `Last_SQL_Error`, if any.
    public var lastSQLError: String?
    /// The IO and SQL thread states last seen.
    public var threads: String

    /// Which replica did not start replicating, and the state of its threads.
    public var description: String {
        "replication on \(replica) did not start (\(threads))"
            + (lastIOError.map { "; Last_IO_Error: \($0)" } ?? "") + (lastSQLError.map { "; Last_SQL_Error: \($0)" } ?? "")
    }
}

/// Seed 000 §1 steps 6-11: the replication user, the source's position, CHANGE MASTER on each replica,
/// START, and the wait for both threads.
struct ReplicationSetup: Sendable {
    let plan: MySQLReplicationPlan
    let flavor: MySQLFlavor
    let source: MySQLShell
    let replicas: [MySQLShell]
    /// Where the replicas reach the source when not at its container name (a swarm: its host's address).
    var sourceHost: String? = nil

    func run(progress: RecipeProgress) async throws {
        let account = ReplicationAccount(user: plan.options.replicationUser, password: plan.replicationPassword.value)
        progress.step("creating replication user '\(account.user)'@'%' on the source")
        try await source.execute(ReplicationSQL.createReplicationUser(account, flavor: flavor), secrets: [plan.replicationPassword])
        let start = try await startPoint()
        let connectAccount = plan.options.useWrongReplicaPassword
            ? ReplicationAccount(user: account.user, password: plan.replicationPassword.value + "-wrong") : account
        let endpoint = ReplicationEndpoint(host: sourceHost ?? plan.source.name, port: 3306)
        for replica in replicas {
            progress.step("pointing \(replica.displayName) at \(sourceHost ?? plan.source.name) (\(plan.options.mode.rawValue))")
            var statements: [SQLStatement] = []
            if case .gtid = start, !flavor.isMariaDB {
                // A fresh MySQL replica must not replay the source's initialisation: start from its executed set.
                let executed = try await source.query(ReplicationSQL.sourceGTIDPosition(flavor: flavor).sql)
                guard let row = SQLResultTable.parse(executed).rows.first, let first = row.first else {
                    throw DockerError.malformedResponse("cannot read the source's executed GTID set")
                }
                let set = first ?? ""
                statements.append(SQLStatement("RESET \(flavor.usesBinaryLogStatus ? "BINARY LOGS AND GTIDS" : "MASTER")"))
                statements.append(SQLStatement([.text("SET GLOBAL gtid_purged = "), .literal(set)]))
            }
            statements += ReplicationSQL.setUpReplica(flavor: flavor, source: endpoint, account: connectAccount,
                                                      start: start, connectRetry: 5)
            try await replica.execute(statements, secrets: [plan.replicationPassword, Secret(connectAccount.password)])
        }
        for replica in replicas {
            try await waitForThreads(replica, progress: progress)
        }
    }

    /// The source's current binlog position, or its GTID position (MariaDB: from that position).
    func startPoint() async throws -> ReplicaStartPoint {
        let output = try await source.query(ReplicationSQL.sourceStatus(flavor: flavor).sql)
        guard let status = try BinaryLogStatus.parse(output) else {
            throw DockerError.malformedResponse("the source has no binary log status (is log-bin on?)")
        }
        switch plan.options.mode {
        case .binlogPosition:
            return .binlog(status.coordinates)
        case .gtid where flavor.isMariaDB:
            let pos = try await source.query(ReplicationSQL.mariaDBGTIDPosition(at: status.coordinates).sql)
            let gtid = SQLResultTable.parse(pos).rows.first?.first.flatMap { $0 }
            return .gtid(slavePos: gtid ?? "")
        case .gtid:
            return .gtid(slavePos: nil)
        }
    }

    /// Waits (bounded) until IO and SQL threads both run; a persistent IO error fails with its text.
    func waitForThreads(_ replica: MySQLShell, progress: RecipeProgress) async throws {
        var last: ReplicaStatus?
        var errorSince: ContinuousClock.Instant?
        do {
            try await Poll.until("replication threads on \(replica.displayName)", timeout: .seconds(60), interval: .milliseconds(500)) {
                let status = try ReplicaStatus.parse(try await replica.query(ReplicationSQL.replicaStatus(flavor: flavor).sql))
                last = status
                guard let status else { return (false, "no replica status") }
                if status.isReplicating { return (true, nil) }
                if status.lastIOErrno != 0 || status.lastSQLErrno != 0 {
                    // The IO thread retries every few seconds; the same error for 12 s is final.
                    let since = errorSince ?? .now
                    errorSince = since
                    if ContinuousClock.now - since > .seconds(12) { throw ReplicationFailedSignal() }
                } else {
                    errorSince = nil
                }
                return (false, "IO \(status.ioRunning.rawValue), SQL \(status.sqlRunning.rawValue)")
            }
        } catch is ReplicationFailedSignal {
            throw failure(replica, last)
        } catch let timeout as PollTimeout {
            if last?.hasError == true { throw failure(replica, last) }
            throw timeout
        }
        progress.report(.pass, "\(replica.displayName): Slave_IO_Running: Yes, Slave_SQL_Running: Yes")
    }

    private func failure(_ replica: MySQLShell, _ status: ReplicaStatus?) -> ReplicationFailed {
        ReplicationFailed(replica: replica.displayName, lastIOError: status?.lastIOError, lastSQLError: status?.lastSQLError,
                          threads: "IO \(status?.ioRunning.rawValue ?? "?"), SQL \(status?.sqlRunning.rawValue ?? "?")")
    }
}

/// Stops polling at once: the replica reported the same error for too long.
private struct ReplicationFailedSignal: StopsPolling {}
