@testable import DockerRecipes
import DockerSDK
import Foundation
import XCTest

/// The recipe's own RESP connections in bridge mode: through a relay exec in each node's container,
/// pipelined, and gone from the containers once closed.
final class RedisClusterRESPLiveTests: XCTestCase {
    func testBridgeModeRelaysCarryRESPAndLeaveNoProcessBehind() async throws {
        let docker = try await Live.client()
        let subnet = try await RedisClusterLiveTests.freePrivateSubnet(docker)
        let prefix = "lt-redis-resp-\(UInt32.random(in: 0...UInt32.max))"
        let cluster = try await RedisCluster(docker: docker, options: RedisClusterOptions(
            masters: 3, replicasPerMaster: 0, image: "dockersdk/redis:7", mode: .bridge(network: nil, subnet: subnet), namePrefix: prefix))
        do {
            try await cluster.up()
            let node = cluster.plan.nodes[0]
            guard case .relay(let container, "127.0.0.1", 6379) = cluster.route(node) else {
                return XCTFail("bridge mode without published ports goes through a relay, not \(cluster.route(node))")
            }
            XCTAssertEqual(container, node.name)
            // A pipeline of 200 commands, binary-safe values, one round trip.
            let value = String(repeating: "\r\n$*+-", count: 50)
            let key = "{relay}:k"
            let owner = node   // any node: the commands go where the slot map says
            let replies = try await cluster.clusterCommands((0..<200).map { ["SET", "\(key)\($0)", value] },
                                                            keys: (0..<200).map { "\(key)\($0)" }, via: owner)
            XCTAssertEqual(replies, Array(repeating: .simple("OK"), count: 200))
            let back = try await cluster.clusterCommands([["GET", "\(key)7"]], keys: ["\(key)7"], via: owner)
            XCTAssertEqual(back, [.bulk(Data(value.utf8))])
            // The relays run while the connections are open, and end with them.
            let relays = try await relayProcesses(docker, cluster)
            XCTAssertGreaterThan(relays, 0, "no relay process while connections are open")
            await cluster.connections.closeAll()
            var left = relays
            for _ in 0..<50 where left > 0 {
                try await Task.sleep(for: .milliseconds(100))
                left = try await relayProcesses(docker, cluster)
            }
            XCTAssertEqual(left, 0, "relay processes left in the nodes' containers")
            try await cluster.down()
        } catch {
            try? await cluster.down()
            throw error
        }
        let leftovers = try await cluster.resources.containers()
        XCTAssertEqual(leftovers.count, 0)
    }

    /// The relay processes (`bash -c exec 3<>/dev/tcp...` and its `cat`s) in the cluster's containers.
    func relayProcesses(_ docker: DockerClient, _ cluster: RedisCluster) async throws -> Int {
        var count = 0
        for node in cluster.plan.nodes {
            let top = try await docker.containers.top(node.name, psArgs: "-eo pid,args")
            count += top.processes.filter { row in row.joined(separator: " ").contains("/dev/tcp") || row.last == "cat" }.count
        }
        return count
    }
}
