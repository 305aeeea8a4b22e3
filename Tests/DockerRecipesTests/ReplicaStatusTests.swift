@testable import DockerRecipes
import XCTest

/// Renders rows the way `mysql -E` / `\G` does: names right-aligned, `: `, the raw value.
private func vertical(_ rows: [[(String, String)]]) -> String {
    var out = ""
    for (index, row) in rows.enumerated() {
        let width = row.map(\.0.count).max() ?? 0
        out += "*************************** \(index + 1). row ***************************\n"
        for (name, value) in row {
            out += String(repeating: " ", count: width - name.count) + name + ": " + value + "\n"
        }
    }
    return out
}

/// Renders `--batch` output: header line, tab-separated rows (values already escaped as the client would).
private func batch(_ columns: [String], _ rows: [[String]]) -> String {
    ([columns] + rows).map { $0.joined(separator: "\t") }.joined(separator: "\n") + "\n"
}

private let accessDenied = "error connecting to master 'repl@mysql-source:3306' - retry-time: 60 maximum-retries: 86400 message: Access denied for user 'repl'@'172.18.0.3' (using password: YES)"

private let mysql57Connecting: [(String, String)] = [
    ("Slave_IO_State", "Connecting to master"),
    ("Master_Host", "mysql-source"),
    ("Master_User", "repl"),
    ("Master_Port", "3306"),
    ("Connect_Retry", "60"),
    ("Master_Log_File", "mall-mysql-bin.000001"),
    ("Read_Master_Log_Pos", "617"),
    ("Relay_Log_File", "mall-mysql-relay-bin.000001"),
    ("Relay_Log_Pos", "4"),
    ("Relay_Master_Log_File", "mall-mysql-bin.000001"),
    ("Slave_IO_Running", "Connecting"),
    ("Slave_SQL_Running", "Yes"),
    ("Replicate_Do_DB", ""),
    ("Replicate_Ignore_DB", ""),
    ("Replicate_Do_Table", ""),
    ("Replicate_Ignore_Table", ""),
    ("Replicate_Wild_Do_Table", ""),
    ("Replicate_Wild_Ignore_Table", ""),
    ("Last_Errno", "0"),
    ("Last_Error", ""),
    ("Skip_Counter", "0"),
    ("Exec_Master_Log_Pos", "617"),
    ("Relay_Log_Space", "154"),
    ("Until_Condition", "None"),
    ("Until_Log_File", ""),
    ("Until_Log_Pos", "0"),
    ("Master_SSL_Allowed", "No"),
    ("Master_SSL_CA_File", ""),
    ("Master_SSL_CA_Path", ""),
    ("Master_SSL_Cert", ""),
    ("Master_SSL_Cipher", ""),
    ("Master_SSL_Key", ""),
    ("Seconds_Behind_Master", "NULL"),
    ("Master_SSL_Verify_Server_Cert", "No"),
    ("Last_IO_Errno", "1045"),
    ("Last_IO_Error", accessDenied),
    ("Last_SQL_Errno", "0"),
    ("Last_SQL_Error", ""),
    ("Replicate_Ignore_Server_Ids", ""),
    ("Master_Server_Id", "0"),
    ("Master_UUID", ""),
    ("Master_Info_File", "/var/lib/mysql/master.info"),
    ("SQL_Delay", "0"),
    ("SQL_Remaining_Delay", "NULL"),
    ("Slave_SQL_Running_State", "Slave has read all relay log; waiting for more updates"),
    ("Master_Retry_Count", "86400"),
    ("Master_Bind", ""),
    ("Last_IO_Error_Timestamp", "240611 08:15:02"),
    ("Last_SQL_Error_Timestamp", ""),
    ("Master_SSL_Crl", ""),
    ("Master_SSL_Crlpath", ""),
    ("Retrieved_Gtid_Set", ""),
    ("Executed_Gtid_Set", ""),
    ("Auto_Position", "0"),
    ("Replicate_Rewrite_DB", ""),
    ("Channel_Name", ""),
    ("Master_TLS_Version", ""),
]

private let mysql84Columns = [
    "Replica_IO_State", "Source_Host", "Source_User", "Source_Port", "Connect_Retry", "Source_Log_File",
    "Read_Source_Log_Pos", "Relay_Log_File", "Relay_Log_Pos", "Relay_Source_Log_File", "Replica_IO_Running",
    "Replica_SQL_Running", "Replicate_Do_DB", "Replicate_Ignore_DB", "Replicate_Do_Table", "Replicate_Ignore_Table",
    "Replicate_Wild_Do_Table", "Replicate_Wild_Ignore_Table", "Last_Errno", "Last_Error", "Skip_Counter",
    "Exec_Source_Log_Pos", "Relay_Log_Space", "Until_Condition", "Until_Log_File", "Until_Log_Pos",
    "Source_SSL_Allowed", "Source_SSL_CA_File", "Source_SSL_CA_Path", "Source_SSL_Cert", "Source_SSL_Cipher",
    "Source_SSL_Key", "Seconds_Behind_Source", "Source_SSL_Verify_Server_Cert", "Last_IO_Errno", "Last_IO_Error",
    "Last_SQL_Errno", "Last_SQL_Error", "Replicate_Ignore_Server_Ids", "Source_Server_Id", "Source_UUID",
    "Source_Info_File", "SQL_Delay", "SQL_Remaining_Delay", "Replica_SQL_Running_State", "Source_Retry_Count",
    "Source_Bind", "Last_IO_Error_Timestamp", "Last_SQL_Error_Timestamp", "Source_SSL_Crl", "Source_SSL_Crlpath",
    "Retrieved_Gtid_Set", "Executed_Gtid_Set", "Auto_Position", "Replicate_Rewrite_DB", "Channel_Name",
    "Source_TLS_Version", "Source_public_key_path", "Get_Source_public_key", "Network_Namespace",
]

private let sourceUUID = "3e11fa47-71ca-11e1-9e33-c80aa9429562"
private let replicaUUID = "9b1c6f2e-2a4d-11ef-8a31-0242ac120003"

private let mysql84HealthyRow = [
    "Waiting for source to send event", "mysql-source", "repl", "3306", "30", "binlog.000002",
    "1591", "mall-mysql-relay-bin.000003", "1807", "binlog.000002", "Yes",
    "Yes", "", "", "", "",
    "", "", "0", "", "0",
    "1591", "2189", "None", "", "0",
    "No", "", "", "", "",
    "", "0", "No", "0", "",
    "0", "", "", "101", sourceUUID,
    "mysql.slave_master_info", "0", "NULL", "Replica has read all relay log; waiting for more updates", "10",
    "", "", "", "", "",
    "\(sourceUUID):1-7", "\(sourceUUID):1-7,\\n\(replicaUUID):1-2", "1", "", "",
    "", "", "1", "",
]

private let mariaDBColumns = [
    "Slave_IO_State", "Master_Host", "Master_User", "Master_Port", "Connect_Retry", "Master_Log_File",
    "Read_Master_Log_Pos", "Relay_Log_File", "Relay_Log_Pos", "Relay_Master_Log_File", "Slave_IO_Running",
    "Slave_SQL_Running", "Replicate_Rewrite_DB", "Replicate_Do_DB", "Replicate_Ignore_DB", "Replicate_Do_Table",
    "Replicate_Ignore_Table", "Replicate_Wild_Do_Table", "Replicate_Wild_Ignore_Table", "Last_Errno", "Last_Error",
    "Skip_Counter", "Exec_Master_Log_Pos", "Relay_Log_Space", "Until_Condition", "Until_Log_File", "Until_Log_Pos",
    "Master_SSL_Allowed", "Master_SSL_CA_File", "Master_SSL_CA_Path", "Master_SSL_Cert", "Master_SSL_Cipher",
    "Master_SSL_Key", "Seconds_Behind_Master", "Master_SSL_Verify_Server_Cert", "Last_IO_Errno", "Last_IO_Error",
    "Last_SQL_Errno", "Last_SQL_Error", "Replicate_Ignore_Server_Ids", "Master_Server_Id", "Master_SSL_Crl",
    "Master_SSL_Crlpath", "Using_Gtid", "Gtid_IO_Pos", "Replicate_Do_Domain_Ids", "Replicate_Ignore_Domain_Ids",
    "Parallel_Mode", "SQL_Delay", "SQL_Remaining_Delay", "Slave_SQL_Running_State", "Slave_DDL_Groups",
    "Slave_Non_Transactional_Groups", "Slave_Transactional_Groups",
]

private func mariaDBRow(io: String, sql: String, behind: String, ioErrno: String, ioError: String,
                        sqlErrno: String = "0", sqlError: String = "", usingGtid: String = "Slave_Pos",
                        gtidPos: String = "0-101-5") -> [String] {
    [
        io == "Yes" ? "Waiting for master to send event" : "Connecting to master", "mysql-source", "repl", "3306", "30",
        "mall-mysql-bin.000002", "342", "mall-mysql-relay-bin.000004", "643", "mall-mysql-bin.000002", io,
        sql, "", "", "", "",
        "", "", "", sqlErrno, sqlError,
        "0", "342", "1254", "None", "", "0",
        "No", "", "", "", "",
        "", behind, "No", ioErrno, ioError,
        sqlErrno, sqlError, "", "101", "",
        "", usingGtid, gtidPos, "", "",
        "optimistic", "0", "NULL", "Slave has read all relay log; waiting for more updates", "2",
        "0", "3",
    ]
}

final class ReplicaStatusTests: XCTestCase {
    func testMySQL57VerticalConnectingWithAccessDenied() throws {
        let status = try XCTUnwrap(try ReplicaStatus.parse(vertical([mysql57Connecting])))
        XCTAssertEqual(status.ioRunning, .connecting)
        XCTAssertEqual(status.sqlRunning, .yes)
        XCTAssertFalse(status.isReplicating)
        XCTAssertTrue(status.hasError)
        XCTAssertNil(status.secondsBehind)
        XCTAssertEqual(status.ioState, "Connecting to master")
        XCTAssertEqual(status.sourceHost, "mysql-source")
        XCTAssertEqual(status.sourcePort, 3306)
        XCTAssertEqual(status.sourceUser, "repl")
        XCTAssertEqual(status.sourceLogFile, "mall-mysql-bin.000001")
        XCTAssertEqual(status.readPosition, 617)
        XCTAssertEqual(status.execPosition, 617)
        XCTAssertEqual(status.readCoordinates, BinlogCoordinates(file: "mall-mysql-bin.000001", position: 617))
        XCTAssertEqual(status.execCoordinates, BinlogCoordinates(file: "mall-mysql-bin.000001", position: 617))
        XCTAssertEqual(status.lastIOErrno, 1045)
        XCTAssertEqual(status.lastIOError, accessDenied)
        XCTAssertEqual(status.lastSQLErrno, 0)
        XCTAssertNil(status.lastSQLError)
        XCTAssertEqual(status.sourceServerID, 0)
        XCTAssertNil(status.channel)
        XCTAssertEqual(status.gtid, ReplicaGTIDStatus(autoPosition: false))
        XCTAssertFalse(status.gtid.isActive)
        XCTAssertEqual(status.sqlRunningState, "Slave has read all relay log; waiting for more updates")
        XCTAssertEqual(status.fields["Master_Info_File"], "/var/lib/mysql/master.info")
        XCTAssertNil(status.fields["SQL_Remaining_Delay"], "NULL is not a value")
    }

    func testTheSameRowInBatchModeParsesIdentically() throws {
        let columns = mysql57Connecting.map(\.0)
        let values = mysql57Connecting.map(\.1)
        let fromBatch = try XCTUnwrap(try ReplicaStatus.parse(batch(columns, [values])))
        let fromRaw = try XCTUnwrap(try ReplicaStatus.parse(batch(columns, [values]), raw: true))
        let fromVertical = try XCTUnwrap(try ReplicaStatus.parse(vertical([mysql57Connecting])))
        XCTAssertEqual(fromBatch, fromVertical)
        XCTAssertEqual(fromRaw, fromVertical)
    }

    func testMySQL84BatchHealthyGTIDWithEscapedMultiLineSet() throws {
        let status = try XCTUnwrap(try ReplicaStatus.parse(batch(mysql84Columns, [mysql84HealthyRow])))
        XCTAssertEqual(status.ioRunning, .yes)
        XCTAssertEqual(status.sqlRunning, .yes)
        XCTAssertTrue(status.isReplicating)
        XCTAssertFalse(status.hasError)
        XCTAssertEqual(status.secondsBehind, 0)
        XCTAssertEqual(status.ioState, "Waiting for source to send event")
        XCTAssertEqual(status.sourceLogFile, "binlog.000002")
        XCTAssertEqual(status.readPosition, 1591)
        XCTAssertEqual(status.sourceServerID, 101)
        XCTAssertEqual(status.gtid.retrievedSet, "\(sourceUUID):1-7")
        XCTAssertEqual(status.gtid.executedSet, "\(sourceUUID):1-7,\(replicaUUID):1-2")
        XCTAssertEqual(status.gtid.autoPosition, true)
        XCTAssertTrue(status.gtid.isActive)
        XCTAssertNil(status.gtid.usingGTID)
        XCTAssertEqual(status.fields["Executed_Gtid_Set"], "\(sourceUUID):1-7,\n\(replicaUUID):1-2")
        XCTAssertEqual(status.fields["Get_Source_public_key"], "1")
    }

    func testMySQL84VerticalWithMultiLineGTIDSetContinuation() throws {
        let pairs = zip(mysql84Columns, mysql84HealthyRow).map { ($0, $1.replacingOccurrences(of: "\\n", with: "\n")) }
        let text = vertical([pairs])
        XCTAssertTrue(text.contains(",\n\(replicaUUID):1-2\n"), "continuation line printed raw")
        let status = try XCTUnwrap(try ReplicaStatus.parse(text))
        XCTAssertEqual(status.gtid.executedSet, "\(sourceUUID):1-7,\(replicaUUID):1-2")
        XCTAssertEqual(status.fields["Executed_Gtid_Set"], "\(sourceUUID):1-7,\n\(replicaUUID):1-2")
        XCTAssertEqual(status.fields["Auto_Position"], "1", "the line after the continuation is still a field")
        XCTAssertTrue(status.isReplicating)
    }

    func testMariaDBVerticalGTIDHealthy() throws {
        let pairs = Array(zip(mariaDBColumns, mariaDBRow(io: "Yes", sql: "Yes", behind: "0", ioErrno: "0", ioError: "")))
        let status = try XCTUnwrap(try ReplicaStatus.parse(vertical([pairs])))
        XCTAssertTrue(status.isReplicating)
        XCTAssertEqual(status.gtid.usingGTID, "Slave_Pos")
        XCTAssertEqual(status.gtid.ioPosition, "0-101-5")
        XCTAssertTrue(status.gtid.isActive)
        XCTAssertNil(status.gtid.executedSet)
        XCTAssertNil(status.gtid.autoPosition)
        XCTAssertEqual(status.readCoordinates, BinlogCoordinates(file: "mall-mysql-bin.000002", position: 342))
        XCTAssertEqual(status.sqlRunningState, "Slave has read all relay log; waiting for more updates")
    }

    func testMariaDBRawBatchConnecting() throws {
        let row = mariaDBRow(io: "Connecting", sql: "Yes", behind: "NULL", ioErrno: "1045", ioError: accessDenied,
                             usingGtid: "No", gtidPos: "")
        let status = try XCTUnwrap(try ReplicaStatus.parse(batch(mariaDBColumns, [row]), raw: true))
        XCTAssertEqual(status.ioRunning, .connecting)
        XCTAssertNil(status.secondsBehind)
        XCTAssertEqual(status.lastIOErrno, 1045)
        XCTAssertEqual(status.lastIOError, accessDenied)
        XCTAssertEqual(status.gtid.usingGTID, "No")
        XCTAssertFalse(status.gtid.isActive)
        XCTAssertNil(status.gtid.ioPosition)
    }

    func testSQLThreadStoppedOnDuplicateKey() throws {
        let error = "Could not execute Write_rows_v1 event on table db1.t1; Duplicate entry '1' for key 'PRIMARY', Error_code: 1062; handler error HA_ERR_FOUND_DUPP_KEY; the event's master log mall-mysql-bin.000002, end_log_pos 890"
        let row = mariaDBRow(io: "Yes", sql: "No", behind: "NULL", ioErrno: "0", ioError: "", sqlErrno: "1062", sqlError: error)
        let status = try XCTUnwrap(try ReplicaStatus.parse(vertical([Array(zip(mariaDBColumns, row))])))
        XCTAssertEqual(status.sqlRunning, .no)
        XCTAssertEqual(status.ioRunning, .yes)
        XCTAssertEqual(status.lastSQLErrno, 1062)
        XCTAssertEqual(status.lastSQLError, error)
        XCTAssertNil(status.lastIOError)
        XCTAssertTrue(status.hasError)
    }

    func testEmptyResultMeansNotAReplica() throws {
        XCTAssertNil(try ReplicaStatus.parse(""))
        XCTAssertNil(try ReplicaStatus.parse("\n"))
        XCTAssertEqual(try ReplicaStatus.parseAll(""), [])
    }

    func testSeveralChannels() throws {
        var second = mysql57Connecting
        second[second.firstIndex { $0.0 == "Channel_Name" }!].1 = "analytics"
        second[second.firstIndex { $0.0 == "Slave_IO_Running" }!].1 = "No"
        let statuses = try ReplicaStatus.parseAll(vertical([mysql57Connecting, second]))
        XCTAssertEqual(statuses.count, 2)
        XCTAssertNil(statuses[0].channel)
        XCTAssertEqual(statuses[1].channel, "analytics")
        XCTAssertEqual(statuses[1].ioRunning, .no)
    }

    func testMalformedStatusThrowsTypedErrors() {
        XCTAssertThrowsError(try ReplicaStatus.parse("Foo\tBar\n1\t2\n")) { error in
            XCTAssertEqual(error as? ReplicationOutputError,
                           .missingColumn(["Replica_IO_Running", "Slave_IO_Running"]))
        }
        XCTAssertThrowsError(try ReplicaStatus.parse("Slave_IO_Running\tSlave_SQL_Running\nMaybe\tYes\n")) { error in
            XCTAssertEqual(error as? ReplicationOutputError, .invalidValue(column: "Replica_IO_Running", value: "Maybe"))
        }
        XCTAssertThrowsError(
            try ReplicaStatus.parse("Slave_IO_Running\tSlave_SQL_Running\tRead_Master_Log_Pos\nYes\tYes\tlots\n")
        ) { error in
            XCTAssertEqual("\(error)", "replication status column Read_Source_Log_Pos has unexpected value 'lots'")
        }
    }

    func testThreadStateReading() {
        XCTAssertEqual(ReplicationThreadState(statusValue: "Yes"), .yes)
        XCTAssertEqual(ReplicationThreadState(statusValue: "no"), .no)
        XCTAssertEqual(ReplicationThreadState(statusValue: "CONNECTING "), .connecting)
        XCTAssertNil(ReplicationThreadState(statusValue: ""))
    }
}

final class BinaryLogStatusTests: XCTestCase {
    func testMySQL57BatchWithIgnoredDatabase() throws {
        let output = "File\tPosition\tBinlog_Do_DB\tBinlog_Ignore_DB\tExecuted_Gtid_Set\nmall-mysql-bin.000001\t617\t\tmysql\t\n"
        let status = try XCTUnwrap(try BinaryLogStatus.parse(output))
        XCTAssertEqual(status, BinaryLogStatus(file: "mall-mysql-bin.000001", position: 617, ignoreDB: ["mysql"]))
        XCTAssertEqual(status.coordinates, BinlogCoordinates(file: "mall-mysql-bin.000001", position: 617))
    }

    func testMySQL84VerticalWithGTIDs() throws {
        let output = vertical([[
            ("File", "binlog.000002"),
            ("Position", "158"),
            ("Binlog_Do_DB", "db1,db2"),
            ("Binlog_Ignore_DB", "mysql"),
            ("Executed_Gtid_Set", "\(sourceUUID):1-7,\n\(replicaUUID):1-2"),
        ]])
        let status = try XCTUnwrap(try BinaryLogStatus.parse(output))
        XCTAssertEqual(status.file, "binlog.000002")
        XCTAssertEqual(status.position, 158)
        XCTAssertEqual(status.doDB, ["db1", "db2"])
        XCTAssertEqual(status.ignoreDB, ["mysql"])
        XCTAssertEqual(status.executedGTIDSet, "\(sourceUUID):1-7,\(replicaUUID):1-2")
    }

    func testMariaDBHasNoGTIDColumn() throws {
        let output = "File\tPosition\tBinlog_Do_DB\tBinlog_Ignore_DB\nmall-mysql-bin.000002\t342\t\tmysql\n"
        let status = try XCTUnwrap(try BinaryLogStatus.parse(output, raw: true))
        XCTAssertEqual(status, BinaryLogStatus(file: "mall-mysql-bin.000002", position: 342, ignoreDB: ["mysql"]))
        XCTAssertNil(status.executedGTIDSet)
    }

    func testEmptyMeansBinaryLoggingIsOffAndGarbageThrows() {
        XCTAssertNil(try BinaryLogStatus.parse(""))
        XCTAssertThrowsError(try BinaryLogStatus.parse("File\tPosition\nbinlog.000001\tabc\n")) { error in
            XCTAssertEqual(error as? ReplicationOutputError, .invalidValue(column: "Position", value: "abc"))
        }
        XCTAssertThrowsError(try BinaryLogStatus.parse("Position\n4\n")) { error in
            XCTAssertEqual(error as? ReplicationOutputError, .missingColumn(["File"]))
        }
    }
}

final class SQLResultTableTests: XCTestCase {
    func testBatchUnescapesAndReadsNULL() {
        let output = "id\tname\tnote\n1\ta\\tb\tline1\\nline2\n2\tback\\\\slash\tNULL\n3\tnul\\0byte\t\\q\n"
        let table = SQLResultTable.parseBatch(output)
        XCTAssertEqual(table.columns, ["id", "name", "note"])
        XCTAssertEqual(table.rows, [
            ["1", "a\tb", "line1\nline2"],
            ["2", "back\\slash", nil],
            ["3", "nul\0byte", "\\q"],
        ])
        XCTAssertEqual(table.records[1]["NAME"], "back\\slash", "names are matched case-insensitively")
        XCTAssertNil(table.records[1]["note"])
        XCTAssertTrue(table.records[1].has("note"))
        XCTAssertFalse(table.records[1].has("missing"))
        XCTAssertEqual(table.records[1].dictionary, ["id": "2", "name": "back\\slash"])
    }

    func testRawBatchKeepsBackslashes() {
        let table = SQLResultTable.parseBatch("v\nC:\\path\\n\n", raw: true)
        XCTAssertEqual(table.rows, [["C:\\path\\n"]])
    }

    func testEmptyStringsShortRowsCRLFAndClientWarnings() {
        let output = "mysql: [Warning] Using a password on the command line interface can be insecure.\r\na\tb\tc\r\n\t\tx\r\nonly\r\n"
        let table = SQLResultTable.parse(output)
        XCTAssertEqual(table.columns, ["a", "b", "c"])
        XCTAssertEqual(table.rows, [["", "", "x"], ["only", nil, nil]])
    }

    func testHeaderOnlyAndEmpty() {
        XCTAssertEqual(SQLResultTable.parse("File\tPosition\n"), SQLResultTable(columns: ["File", "Position"], rows: []))
        XCTAssertTrue(SQLResultTable.parse("").isEmpty)
        XCTAssertEqual(SQLResultTable.parse("").columns, [])
    }

    func testVerticalDetectionQueryWithNonIdentifierNames() throws {
        let output = """
        *************************** 1. row ***************************
                VERSION(): 10.11.6-MariaDB-0+deb12u1
        @@version_comment: Debian 12

        """
        let table = SQLResultTable.parse(output)
        XCTAssertEqual(table.columns, ["VERSION()", "@@version_comment"])
        XCTAssertEqual(table.rows, [["10.11.6-MariaDB-0+deb12u1", "Debian 12"]])
        let record = try XCTUnwrap(table.records.first)
        XCTAssertEqual(MySQLFlavor.detect(version: record["VERSION()"] ?? "", comment: record["@@version_comment"] ?? ""),
                       .mariadb(ServerVersion(10, 11, 6)))
    }

    func testBatchDetectionQuery() {
        let table = SQLResultTable.parse("VERSION()\t@@version_comment\n8.4.3\tMySQL Community Server - GPL\n")
        XCTAssertEqual(table.rows, [["8.4.3", "MySQL Community Server - GPL"]])
    }

    func testVerticalEmptyValuesWithStrippedTrailingSpaceAndNULL() {
        let output = """
        *************************** 1. row ***************************
          Name: one
         Empty:
        Nothing: NULL
        *************************** 2. row ***************************
          Name: two
         Empty: 
        Nothing: x: y

        """
        let table = SQLResultTable.parseVertical(output)
        XCTAssertEqual(table.columns, ["Name", "Empty", "Nothing"])
        XCTAssertEqual(table.rows, [["one", "", nil], ["two", "", "x: y"]])
    }
}
