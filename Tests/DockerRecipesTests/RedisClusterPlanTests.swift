@testable import DockerRecipes
import DockerSDK
import XCTest

/// The Redis Cluster plan is pure: validation, addresses, ports, server arguments and container specs
/// are computed before anything is created.
final class RedisClusterPlanTests: XCTestCase {
    static let image = "dockersdk/redis:7"

    static func bridge(_ subnet: String = "10.213.38.0/24", network: String? = nil, masters: Int = 3, replicas: Int = 1,
                       prefix: String = "redis") -> RedisClusterOptions {
        RedisClusterOptions(masters: masters, replicasPerMaster: replicas, image: image,
                            mode: .bridge(network: network, subnet: subnet), namePrefix: prefix)
    }

    static func host(basePort: Int = 6381, ip: String = "127.0.0.1", masters: Int = 3, replicas: Int = 1,
                     prefix: String = "redis") -> RedisClusterOptions {
        RedisClusterOptions(masters: masters, replicasPerMaster: replicas, image: image,
                            mode: .hostNetwork(basePort: basePort, announceIP: ip), namePrefix: prefix)
    }

    /// Asserts that planning `options` throws `invalidArgument` whose message contains `fragment`.
    func assertRefused(_ options: RedisClusterOptions, _ fragment: String, file: StaticString = #filePath, line: UInt = #line) {
        XCTAssertThrowsError(try RedisClusterPlan(options: options, image: Self.image), file: file, line: line) { error in
            guard case DockerError.invalidArgument(let message) = error else {
                return XCTFail("expected invalidArgument, got \(error)", file: file, line: line)
            }
            XCTAssertTrue(message.contains(fragment), "\"\(message)\" does not mention \"\(fragment)\"", file: file, line: line)
        }
    }

    // MARK: - Validation

    func testFewerThanThreeMastersAreRefused() {
        assertRefused(Self.bridge(masters: 2), "at least 3 masters (got 2)")
        assertRefused(Self.bridge(masters: 0), "at least 3 masters (got 0)")
        assertRefused(Self.host(masters: 1), "at least 3 masters (got 1)")
        XCTAssertNoThrow(try RedisClusterPlan(options: Self.bridge(masters: 3), image: Self.image))
    }

    func testNegativeReplicasAndTinyNodeTimeoutAreRefused() {
        assertRefused(Self.bridge(replicas: -1), "replicas per master")
        var options = Self.bridge()
        options.nodeTimeoutMs = 99
        assertRefused(options, "node timeout")
        options.nodeTimeoutMs = 100
        XCTAssertNoThrow(try RedisClusterPlan(options: options, image: Self.image))
    }

    func testInvalidNamePrefixesAreRefused() {
        for bad in ["", "-redis", ".redis", "_redis", "red is", "redis/1", "redis:1", "rédis", "redis\n", "../x"] {
            assertRefused(Self.bridge(prefix: bad), "is not a valid container name")
        }
        for good in ["r", "redis", "lt-redis-br-123", "a.b_c-d", "9lives"] {
            XCTAssertNoThrow(try RedisClusterPlan(options: Self.bridge(prefix: good), image: Self.image), good)
        }
    }

    func testPublicSubnetsAreRefused() {
        // 172.16.0.0/12 ends at 172.31.255.255: 172.38/16 (the seed's subnet) is public address space.
        assertRefused(Self.bridge("172.38.0.0/16"), "is not private")
        assertRefused(Self.bridge("172.32.0.0/24"), "is not private")
        assertRefused(Self.bridge("11.0.0.0/24"), "is not private")
        assertRefused(Self.bridge("192.169.0.0/24"), "is not private")
        assertRefused(Self.bridge("8.8.8.0/24"), "is not private")
        // A network wider than a private range is not inside it.
        assertRefused(Self.bridge("10.0.0.0/7"), "is not private")
        assertRefused(Self.bridge("172.0.0.0/8"), "is not private")
        for good in ["10.213.38.0/24", "172.16.0.0/16", "172.31.255.0/24", "192.168.77.0/24", "10.0.0.0/8"] {
            XCTAssertNoThrow(try RedisClusterPlan(options: Self.bridge(good), image: Self.image), good)
        }
    }

    func testMalformedSubnetsAreRefused() {
        assertRefused(Self.bridge("10.213.38.0"), "no prefix length")
        assertRefused(Self.bridge("10.213.38.5/24"), "host bits set")
        assertRefused(Self.bridge("10.213.38.0/33"), "out of range")
        assertRefused(Self.bridge("10.213.300.0/24"), "address")
    }

    func testTooSmallSubnetsAreRefused() {
        // 3 x 1 = 6 nodes need 6 + 20 addresses: a /28 (16) is too small, a /27 (32) fits.
        assertRefused(Self.bridge("10.213.38.0/28"), "too small for 6 nodes")
        assertRefused(Self.bridge("10.213.38.0/30"), "too small for 6 nodes")
        XCTAssertNoThrow(try RedisClusterPlan(options: Self.bridge("10.213.38.32/27"), image: Self.image))
        // 5 x 2 = 15 nodes need 35 addresses: a /27 no longer fits, a /26 does.
        assertRefused(Self.bridge("10.213.38.32/27", masters: 5, replicas: 2), "too small for 15 nodes")
        XCTAssertNoThrow(try RedisClusterPlan(options: Self.bridge("10.213.38.64/26", masters: 5, replicas: 2), image: Self.image))
    }

    func testBasePortRange() {
        // 6 nodes: the last client port is basePort + 5, its bus port basePort + 10005.
        assertRefused(Self.host(basePort: 0), "base port 0")
        assertRefused(Self.host(basePort: -5), "base port -5")
        assertRefused(Self.host(basePort: 60000), "base port 60000 leaves no room for 6 nodes")
        assertRefused(Self.host(basePort: 55531), "base port 55531")
        XCTAssertNoThrow(try RedisClusterPlan(options: Self.host(basePort: 1), image: Self.image))
        // The highest base port: the last bus port is exactly 65535.
        let highest = try? RedisClusterPlan(options: Self.host(basePort: 55530), image: Self.image)
        XCTAssertEqual(highest?.nodes.last?.port, 55535)
        XCTAssertEqual(highest?.nodes.last?.busPort, 65535)
    }

    func testScaleOutNodesBeyondThePortRangeAreRefused() throws {
        let plan = try RedisClusterPlan(options: Self.host(basePort: 55528), image: Self.image)
        XCTAssertEqual(try plan.node(7).busPort, 65535)
        XCTAssertThrowsError(try plan.node(8)) { error in
            guard case DockerError.invalidArgument(let message) = error else { return XCTFail("\(error)") }
            XCTAssertTrue(message.contains("no room for node 9"), message)
        }
    }

    func testBadAnnounceAddressIsRefused() {
        assertRefused(Self.host(ip: "localhost"), "announce address")
        assertRefused(Self.host(ip: "127.0.0"), "announce address")
        assertRefused(Self.host(ip: "127.0.0.256"), "announce address")
    }

    // MARK: - Nodes

    func testBridgeNodesUseDotElevenOnwardsAndPort6379() throws {
        let plan = try RedisClusterPlan(options: Self.bridge("10.213.38.0/24", prefix: "lt"), image: Self.image)
        XCTAssertEqual(plan.image, Self.image)
        XCTAssertEqual(plan.nodes.count, 6)
        XCTAssertEqual(plan.nodes.map(\.index), Array(0..<6))
        XCTAssertEqual(plan.nodes.map(\.name), ["lt-1", "lt-2", "lt-3", "lt-4", "lt-5", "lt-6"])
        XCTAssertEqual(plan.nodes.map(\.host), (11...16).map { "10.213.38.\($0)" })
        XCTAssertEqual(Set(plan.nodes.map(\.port)), [6379])
        XCTAssertEqual(Set(plan.nodes.map(\.busPort)), [16379])
        XCTAssertEqual(plan.nodes[0].address, "10.213.38.11:6379")
        XCTAssertEqual(plan.networkName, "lt-net")

        // Nodes beyond the initial ones (scale-out) continue the sequence.
        XCTAssertEqual(try plan.node(6), RedisNodePlan(index: 6, name: "lt-7", host: "10.213.38.17", port: 6379))
        XCTAssertEqual(try plan.node(7).address, "10.213.38.18:6379")
    }

    func testBridgeNodesFollowASubnetThatIsNotAtAnOctetBoundary() throws {
        let plan = try RedisClusterPlan(options: Self.bridge("172.20.5.64/27", network: "my-net"), image: Self.image)
        XCTAssertEqual(plan.nodes.map(\.host), (75...80).map { "172.20.5.\($0)" })
        XCTAssertEqual(plan.networkName, "my-net")
        // .64 + 11 + 19 = .94 is the last usable host of .64/27; .95 is the broadcast address.
        XCTAssertEqual(try plan.node(19).host, "172.20.5.94")
        XCTAssertThrowsError(try plan.node(20)) { error in
            guard case DockerError.invalidArgument(let message) = error else { return XCTFail("\(error)") }
            XCTAssertTrue(message.contains("no room for node 21"), message)
        }
    }

    func testHostNodesUseConsecutivePortsOnTheAnnounceAddress() throws {
        let plan = try RedisClusterPlan(options: Self.host(basePort: 6381), image: Self.image)
        XCTAssertEqual(plan.nodes.map(\.address), (6381...6386).map { "127.0.0.1:\($0)" })
        XCTAssertEqual(plan.nodes.map(\.busPort), Array(16381...16386))
        XCTAssertEqual(plan.nodes.map(\.name), (1...6).map { "redis-\($0)" })
        XCTAssertNil(plan.networkName)
        XCTAssertEqual(try plan.node(6).address, "127.0.0.1:6387")

        let bigger = try RedisClusterPlan(options: Self.host(basePort: 7301, masters: 4, replicas: 2), image: Self.image)
        XCTAssertEqual(bigger.nodes.count, 12)
        XCTAssertEqual(bigger.nodes.last?.address, "127.0.0.1:7312")
        XCTAssertEqual(bigger.nodes.last?.busPort, 17312)
    }

    func testNoReplicasGivesOnlyMasters() throws {
        let plan = try RedisClusterPlan(options: Self.bridge(masters: 3, replicas: 0), image: Self.image)
        XCTAssertEqual(plan.nodes.count, 3)
    }

    // MARK: - Server arguments

    /// The value following `flag` in `args`.
    func value(_ flag: String, in args: [String], file: StaticString = #filePath, line: UInt = #line) -> String? {
        let positions = args.indices.filter { args[$0] == flag }
        XCTAssertEqual(positions.count, 1, "\(flag) appears \(positions.count) times in \(args)", file: file, line: line)
        guard let at = positions.first, at + 1 < args.count else { return nil }
        return args[at + 1]
    }

    func testBridgeServerArguments() throws {
        var options = Self.bridge()
        options.nodeTimeoutMs = 3000
        let plan = try RedisClusterPlan(options: options, image: Self.image)
        let node = plan.nodes[2]
        let args = plan.serverArguments(node)
        XCTAssertEqual(args.first, "redis-server")
        XCTAssertEqual(value("--port", in: args), "6379")
        XCTAssertEqual(value("--cluster-enabled", in: args), "yes")
        XCTAssertEqual(value("--cluster-config-file", in: args), "nodes-6379.conf")
        XCTAssertEqual(value("--cluster-node-timeout", in: args), "3000")
        XCTAssertEqual(value("--appendonly", in: args), "yes")
        XCTAssertEqual(value("--dir", in: args), "/data")
        XCTAssertEqual(value("--cluster-announce-ip", in: args), "10.213.38.13")
        XCTAssertEqual(value("--protected-mode", in: args), "no")
        // On its own bridge network a node listens on its container's interfaces.
        XCTAssertEqual(value("--bind", in: args), "0.0.0.0")
        // Every flag has a value: the arguments after redis-server come in pairs.
        XCTAssertEqual((args.count - 1) % 2, 0)
        XCTAssertTrue(args.dropFirst().enumerated().allSatisfy { $0.offset % 2 == 1 || $0.element.hasPrefix("--") }, "\(args)")
    }

    func testHostServerArgumentsBindLoopbackOnly() throws {
        var options = Self.host(basePort: 7301)
        options.appendOnly = false
        options.nodeTimeoutMs = 1500
        let plan = try RedisClusterPlan(options: options, image: Self.image)
        for node in plan.nodes {
            let args = plan.serverArguments(node)
            XCTAssertEqual(value("--port", in: args), String(node.port))
            XCTAssertEqual(value("--cluster-config-file", in: args), "nodes-\(node.port).conf")
            XCTAssertEqual(value("--cluster-node-timeout", in: args), "1500")
            XCTAssertEqual(value("--appendonly", in: args), "no")
            XCTAssertEqual(value("--cluster-announce-ip", in: args), "127.0.0.1")
            XCTAssertEqual(value("--bind", in: args), "127.0.0.1")
            XCTAssertFalse(args.contains("0.0.0.0"), "\(args)")
        }
    }

    // MARK: - Container specs

    func testBridgeContainerSpecHasLabelsStaticAddressAndLabelledVolume() async throws {
        let options = Self.bridge("10.213.38.0/24", prefix: "lt-spec")
        // Planning with an explicit image sends no request: the client points nowhere.
        let docker = try DockerClient(environment: ["DOCKER_HOST": "unix:///nonexistent/docker.sock"])
        let cluster = try await RedisCluster(docker: docker, options: options)
        let plan = cluster.plan
        let labels = cluster.resources.labels
        XCTAssertEqual(labels, ["com.dockersdk.recipe": "redis-cluster", "com.dockersdk.instance": "lt-spec"])
        XCTAssertEqual(cluster.resources.filters.values["label"]?.sorted(),
                       ["com.dockersdk.instance=lt-spec", "com.dockersdk.recipe=redis-cluster"])

        let node = plan.nodes[4]
        let spec = plan.containerSpec(node, labels: labels)
        XCTAssertEqual(spec.config.image, Self.image)
        XCTAssertEqual(spec.config.cmd, plan.serverArguments(node))
        XCTAssertEqual(spec.config.labels?["com.dockersdk.recipe"], "redis-cluster")
        XCTAssertEqual(spec.config.labels?["com.dockersdk.instance"], "lt-spec")
        XCTAssertEqual(spec.config.labels?["com.dockersdk.redis.index"], "4")

        XCTAssertEqual(spec.hostConfig?.networkMode, "lt-spec-net")
        XCTAssertEqual(spec.endpoints?.keys.sorted(), ["lt-spec-net"])
        XCTAssertEqual(spec.endpoints?["lt-spec-net"]?.staticIPv4Address, "10.213.38.15")
        XCTAssertNil(spec.hostConfig?.portBindings, "bridge nodes publish no ports")

        let mounts = try XCTUnwrap(spec.hostConfig?.mounts)
        XCTAssertEqual(mounts.count, 1)
        XCTAssertEqual(mounts[0].mountType, .volume)
        XCTAssertEqual(mounts[0].source, "lt-spec-5-data")
        XCTAssertEqual(mounts[0].target, "/data")
        XCTAssertEqual(mounts[0].volumeOptions?.labels, labels)

        // The encoded request carries the endpoint under NetworkingConfig with its IPAM address.
        let json = try XCTUnwrap(JSONSerialization.jsonObject(with: JSONEncoder().encode(spec)) as? [String: Any])
        let networking = json["NetworkingConfig"] as? [String: Any]
        let endpoints = networking?["EndpointsConfig"] as? [String: Any]
        let endpoint = endpoints?["lt-spec-net"] as? [String: Any]
        let ipam = endpoint?["IPAMConfig"] as? [String: Any]
        XCTAssertEqual(ipam?["IPv4Address"] as? String, "10.213.38.15", "\(json)")
    }

    func testHostContainerSpecUsesHostNetworkWithoutEndpoints() throws {
        let plan = try RedisClusterPlan(options: Self.host(basePort: 7301, prefix: "lt-host"), image: Self.image)
        let labels = RecipeLabels.labels(recipe: RedisClusterPlan.recipe, instance: "lt-host")
        for node in plan.nodes {
            let spec = plan.containerSpec(node, labels: labels)
            XCTAssertEqual(spec.hostConfig?.networkMode, "host")
            XCTAssertNil(spec.endpoints)
            XCTAssertNil(spec.hostConfig?.portBindings)
            XCTAssertEqual(spec.config.labels?["com.dockersdk.redis.index"], String(node.index))
            XCTAssertEqual(spec.config.labels?["com.dockersdk.recipe"], "redis-cluster")
            XCTAssertEqual(spec.hostConfig?.mounts?.map(\.source), ["\(node.name)-data"])
            XCTAssertEqual(spec.hostConfig?.mounts?.first?.volumeOptions?.labels, labels)
        }
        // The node label is added to the container, not to the shared labels or the volume.
        let spec = plan.containerSpec(plan.nodes[0], labels: labels)
        XCTAssertNil(spec.hostConfig?.mounts?.first?.volumeOptions?.labels?["com.dockersdk.redis.index"])
    }

    func testPlanRoundTripsThroughJSON() throws {
        for options in [Self.bridge("192.168.9.0/24", network: "n"), Self.host(basePort: 7301)] {
            let plan = try RedisClusterPlan(options: options, image: Self.image)
            let decoded = try JSONDecoder().decode(RedisClusterPlan.self, from: JSONEncoder().encode(plan))
            XCTAssertEqual(decoded, plan)
        }
    }
}

final class RedisHostModeSafetyTests: XCTestCase {
    func testHostModeOnlyBindsLoopback() throws {
        for ip in ["0.0.0.0", "10.0.0.5", "192.168.1.20"] {
            XCTAssertThrowsError(try RedisClusterPlan(options: RedisClusterOptions(mode: .hostNetwork(basePort: 6381, announceIP: ip)),
                                                      image: "redis:7"), ip) { error in
                guard case .invalidArgument(let message)? = error as? DockerError else { return XCTFail("\(error)") }
                XCTAssertTrue(message.contains("loopback"), message)
            }
        }
        XCTAssertNoThrow(try RedisClusterPlan(options: RedisClusterOptions(mode: .hostNetwork(basePort: 6381, announceIP: "127.0.0.2")),
                                              image: "redis:7"))
    }
}
