@testable import DockerRecipes
import XCTest

final class ServerConfigTests: XCTestCase {
    private func flavor(_ version: String) -> MySQLFlavor {
        MySQLFlavor.detect(version: version) ?? .mysql57(ServerVersion(5, 7, 44))
    }

    func testSeedSourceOnMySQL57MatchesTheSeed() {
        XCTAssertEqual(ServerConfig.source().myCnf(for: flavor("5.7.44-log")), """
        # Replication settings for MySQL 5.7.44 (5.7)
        [mysqld]
        server_id=101
        log_bin=mall-mysql-bin
        binlog_ignore_db=mysql
        binlog_cache_size=1M
        binlog_format=mixed
        expire_logs_days=7
        slave_skip_errors=1062

        """)
    }

    func testSeedReplicaOnMySQL57MatchesTheSeed() {
        let config = ServerConfig.replica()
        XCTAssertEqual(config.serverID, 102)
        XCTAssertEqual(config.options(for: flavor("5.7.44")).map(\.configLine), [
            "server_id=102",
            "log_bin=mall-mysql-slave1-bin",
            "binlog_ignore_db=mysql",
            "binlog_cache_size=1M",
            "binlog_format=mixed",
            "expire_logs_days=7",
            "slave_skip_errors=1062",
            "relay_log=mall-mysql-relay-bin",
            "log_slave_updates=ON",
            "read_only=ON",
        ])
        XCTAssertEqual(config.commandLineArguments(for: flavor("5.7.44")), [
            "--server-id=102",
            "--log-bin=mall-mysql-slave1-bin",
            "--binlog-ignore-db=mysql",
            "--binlog-cache-size=1M",
            "--binlog-format=mixed",
            "--expire-logs-days=7",
            "--slave-skip-errors=1062",
            "--relay-log=mall-mysql-relay-bin",
            "--log-slave-updates=ON",
            "--read-only=ON",
        ])
    }

    func testMySQL80BeforeRenamesUsesSecondsExpiryAndOldNames() {
        for version in ["8.0.21", "8.0.23", "8.0.25"] {
            XCTAssertEqual(ServerConfig.replica().options(for: flavor(version)).map(\.configLine), [
                "server_id=102",
                "log_bin=mall-mysql-slave1-bin",
                "binlog_ignore_db=mysql",
                "binlog_cache_size=1M",
                "binlog_format=mixed",
                "binlog_expire_logs_seconds=604800",
                "slave_skip_errors=1062",
                "relay_log=mall-mysql-relay-bin",
                "log_slave_updates=ON",
                "read_only=ON",
            ], version)
        }
    }

    func testMySQL8026AndLaterUseReplicaNamesAndNoExpireLogsDays() {
        for version in ["8.0.26", "8.0.40", "8.4.3", "9.1.0"] {
            let lines = ServerConfig.replica().options(for: flavor(version)).map(\.configLine)
            XCTAssertEqual(lines, [
                "server_id=102",
                "log_bin=mall-mysql-slave1-bin",
                "binlog_ignore_db=mysql",
                "binlog_cache_size=1M",
                "binlog_format=mixed",
                "binlog_expire_logs_seconds=604800",
                "replica_skip_errors=1062",
                "relay_log=mall-mysql-relay-bin",
                "log_replica_updates=ON",
                "read_only=ON",
            ], version)
            XCTAssertFalse(lines.contains { $0.hasPrefix("expire_logs_days") }, version)
        }
    }

    func testGTIDSwitchesOnGTIDModeOnlyForMySQL() {
        let mysql = ServerConfig.source(gtid: true).myCnf(for: flavor("8.4.3"))
        XCTAssertEqual(mysql, """
        # Replication settings for MySQL 8.4.3 (8.1+)
        [mysqld]
        server_id=101
        log_bin=mall-mysql-bin
        binlog_ignore_db=mysql
        binlog_cache_size=1M
        binlog_format=mixed
        binlog_expire_logs_seconds=604800
        replica_skip_errors=1062
        gtid_mode=ON
        enforce_gtid_consistency=ON

        """)
        XCTAssertTrue(ServerConfig.replica(gtid: true).commandLineArguments(for: flavor("5.7.44"))
            .suffix(2) == ["--gtid-mode=ON", "--enforce-gtid-consistency=ON"])
        let maria = ServerConfig.replica(gtid: true).myCnf(for: flavor("10.11.6-MariaDB-0+deb12u1"))
        XCTAssertFalse(maria.contains("gtid_mode"))
        XCTAssertFalse(maria.contains("enforce_gtid_consistency"))
    }

    func testMariaDBKeepsTheSeedNames() {
        XCTAssertEqual(ServerConfig.replica().options(for: flavor("11.4.2-MariaDB-ubu2404")).map(\.configLine), [
            "server_id=102",
            "log_bin=mall-mysql-slave1-bin",
            "binlog_ignore_db=mysql",
            "binlog_cache_size=1M",
            "binlog_format=mixed",
            "expire_logs_days=7",
            "slave_skip_errors=1062",
            "relay_log=mall-mysql-relay-bin",
            "log_slave_updates=ON",
            "read_only=ON",
        ])
    }

    func testExtraOptionsOverrideAndAppend() {
        var config = ServerConfig.source()
        config.binlogIgnoreDB = ["mysql", "sys"]
        config.skipErrors = [1062, 1032]
        config.extraOptions = [ServerOption("binlog-format", "ROW"), ServerOption("skip_name_resolve")]
        let options = config.options(for: flavor("8.4.3"))
        XCTAssertEqual(options.map(\.configLine), [
            "server_id=101",
            "log_bin=mall-mysql-bin",
            "binlog_ignore_db=mysql",
            "binlog_ignore_db=sys",
            "binlog_cache_size=1M",
            "binlog_expire_logs_seconds=604800",
            "replica_skip_errors=1062,1032",
            "binlog_format=ROW",
            "skip_name_resolve",
        ])
        XCTAssertEqual(options.last?.argument, "--skip-name-resolve")
        XCTAssertEqual(options.filter { $0.name == "binlog_format" }.count, 1)
    }

    func testMinimalConfigRendersOnlyWhatIsSet() {
        let config = ServerConfig(serverID: 7, logReplicaUpdates: false)
        XCTAssertEqual(config.commandLineArguments(for: flavor("8.0.30")), ["--server-id=7", "--log-replica-updates=OFF"])
        XCTAssertEqual(config.commandLineArguments(for: flavor("10.6.16-MariaDB")), ["--server-id=7", "--log-slave-updates=OFF"])
    }

    func testByteSizesUseExactUnits() {
        XCTAssertEqual(ServerConfig.byteSize(1 << 20), "1M")
        XCTAssertEqual(ServerConfig.byteSize(2048), "2K")
        XCTAssertEqual(ServerConfig.byteSize(1 << 30), "1G")
        XCTAssertEqual(ServerConfig.byteSize(1536), "1536")
        XCTAssertEqual(ServerConfig.byteSize(32768 * 3), "96K")
    }
}
