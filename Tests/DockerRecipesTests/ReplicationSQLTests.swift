@testable import DockerRecipes
import XCTest

final class ReplicationSQLTests: XCTestCase {
    private let source = ReplicationEndpoint(host: "mysql-source")
    private let account = ReplicationAccount(user: "repl", password: "123456")
    private let coordinates = BinlogCoordinates(file: "mall-mysql-bin.000001", position: 617)

    private func flavor(_ version: String) -> MySQLFlavor {
        guard let flavor = MySQLFlavor.detect(version: version) else {
            XCTFail("cannot detect \(version)")
            return .mysql57(ServerVersion(5, 7, 44))
        }
        return flavor
    }

    private func change(_ version: String, _ start: ReplicaStartPoint) -> [String] {
        ReplicationSQL.changeSource(flavor: flavor(version), source: source, account: account, start: start).map(\.sql)
    }

    // MARK: Escaping

    func testEscapingKeepsQuotesAndBackslashesInsideTheLiteral() {
        XCTAssertEqual(ReplicationSQL.quote("plain"), "'plain'")
        XCTAssertEqual(ReplicationSQL.quote("it's"), "'it''s'")
        XCTAssertEqual(ReplicationSQL.quote(#"back\slash"#), #"'back\\slash'"#)
        XCTAssertEqual(ReplicationSQL.quote(#"end\"#), #"'end\\'"#)
        // A trailing backslash must not escape the closing quote; a quote must not end the literal.
        XCTAssertEqual(ReplicationSQL.quote(#"\' OR 1=1 -- "#), #"'\\'' OR 1=1 -- '"#)
        XCTAssertEqual(ReplicationSQL.escape("a\nb\rc\0d\u{1A}e"), #"a\nb\rc\0d\Ze"#)
        XCTAssertEqual(ReplicationSQL.escape("密码\"%_"), "密码\"%_")
        XCTAssertEqual(ReplicationSQL.escape(""), "")
    }

    func testEscapingForNoBackslashEscapesOnlyDoublesQuotes() {
        XCTAssertEqual(ReplicationSQL.quote(#"a\b'c"#, noBackslashEscapes: true), #"'a\b''c'"#)
        XCTAssertEqual(ReplicationSQL.escape("x\ny", noBackslashEscapes: true), "x\ny")
    }

    /// Reads back a single-quoted literal the way the server does (default sql_mode), to prove round-trips.
    private func unquote(_ literal: String) -> String? {
        var chars = Array(literal)
        guard chars.count >= 2, chars.first == "'", chars.last == "'" else { return nil }
        chars = Array(chars.dropFirst().dropLast())
        var out = ""
        var i = 0
        while i < chars.count {
            let c = chars[i]
            if c == "\\" {
                guard i + 1 < chars.count else { return nil }
                let n = chars[i + 1]
                switch n {
                case "n": out.append("\n")
                case "r": out.append("\r")
                case "0": out.append("\0")
                case "Z": out.append("\u{1A}")
                default: out.append(n)
                }
                i += 2
            } else if c == "'" {
                guard i + 1 < chars.count, chars[i + 1] == "'" else { return nil } // lone quote ends the literal early
                out.append("'")
                i += 2
            } else {
                out.append(c)
                i += 1
            }
        }
        return out
    }

    func testQuotedLiteralsRoundTrip() {
        for value in ["123456", "it's", #"a\b"#, #"\"#, "'", "''", #"\'"#, "x\ny\0z", "p@ss;word--", "ünï\u{1A}"] {
            XCTAssertEqual(unquote(ReplicationSQL.quote(value)), value, "round trip of \(value.debugDescription)")
        }
    }

    // MARK: Replication user

    func testCreateUserIsIdempotentAndGrantsReplicationPrivileges() {
        for version in ["5.7.44", "8.0.21", "8.0.23", "8.4.3", "10.11.6-MariaDB"] {
            let statements = ReplicationSQL.createReplicationUser(account, flavor: flavor(version)).map(\.sql)
            XCTAssertEqual(statements, [
                "CREATE USER IF NOT EXISTS 'repl'@'%' IDENTIFIED BY '123456'",
                "ALTER USER 'repl'@'%' IDENTIFIED BY '123456'",
                "GRANT REPLICATION SLAVE, REPLICATION CLIENT ON *.* TO 'repl'@'%'",
            ], version)
        }
    }

    func testCreateUserEscapesAWickedPasswordAndRedactsIt() {
        let wicked = ReplicationAccount(user: "re'pl", password: #"p'w\"#, host: "172.18.%")
        let statements = ReplicationSQL.createReplicationUser(wicked, flavor: flavor("8.4.3"))
        XCTAssertEqual(statements[0].sql, #"CREATE USER IF NOT EXISTS 're''pl'@'172.18.%' IDENTIFIED BY 'p''w\\'"#)
        XCTAssertEqual(statements[0].redacted, "CREATE USER IF NOT EXISTS 're''pl'@'172.18.%' IDENTIFIED BY '***'")
        XCTAssertEqual("\(statements[0])", statements[0].redacted)
        XCTAssertTrue(statements[0].containsSecret)
        XCTAssertFalse(statements[2].containsSecret)
        XCTAssertEqual(statements[2].description, statements[2].sql)
    }

    func testPasswordNeverAppearsInDescriptionsOrDumps() {
        let secret = "Sup3r-S3cret!"
        let account = ReplicationAccount(user: "repl", password: secret)
        let statements = ReplicationSQL.setUpReplica(
            flavor: flavor("8.0.23"), source: source, account: account, start: .binlog(coordinates))
        var texts = [account.description, account.debugDescription, "\(account)", String(reflecting: account)]
        var dumped = ""
        dump(account, to: &dumped)
        texts.append(dumped)
        for statement in statements {
            texts += [statement.description, statement.debugDescription, "\(statement)", String(reflecting: statement)]
            var out = ""
            dump(statement, to: &out)
            texts.append(out)
        }
        dump(statements, to: &dumped)
        texts.append(dumped)
        for text in texts {
            XCTAssertFalse(text.contains(secret), "password leaked in: \(text)")
        }
        XCTAssertTrue(ReplicationSQL.script(statements).contains(secret), "the SQL itself must carry it")
        XCTAssertTrue(account.description.contains("repl"))
    }

    // MARK: Source status and reset

    func testSourceStatusStatementPerFlavour() {
        XCTAssertEqual(ReplicationSQL.sourceStatus(flavor: flavor("5.7.44")).sql, "SHOW MASTER STATUS")
        XCTAssertEqual(ReplicationSQL.sourceStatus(flavor: flavor("8.0.23")).sql, "SHOW MASTER STATUS")
        XCTAssertEqual(ReplicationSQL.sourceStatus(flavor: flavor("8.1.0")).sql, "SHOW MASTER STATUS")
        XCTAssertEqual(ReplicationSQL.sourceStatus(flavor: flavor("8.2.0")).sql, "SHOW BINARY LOG STATUS")
        XCTAssertEqual(ReplicationSQL.sourceStatus(flavor: flavor("8.4.3")).sql, "SHOW BINARY LOG STATUS")
        XCTAssertEqual(ReplicationSQL.sourceStatus(flavor: flavor("11.4.2-MariaDB")).sql, "SHOW MASTER STATUS")
        XCTAssertEqual(ReplicationSQL.resetSource(flavor: flavor("8.0.40")).sql, "RESET MASTER")
        XCTAssertEqual(ReplicationSQL.resetSource(flavor: flavor("8.4.3")).sql, "RESET BINARY LOGS AND GTIDS")
        XCTAssertEqual(ReplicationSQL.resetSource(flavor: flavor("10.11.6-MariaDB")).sql, "RESET MASTER")
        XCTAssertEqual(ReplicationSQL.sourceGTIDPosition(flavor: flavor("8.4.3")).sql, "SELECT @@GLOBAL.gtid_executed")
        XCTAssertEqual(ReplicationSQL.sourceGTIDPosition(flavor: flavor("10.11.6-MariaDB")).sql,
                       "SELECT @@GLOBAL.gtid_binlog_pos")
        XCTAssertEqual(ReplicationSQL.mariaDBGTIDPosition(at: coordinates).sql,
                       "SELECT BINLOG_GTID_POS('mall-mysql-bin.000001', 617)")
    }

    // MARK: Pointing the replica at the source, per flavour

    func testMySQL57() {
        XCTAssertEqual(change("5.7.44-log", .binlog(coordinates)), [
            "CHANGE MASTER TO MASTER_HOST='mysql-source', MASTER_PORT=3306, MASTER_USER='repl', MASTER_PASSWORD='123456', MASTER_LOG_FILE='mall-mysql-bin.000001', MASTER_LOG_POS=617, MASTER_CONNECT_RETRY=30",
        ])
        XCTAssertEqual(change("5.7.44-log", .gtid()), [
            "CHANGE MASTER TO MASTER_HOST='mysql-source', MASTER_PORT=3306, MASTER_USER='repl', MASTER_PASSWORD='123456', MASTER_AUTO_POSITION=1, MASTER_CONNECT_RETRY=30",
        ])
        let f = flavor("5.7.44-log")
        XCTAssertEqual(ReplicationSQL.startReplica(flavor: f).sql, "START SLAVE")
        XCTAssertEqual(ReplicationSQL.stopReplica(flavor: f).sql, "STOP SLAVE")
        XCTAssertEqual(ReplicationSQL.resetReplica(flavor: f).sql, "RESET SLAVE ALL")
        XCTAssertEqual(ReplicationSQL.resetReplica(flavor: f, all: false).sql, "RESET SLAVE")
        XCTAssertEqual(ReplicationSQL.replicaStatus(flavor: f).sql, "SHOW SLAVE STATUS")
    }

    func testMySQL8021UsesMasterStatementsWithPublicKey() {
        XCTAssertEqual(change("8.0.21", .binlog(coordinates)), [
            "CHANGE MASTER TO MASTER_HOST='mysql-source', MASTER_PORT=3306, MASTER_USER='repl', MASTER_PASSWORD='123456', MASTER_LOG_FILE='mall-mysql-bin.000001', MASTER_LOG_POS=617, MASTER_CONNECT_RETRY=30, GET_MASTER_PUBLIC_KEY=1",
        ])
        XCTAssertEqual(change("8.0.21", .gtid()), [
            "CHANGE MASTER TO MASTER_HOST='mysql-source', MASTER_PORT=3306, MASTER_USER='repl', MASTER_PASSWORD='123456', MASTER_AUTO_POSITION=1, MASTER_CONNECT_RETRY=30, GET_MASTER_PUBLIC_KEY=1",
        ])
        let f = flavor("8.0.21")
        XCTAssertEqual(ReplicationSQL.startReplica(flavor: f).sql, "START SLAVE")
        XCTAssertEqual(ReplicationSQL.replicaStatus(flavor: f).sql, "SHOW SLAVE STATUS")
        XCTAssertEqual(ReplicationSQL.sourceStatus(flavor: f).sql, "SHOW MASTER STATUS")
    }

    func testMySQL8022HasReplicaStatementsButStillChangeMaster() {
        XCTAssertEqual(change("8.0.22", .binlog(coordinates)), [
            "CHANGE MASTER TO MASTER_HOST='mysql-source', MASTER_PORT=3306, MASTER_USER='repl', MASTER_PASSWORD='123456', MASTER_LOG_FILE='mall-mysql-bin.000001', MASTER_LOG_POS=617, MASTER_CONNECT_RETRY=30, GET_MASTER_PUBLIC_KEY=1",
        ])
        XCTAssertEqual(change("8.0.22", .gtid()), [
            "CHANGE MASTER TO MASTER_HOST='mysql-source', MASTER_PORT=3306, MASTER_USER='repl', MASTER_PASSWORD='123456', MASTER_AUTO_POSITION=1, MASTER_CONNECT_RETRY=30, GET_MASTER_PUBLIC_KEY=1",
        ])
        let f = flavor("8.0.22")
        XCTAssertEqual(ReplicationSQL.startReplica(flavor: f).sql, "START REPLICA")
        XCTAssertEqual(ReplicationSQL.stopReplica(flavor: f).sql, "STOP REPLICA")
        XCTAssertEqual(ReplicationSQL.resetReplica(flavor: f).sql, "RESET REPLICA ALL")
        XCTAssertEqual(ReplicationSQL.replicaStatus(flavor: f).sql, "SHOW REPLICA STATUS")
    }

    func testMySQL8023UsesChangeReplicationSource() {
        XCTAssertEqual(change("8.0.23", .binlog(coordinates)), [
            "CHANGE REPLICATION SOURCE TO SOURCE_HOST='mysql-source', SOURCE_PORT=3306, SOURCE_USER='repl', SOURCE_PASSWORD='123456', SOURCE_LOG_FILE='mall-mysql-bin.000001', SOURCE_LOG_POS=617, SOURCE_CONNECT_RETRY=30, GET_SOURCE_PUBLIC_KEY=1",
        ])
        XCTAssertEqual(change("8.0.23", .gtid(slavePos: "ignored-on-mysql")), [
            "CHANGE REPLICATION SOURCE TO SOURCE_HOST='mysql-source', SOURCE_PORT=3306, SOURCE_USER='repl', SOURCE_PASSWORD='123456', SOURCE_AUTO_POSITION=1, SOURCE_CONNECT_RETRY=30, GET_SOURCE_PUBLIC_KEY=1",
        ])
        XCTAssertEqual(ReplicationSQL.startReplica(flavor: flavor("8.0.23")).sql, "START REPLICA")
    }

    func testMySQL84() {
        XCTAssertEqual(change("8.4.3", .binlog(BinlogCoordinates(file: "binlog.000002", position: 158))), [
            "CHANGE REPLICATION SOURCE TO SOURCE_HOST='mysql-source', SOURCE_PORT=3306, SOURCE_USER='repl', SOURCE_PASSWORD='123456', SOURCE_LOG_FILE='binlog.000002', SOURCE_LOG_POS=158, SOURCE_CONNECT_RETRY=30, GET_SOURCE_PUBLIC_KEY=1",
        ])
        XCTAssertEqual(change("8.4.3", .gtid()), [
            "CHANGE REPLICATION SOURCE TO SOURCE_HOST='mysql-source', SOURCE_PORT=3306, SOURCE_USER='repl', SOURCE_PASSWORD='123456', SOURCE_AUTO_POSITION=1, SOURCE_CONNECT_RETRY=30, GET_SOURCE_PUBLIC_KEY=1",
        ])
        let f = flavor("8.4.3")
        let all = [ReplicationSQL.startReplica(flavor: f), ReplicationSQL.stopReplica(flavor: f),
                   ReplicationSQL.resetReplica(flavor: f), ReplicationSQL.replicaStatus(flavor: f),
                   ReplicationSQL.sourceStatus(flavor: f), ReplicationSQL.resetSource(flavor: f)]
            .map(\.sql).joined(separator: "\n")
        for removed in ["MASTER", "SLAVE"] {
            XCTAssertFalse(all.contains(removed), "8.4 removed statements with \(removed): \(all)")
        }
    }

    func testMariaDB1011BinlogMode() {
        XCTAssertEqual(change("10.11.6-MariaDB-0+deb12u1", .binlog(coordinates)), [
            "CHANGE MASTER TO MASTER_HOST='mysql-source', MASTER_PORT=3306, MASTER_USER='repl', MASTER_PASSWORD='123456', MASTER_LOG_FILE='mall-mysql-bin.000001', MASTER_LOG_POS=617, MASTER_USE_GTID=no, MASTER_CONNECT_RETRY=30",
        ])
        let f = flavor("10.11.6-MariaDB-0+deb12u1")
        XCTAssertEqual(ReplicationSQL.startReplica(flavor: f).sql, "START SLAVE")
        XCTAssertEqual(ReplicationSQL.stopReplica(flavor: f).sql, "STOP SLAVE")
        XCTAssertEqual(ReplicationSQL.resetReplica(flavor: f).sql, "RESET SLAVE ALL")
        XCTAssertEqual(ReplicationSQL.replicaStatus(flavor: f).sql, "SHOW SLAVE STATUS")
    }

    func testMariaDB1011GTIDMode() {
        XCTAssertEqual(change("10.11.6-MariaDB-0+deb12u1", .gtid()), [
            "CHANGE MASTER TO MASTER_HOST='mysql-source', MASTER_PORT=3306, MASTER_USER='repl', MASTER_PASSWORD='123456', MASTER_USE_GTID=slave_pos, MASTER_CONNECT_RETRY=30",
        ])
        XCTAssertEqual(change("11.4.2-MariaDB-ubu2404", .gtid(slavePos: "0-101-42")), [
            "SET GLOBAL gtid_slave_pos = '0-101-42'",
            "CHANGE MASTER TO MASTER_HOST='mysql-source', MASTER_PORT=3306, MASTER_USER='repl', MASTER_PASSWORD='123456', MASTER_USE_GTID=slave_pos, MASTER_CONNECT_RETRY=30",
        ])
    }

    func testOptionsPortAndRetryAndScript() {
        let statements = ReplicationSQL.setUpReplica(
            flavor: flavor("5.7.44"), source: ReplicationEndpoint(host: "192.168.1.5", port: 3307),
            account: ReplicationAccount(user: "slave", password: "123456"), start: .binlog(coordinates), connectRetry: nil)
        XCTAssertEqual(ReplicationSQL.script(statements), """
        STOP SLAVE;
        CHANGE MASTER TO MASTER_HOST='192.168.1.5', MASTER_PORT=3307, MASTER_USER='slave', MASTER_PASSWORD='123456', MASTER_LOG_FILE='mall-mysql-bin.000001', MASTER_LOG_POS=617;
        START SLAVE;
        """)
        XCTAssertEqual(ReplicaStartPoint.binlog(coordinates).mode, .binlogPosition)
        XCTAssertEqual(ReplicaStartPoint.gtid().mode, .gtid)
        XCTAssertEqual(coordinates.description, "mall-mysql-bin.000001:617")
    }

    func testChangeSourceEscapesEveryLiteralAndRedactsOnlyThePassword() {
        let account = ReplicationAccount(user: "r'epl", password: #"pa'ss\"#)
        let statement = ReplicationSQL.changeSource(
            flavor: flavor("8.4.3"), source: ReplicationEndpoint(host: "db'host"), account: account,
            start: .binlog(BinlogCoordinates(file: "bin'log.000001", position: 4)))[0]
        XCTAssertEqual(statement.sql, #"CHANGE REPLICATION SOURCE TO SOURCE_HOST='db''host', SOURCE_PORT=3306, SOURCE_USER='r''epl', SOURCE_PASSWORD='pa''ss\\', SOURCE_LOG_FILE='bin''log.000001', SOURCE_LOG_POS=4, SOURCE_CONNECT_RETRY=30, GET_SOURCE_PUBLIC_KEY=1"#)
        XCTAssertEqual(statement.redacted, #"CHANGE REPLICATION SOURCE TO SOURCE_HOST='db''host', SOURCE_PORT=3306, SOURCE_USER='r''epl', SOURCE_PASSWORD='***', SOURCE_LOG_FILE='bin''log.000001', SOURCE_LOG_POS=4, SOURCE_CONNECT_RETRY=30, GET_SOURCE_PUBLIC_KEY=1"#)
    }
}
