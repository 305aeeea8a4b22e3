import DockerRecipes
import DockerSDK
import DockerTesting
import Foundation
import XCTest

/// The recipes as modules a test's own code connects to from the host.
final class RecipeModuleLiveTests: XCTestCase {
    var docker: DockerClient!

    override func setUp() async throws {
        guard LiveDocker.enabled else { throw XCTSkip("no Docker daemon; live tests skip outside CI") }
        docker = try await LiveDocker.client()
    }

    /// A cluster client written here (RESP over the published ports) writes 1,000 keys and reads them
    /// back, following MOVED; an open slot migration makes it follow ASK too.
    func testHostClientDrivesTheBridgeModeClusterThroughItsEndpoints() async throws {
        try await withRedisCluster(RedisClusterModule(masters: 3, replicasPerMaster: 1), docker: docker) { redis in
            XCTAssertEqual(redis.seeds.count, 6)
            XCTAssertTrue(redis.seeds.allSatisfy { $0.hasPrefix("127.0.0.1:") }, "\(redis.seeds)")
            let status = try await redis.cluster.status()
            XCTAssertEqual(status.endpoints, redis.seeds)
            XCTAssertTrue(redis.cluster.plan.publishesOnLoopback)
            XCTAssertTrue(redis.cluster.plan.options.subnetForTests.hasPrefix("10.232."), redis.cluster.plan.options.subnetForTests)

            // Without a slot map, every key not on the first seed costs a MOVED.
            let client = RedisClusterClient(seeds: [redis.seeds[0]])
            defer { Task { await client.close() } }
            for i in 0..<1000 { try await client.set("key:\(i)", "value-\(i)") }
            var read = 0
            for i in 0..<1000 where try await client.get("key:\(i)") == "value-\(i)" { read += 1 }
            XCTAssertEqual(read, 1000)
            let moved = await client.movedFollowed
            XCTAssertGreaterThan(moved, 0, "keys on other masters came through MOVED")

            // ASK: open a migration of the slot of a fresh key from its owner to another master.
            try await assertFollowsASK(redis: redis)
        }
        let left = try await LiveDocker.leftovers(docker)
        XCTAssertEqual(left, [])
    }

    func assertFollowsASK(redis: RedisClusterInstance) async throws {
        let key = "ask-probe"
        let slot = KeySlot.slot(for: key)
        let mapper = RedisClusterClient(seeds: redis.seeds)
        defer { Task { await mapper.close() } }
        try await mapper.refreshSlots()
        let owner = await mapper.owner(ofSlot: slot)
        let source = try XCTUnwrap(owner)
        var target: String?
        for s in stride(from: 0, to: KeySlot.slotCount, by: 512) { if let owner = await mapper.owner(ofSlot: s), owner != source { target = owner; break } }
        let destination = try XCTUnwrap(target)
        let sourceConnection = try await RESPConnection(endpoint: source)
        let destinationConnection = try await RESPConnection(endpoint: destination)
        defer { sourceConnection.close(); destinationConnection.close() }
        let sourceReply = try await sourceConnection.send(["CLUSTER", "MYID"])
        let destinationReply = try await destinationConnection.send(["CLUSTER", "MYID"])
        let sourceID = try XCTUnwrap(sourceReply.text)
        let destinationID = try XCTUnwrap(destinationReply.text)
        let importing = try await destinationConnection.send(["CLUSTER", "SETSLOT", String(slot), "IMPORTING", sourceID])
        XCTAssertEqual(importing, .simple("OK"))
        let migrating = try await sourceConnection.send(["CLUSTER", "SETSLOT", String(slot), "MIGRATING", destinationID])
        XCTAssertEqual(migrating, .simple("OK"))

        // The key is not on the source: the source answers ASK, the client retries with ASKING.
        let client = RedisClusterClient(seeds: [source])
        defer { Task { await client.close() } }
        try await client.set(key, "asked")
        let asked = await client.askFollowed
        XCTAssertEqual(asked, 1)

        // Finish the move; the next read of the key comes through MOVED from the old owner.
        for connection in [destinationConnection, sourceConnection] {
            let reply = try await connection.send(["CLUSTER", "SETSLOT", String(slot), "NODE", destinationID])
            XCTAssertEqual(reply, .simple("OK"))
        }
        let value = try await client.get(key)
        XCTAssertEqual(value, "asked")
        let moved = await client.movedFollowed
        XCTAssertGreaterThanOrEqual(moved, 1)
    }

    /// The replication module: source and replica endpoints on 127.0.0.1, each a MariaDB server that
    /// greets over TCP; the recipe's own verify passes.
    func testMySQLReplicationEndpoints() async throws {
        try await withMySQLReplication(MySQLReplicationModule(replicas: 1), docker: docker) { deployment in
            let endpoints = deployment.endpoints
            XCTAssertEqual(endpoints.replicas.count, 1)
            XCTAssertNotEqual(endpoints.source, endpoints.replicas[0])
            for endpoint in [endpoints.source] + endpoints.replicas {
                XCTAssertTrue(endpoint.hasPrefix("127.0.0.1:"), endpoint)
                let greeting = try await Probes.mysqlGreeting(endpoint)
                XCTAssertEqual(greeting.protocolVersion, 10)
                XCTAssertTrue(greeting.serverVersion.contains("MariaDB"), greeting.serverVersion)
            }
            XCTAssertEqual("\(deployment.rootPassword)", "<redacted>")

            // A real client logs in through each endpoint: the mariadb client in a container that
            // shares the host's network (so 127.0.0.1:PORT is the published port), password in MYSQL_PWD.
            var client = ContainerDefinition(image: "dockersdk/mariadb:10.11", command: ["sleep", "120"])
            client.entrypoint = []
            client.customize = { $0.hostConfig?.networkMode = "host" }
            try await withContainer(client, docker: docker) { client in
                for (endpoint, serverID, readOnly) in [(endpoints.source, "101", "0"), (endpoints.replicas[0], "102", "1")] {
                    let port = String(endpoint.split(separator: ":").last ?? "")
                    let result = try await client.exec(["mariadb", "--protocol=tcp", "-h127.0.0.1", "-P\(port)", "-uroot", "-N", "-B",
                                                        "-e", "SELECT @@server_id, @@read_only"],
                                                       env: ["MYSQL_PWD": deployment.rootPassword.value])
                    XCTAssertEqual(result.exitCode, 0, result.stderrText)
                    XCTAssertEqual(result.stdoutText.split(whereSeparator: \.isWhitespace), [Substring(serverID), Substring(readOnly)],
                                   "\(endpoint) is the \(serverID == "101" ? "source" : "replica")")
                }
            }
            let report = try await deployment.replication.verify()
            XCTAssertTrue(report.passed, "\(report)")
        }
    }
}

extension RedisClusterOptions {
    /// The subnet of a bridge-mode deployment.
    var subnetForTests: String {
        if case .bridge(_, let subnet) = mode { return subnet }
        return ""
    }
}
