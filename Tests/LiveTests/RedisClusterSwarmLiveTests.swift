import DockerRecipes
import DockerSDK
import Foundation
import XCTest

/// The Redis Cluster recipe on the Swarm lab: 3x1 across 3 hosts (3 managers, raft quorum 2 of 3) with
/// every replica on another host than its master; the loss of a whole host (its link cut) while a
/// writer uses WAIT, for each host of `DOCKERSDK_SWARM_DRILL_HOSTS` (default `h1,h2`: the first
/// manager and another): 0 acknowledged writes lost, the host's nodes back as replicas, the control
/// plane still answering; then a scale-out onto a fourth host added to the running lab.
final class RedisClusterSwarmLiveTests: XCTestCase {
    func testThreeByOneSurvivesTheLossOfAnyHostAndScalesOntoAFourth() async throws {
        // The lab's hosts are dockerds of its own: nothing of the engine under test; Podman has no Swarm mode.
        try await Live.requireSwarmMode("the Swarm lab (scripts/lab.sh) runs dockerd hosts; Podman has no Swarm mode")
        let drillHosts = (ProcessInfo.processInfo.environment["DOCKERSDK_SWARM_DRILL_HOSTS"] ?? "h1,h2")
            .split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }
        for host in drillHosts where !["h1", "h2", "h3"].contains(host) {
            throw DockerError.invalidArgument("DOCKERSDK_SWARM_DRILL_HOSTS: \(host) is not one of h1, h2, h3")
        }
        let lab = try SwarmLab.up(3)
        let clock = ContinuousClock.now
        func mark(_ step: String) { print("[redis-swarm-live] \(step) at \(clock.duration(to: .now))") }
        var failure: (any Error)?
        var cluster: RedisClusterSwarm?
        var labHosts = 3
        do {
            let manager = try lab.client("h1")
            let hosts = try (1...3).map { try host($0, lab) }
            // Three managers: losing any one host keeps a quorum (2 of 3).
            let managers = try await manager.nodes.list(filters: ["role": ["manager"]])
            XCTAssertEqual(Set(managers.compactMap(\.hostname)), ["h1", "h2", "h3"], "the lab's swarm has 3 managers")
            let prefix = "dsdk-rcs\(UInt16.random(in: 0...UInt16.max))"
            let deployment = try RedisClusterSwarm(manager: manager, hosts: hosts, prefix: prefix)
            cluster = deployment
            let log = RecipeProgress { print("[redis-swarm] \($0)") }
            mark("up")
            let status = try await deployment.up(progress: log)
            mark("up done")
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
            // The plan is read back from the services' labels.
            let readBack = try await RedisClusterSwarm.deployed(manager: manager, hosts: hosts, prefix: prefix)
            XCTAssertEqual(readBack?.plan, deployment.plan)
            let checked = try await deployment.check()
            XCTAssertTrue(checked.ok, "\(checked.messages)")
            // The demo: `redis-cluster status --swarm --json` gives each node's host, role and IP:PORT;
            // `check --swarm` passes; the old `redis-cluster-swarm` still works, with a hint on stderr.
            let demo = try Exec.demo
            let managerURL = try XCTUnwrap(lab.hosts["h1"])
            let shown = try LabProcess.run([demo, "redis-cluster", "status", "--swarm", "--host", managerURL, "--name-prefix", prefix, "--json"],
                                           timeout: 60)
            XCTAssertEqual(shown.status, 0, String(decoding: shown.stderr, as: UTF8.self))
            let json = try JSONDecoder().decode(SwarmRedisStatus.self, from: shown.stdout)
            XCTAssertEqual(json.nodes.map { "\($0.name) \($0.host) \($0.role) \($0.address)" },
                           status.nodes.map { "\($0.name) \($0.host) \($0.role) \($0.address)" })
            let demoCheck = try LabProcess.run([demo, "redis-cluster", "check", "--swarm", "--host", managerURL, "--name-prefix", prefix],
                                               timeout: 60)
            XCTAssertEqual(demoCheck.status, 0, String(decoding: demoCheck.stdout + demoCheck.stderr, as: UTF8.self))
            let old = try LabProcess.run([demo, "redis-cluster-swarm", "status", "--host", managerURL, "--name-prefix", prefix], timeout: 60)
            XCTAssertEqual(old.status, 0, String(decoding: old.stderr, as: UTF8.self))
            XCTAssertTrue(String(decoding: old.stdout, as: UTF8.self).contains("\(prefix)-m1-r1"))
            XCTAssertEqual(String(decoding: old.stderr, as: UTF8.self).split(separator: "\n").filter { $0.contains("deprecated") }.count, 1,
                           "one hint line")

            for lost in drillHosts {
                mark("losing \(lost)")
                try await drill(deployment, lose: lost, prefix: prefix, lab: lab, log: log)
                mark("\(lost) drill done")
                let switched = try await deployment.restorePlannedMasters(progress: log)
                XCTAssertEqual(switched, ["\(prefix)-m\(lost.dropFirst())"], "the planned master took its slots back")
                let restored = try await deployment.status()
                XCTAssertEqual(restored.nodes.filter { $0.role == "master" }.map(\.name), deployment.plan.masters.map(\.name))
                XCTAssertEqual(restored.replicasSharingTheirMastersHost, [])
                mark("\(lost) roles restored")
            }

            // Scale out onto a fourth host added to the running lab.
            mark("adding h4")
            let bigger = try SwarmLab.up(4)
            labHosts = 4
            mark("h4 added")
            let hosts4 = try (1...4).map { try host($0, bigger) }
            let found = try await RedisClusterSwarm.deployed(manager: manager, hosts: hosts4, prefix: prefix)
            let deployed = try XCTUnwrap(found)
            XCTAssertEqual(deployed.plan, deployment.plan, "a fourth host does not change the deployed plan")
            cluster = deployed
            let (grown, scale) = try await deployed.scaleOut(onto: "h4", progress: log)
            cluster = grown
            mark("scaled out")
            XCTAssertTrue(scale.passed, "\(scale)")
            XCTAssertEqual(scale.master, "\(prefix)-m4")
            XCTAssertEqual(scale.masterHost, "h4")
            XCTAssertEqual(scale.replicas.count, 1)
            XCTAssertFalse(scale.replicas[0].hasSuffix("@h4"), "the new replica is off its master's host")
            XCTAssertGreaterThan(scale.masterSlots, 0)
            XCTAssertEqual(scale.keysReadBack, scale.keysWritten)
            let after = try await grown.check()
            XCTAssertTrue(after.ok, "\(after.messages)")
            let grownStatus = try await grown.status()
            XCTAssertEqual(grownStatus.nodes.count, 8)
            XCTAssertEqual(grownStatus.nodes.filter { $0.role == "master" }.map(\.slots).reduce(0, +), 16384)
        } catch {
            failure = error
        }
        for i in 1...3 { _ = try? LabProcess.run([ipTool, "link", "set", "dsdklab-h\(i)", "up"], timeout: 10) }
        if let cluster {
            do { try await cluster.down() } catch { if failure == nil { failure = error } }
            for i in 1...labHosts {
                guard let docker = try? SwarmLab(hosts: ["h\(i)": "unix:///run/lab/h\(i)/docker.sock"], startedHere: false).client("h\(i)") else { continue }
                let left = try await docker.containers.list(all: true, filters: .label("com.dockersdk.instance", cluster.plan.prefix))
                XCTAssertEqual(left.count, 0, "containers left on h\(i)")
                let volumes = try await docker.volumes.list(filters: .label("com.dockersdk.instance", cluster.plan.prefix))
                XCTAssertEqual(volumes.count, 0, "volumes left on h\(i)")
            }
        }
        let down = try SwarmLab.down(ifStartedBy: lab)
        mark("lab down")
        if let failure { throw failure }
        if lab.startedHere {
            XCTAssertEqual(down.status, 0, String(decoding: down.stderr, as: UTF8.self))
            XCTAssertEqual(SwarmLab.leftovers(), [], "lab.sh down leaves nothing")
        }
    }

    /// Loses `lost` (its link cut on the bridge side) while the writer writes with WAIT, and checks the report.
    private func drill(_ deployment: RedisClusterSwarm, lose lost: String, prefix: String, lab: SwarmLab,
                       log: RecipeProgress) async throws {
        let index = Int(lost.dropFirst()) ?? 0
        let link = { @Sendable (state: String) async throws in
            let result = try LabProcess.run([ipTool, "link", "set", "dsdklab-\(lost)", state], timeout: 10)
            guard result.status == 0 else { throw DockerError.invalidArgument("ip link set dsdklab-\(lost) \(state) failed") }
        }
        // While the host is away, another manager answers: a leader other than the lost host, the services listed.
        let survivor = try lab.client(lost == "h1" ? "h2" : "h1")
        let whileLost = { @Sendable () async throws in
            let leader = try await swarmPoll("a leader other than \(lost)", seconds: 60) { () -> String? in
                guard let nodes = try? await survivor.nodes.list(),
                      let leader = nodes.first(where: { $0.managerStatus?.leader == true })?.hostname, leader != lost,
                      nodes.first(where: { $0.hostname == lost })?.managerStatus?.reachability == "unreachable" else { return nil }
                return leader
            }
            print("[redis-swarm-live] with \(lost) away, the swarm's leader is \(leader)")
            let services = try await survivor.services.list(filters: .label("com.dockersdk.instance", prefix))
            XCTAssertEqual(services.count, 6, "the control plane still answers without \(lost)")
        }
        let report = try await deployment.hostLossDrill(lose: lost, progress: log, cut: { try await link("down") },
                                                        restore: { try await link("up") }, whileLost: whileLost)
        print("[redis-swarm-live] \(lost): promoted after \(report.promotedAfter) s, ok after \(report.clusterOKAfter) s, rejoined after \(report.rejoinedAfter) s")
        XCTAssertEqual(report.lostWrites, 0, "no acknowledged write lost: \(report)")
        XCTAssertGreaterThan(report.acknowledgedWrites, 0)
        XCTAssertEqual(report.lostMasters, ["\(prefix)-m\(index)"])
        XCTAssertEqual(report.promoted, ["\(prefix)-m\(index)-r1"], "m\(index)'s replica on the next host took over")
        XCTAssertTrue(report.passed, "\(report)")
        let healed = try await deployment.status()
        XCTAssertTrue(healed.nodes.allSatisfy { $0.state == "ok" }, "\(healed.nodes)")
        XCTAssertEqual(healed.nodes.filter { $0.host == lost }.map(\.role), ["replica", "replica"], "\(lost)'s nodes came back as replicas")
        XCTAssertEqual(healed.nodes.filter { $0.role == "master" }.map(\.slots).reduce(0, +), 16384)
    }

    private func host(_ i: Int, _ lab: SwarmLab) throws -> SwarmHost {
        SwarmHost(name: "h\(i)", address: "10.231.0.\(i)", docker: try lab.client("h\(i)"))
    }
}

/// `ip` from iproute2.
let ipTool = FileManager.default.isExecutableFile(atPath: "/usr/sbin/ip") ? "/usr/sbin/ip" : "/sbin/ip"
