import DockerSDK
import Foundation

/// The typed state of a deployment: the source's binlog position and each replica's threads.
public struct MySQLReplicationStatus: Sendable, Codable, Equatable {
    /// One replica.
    public struct Replica: Sendable, Codable, Equatable {
        /// The container.
        public var container: String
        /// Its replication status; nil when it is not a replica (or not reachable).
        public var status: ReplicaStatusSummary?
    }

    /// The source's container.
    public var source: String
    /// The source's binlog file.
    public var sourceLogFile: String?
    /// The source's binlog position.
    public var sourcePosition: UInt64?
    /// The source's executed GTID set (MySQL) or binlog GTID position (MariaDB).
    public var sourceGTID: String?
    /// Every replica.
    public var replicas: [Replica]
    /// Where a client on the host reaches the servers, when the deployment publishes ports.
    public var endpoints: MySQLReplicationEndpoints? = nil
}

/// The parts of a replica's status that tell whether it works (Codable, for `--json`).
public struct ReplicaStatusSummary: Sendable, Codable, Equatable {
    /// IO thread: Yes, No or Connecting.
    public var ioRunning: String
    /// SQL thread: Yes or No.
    public var sqlRunning: String
    /// Seconds behind the source.
    public var secondsBehind: Int?
    /// The source's binlog file the IO thread reads.
    public var sourceLogFile: String?
    /// How far it has read.
    public var readPosition: UInt64?
    /// The last IO error.
    public var lastIOError: String?
    /// The last SQL error.
    public var lastSQLError: String?
    /// The GTID position (MariaDB Gtid_IO_Pos or MySQL Executed_Gtid_Set).
    public var gtid: String?
    /// Whether both threads run.
    public var isReplicating: Bool

    init(_ status: ReplicaStatus) {
        ioRunning = status.ioRunning.rawValue
        sqlRunning = status.sqlRunning.rawValue
        secondsBehind = status.secondsBehind
        sourceLogFile = status.sourceLogFile
        readPosition = status.readPosition
        lastIOError = status.lastIOError
        lastSQLError = status.lastSQLError
        gtid = status.gtid.ioPosition ?? status.gtid.executedSet
        isReplicating = status.isReplicating
    }
}

extension MySQLReplication {
    /// The source's position and every replica's threads, errors and lag.
    public func status() async throws -> MySQLReplicationStatus {
        let (source, replicas) = try await shells()
        var result = try await Self.status(source: source, replicas: replicas, sourceName: plan.source.name)
        if plan.options.sourcePort != nil || plan.options.publishesRandomPorts { result.endpoints = try? await endpoints() }
        return result
    }

    /// `status` over given root shells (one daemon, or a swarm's hosts), without endpoints.
    static func status(source: MySQLShell, replicas: [MySQLShell], sourceName: String) async throws -> MySQLReplicationStatus {
        let flavor = try await detectFlavor(source)
        let binlog = try BinaryLogStatus.parse(try await source.query(ReplicationSQL.sourceStatus(flavor: flavor).sql))
        let gtid = try? await source.query(ReplicationSQL.sourceGTIDPosition(flavor: flavor).sql)
        var result = MySQLReplicationStatus(source: sourceName, sourceLogFile: binlog?.file, sourcePosition: binlog?.position,
                                            sourceGTID: gtid.flatMap { SQLResultTable.parse($0).rows.first?.first ?? nil },
                                            replicas: [])
        for replica in replicas {
            let status = try? ReplicaStatus.parse(try await replica.query(ReplicationSQL.replicaStatus(flavor: flavor).sql))
            result.replicas.append(.init(container: replica.displayName, status: status.flatMap { $0 }.map(ReplicaStatusSummary.init)))
        }
        return result
    }
}
