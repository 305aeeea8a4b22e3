@testable import DockerRecipes
import DockerSDK
import XCTest

/// Bridge mode with `loopbackBasePort`: the nodes share one namespace held by `<prefix>-netns`, which
/// publishes every node's port on 127.0.0.1 with the same number inside; nodes announce 127.0.0.1.
final class RedisClusterLoopbackPlanTests: XCTestCase {
    static func options(base: Int? = 24100, subnet: String = "10.232.9.0/24", masters: Int = 3, replicas: Int = 1) -> RedisClusterOptions {
        RedisClusterOptions(masters: masters, replicasPerMaster: replicas, image: "dockersdk/redis:7",
                            mode: .bridge(network: nil, subnet: subnet), namePrefix: "rc", loopbackBasePort: base)
    }

    func value(_ flag: String, in args: [String]) -> String? {
        args.firstIndex(of: flag).flatMap { args.indices.contains($0 + 1) ? args[$0 + 1] : nil }
    }

    func testNodesAreLoopbackAddressesWithConsecutivePorts() throws {
        let plan = try RedisClusterPlan(options: Self.options(), image: "dockersdk/redis:7")
        XCTAssertEqual(plan.nodes.map(\.address), (24100...24105).map { "127.0.0.1:\($0)" })
        XCTAssertEqual(plan.endpoints, plan.nodes.map(\.address))
        XCTAssertTrue(plan.publishesOnLoopback)
        XCTAssertEqual(plan.namespaceHolderName, "rc-netns")
    }

    func testServerArgumentsAnnounceLoopbackWithTheSamePorts() throws {
        let plan = try RedisClusterPlan(options: Self.options(), image: "dockersdk/redis:7")
        let args = plan.serverArguments(plan.nodes[4])
        XCTAssertEqual(value("--port", in: args), "24104")
        XCTAssertEqual(value("--cluster-announce-ip", in: args), "127.0.0.1")
        XCTAssertEqual(value("--cluster-announce-port", in: args), "24104")
        XCTAssertEqual(value("--cluster-announce-bus-port", in: args), "34104")
        XCTAssertEqual(value("--bind", in: args), "0.0.0.0")
        XCTAssertEqual((args.count - 1) % 2, 0, "\(args)")
    }

    func testNodesJoinTheHolderAndTheHolderPublishesEveryPortOnLoopback() throws {
        let plan = try RedisClusterPlan(options: Self.options(), image: "dockersdk/redis:7")
        let labels = ["com.dockersdk.recipe": "redis-cluster", "com.dockersdk.instance": "rc"]
        let node = plan.containerSpec(plan.nodes[0], labels: labels)
        XCTAssertEqual(node.hostConfig?.networkMode, "container:rc-netns")
        XCTAssertNil(node.endpoints)
        XCTAssertNil(node.hostConfig?.portBindings)

        let holder = try XCTUnwrap(try plan.namespaceHolderSpec(labels: labels))
        XCTAssertEqual(holder.config.cmd, ["sleep", "infinity"])
        XCTAssertEqual(holder.config.labels, labels, "the holder carries the deployment's labels (down removes it)")
        XCTAssertEqual(holder.hostConfig?.networkMode, "rc-net")
        XCTAssertEqual(holder.endpoints?["rc-net"]?.staticIPv4Address, "10.232.9.10")
        let ports = (0..<(6 + RedisClusterPlan.spareNodes)).map { 24100 + $0 }
        XCTAssertEqual(holder.config.exposedPorts, ports.map { "\($0)/tcp" })
        for port in ports {
            XCTAssertEqual(holder.hostConfig?.portBindings?["\(port)/tcp"], [PortBinding(hostIP: "127.0.0.1", hostPort: String(port))])
        }
    }

    func testScaleOutBeyondTheSparePortsIsRefused() throws {
        let plan = try RedisClusterPlan(options: Self.options(), image: "dockersdk/redis:7")
        XCTAssertEqual(try plan.node(6 + RedisClusterPlan.spareNodes - 1).port, 24100 + 9)
        XCTAssertThrowsError(try plan.node(6 + RedisClusterPlan.spareNodes)) { error in
            guard case DockerError.invalidArgument(let message) = error else { return XCTFail("\(error)") }
            XCTAssertTrue(message.contains("no published port"), message)
        }
    }

    func testBadBasePortsAndHostModeAreRefused() {
        for base in [80, 65535 - 10000 - 5] {
            XCTAssertThrowsError(try RedisClusterPlan(options: Self.options(base: base), image: "redis:7"), "\(base)")
        }
        var host = Self.options()
        host.mode = .hostNetwork(basePort: 6381, announceIP: "127.0.0.1")
        XCTAssertThrowsError(try RedisClusterPlan(options: host, image: "redis:7")) { error in
            guard case DockerError.invalidArgument(let message) = error else { return XCTFail("\(error)") }
            XCTAssertTrue(message.contains("bridge mode"), message)
        }
    }

    func testWithoutABasePortBridgeModeIsUnchangedAndHasNoEndpoints() throws {
        let plan = try RedisClusterPlan(options: Self.options(base: nil), image: "dockersdk/redis:7")
        XCTAssertFalse(plan.publishesOnLoopback)
        XCTAssertNil(plan.namespaceHolderName)
        XCTAssertNil(try plan.namespaceHolderSpec(labels: [:]))
        XCTAssertEqual(plan.endpoints, [])
        XCTAssertEqual(plan.nodes[0].address, "10.232.9.11:6379")
    }

    func testHostModeEndpointsAreItsNodes() throws {
        let plan = try RedisClusterPlan(options: RedisClusterOptions(mode: .hostNetwork(basePort: 7301, announceIP: "127.0.0.1")),
                                        image: "redis:7")
        XCTAssertEqual(plan.endpoints.first, "127.0.0.1:7301")
        XCTAssertEqual(plan.endpoints.count, 6)
    }

    func testOptionsWithoutTheNewKeyStillDecode() throws {
        let json = #"{"masters":3,"replicasPerMaster":1,"mode":{"bridge":{"subnet":"10.1.2.0/24"}},"nodeTimeoutMs":5000,"appendOnly":true,"namePrefix":"r"}"#
        let options = try JSONDecoder().decode(RedisClusterOptions.self, from: Data(json.utf8))
        XCTAssertNil(options.loopbackBasePort)
    }
}
