import Foundation

/// One `mysqld` option: a name with underscores (`server_id`) and an optional value (nil for bare flags).
public struct ServerOption: Sendable, Hashable, CustomStringConvertible {
    /// The option name; `-` and `_` are interchangeable for mysqld, `_` is canonical here.
    public var name: String
    /// The value, or nil for a flag such as `skip_name_resolve`.
    public var value: String?

    /// Creates an option; dashes in `name` become underscores.
    public init(_ name: String, _ value: String? = nil) {
        self.name = name.replacingOccurrences(of: "-", with: "_")
        self.value = value
    }

    /// The my.cnf line, e.g. `server_id=101`.
    public var configLine: String { value.map { "\(name)=\($0)" } ?? name }

    /// The command-line argument, e.g. `--server-id=101`.
    public var argument: String {
        let flag = "--" + name.replacingOccurrences(of: "_", with: "-")
        return value.map { "\(flag)=\($0)" } ?? flag
    }

    /// The my.cnf line.
    public var description: String { configLine }
}

/// The binary log format.
public enum BinlogFormat: String, Sendable, Hashable, CaseIterable {
    /// Statement-based.
    case statement
    /// Row-based.
    case row
    /// Statement-based, switching to rows where that is unsafe (the seed's choice).
    case mixed
}

/// The replication-related server settings from the seed, rendered with the option names each flavour accepts.
public struct ServerConfig: Sendable, Hashable {
    /// `server_id`; unique within the topology.
    public var serverID: UInt32
    /// `log_bin` base name; nil leaves binary logging to the server default.
    public var logBin: String?
    /// Databases not written to the binlog (`binlog_ignore_db`, one line each).
    public var binlogIgnoreDB: [String]
    /// `binlog_cache_size` in bytes; nil leaves the default.
    public var binlogCacheSize: Int?
    /// `binlog_format`; nil leaves the default.
    public var binlogFormat: BinlogFormat?
    /// Days before binlogs are purged; `expire_logs_days`, or `binlog_expire_logs_seconds` on MySQL 8.
    public var expireLogsDays: Int?
    /// Error codes the replica skips (`slave_skip_errors` / `replica_skip_errors`), e.g. 1062 duplicate key.
    public var skipErrors: [Int]
    /// `relay_log` base name; nil leaves the default.
    public var relayLog: String?
    /// Whether the replica writes replicated changes to its own binlog (`log_slave_updates` / `log_replica_updates`);
    /// nil leaves the default (OFF in 5.7 and MariaDB, ON in MySQL 8).
    public var logReplicaUpdates: Bool?
    /// `read_only=1` when true.
    public var readOnly: Bool
    /// Turns GTIDs on: `gtid_mode=ON` and `enforce_gtid_consistency=ON` on MySQL; MariaDB always logs GTIDs
    /// and needs nothing.
    public var gtid: Bool
    /// Extra options, rendered last; a built-in option with the same name as any of them is dropped.
    public var extraOptions: [ServerOption]

    /// Creates a configuration.
    public init(
        serverID: UInt32,
        logBin: String? = nil,
        binlogIgnoreDB: [String] = [],
        binlogCacheSize: Int? = nil,
        binlogFormat: BinlogFormat? = nil,
        expireLogsDays: Int? = nil,
        skipErrors: [Int] = [],
        relayLog: String? = nil,
        logReplicaUpdates: Bool? = nil,
        readOnly: Bool = false,
        gtid: Bool = false,
        extraOptions: [ServerOption] = []
    ) {
        self.serverID = serverID
        self.logBin = logBin
        self.binlogIgnoreDB = binlogIgnoreDB
        self.binlogCacheSize = binlogCacheSize
        self.binlogFormat = binlogFormat
        self.expireLogsDays = expireLogsDays
        self.skipErrors = skipErrors
        self.relayLog = relayLog
        self.logReplicaUpdates = logReplicaUpdates
        self.readOnly = readOnly
        self.gtid = gtid
        self.extraOptions = extraOptions
    }

    /// The seed's source (master) settings: server_id 101, `log-bin=mall-mysql-bin`, mysql not logged,
    /// 1M binlog cache, mixed format, 7-day expiry, duplicate-key errors skipped.
    public static func source(serverID: UInt32 = 101, logBin: String = "mall-mysql-bin", gtid: Bool = false) -> ServerConfig {
        ServerConfig(
            serverID: serverID, logBin: logBin, binlogIgnoreDB: ["mysql"], binlogCacheSize: 1 << 20,
            binlogFormat: .mixed, expireLogsDays: 7, skipErrors: [1062], gtid: gtid
        )
    }

    /// The seed's replica (slave) settings: the source's plus a relay log, `log_slave_updates` and `read_only`.
    public static func replica(
        serverID: UInt32 = 102,
        logBin: String = "mall-mysql-slave1-bin",
        relayLog: String = "mall-mysql-relay-bin",
        gtid: Bool = false
    ) -> ServerConfig {
        var config = source(serverID: serverID, logBin: logBin, gtid: gtid)
        config.relayLog = relayLog
        config.logReplicaUpdates = true
        config.readOnly = true
        return config
    }

    /// The options in order, named as `flavor` accepts them.
    public func options(for flavor: MySQLFlavor) -> [ServerOption] {
        var options: [ServerOption] = [ServerOption("server_id", String(serverID))]
        if let logBin { options.append(ServerOption("log_bin", logBin)) }
        for database in binlogIgnoreDB { options.append(ServerOption("binlog_ignore_db", database)) }
        if let binlogCacheSize { options.append(ServerOption("binlog_cache_size", Self.byteSize(binlogCacheSize))) }
        if let binlogFormat { options.append(ServerOption("binlog_format", binlogFormat.rawValue)) }
        if let expireLogsDays {
            if flavor.usesBinlogExpireSeconds {
                options.append(ServerOption("binlog_expire_logs_seconds", String(expireLogsDays * 86_400)))
            } else {
                options.append(ServerOption("expire_logs_days", String(expireLogsDays)))
            }
        }
        if !skipErrors.isEmpty {
            let name = flavor.usesReplicaOptionNames ? "replica_skip_errors" : "slave_skip_errors"
            options.append(ServerOption(name, skipErrors.map(String.init).joined(separator: ",")))
        }
        if let relayLog { options.append(ServerOption("relay_log", relayLog)) }
        if let logReplicaUpdates {
            let name = flavor.usesReplicaOptionNames ? "log_replica_updates" : "log_slave_updates"
            options.append(ServerOption(name, logReplicaUpdates ? "ON" : "OFF"))
        }
        if readOnly { options.append(ServerOption("read_only", "ON")) }
        if gtid, flavor.needsGTIDModeOption {
            options.append(ServerOption("gtid_mode", "ON"))
            options.append(ServerOption("enforce_gtid_consistency", "ON"))
        }
        let overridden = Set(extraOptions.map(\.name))
        options.removeAll { overridden.contains($0.name) }
        return options + extraOptions
    }

    /// The `[mysqld]` file for `/etc/mysql/conf.d/replication.cnf`.
    public func myCnf(for flavor: MySQLFlavor) -> String {
        let lines = options(for: flavor).map(\.configLine)
        return (["# Replication settings for \(flavor)", "[mysqld]"] + lines).joined(separator: "\n") + "\n"
    }

    /// The same settings as mysqld arguments (`--server-id=101` ...), e.g. for a container's command.
    public func commandLineArguments(for flavor: MySQLFlavor) -> [String] {
        options(for: flavor).map(\.argument)
    }

    /// `1048576` as `1M`: the largest exact K/M/G unit, else plain bytes.
    static func byteSize(_ bytes: Int) -> String {
        for (unit, size) in [("G", 1 << 30), ("M", 1 << 20), ("K", 1 << 10)] where bytes >= size && bytes % size == 0 {
            return "\(bytes / size)\(unit)"
        }
        return String(bytes)
    }
}
