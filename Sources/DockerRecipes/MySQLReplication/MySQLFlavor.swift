import Foundation

/// A server version such as `8.0.23`, parsed from strings like `5.7.44-log` or `10.11.6-MariaDB-0+deb12u1`.
public struct ServerVersion: Sendable, Hashable, Comparable, CustomStringConvertible {
    /// The major part (5, 8, 10, 11 ...).
    public var major: Int
    /// The minor part.
    public var minor: Int
    /// The patch part (0 when the string had none).
    public var patch: Int

    /// Creates a version from its parts.
    public init(_ major: Int, _ minor: Int, _ patch: Int = 0) {
        self.major = major
        self.minor = minor
        self.patch = patch
    }

    /// Parses the leading `major.minor[.patch]` of `text`, ignoring any suffix (`-log`, `-MariaDB-...`, `-28`);
    /// nil when it does not start with a version.
    ///
    /// MariaDB's replication-protocol prefix `5.5.5-` (as in `5.5.5-10.11.6-MariaDB`) is skipped.
    public init?(_ text: String) {
        var text = Substring(text.trimmingCharacters(in: .whitespacesAndNewlines))
        if text.hasPrefix("5.5.5-"), text.range(of: "mariadb", options: .caseInsensitive) != nil {
            text = text.dropFirst("5.5.5-".count)
        }
        var numbers: [Int] = []
        var current = ""
        for character in text {
            if character.isASCII, character.isNumber {
                current.append(character)
            } else if character == ".", !current.isEmpty, numbers.count < 2 {
                guard let value = Int(current) else { return nil }
                numbers.append(value)
                current = ""
            } else {
                break
            }
        }
        if !current.isEmpty {
            guard let value = Int(current) else { return nil }
            numbers.append(value)
        }
        guard numbers.count >= 2 else { return nil }
        self.init(numbers[0], numbers[1], numbers.count > 2 ? numbers[2] : 0)
    }

    /// `major.minor.patch`.
    public var description: String { "\(major).\(minor).\(patch)" }

    /// Numeric ordering by major, minor, patch.
    public static func < (lhs: ServerVersion, rhs: ServerVersion) -> Bool {
        (lhs.major, lhs.minor, lhs.patch) < (rhs.major, rhs.minor, rhs.patch)
    }
}

/// Which server family and generation a replication recipe talks to; decides the SQL and option names used.
///
/// Each case carries the exact version, because the boundaries fall inside a series:
/// 8.0.22 added `START REPLICA`/`SHOW REPLICA STATUS`, 8.0.23 `CHANGE REPLICATION SOURCE TO`,
/// 8.0.26 the `replica_*` variable names, 8.2 `SHOW BINARY LOG STATUS`, and 8.4.0 removed the
/// MASTER/SLAVE statements and `expire_logs_days`.
public enum MySQLFlavor: Sendable, Hashable, CustomStringConvertible {
    /// MySQL 5.7.x.
    case mysql57(ServerVersion)
    /// MySQL 8.0.0 to 8.0.21: only the MASTER/SLAVE statements exist.
    case mysql80Legacy(ServerVersion)
    /// MySQL 8.0.22 and later 8.0.x: REPLICA statements (8.0.22) and CHANGE REPLICATION SOURCE (8.0.23).
    case mysql80(ServerVersion)
    /// MySQL 8.1 and later (8.4 LTS, 9.x): the SOURCE/REPLICA era; MASTER/SLAVE statements gone from 8.4.0.
    case mysql84(ServerVersion)
    /// MariaDB 10.2+ (10.x and 11.x).
    case mariadb(ServerVersion)

    /// The query whose two columns `detect(version:comment:)` takes.
    public static let detectionQuery = "SELECT VERSION(), @@version_comment"

    /// Classifies a server from `VERSION()` and `@@version_comment`; nil for versions this recipe does not support
    /// (MySQL before 5.7, MariaDB before 10.2) or strings that are not versions.
    public static func detect(version: String, comment: String = "") -> MySQLFlavor? {
        guard let parsed = ServerVersion(version) else { return nil }
        let isMariaDB = version.range(of: "mariadb", options: .caseInsensitive) != nil
            || comment.range(of: "mariadb", options: .caseInsensitive) != nil
        return MySQLFlavor(isMariaDB: isMariaDB, version: parsed)
    }

    /// Classifies a server by family and version; nil for unsupported versions.
    public init?(isMariaDB: Bool, version: ServerVersion) {
        if isMariaDB {
            // 10.2 is the first with both CREATE USER IF NOT EXISTS (10.1.3) and ALTER USER (10.2.0).
            guard version >= ServerVersion(10, 2) else { return nil }
            self = .mariadb(version)
            return
        }
        switch (version.major, version.minor) {
        case (5, 7):
            self = .mysql57(version)
        case (8, 0) where version.patch < 22:
            self = .mysql80Legacy(version)
        case (8, 0):
            self = .mysql80(version)
        case (8, _), (9..., _):
            self = .mysql84(version)
        default:
            return nil
        }
    }

    /// The server's version.
    public var version: ServerVersion {
        switch self {
        case .mysql57(let v), .mysql80Legacy(let v), .mysql80(let v), .mysql84(let v), .mariadb(let v): v
        }
    }

    /// True for MariaDB.
    public var isMariaDB: Bool {
        if case .mariadb = self { return true }
        return false
    }

    /// True when `START/STOP REPLICA`, `RESET REPLICA` and `SHOW REPLICA STATUS` are used (MySQL 8.0.22+).
    ///
    /// MariaDB has these as aliases from 10.5.1, but its SLAVE spellings work in every version, so they are kept there.
    public var usesReplicaStatements: Bool {
        switch self {
        case .mysql80, .mysql84: true
        case .mysql57, .mysql80Legacy, .mariadb: false
        }
    }

    /// True when `CHANGE REPLICATION SOURCE TO ... SOURCE_*` is used (MySQL 8.0.23+).
    public var usesChangeReplicationSource: Bool {
        switch self {
        case .mysql80(let v): v >= ServerVersion(8, 0, 23)
        case .mysql84: true
        case .mysql57, .mysql80Legacy, .mariadb: false
        }
    }

    /// True when the source's binlog position is read with `SHOW BINARY LOG STATUS` (MySQL 8.2+);
    /// otherwise `SHOW MASTER STATUS`.
    public var usesBinaryLogStatus: Bool {
        if case .mysql84(let v) = self { return v >= ServerVersion(8, 2) }
        return false
    }

    /// True when the replica must ask for the source's RSA key (`GET_MASTER_PUBLIC_KEY`/`GET_SOURCE_PUBLIC_KEY`),
    /// i.e. MySQL 8, whose default `caching_sha2_password` needs it over plain TCP.
    public var needsSourcePublicKey: Bool {
        switch self {
        case .mysql80Legacy(let v): v >= ServerVersion(8, 0, 4)
        case .mysql80, .mysql84: true
        case .mysql57, .mariadb: false
        }
    }

    /// True when server options use the `replica_*` names (`log_replica_updates`, `replica_skip_errors`): MySQL 8.0.26+.
    public var usesReplicaOptionNames: Bool {
        switch self {
        case .mysql80(let v): v >= ServerVersion(8, 0, 26)
        case .mysql84: true
        case .mysql57, .mysql80Legacy, .mariadb: false
        }
    }

    /// True when binlog expiry is set in seconds (`binlog_expire_logs_seconds`, MySQL 8), not `expire_logs_days`.
    ///
    /// `expire_logs_days` is deprecated throughout MySQL 8.0 and removed in 8.4.0; MariaDB keeps it.
    public var usesBinlogExpireSeconds: Bool {
        switch self {
        case .mysql80Legacy, .mysql80, .mysql84: true
        case .mysql57, .mariadb: false
        }
    }

    /// True when GTIDs must be switched on with `gtid_mode`/`enforce_gtid_consistency` (MySQL; MariaDB always logs GTIDs).
    public var needsGTIDModeOption: Bool { !isMariaDB }

    /// The family, version and generation, e.g. `MySQL 8.0.23 (8.0.22+)`.
    public var description: String {
        switch self {
        case .mysql57(let v): "MySQL \(v) (5.7)"
        case .mysql80Legacy(let v): "MySQL \(v) (8.0, before 8.0.22)"
        case .mysql80(let v): "MySQL \(v) (8.0.22+)"
        case .mysql84(let v): "MySQL \(v) (8.1+)"
        case .mariadb(let v): "MariaDB \(v)"
        }
    }
}
