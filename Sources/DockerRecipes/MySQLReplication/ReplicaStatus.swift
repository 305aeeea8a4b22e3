import Foundation

/// Why client output could not be read as a replication status.
public enum ReplicationOutputError: Error, Sendable, Equatable, CustomStringConvertible {
    /// A column the status needs is missing (names tried are listed).
    case missingColumn([String])
    /// A column held a value of the wrong shape.
    case invalidValue(column: String, value: String)

    /// A one-line explanation.
    public var description: String {
        switch self {
        case .missingColumn(let names): "replication status has no column \(names.joined(separator: " or "))"
        case .invalidValue(let column, let value): "replication status column \(column) has unexpected value '\(value)'"
        }
    }
}

/// The state of a replication thread as `SHOW REPLICA STATUS` reports it.
public enum ReplicationThreadState: String, Sendable, Hashable, CaseIterable {
    /// Running (for the IO thread: connected to the source).
    case yes = "Yes"
    /// Stopped.
    case no = "No"
    /// The IO thread is trying to connect (or reconnect) to the source.
    case connecting = "Connecting"

    /// Reads `Yes`/`No`/`Connecting` in any letter case; nil otherwise.
    public init?(statusValue: String) {
        let match = Self.allCases.first { $0.rawValue.caseInsensitiveCompare(statusValue.trimmingCharacters(in: .whitespaces)) == .orderedSame }
        guard let match else { return nil }
        self = match
    }
}

/// The GTID side of a replica's status; every field is nil where the server does not report it.
public struct ReplicaGTIDStatus: Sendable, Hashable {
    /// MariaDB `Using_Gtid`: `No`, `Slave_Pos` or `Current_Pos`.
    public var usingGTID: String?
    /// MariaDB `Gtid_IO_Pos`: the last GTID received.
    public var ioPosition: String?
    /// MySQL `Retrieved_Gtid_Set`: GTIDs received, newlines removed.
    public var retrievedSet: String?
    /// MySQL `Executed_Gtid_Set`: GTIDs applied, newlines removed.
    public var executedSet: String?
    /// MySQL `Auto_Position`: true when the channel auto-positions by GTID.
    public var autoPosition: Bool?

    /// Creates GTID status.
    public init(usingGTID: String? = nil, ioPosition: String? = nil, retrievedSet: String? = nil,
                executedSet: String? = nil, autoPosition: Bool? = nil) {
        self.usingGTID = usingGTID
        self.ioPosition = ioPosition
        self.retrievedSet = retrievedSet
        self.executedSet = executedSet
        self.autoPosition = autoPosition
    }

    /// True when replication positions by GTID (MySQL auto-position or MariaDB `Using_Gtid` other than `No`).
    public var isActive: Bool {
        if autoPosition == true { return true }
        if let usingGTID, usingGTID.caseInsensitiveCompare("No") != .orderedSame { return true }
        return false
    }
}

/// One row of `SHOW SLAVE STATUS` / `SHOW REPLICA STATUS`, with SLAVE/MASTER and REPLICA/SOURCE column names unified.
public struct ReplicaStatus: Sendable, Hashable {
    /// `Slave_IO_State` / `Replica_IO_State`, e.g. `Waiting for source to send event`.
    public var ioState: String?
    /// `Master_Host` / `Source_Host`.
    public var sourceHost: String?
    /// `Master_Port` / `Source_Port`.
    public var sourcePort: Int?
    /// `Master_User` / `Source_User`.
    public var sourceUser: String?
    /// `Slave_IO_Running` / `Replica_IO_Running`.
    public var ioRunning: ReplicationThreadState
    /// `Slave_SQL_Running` / `Replica_SQL_Running`.
    public var sqlRunning: ReplicationThreadState
    /// `Seconds_Behind_Master` / `Seconds_Behind_Source`; nil (NULL) when the lag is unknown, e.g. IO thread down.
    public var secondsBehind: Int?
    /// `Master_Log_File` / `Source_Log_File`: the source binlog the IO thread is reading.
    public var sourceLogFile: String?
    /// `Read_Master_Log_Pos` / `Read_Source_Log_Pos`.
    public var readPosition: UInt64?
    /// `Relay_Master_Log_File` / `Relay_Source_Log_File`: the source binlog of the last applied event.
    public var relaySourceLogFile: String?
    /// `Exec_Master_Log_Pos` / `Exec_Source_Log_Pos`.
    public var execPosition: UInt64?
    /// `Last_IO_Errno`; 0 when none.
    public var lastIOErrno: Int
    /// `Last_IO_Error`; nil when empty.
    public var lastIOError: String?
    /// `Last_SQL_Errno`; 0 when none.
    public var lastSQLErrno: Int
    /// `Last_SQL_Error`; nil when empty.
    public var lastSQLError: String?
    /// `Slave_SQL_Running_State` / `Replica_SQL_Running_State`.
    public var sqlRunningState: String?
    /// `Master_Server_Id` / `Source_Server_Id`.
    public var sourceServerID: UInt32?
    /// `Channel_Name` (MySQL) / `Connection_name` (MariaDB `SHOW ALL SLAVES STATUS`); nil or empty for the default.
    public var channel: String?
    /// GTID information.
    public var gtid: ReplicaGTIDStatus
    /// Every non-NULL column as printed, for anything not modelled above.
    public var fields: [String: String]

    /// True when both threads run.
    public var isReplicating: Bool { ioRunning == .yes && sqlRunning == .yes }

    /// True when there is an error recorded for either thread.
    public var hasError: Bool { lastIOErrno != 0 || lastSQLErrno != 0 || lastIOError != nil || lastSQLError != nil }

    /// Where the IO thread has read to in the source's binlog, when known.
    public var readCoordinates: BinlogCoordinates? {
        guard let sourceLogFile, let readPosition else { return nil }
        return BinlogCoordinates(file: sourceLogFile, position: readPosition)
    }

    /// Where the SQL thread has applied to in the source's binlog, when known.
    public var execCoordinates: BinlogCoordinates? {
        guard let relaySourceLogFile, let execPosition else { return nil }
        return BinlogCoordinates(file: relaySourceLogFile, position: execPosition)
    }

    /// Reads the first status row from client output (batch or vertical); nil when the result is empty,
    /// i.e. the server is not configured as a replica.
    public static func parse(_ output: String, raw: Bool = false) throws -> ReplicaStatus? {
        try parseAll(output, raw: raw).first
    }

    /// Reads every status row (one per channel/connection).
    public static func parseAll(_ output: String, raw: Bool = false) throws -> [ReplicaStatus] {
        try SQLResultTable.parse(output, raw: raw).records.map(ReplicaStatus.init(record:))
    }

    /// Reads one status row.
    public init(record: SQLRecord) throws {
        func text(_ names: String...) -> String? {
            guard let value = record.first(of: names), !value.isEmpty else { return nil }
            return value
        }
        func number<T: FixedWidthInteger>(_ type: T.Type, _ names: String...) throws -> T? {
            guard let value = record.first(of: names)?.trimmingCharacters(in: .whitespaces), !value.isEmpty else {
                return nil
            }
            guard let parsed = T(value) else {
                throw ReplicationOutputError.invalidValue(column: names[0], value: value)
            }
            return parsed
        }
        func thread(_ names: String...) throws -> ReplicationThreadState {
            guard names.contains(where: record.has) else { throw ReplicationOutputError.missingColumn(names) }
            let value = record.first(of: names) ?? ""
            guard let state = ReplicationThreadState(statusValue: value) else {
                throw ReplicationOutputError.invalidValue(column: names[0], value: value)
            }
            return state
        }
        func gtidSet(_ name: String) -> String? {
            guard let value = record[name] else { return nil }
            let joined = value.split(whereSeparator: \.isNewline).map { $0.trimmingCharacters(in: .whitespaces) }.joined()
            return joined.isEmpty ? nil : joined
        }

        ioRunning = try thread("Replica_IO_Running", "Slave_IO_Running")
        sqlRunning = try thread("Replica_SQL_Running", "Slave_SQL_Running")
        ioState = text("Replica_IO_State", "Slave_IO_State")
        sourceHost = text("Source_Host", "Master_Host")
        sourcePort = try number(Int.self, "Source_Port", "Master_Port")
        sourceUser = text("Source_User", "Master_User")
        secondsBehind = try number(Int.self, "Seconds_Behind_Source", "Seconds_Behind_Master")
        sourceLogFile = text("Source_Log_File", "Master_Log_File")
        readPosition = try number(UInt64.self, "Read_Source_Log_Pos", "Read_Master_Log_Pos")
        relaySourceLogFile = text("Relay_Source_Log_File", "Relay_Master_Log_File")
        execPosition = try number(UInt64.self, "Exec_Source_Log_Pos", "Exec_Master_Log_Pos")
        lastIOErrno = try number(Int.self, "Last_IO_Errno") ?? 0
        lastIOError = text("Last_IO_Error")
        lastSQLErrno = try number(Int.self, "Last_SQL_Errno") ?? 0
        lastSQLError = text("Last_SQL_Error")
        sqlRunningState = text("Replica_SQL_Running_State", "Slave_SQL_Running_State")
        sourceServerID = try number(UInt32.self, "Source_Server_Id", "Master_Server_Id")
        channel = text("Channel_Name", "Connection_name")
        gtid = ReplicaGTIDStatus(
            usingGTID: text("Using_Gtid"),
            ioPosition: text("Gtid_IO_Pos"),
            retrievedSet: gtidSet("Retrieved_Gtid_Set"),
            executedSet: gtidSet("Executed_Gtid_Set"),
            autoPosition: try number(Int.self, "Auto_Position").map { $0 != 0 }
        )
        fields = record.dictionary
    }
}

/// The source's binlog state from `SHOW MASTER STATUS` / `SHOW BINARY LOG STATUS`.
public struct BinaryLogStatus: Sendable, Hashable {
    /// `File`: the current binlog file.
    public var file: String
    /// `Position`: the offset in it.
    public var position: UInt64
    /// `Binlog_Do_DB`, split on commas.
    public var doDB: [String]
    /// `Binlog_Ignore_DB`, split on commas.
    public var ignoreDB: [String]
    /// `Executed_Gtid_Set` (MySQL), newlines removed; nil when empty or absent (MariaDB).
    public var executedGTIDSet: String?

    /// Creates a status.
    public init(file: String, position: UInt64, doDB: [String] = [], ignoreDB: [String] = [], executedGTIDSet: String? = nil) {
        self.file = file
        self.position = position
        self.doDB = doDB
        self.ignoreDB = ignoreDB
        self.executedGTIDSet = executedGTIDSet
    }

    /// File and position as coordinates for `ReplicaStartPoint.binlog`.
    public var coordinates: BinlogCoordinates { BinlogCoordinates(file: file, position: position) }

    /// Reads client output (batch or vertical); nil when the result is empty, i.e. binary logging is off.
    public static func parse(_ output: String, raw: Bool = false) throws -> BinaryLogStatus? {
        guard let record = SQLResultTable.parse(output, raw: raw).records.first else { return nil }
        return try BinaryLogStatus(record: record)
    }

    /// Reads one status row.
    public init(record: SQLRecord) throws {
        guard let file = record["File"], !file.isEmpty else { throw ReplicationOutputError.missingColumn(["File"]) }
        guard let positionText = record["Position"] else { throw ReplicationOutputError.missingColumn(["Position"]) }
        guard let position = UInt64(positionText.trimmingCharacters(in: .whitespaces)) else {
            throw ReplicationOutputError.invalidValue(column: "Position", value: positionText)
        }
        func list(_ name: String) -> [String] {
            (record[name] ?? "").split(separator: ",").map { $0.trimmingCharacters(in: .whitespacesAndNewlines) }.filter { !$0.isEmpty }
        }
        let gtid = (record["Executed_Gtid_Set"] ?? "").split(whereSeparator: \.isNewline)
            .map { $0.trimmingCharacters(in: .whitespaces) }.joined()
        self.init(file: file, position: position, doDB: list("Binlog_Do_DB"), ignoreDB: list("Binlog_Ignore_DB"),
                  executedGTIDSet: gtid.isEmpty ? nil : gtid)
    }
}
