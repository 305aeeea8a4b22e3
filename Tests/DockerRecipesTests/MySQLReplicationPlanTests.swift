@testable import DockerRecipes
import DockerSDK
import XCTest

final class MySQLReplicationPlanTests: XCTestCase {
    func testPlanFollowsTheSeed() throws {
        let plan = try MySQLReplicationPlan(options: MySQLReplicationOptions(replicas: 2, rootPassword: "root-secret"),
                                            image: "mysql:8.0")
        XCTAssertEqual(plan.servers.map(\.name), ["mysql-source", "mysql-replica-1", "mysql-replica-2"])
        XCTAssertEqual(plan.servers.map(\.serverID), [101, 102, 103])
        XCTAssertEqual(plan.servers.map(\.hostPort), [3307, 3308, 3309])
        let spec = plan.containerSpec(plan.source, labels: ["com.dockersdk.recipe": "mysql-replication"])
        XCTAssertEqual(spec.config.env, ["MYSQL_ROOT_PASSWORD_FILE=/etc/dockersdk/root-password"], "the password stays out of the environment")
        XCTAssertEqual(spec.hostConfig?.portBindings?["3306/tcp"], [PortBinding(hostIP: "127.0.0.1", hostPort: "3307")])
        XCTAssertEqual(spec.hostConfig?.networkMode, "mysql-net")
        XCTAssertEqual(spec.endpoints?["mysql-net"]?.aliases, ["mysql-source"])
        let replica = plan.serverConfig(plan.replicas[0])
        XCTAssertTrue(replica.readOnly)
        XCTAssertEqual(replica.serverID, 102)
        XCTAssertFalse(plan.serverConfig(plan.source).readOnly)
    }

    func testHostDirectoriesBindDataLogAndConf() throws {
        let plan = try MySQLReplicationPlan(options: MySQLReplicationOptions(hostDirectory: "/mydata"), image: "mysql:5.7")
        let spec = plan.containerSpec(plan.source, labels: [:])
        XCTAssertEqual(spec.hostConfig?.binds, ["/mydata/mysql-source/data:/var/lib/mysql", "/mydata/mysql-source/log:/var/log/mysql",
                                                "/mydata/mysql-source/conf:/etc/mysql/conf.d"])
    }

    func testInvalidOptionsAreRefused() {
        XCTAssertThrowsError(try MySQLReplicationPlan(options: MySQLReplicationOptions(replicas: 0), image: "x"))
        XCTAssertThrowsError(try MySQLReplicationPlan(options: MySQLReplicationOptions(namePrefix: "-bad"), image: "x"))
        XCTAssertThrowsError(try MySQLReplicationPlan(options: MySQLReplicationOptions(replicationUser: "a'b"), image: "x"))
        XCTAssertThrowsError(try MySQLReplicationPlan(options: MySQLReplicationOptions(sourcePort: 65535), image: "x"))
        XCTAssertThrowsError(try MySQLReplicationPlan(options: MySQLReplicationOptions(subnet: "172.38.0.0/16"), image: "x"))
    }

    func testGeneratedPasswordsDifferAndNeverPrint() throws {
        let a = try MySQLReplicationPlan(options: MySQLReplicationOptions(), image: "x")
        let b = try MySQLReplicationPlan(options: MySQLReplicationOptions(), image: "x")
        XCTAssertNotEqual(a.rootPassword, b.rootPassword)
        XCTAssertEqual(a.rootPassword.value.count, 20)
        XCTAssertEqual("\(a.rootPassword)", "<redacted>")
        XCTAssertFalse(String(reflecting: a.rootPassword).contains(a.rootPassword.value))
        XCTAssertFalse("\(a)".contains(a.rootPassword.value), "dumping the plan must not show the password")
        let json = try JSONEncoder().encode(["p": a.rootPassword])
        XCTAssertFalse(String(decoding: json, as: UTF8.self).contains(a.rootPassword.value))
    }

    func testProbeReadsMySQLAndMariaDBVersionLines() throws {
        let mysql = ServerProbe.parse("mysqld  Ver 8.0.36 for Linux on x86_64 (MySQL Community Server - GPL)\nclient=mysql\n")
        XCTAssertEqual(mysql?.client, "mysql")
        XCTAssertEqual(mysql.map { $0.flavor.isMariaDB }, false)
        XCTAssertEqual(mysql?.flavor.version, ServerVersion(8, 0, 36))
        let maria = ServerProbe.parse("mariadbd  Ver 10.11.6-MariaDB-0+deb12u1 for debian-linux-gnu on x86_64 (Debian 12)\nclient=mariadb\n")
        XCTAssertEqual(maria.map { $0.flavor.isMariaDB }, true)
        XCTAssertEqual(maria?.client, "mariadb")
        XCTAssertNil(ServerProbe.parse("sh: mysqld: not found\nclient=mysql\n"))
    }
}

/// `publishesRandomPorts`: every server's 3306 on 127.0.0.1 at a port the daemon picks.
final class MySQLReplicationPublishingTests: XCTestCase {
    func testRandomPortsPublishOnLoopbackWithoutAFixedPort() throws {
        let options = MySQLReplicationOptions(replicas: 2, sourcePort: nil, namePrefix: "my", publishesRandomPorts: true)
        let plan = try MySQLReplicationPlan(options: options, image: "dockersdk/mariadb:10.11")
        for server in plan.servers {
            let spec = plan.containerSpec(server, labels: [:])
            XCTAssertEqual(spec.hostConfig?.portBindings?["3306/tcp"], [PortBinding(hostIP: "127.0.0.1", hostPort: "")], server.name)
        }
    }

    func testNoPortsWithoutEither() throws {
        let plan = try MySQLReplicationPlan(options: MySQLReplicationOptions(sourcePort: nil, namePrefix: "my"), image: "x")
        XCTAssertNil(plan.containerSpec(plan.source, labels: [:]).hostConfig?.portBindings)
    }
}
