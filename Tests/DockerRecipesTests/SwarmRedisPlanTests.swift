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
}
