import DockerRecipes
import DockerSDK
import XCTest

/// The swarm plan: masters spread, no replica on its master's host, ports per host, bad shapes refused.
final class SwarmRedisPlanTests: XCTestCase {
    let hosts = [("h1", "10.231.0.1"), ("h2", "10.231.0.2"), ("h3", "10.231.0.3")].map { (name: $0.0, address: $0.1) }

    func testThreeByOneOnThreeHosts() throws {
        let plan = try SwarmRedisPlan.make(prefix: "p", hosts: hosts)
        XCTAssertEqual(plan.nodes.map(\.name), ["p-m1", "p-m2", "p-m3", "p-m1-r1", "p-m2-r1", "p-m3-r1"])
        XCTAssertEqual(plan.masters.map(\.host), ["h1", "h2", "h3"])
        XCTAssertEqual(plan.nodes.filter { !$0.isMaster }.map(\.host), ["h2", "h3", "h1"])
        XCTAssertEqual(plan.nodes.map(\.endpoint), ["10.231.0.1:6379", "10.231.0.2:6379", "10.231.0.3:6379",
                                                    "10.231.0.2:6380", "10.231.0.3:6380", "10.231.0.1:6380"])
    }

    func testNoReplicaSharesItsMastersHostAndEndpointsAreUnique() throws {
        for (masters, replicas, hostCount) in [(3, 1, 2), (3, 2, 3), (4, 1, 3), (6, 2, 4), (5, 3, 4)] {
            let plan = try SwarmRedisPlan.make(prefix: "p", hosts: Array(hosts + [(name: "h4", address: "10.231.0.4")]).prefix(hostCount).map { $0 },
                                               masters: masters, replicasPerMaster: replicas)
            XCTAssertEqual(plan.nodes.count, masters * (1 + replicas))
            XCTAssertEqual(Set(plan.nodes.map(\.endpoint)).count, plan.nodes.count)
            for master in plan.masters {
                let replicaHosts = plan.replicas(of: master.group).map(\.host)
                XCTAssertFalse(replicaHosts.contains(master.host), "\(masters)x\(replicas) on \(hostCount)")
                XCTAssertEqual(Set(replicaHosts).count, replicaHosts.count, "replicas of one master on distinct hosts")
            }
        }
    }

    func testRefusesShapesThatCannotKeepReplicasApart() {
        XCTAssertThrowsError(try SwarmRedisPlan.make(prefix: "p", hosts: Array(hosts.prefix(1)))) { error in
            XCTAssertTrue("\(error)".contains("need 2"), "\(error)")
        }
        XCTAssertThrowsError(try SwarmRedisPlan.make(prefix: "p", hosts: hosts, masters: 2))
        XCTAssertThrowsError(try SwarmRedisPlan.make(prefix: "p", hosts: hosts, basePort: 55535 + 1))
        XCTAssertThrowsError(try SwarmRedisPlan.make(prefix: "p", hosts: [hosts[0], hosts[0]]))
    }

    func testThePlanRoundTripsThroughServiceLabels() throws {
        let plan = try SwarmRedisPlan.make(prefix: "p", hosts: hosts)
        let services = plan.nodes.reversed().map { ($0.name, SwarmRedisPlan.labels(for: $0).merging(["other": "x"]) { a, _ in a }) }
        XCTAssertEqual(try SwarmRedisPlan.deployed(prefix: "p", services: services), plan, "read back in the planned order")
        XCTAssertNil(SwarmRedisPlan.node(name: "x", labels: ["com.dockersdk.redis.host": "h1"]))
        XCTAssertNil(SwarmRedisPlan.node(name: "x", labels: SwarmRedisPlan.labels(for: plan.nodes[3]).merging(["com.dockersdk.redis.replica": "one"]) { _, b in b }))
        XCTAssertThrowsError(try SwarmRedisPlan.deployed(prefix: "p", services: [("p-m1", [:])])) { error in
            XCTAssertTrue("\(error)".contains("no plan labels"), "\(error)")
        }
    }

    func testAddingAGroupOnAFourthHostKeepsTheReplicaAway() throws {
        let plan = try SwarmRedisPlan.make(prefix: "p", hosts: hosts)
        let h4 = (name: "h4", address: "10.231.0.4")
        let grown = try plan.addingGroup(on: h4, hosts: hosts + [h4])
        XCTAssertEqual(grown.nodes.count, 8)
        XCTAssertEqual(Array(grown.nodes.filter { plan.nodes.contains($0) }), plan.nodes, "the existing nodes stay as planned")
        let master = try XCTUnwrap(grown.masters.last)
        XCTAssertEqual(master.name, "p-m4")
        XCTAssertEqual(master.host, "h4")
        XCTAssertEqual(master.port, 6379)
        let replica = try XCTUnwrap(grown.replicas(of: master.group).first)
        XCTAssertEqual(replica.name, "p-m4-r1")
        XCTAssertNotEqual(replica.host, "h4")
        XCTAssertEqual(replica.host, "h1", "the least loaded other host, by name on a tie")
        XCTAssertEqual(replica.port, 6381, "after the ports h1 uses")
        XCTAssertEqual(Set(grown.nodes.map(\.endpoint)).count, 8)
        XCTAssertThrowsError(try plan.addingGroup(on: h4, hosts: [h4]))  // no other host for the replica
    }
}
