import DockerRecipes
import DockerSDK
import Foundation
import XCTest

/// MySQL replication on the 3-host Swarm lab, through the demo (`mysql-replication up|status|down
/// --swarm`) and the recipe: the source on h1, a replica on h2 and one on h3 (one service each,
/// pinned by node.hostname), rows on every replica, writes on replicas refused, the root password in
/// swarm secrets only (never in a process's command line or environment, nor in a service spec);
/// then the tour's Swarm part (`tour --swarm-only`) on the same lab, and its skip line without one.
final class MySQLReplicationSwarmLiveTests: XCTestCase {
    func testSourceAndTwoReplicasOnThreeHostsThenTheTourSwarmPart() async throws {
        // The lab's hosts are dockerds of its own: nothing of the engine under test; Podman has no Swarm mode.
        try await Live.requireSwarmMode("the Swarm lab (scripts/lab.sh) runs dockerd hosts; Podman has no Swarm mode")
        let lab = try SwarmLab.up(3, images: ["dockersdk/busybox:latest", "dockersdk/redis:7", MySQLReplicationPlan.devImage])
        let clock = ContinuousClock.now
        func mark(_ step: String) { print("[mysql-swarm-live] \(step) at \(clock.duration(to: .now))") }
        let prefix = "dsdk-mys\(UInt16.random(in: 0...UInt16.max))"
        let managerURL = try XCTUnwrap(lab.hosts["h1"])
        let demo = try Exec.demo
        var failure: (any Error)?
        var deployed: MySQLReplicationSwarm?
        do {
            let manager = try lab.client("h1")
            let hosts = try (1...3).map { SwarmHost(name: "h\($0)", address: "10.231.0.\($0)", docker: try lab.client("h\($0)")) }
            let password = "pw-\(UUID().uuidString)"
            mark("demo up --swarm")
            let up = try LabProcess.run([demo, "mysql-replication", "up", "--swarm", "--host", managerURL, "--replicas", "2",
                                         "--name-prefix", prefix, "--json"],
                                        environment: ["MYSQL_ROOT_PASSWORD": password], timeout: 300)
            mark("up done")
            XCTAssertEqual(up.status, 0, String(decoding: up.stderr, as: UTF8.self))
            let upStatus = try JSONDecoder().decode(MySQLSwarmStatus.self, from: up.stdout)
            XCTAssertEqual(upStatus.servers.map(\.host), ["h1", "h2", "h3"], "the source on h1, each replica on another host")
            XCTAssertEqual(upStatus.servers.map(\.role), ["source", "replica", "replica"])
            XCTAssertEqual(upStatus.servers.map(\.address), ["10.231.0.1:3306", "10.231.0.2:3306", "10.231.0.3:3306"])
            XCTAssertEqual(upStatus.replication.replicas.count, 2)
            XCTAssertTrue(upStatus.replication.replicas.allSatisfy { $0.status?.isReplicating == true }, "\(upStatus.replication)")

            // One task per service, on its planned host (the manager's view).
            let nodes = Dictionary(try await manager.nodes.list().map { ($0.id, $0.hostname ?? "") }, uniquingKeysWith: { a, _ in a })
            for server in upStatus.servers {
                let tasks = try await manager.tasks.list(filters: ["service": [server.name], "desired-state": ["running"]])
                XCTAssertEqual(tasks.compactMap { $0.nodeID.flatMap { nodes[$0] } }, [server.host], "\(server.name) runs on \(server.host)")
            }

            // The password: in swarm secrets only.
            let services = try await manager.services.list(filters: .label("com.dockersdk.instance", prefix))
            XCTAssertEqual(services.count, 3)
            let specs = String(decoding: try JSONEncoder().encode(services.map(\.spec)), as: UTF8.self)
            XCTAssertFalse(specs.contains(password), "no service spec holds the password")
            XCTAssertTrue(specs.contains("MYSQL_ROOT_PASSWORD_FILE"), "the entrypoint reads it from a file")
            let secrets = try await manager.secrets.list(filters: .label("com.dockersdk.instance", prefix))
            XCTAssertEqual(secrets.count, 2)
            XCTAssertTrue(secrets.allSatisfy { $0.spec.data == nil })
            let leaks = processesHolding(password)
            XCTAssertEqual(leaks, [], "no process has the password in its command line or environment")

            // The recipe reads the deployment back from the services and verifies it.
            let found = try await MySQLReplicationSwarm.deployed(manager: manager, hosts: hosts, prefix: prefix)
            let replication = try XCTUnwrap(found)
            deployed = replication
            XCTAssertEqual(replication.hosts.map(\.name), ["h1", "h2", "h3"])
            let report = try await replication.verify(progress: RecipeProgress { print("[mysql-swarm] \($0)") })
            XCTAssertTrue(report.passed, "\(report)")
            XCTAssertEqual(report.rowsRead, ["\(prefix)-replica-1": report.rowsWritten, "\(prefix)-replica-2": report.rowsWritten])
            XCTAssertEqual(report.replicaWriteRefused.count, 2, "read_only refuses writes on both replicas")
            mark("verified")

            let status = try LabProcess.run([demo, "mysql-replication", "status", "--swarm", "--host", managerURL, "--name-prefix", prefix,
                                             "--json"], timeout: 60)
            XCTAssertEqual(status.status, 0, String(decoding: status.stderr, as: UTF8.self))
            let decoded = try JSONDecoder().decode(MySQLSwarmStatus.self, from: status.stdout)
            XCTAssertEqual(decoded.servers, upStatus.servers)
            XCTAssertNotNil(decoded.replication.sourcePosition)

            let down = try LabProcess.run([demo, "mysql-replication", "down", "--swarm", "--host", managerURL, "--name-prefix", prefix],
                                          timeout: 180)
            XCTAssertEqual(down.status, 0, String(decoding: down.stderr, as: UTF8.self))
            mark("down done")
            deployed = nil
            try await assertNothingLeft(prefix: prefix, manager: manager, hosts: hosts)

            // The tour's Swarm part on the same lab (Redis across the hosts with a host-loss drill, then MySQL).
            mark("tour --swarm-only")
            let tour = try LabProcess.run([demo, "tour", "--swarm-only", "--swarm-host", managerURL], timeout: 600)
            mark("tour done")
            let tourOut = String(decoding: tour.stdout, as: UTF8.self)
            XCTAssertEqual(tour.status, 0, tourOut + String(decoding: tour.stderr, as: UTF8.self).suffix(3000))
            XCTAssertTrue(tourOut.contains("check: [OK]"), tourOut)
            XCTAssertTrue(tourOut.contains("host-loss h2:") && tourOut.contains(" 0 lost"), tourOut)
            XCTAssertTrue(tourOut.contains("10 rows on 2 replicas on other hosts; replica writes refused: 2"), tourOut)
            XCTAssertTrue(tourOut.contains("tour: the Swarm part passed"), tourOut)
            for tourPrefix in ["tour-rcs", "tour-mys"] {
                try await assertNothingLeft(prefix: tourPrefix, manager: manager, hosts: hosts)
            }
            // Without a lab the part says so and is skipped.
            let skipped = try LabProcess.run([demo, "tour", "--swarm-only", "--swarm-host", "unix:///run/lab/h9/docker.sock"], timeout: 60)
            XCTAssertEqual(skipped.status, 0)
            XCTAssertTrue(String(decoding: skipped.stdout, as: UTF8.self).contains("skipped: no Swarm lab at unix:///run/lab/h9/docker.sock"))
        } catch {
            failure = error
        }
        if let deployed { try? await deployed.down() }
        let down = try SwarmLab.down(ifStartedBy: lab)
        mark("lab down")
        if let failure { throw failure }
        if lab.startedHere {
            XCTAssertEqual(down.status, 0, String(decoding: down.stderr, as: UTF8.self))
            XCTAssertEqual(SwarmLab.leftovers(), [], "lab.sh down leaves nothing")
        }
    }

    private func assertNothingLeft(prefix: String, manager: DockerClient, hosts: [SwarmHost]) async throws {
        let filter = Filters.label("com.dockersdk.instance", prefix)
        let services = try await manager.services.list(filters: filter)
        XCTAssertEqual(services.count, 0, "services left")
        let secrets = try await manager.secrets.list(filters: filter)
        XCTAssertEqual(secrets.count, 0, "secrets left")
        let configs = try await manager.configs.list(filters: filter)
        XCTAssertEqual(configs.count, 0, "configs left")
        for host in hosts {
            let containers = try await host.docker.containers.list(all: true, filters: filter)
            XCTAssertEqual(containers.count, 0, "containers left on \(host.name)")
            let volumes = try await host.docker.volumes.list(filters: filter)
            XCTAssertEqual(volumes.count, 0, "volumes left on \(host.name)")
        }
    }
}

/// PIDs whose command line or environment contains `secret` (every process of the machine's PID
/// namespace, the lab's containers included).
func processesHolding(_ secret: String) -> [String] {
    let needle = Data(secret.utf8)
    var found: [String] = []
    for entry in (try? FileManager.default.contentsOfDirectory(atPath: "/proc")) ?? [] where Int(entry) != nil {
        for file in ["cmdline", "environ"] {
            if let data = FileManager.default.contents(atPath: "/proc/\(entry)/\(file)"), data.range(of: needle) != nil {
                found.append("\(entry) \(file)")
            }
        }
    }
    return found
}
