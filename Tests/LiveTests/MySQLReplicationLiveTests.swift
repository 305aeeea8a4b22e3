import DockerRecipes
import DockerSDK
import Foundation
import XCTest

/// Seed 000 §1 on the MariaDB dev image: binlog and GTID, 1 and 2 replicas, a wrong password, down.
final class MySQLReplicationLiveTests: RecipeLiveTestCase {
    private func deploy(_ options: MySQLReplicationOptions, _ body: (MySQLReplication) async throws -> Void) async throws {
        let docker = try await Live.client()
        let replication = try await MySQLReplication(docker: docker, options: options)
        XCTAssertEqual(replication.plan.image, MySQLReplicationPlan.devImage, "setup builds the dev image")
        do {
            try await body(replication)
        } catch {
            _ = try? await replication.down()
            throw error
        }
        let removed = try await replication.down()
        XCTAssertEqual(removed.containers.count, options.replicas + 1)
        let leftContainers = try await replication.resources.containers()
        let leftNetworks = try await docker.networks.list(filters: replication.resources.filters)
        XCTAssertTrue(leftContainers.isEmpty)
        XCTAssertTrue(leftNetworks.isEmpty)
    }

    /// A row inserted on the source by a plain client (`docker exec ... mariadb`) shows up on every replica.
    private func assertPlainClientRowReachesEveryReplica(_ replication: MySQLReplication) async throws {
        let docker = replication.docker
        let source = replication.plan.source.name
        // Root's option file in the container logs the plain client in: no password is needed here.
        let write = try await docker.exec.run(
            ["mariadb", "-uroot", "-e", "CREATE DATABASE plain; CREATE TABLE plain.t (x INT); INSERT INTO plain.t VALUES (42)"],
            in: source)
        XCTAssertEqual(write.exitCode, 0, write.stderrText)
        for replica in replication.plan.replicas.map(\.name) {
            var seen = ""
            for _ in 0..<50 {
                let read = try await docker.exec.run(["mariadb", "-uroot", "-N", "-e", "SELECT x FROM plain.t"], in: replica)
                seen = read.stdoutText.trimmingCharacters(in: .whitespacesAndNewlines)
                if seen == "42" { break }
                try await Task.sleep(for: .milliseconds(200))
            }
            XCTAssertEqual(seen, "42", "the row is on \(replica)")
        }
    }

    private func options(_ mode: ReplicationMode, replicas: Int, publish: Bool = false) -> MySQLReplicationOptions {
        MySQLReplicationOptions(replicas: replicas, mode: mode, sourcePort: nil,
                                namePrefix: tracked("lt-mysql-\(UInt16.random(in: 0...UInt16.max))"),
                                publishesRandomPorts: publish)
    }

    func testBinlogOneReplicaReplicatesAndRefusesReplicaWrites() async throws {
        try await deploy(options(.binlogPosition, replicas: 1)) { replication in
            // No port published: no endpoints, and asking for them says why.
            do {
                _ = try await replication.endpoints()
                XCTFail("endpoints() of a deployment that publishes nothing")
            } catch DockerError.invalidArgument(let message) {
                XCTAssertTrue(message.contains("publishes no ports"), message)
            }
            guard case .created(let flavor, _) = try await replication.up() else { return XCTFail("expected a new deployment") }
            XCTAssertTrue(flavor.contains("MariaDB 10.11"), flavor)
            let again = try await replication.up()
            XCTAssertEqual(again, .alreadyRunning)
            let status = try await replication.status()
            XCTAssertNotNil(status.sourceLogFile)
            XCTAssertEqual(status.replicas.count, 1)
            XCTAssertEqual(status.replicas.first?.status?.ioRunning, "Yes")
            XCTAssertEqual(status.replicas.first?.status?.sqlRunning, "Yes")
            XCTAssertEqual(status.replicas.first?.status?.sourceLogFile, status.sourceLogFile)
            let report = try await replication.verify(rows: 25)
            XCTAssertEqual(report.rowsRead.values.sorted(), [25])
            XCTAssertTrue(report.replicaWriteRefused.values.allSatisfy { $0.contains("1290") }, "\(report.replicaWriteRefused)")
            XCTAssertTrue(report.passed)

            try await assertPlainClientRowReachesEveryReplica(replication)
        }
    }

    func testGTIDTwoReplicas() async throws {
        try await deploy(options(.gtid, replicas: 2, publish: true)) { replication in
            try await replication.up()
            let status = try await replication.status()
            XCTAssertEqual(status.replicas.count, 2)
            // Published at ports the daemon picked: one per server, on loopback, as endpoints() says.
            let endpoints = try XCTUnwrap(status.endpoints)
            let fromDaemon = try await replication.endpoints()
            XCTAssertEqual(endpoints, fromDaemon)
            XCTAssertEqual(endpoints.replicas.count, 2)
            XCTAssertEqual(Set([endpoints.source] + endpoints.replicas).count, 3)
            XCTAssertTrue(([endpoints.source] + endpoints.replicas).allSatisfy { $0.hasPrefix("127.0.0.1:") }, "\(endpoints)")
            for replica in status.replicas {
                XCTAssertEqual(replica.status?.isReplicating, true, replica.container)
                XCTAssertNotNil(replica.status?.gtid, "MariaDB reports Gtid_IO_Pos in GTID mode")
            }
            let report = try await replication.verify()
            XCTAssertEqual(report.rowsRead.count, 2)
            XCTAssertTrue(report.passed)
            try await assertPlainClientRowReachesEveryReplica(replication)
        }
    }

    func testBinlogTwoReplicasAndGTIDOneReplica() async throws {
        try await deploy(options(.binlogPosition, replicas: 2)) { replication in
            try await replication.up()
            let verified = try await replication.verify()
            XCTAssertTrue(verified.passed)
        }
        try await deploy(options(.gtid, replicas: 1)) { replication in
            try await replication.up()
            let verified = try await replication.verify()
            XCTAssertTrue(verified.passed)
        }
    }

    func testWrongReplicationPasswordFailsQuotingLastIOErrorAndDownStillCleans() async throws {
        var options = options(.binlogPosition, replicas: 1)
        options.useWrongReplicaPassword = true
        options.replicationPassword = Secret("right-password-\(UInt16.random(in: 0...9999))")
        let secret = options.replicationPassword?.value ?? ""
        try await deploy(options) { replication in
            do {
                try await replication.up()
                XCTFail("a wrong replication password must fail up")
            } catch let failure as ReplicationFailed {
                let text = failure.description
                XCTAssertTrue(text.contains("Last_IO_Error"), text)
                XCTAssertTrue(text.contains("Access denied"), text)
                XCTAssertFalse(text.contains(secret), "the password must not appear in the error")
            }
        }
    }

    func testHostDirectoriesHoldDataLogsAndConfigLikeTheSeed() async throws {
        let base = FileManager.default.temporaryDirectory.appendingPathComponent("dockersdk-mydata-\(UUID().uuidString)").path
        defer { try? FileManager.default.removeItem(atPath: base) }
        var options = options(.binlogPosition, replicas: 1)
        options.hostDirectory = base
        try await deploy(options) { replication in
            try await replication.up()
            let verified = try await replication.verify()
            XCTAssertTrue(verified.passed)
            for server in replication.plan.servers {
                let cnf = try String(contentsOfFile: "\(base)/\(server.name)/conf/replication.cnf", encoding: .utf8)
                XCTAssertTrue(cnf.contains("server_id") || cnf.contains("server-id"), cnf)
                let data = try FileManager.default.contentsOfDirectory(atPath: "\(base)/\(server.name)/data")
                XCTAssertTrue(data.contains("mysql"), "the data dir is on the host: \(data)")
            }
        }
    }
}
