import DockerRecipes
import DockerSDK
import Foundation
import XCTest

/// `dockersdk-demo redis-cluster up --loopback-base-port N` publishes a bridge-mode cluster on
/// 127.0.0.1, and `status --json` lists the addresses as a top-level `"endpoints"` array.
final class DemoRedisClusterEndpointsLiveTests: XCTestCase {
    func testStatusJSONListsTheLoopbackEndpoints() async throws {
        let docker = try await Live.client()
        let subnet = try await RedisClusterLiveTests.freePrivateSubnet(docker)
        let base = try RedisClusterLiveTests.freeLoopbackPortBlock(count: 6 + RedisClusterPlan.spareNodes)
        let prefix = "lt-demo-rc-\(UInt32.random(in: 0...UInt32.max))"
        let args = ["--name-prefix", prefix, "--subnet", subnet, "--loopback-base-port", String(base)]
        let demo = try Exec.demo
        do {
            let up = try Exec.run(demo, ["redis-cluster", "up"] + args, timeout: 180)
            XCTAssertEqual(up.status, 0, String(decoding: up.stderr, as: UTF8.self))
            let status = try Exec.run(demo, ["redis-cluster", "status", "--json"] + args)
            XCTAssertEqual(status.status, 0, String(decoding: status.stderr, as: UTF8.self))
            let report = try XCTUnwrap(try JSONSerialization.jsonObject(with: status.stdout) as? [String: Any])
            XCTAssertEqual(report["endpoints"] as? [String], (0..<6).map { "127.0.0.1:\(base + $0)" })
            let text = try Exec.run(demo, ["redis-cluster", "status"] + args)
            XCTAssertTrue(String(decoding: text.stdout, as: UTF8.self).contains("endpoints: 127.0.0.1:\(base) "))
        } catch {
            _ = try? Exec.run(demo, ["redis-cluster", "down"] + args)
            throw error
        }
        let down = try Exec.run(demo, ["redis-cluster", "down"] + args)
        XCTAssertEqual(down.status, 0, String(decoding: down.stderr, as: UTF8.self))
        try await RedisClusterLiveTests.assertNothingLeft(docker, instance: prefix)
    }
}
