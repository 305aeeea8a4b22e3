import DockerRecipes
import DockerSDK
import Foundation
import XCTest

/// The Redis Cluster recipe on the 3-host Swarm lab: 3x1 with every replica on another host than its
/// master, and the loss of a whole host (its link cut) with a writer using WAIT: 0 acknowledged writes lost.
final class RedisClusterSwarmLiveTests: XCTestCase {
    func testThreeByOneAcrossThreeHostsSurvivesTheLossOfAHost() async throws {
        // The lab's hosts are dockerds of its own: nothing of the engine under test; Podman has no Swarm mode.
        try Live.requireDockerEngine("the Swarm lab (scripts/lab.sh) runs dockerd hosts; Podman has no Swarm mode")
        let lab = try SwarmLab.up(3)
        var failure: (any Error)?
        var cluster: RedisClusterSwarm?
        do {
            let manager = try lab.client("h1")
            let hosts = try (1...3).map { i in
                SwarmHost(name: "h\(i)", address: "10.231.0.\(i)", docker: try lab.client("h\(i)"))
            }
            let prefix = "dsdk-rcs\(UInt16.random(in: 0...UInt16.max))"
            let deployment = try RedisClusterSwarm(manager: manager, hosts: hosts, prefix: prefix)
            cluster = deployment
            let log = RecipeProgress { print("[redis-swarm] \($0)") }
            let status = try await deployment.up(progress: log)
            XCTAssertEqual(status.nodes.count, 6)
            XCTAssertEqual(status.replicasSharingTheirMastersHost, [])
            XCTAssertEqual(Set(status.nodes.filter { $0.role == "master" }.map(\.host)), ["h1", "h2", "h3"], "masters spread")
            XCTAssertTrue(status.nodes.allSatisfy { $0.state == "ok" }, "\(status.nodes)")
            XCTAssertEqual(status.nodes.filter { $0.role == "master" }.map(\.slots).reduce(0, +), 16384)
            for node in status.nodes {
                let host = try XCTUnwrap(node.address.split(separator: ":").first)
                XCTAssertEqual(String(host), "10.231.0.\(node.host.dropFirst())", "\(node.name) announces its host's address")
            }
            let again = await dockerErrorLive { try await deployment.up() }
            guard case .conflict? = again else { return XCTFail("a second up must say it is deployed, got \(String(describing: again))") }
            // The tasks' containers carry the recipe labels.
            let containers = try await hosts[1].docker.containers.list(filters: .label("com.dockersdk.instance", prefix))
            XCTAssertEqual(containers.count, 2)
            XCTAssertTrue(containers.allSatisfy { $0.labels?["com.dockersdk.recipe"] == RedisClusterSwarm.recipeName })

            // Lose h2 (its link cut on the bridge side) while the writer writes with WAIT.
            let ip = FileManager.default.isExecutableFile(atPath: "/usr/sbin/ip") ? "/usr/sbin/ip" : "/sbin/ip"
            let link = { @Sendable (state: String) async throws in
                let result = try LabProcess.run([ip, "link", "set", "dsdklab-h2", state], timeout: 10)
                guard result.status == 0 else { throw DockerError.invalidArgument("ip link set dsdklab-h2 \(state) failed") }
            }
            let report = try await deployment.hostLossDrill(lose: "h2", progress: log, cut: { try await link("down") },
                                                            restore: { try await link("up") })
            XCTAssertEqual(report.lostWrites, 0, "no acknowledged write lost: \(report)")
            XCTAssertGreaterThan(report.acknowledgedWrites, 0)
            XCTAssertEqual(report.lostMasters, ["\(prefix)-m2"])
            XCTAssertEqual(report.promoted, ["\(prefix)-m2-r1"], "m2's replica on h3 took over")
            XCTAssertTrue(report.passed, "\(report)")
            let healed = try await deployment.status()
            XCTAssertTrue(healed.nodes.allSatisfy { $0.state == "ok" }, "\(healed.nodes)")
            XCTAssertEqual(healed.nodes.filter { $0.host == "h2" }.map(\.role), ["replica", "replica"], "h2's nodes came back as replicas")
            XCTAssertEqual(healed.nodes.filter { $0.role == "master" }.map(\.slots).reduce(0, +), 16384)
        } catch {
            failure = error
        }
        _ = try? LabProcess.run([FileManager.default.isExecutableFile(atPath: "/usr/sbin/ip") ? "/usr/sbin/ip" : "/sbin/ip",
                                 "link", "set", "dsdklab-h2", "up"], timeout: 10)
        if let cluster {
            do { try await cluster.down() } catch { if failure == nil { failure = error } }
            for host in 1...3 {
                let docker = try lab.client("h\(host)")
                let left = try await docker.containers.list(all: true, filters: .label("com.dockersdk.instance", cluster.plan.prefix))
                XCTAssertEqual(left.count, 0)
                let volumes = try await docker.volumes.list(filters: .label("com.dockersdk.instance", cluster.plan.prefix))
                XCTAssertEqual(volumes.count, 0)
            }
        }
        let down = try SwarmLab.down(ifStartedBy: lab)
        if let failure { throw failure }
        if lab.startedHere { XCTAssertEqual(down.status, 0) }
    }
}
