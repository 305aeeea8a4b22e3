/// How a replica finds its place in the source's history.
public enum ReplicationMode: String, Sendable, Hashable, CaseIterable {
    /// Classic coordinates: a binlog file name and byte offset read from the source.
    case binlogPosition
    /// Global transaction IDs: MySQL auto-positioning, MariaDB `MASTER_USE_GTID=slave_pos`.
    case gtid
}

/// A binary log file and byte offset on the source, as `SHOW MASTER STATUS` reports them.
public struct BinlogCoordinates: Sendable, Hashable, CustomStringConvertible {
    /// The binlog file name, e.g. `mall-mysql-bin.000001`.
    public var file: String
    /// The byte offset in that file.
    public var position: UInt64

    /// Creates coordinates.
    public init(file: String, position: UInt64) {
        self.file = file
        self.position = position
    }

    /// `file:position`.
    public var description: String { "\(file):\(position)" }
}

/// Where a replica starts reading the source's history.
public enum ReplicaStartPoint: Sendable, Hashable {
    /// At explicit binlog coordinates.
    case binlog(BinlogCoordinates)
    /// By GTID. For MariaDB, `slavePos` (e.g. `0-101-42`) is written to `gtid_slave_pos` first when given;
    /// MySQL ignores it and auto-positions.
    case gtid(slavePos: String? = nil)

    /// The mode this start point uses.
    public var mode: ReplicationMode {
        switch self {
        case .binlog: .binlogPosition
        case .gtid: .gtid
        }
    }
}

/// The account a replica logs in to the source with. Its description never shows the password.
public struct ReplicationAccount: Sendable, Hashable, CustomStringConvertible, CustomDebugStringConvertible, CustomReflectable {
    /// The user name, e.g. `repl`.
    public var user: String
    /// The host part of the account, `%` for any.
    public var host: String
    /// The password; never printed.
    public var password: String

    /// Creates an account.
    public init(user: String, password: String, host: String = "%") {
        self.user = user
        self.password = password
        self.host = host
    }

    /// `'user'@'host'`, without the password.
    public var description: String { "'\(user)'@'\(host)' (password redacted)" }
    /// As `description`, without the password.
    public var debugDescription: String { "ReplicationAccount(\(description))" }
    /// A mirror that shows the password as `'***'`, so `dump` does not print it.
    public var customMirror: Mirror {
        Mirror(self, children: ["user": user, "host": host, "password": SQLStatement.redactionMarker])
    }
}

/// Where the replica connects to reach the source.
public struct ReplicationEndpoint: Sendable, Hashable, CustomStringConvertible {
    /// The source's host name or address as the replica sees it, e.g. the container name `mysql-source`.
    public var host: String
    /// The source's port as the replica sees it.
    public var port: Int

    /// Creates an endpoint.
    public init(host: String, port: Int = 3306) {
        self.host = host
        self.port = port
    }

    /// `host:port`.
    public var description: String { "\(host):\(port)" }
}

/// One SQL statement (no trailing `;`). Its description shows secrets as `'***'`; only `sql` has the real text.
public struct SQLStatement: Sendable, Hashable, CustomStringConvertible, CustomDebugStringConvertible, CustomReflectable {
    /// The text to send to the server.
    public let sql: String
    /// The same text with every secret literal replaced by `'***'`; safe to log.
    public let redacted: String

    /// What redacted text shows in place of a secret.
    public static let redactionMarker = "'***'"

    /// A statement with no secrets.
    public init(_ sql: String) {
        self.sql = sql
        self.redacted = sql
    }

    init(_ fragments: [SQLFragment], noBackslashEscapes: Bool = false) {
        var sql = ""
        var redacted = ""
        for fragment in fragments {
            switch fragment {
            case .text(let text):
                sql += text
                redacted += text
            case .literal(let value):
                let quoted = ReplicationSQL.quote(value, noBackslashEscapes: noBackslashEscapes)
                sql += quoted
                redacted += quoted
            case .secret(let value):
                sql += ReplicationSQL.quote(value, noBackslashEscapes: noBackslashEscapes)
                redacted += Self.redactionMarker
            }
        }
        self.sql = sql
        self.redacted = redacted
    }

    /// True when the statement carries a secret.
    public var containsSecret: Bool { sql != redacted }

    /// The redacted text.
    public var description: String { redacted }
    /// The redacted text, labelled.
    public var debugDescription: String { "SQLStatement(\(redacted))" }
    /// A mirror holding only the redacted text, so `dump` does not print secrets.
    public var customMirror: Mirror { Mirror(self, children: ["redacted": redacted]) }
}

/// A piece of a statement being built: plain SQL, a quoted literal, or a quoted secret.
enum SQLFragment: Sendable {
    case text(String)
    case literal(String)
    case secret(String)
}

/// The replication SQL for each flavour, as pure functions.
///
/// Authentication choice for MySQL 8: the replication user keeps the server's default plugin
/// (`caching_sha2_password`) and the replica asks for the source's RSA public key
/// (`GET_MASTER_PUBLIC_KEY=1` before 8.0.23, `GET_SOURCE_PUBLIC_KEY=1` after). Forcing
/// `mysql_native_password` would break on 8.4 (plugin disabled by default) and 9.x (plugin removed), whereas
/// the public-key request works on every 8.x without SSL set-up. MySQL 5.7 and MariaDB default to
/// `mysql_native_password` and need nothing extra.
///
/// Literals are escaped for the default `sql_mode`; pass `noBackslashEscapes: true` where the server runs with
/// `NO_BACKSLASH_ESCAPES`.
public enum ReplicationSQL {
    /// Escapes `value` for use between single quotes: `'` becomes `''`; unless `noBackslashEscapes`, a backslash
    /// becomes `\\` and NUL, newline, carriage return and Ctrl-Z become `\0`, `\n`, `\r`, `\Z`.
    public static func escape(_ value: String, noBackslashEscapes: Bool = false) -> String {
        var out = ""
        out.reserveCapacity(value.utf8.count)
        for scalar in value.unicodeScalars {
            switch scalar {
            case "'":
                out += "''"
            case "\\" where !noBackslashEscapes:
                out += "\\\\"
            case "\0" where !noBackslashEscapes:
                out += "\\0"
            case "\n" where !noBackslashEscapes:
                out += "\\n"
            case "\r" where !noBackslashEscapes:
                out += "\\r"
            case "\u{1A}" where !noBackslashEscapes:
                out += "\\Z"
            default:
                out.unicodeScalars.append(scalar)
            }
        }
        return out
    }

    /// `value` as a single-quoted SQL string literal.
    public static func quote(_ value: String, noBackslashEscapes: Bool = false) -> String {
        "'" + escape(value, noBackslashEscapes: noBackslashEscapes) + "'"
    }

    /// Joins statements into one script for `mysql -e`, each ended by `;`.
    public static func script(_ statements: [SQLStatement]) -> String {
        statements.map { $0.sql + ";" }.joined(separator: "\n")
    }

    /// Creates (or re-passwords) the replication account on the source and grants it
    /// `REPLICATION SLAVE, REPLICATION CLIENT`. Idempotent: `CREATE USER IF NOT EXISTS`, then `ALTER USER` so a
    /// rerun with a new password takes effect.
    public static func createReplicationUser(
        _ account: ReplicationAccount, flavor: MySQLFlavor, noBackslashEscapes: Bool = false
    ) -> [SQLStatement] {
        // Same text for every flavour: the server's default auth plugin is kept (see the type's comment),
        // and REPLICATION SLAVE / REPLICATION CLIENT are accepted by MySQL 5.7-9.x and MariaDB
        // (where REPLICATION CLIENT is an alias of BINLOG MONITOR from 10.5.2).
        _ = flavor
        let who: [SQLFragment] = [.literal(account.user), .text("@"), .literal(account.host)]
        return [
            SQLStatement([.text("CREATE USER IF NOT EXISTS ")] + who + [.text(" IDENTIFIED BY "), .secret(account.password)],
                         noBackslashEscapes: noBackslashEscapes),
            SQLStatement([.text("ALTER USER ")] + who + [.text(" IDENTIFIED BY "), .secret(account.password)],
                         noBackslashEscapes: noBackslashEscapes),
            SQLStatement([.text("GRANT REPLICATION SLAVE, REPLICATION CLIENT ON *.* TO ")] + who,
                         noBackslashEscapes: noBackslashEscapes),
        ]
    }

    /// Reads the source's current binlog file and position: `SHOW BINARY LOG STATUS` on MySQL 8.2+,
    /// `SHOW MASTER STATUS` elsewhere (MariaDB included, where it works in every version).
    public static func sourceStatus(flavor: MySQLFlavor) -> SQLStatement {
        SQLStatement(flavor.usesBinaryLogStatus ? "SHOW BINARY LOG STATUS" : "SHOW MASTER STATUS")
    }

    /// Reads the source's GTID position: `@@GLOBAL.gtid_executed` on MySQL, `@@GLOBAL.gtid_binlog_pos` on MariaDB.
    public static func sourceGTIDPosition(flavor: MySQLFlavor) -> SQLStatement {
        SQLStatement(flavor.isMariaDB ? "SELECT @@GLOBAL.gtid_binlog_pos" : "SELECT @@GLOBAL.gtid_executed")
    }

    /// MariaDB only: the GTID position matching binlog coordinates, for `ReplicaStartPoint.gtid(slavePos:)`.
    public static func mariaDBGTIDPosition(at coordinates: BinlogCoordinates) -> SQLStatement {
        SQLStatement([.text("SELECT BINLOG_GTID_POS("), .literal(coordinates.file), .text(", \(coordinates.position))")])
    }

    /// Points the replica at the source: `CHANGE MASTER TO` (MySQL 5.7-8.0.22, MariaDB) or
    /// `CHANGE REPLICATION SOURCE TO` (MySQL 8.0.23+), by coordinates or by GTID, with a connect retry interval
    /// (seconds) and, on MySQL 8, the public-key request. For MariaDB GTID with a `slavePos`, a
    /// `SET GLOBAL gtid_slave_pos` comes first.
    ///
    /// Run with replication stopped. An existing MySQL channel in auto-position mode must be reset
    /// (`resetReplica`) before switching it to coordinates.
    public static func changeSource(
        flavor: MySQLFlavor,
        source: ReplicationEndpoint,
        account: ReplicationAccount,
        start: ReplicaStartPoint,
        connectRetry: Int? = 30,
        noBackslashEscapes: Bool = false
    ) -> [SQLStatement] {
        let modern = flavor.usesChangeReplicationSource
        let p = modern ? "SOURCE_" : "MASTER_"
        var statements: [SQLStatement] = []
        var f: [SQLFragment] = [.text(modern ? "CHANGE REPLICATION SOURCE TO " : "CHANGE MASTER TO ")]
        f += [.text("\(p)HOST="), .literal(source.host)]
        f += [.text(", \(p)PORT=\(source.port)")]
        f += [.text(", \(p)USER="), .literal(account.user)]
        f += [.text(", \(p)PASSWORD="), .secret(account.password)]
        switch start {
        case .binlog(let coordinates):
            f += [.text(", \(p)LOG_FILE="), .literal(coordinates.file)]
            f += [.text(", \(p)LOG_POS=\(coordinates.position)")]
            if flavor.isMariaDB {
                // Explicit: from 10.10 an unspecified MASTER_USE_GTID may default to slave_pos.
                f += [.text(", MASTER_USE_GTID=no")]
            }
        case .gtid(let slavePos):
            if flavor.isMariaDB {
                if let slavePos {
                    statements.append(SQLStatement([.text("SET GLOBAL gtid_slave_pos = "), .literal(slavePos)],
                                                   noBackslashEscapes: noBackslashEscapes))
                }
                f += [.text(", MASTER_USE_GTID=slave_pos")]
            } else {
                f += [.text(", \(p)AUTO_POSITION=1")]
            }
        }
        if let connectRetry {
            f += [.text(", \(p)CONNECT_RETRY=\(connectRetry)")]
        }
        if flavor.needsSourcePublicKey {
            f += [.text(modern ? ", GET_SOURCE_PUBLIC_KEY=1" : ", GET_MASTER_PUBLIC_KEY=1")]
        }
        statements.append(SQLStatement(f, noBackslashEscapes: noBackslashEscapes))
        return statements
    }

    /// Starts both replication threads: `START REPLICA` (MySQL 8.0.22+) or `START SLAVE`.
    public static func startReplica(flavor: MySQLFlavor) -> SQLStatement {
        SQLStatement(flavor.usesReplicaStatements ? "START REPLICA" : "START SLAVE")
    }

    /// Stops both replication threads: `STOP REPLICA` (MySQL 8.0.22+) or `STOP SLAVE`.
    public static func stopReplica(flavor: MySQLFlavor) -> SQLStatement {
        SQLStatement(flavor.usesReplicaStatements ? "STOP REPLICA" : "STOP SLAVE")
    }

    /// Forgets the replica's position and relay logs; with `all`, its connection settings too.
    public static func resetReplica(flavor: MySQLFlavor, all: Bool = true) -> SQLStatement {
        let base = flavor.usesReplicaStatements ? "RESET REPLICA" : "RESET SLAVE"
        return SQLStatement(all ? base + " ALL" : base)
    }

    /// Reads the replica's state: `SHOW REPLICA STATUS` (MySQL 8.0.22+) or `SHOW SLAVE STATUS`.
    public static func replicaStatus(flavor: MySQLFlavor) -> SQLStatement {
        SQLStatement(flavor.usesReplicaStatements ? "SHOW REPLICA STATUS" : "SHOW SLAVE STATUS")
    }

    /// Deletes the source's binary logs (and, on MySQL, its GTID history): `RESET BINARY LOGS AND GTIDS`
    /// on MySQL 8.2+, `RESET MASTER` elsewhere.
    public static func resetSource(flavor: MySQLFlavor) -> SQLStatement {
        SQLStatement(flavor.usesBinaryLogStatus ? "RESET BINARY LOGS AND GTIDS" : "RESET MASTER")
    }

    /// The full replica set-up: stop, point at the source, start.
    public static func setUpReplica(
        flavor: MySQLFlavor,
        source: ReplicationEndpoint,
        account: ReplicationAccount,
        start: ReplicaStartPoint,
        connectRetry: Int? = 30,
        noBackslashEscapes: Bool = false
    ) -> [SQLStatement] {
        [stopReplica(flavor: flavor)]
            + changeSource(flavor: flavor, source: source, account: account, start: start,
                           connectRetry: connectRetry, noBackslashEscapes: noBackslashEscapes)
            + [startReplica(flavor: flavor)]
    }
}
