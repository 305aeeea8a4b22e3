import DockerRecipes
import DockerSDK
import Foundation
import XCTest

/// The code of the DocC articles in Sources/DockerRecipes/DockerRecipes.docc, compiled with the tests so
/// that a snippet that no longer matches the API breaks the build. The deployment snippets need a daemon
/// and are not run here (the live tests run the recipes); the pure ones are run below.
///
/// Keep each function in step with the article named in its comment.
enum RecipeDocSnippets {
    // MARK: DockerRecipes.md

    static func progressToTerminal() -> RecipeProgress {
        let progress = RecipeProgress { event in print(event) }   // [   1.2s] ==> starting 6 nodes (...)
        return progress
    }

    // MARK: RedisCluster.md

    static func redisCluster(_ docker: DockerClient, progress: RecipeProgress) async throws {
        let cluster = try await RedisCluster(docker: docker, options: RedisClusterOptions(
            masters: 3, replicasPerMaster: 1, mode: .bridge(network: nil, subnet: "10.213.38.0/24")))
        switch try await cluster.up(progress: progress) {
        case .created(let seconds): print("formed in \(seconds) s")
        case .alreadyRunning: print("already healthy")
        }
        let status = try await cluster.status()
        for node in status.nodes {
            print(node.container, node.address, node.cluster?.role ?? .unknown)
        }
        let issues = try await cluster.check()            // [] when every node agrees
        issues.forEach { print($0) }

        let moved = try await cluster.demonstrateRedirect(key: "k1")
        print(moved.redirect?.description ?? "-", moved.passed)   // MOVED 12706 10.213.38.13:6379 true

        let drill = try await cluster.failoverDrill(key: "k1")
        print(drill.newMaster, drill.promotedAfter, drill.passed)

        let grown = try await cluster.scaleOut()
        print(grown.master, grown.masterSlots, grown.passed)
        _ = try await cluster.scaleIn()
        try await cluster.down()
    }

    static func redisClusterHostMode(_ docker: DockerClient) async throws {
        let cluster = try await RedisCluster(docker: docker, options: RedisClusterOptions(
            mode: .hostNetwork(basePort: 6381, announceIP: "127.0.0.1"), namePrefix: "cache"))
        for node in cluster.plan.nodes { print(node.name, node.address) }   // cache-1 127.0.0.1:6381 ...
        try await cluster.up()
    }

    static func redisClusterSwarm(_ h1: DockerClient, progress: RecipeProgress) async throws {
        let hosts = try (1...3).map { i in
            SwarmHost(name: "h\(i)", address: "10.231.0.\(i)",
                      docker: try DockerClient(host: try DockerHost(url: "unix:///run/lab/h\(i)/docker.sock")))
        }
        let cluster = try RedisClusterSwarm(manager: h1, hosts: hosts, prefix: "cache")
        let status = try await cluster.up(progress: progress)
        for node in status.nodes { print(node.name, node.host, node.role, node.address) }   // cache-m1 h1 master 10.231.0.1:6379
        let report = try await cluster.hostLossDrill(lose: "h1", progress: progress,
                                                     cut: { /* ip link set dsdklab-h1 down */ },
                                                     restore: { /* ip link set dsdklab-h1 up */ })
        print(report.promoted, report.acknowledgedWrites, report.lostWrites, report.passed)   // ["cache-m1-r1"] 180 0 true
        try await cluster.restorePlannedMasters(progress: progress)
        let h4 = SwarmHost(name: "h4", address: "10.231.0.4",
                           docker: try DockerClient(host: try DockerHost(url: "unix:///run/lab/h4/docker.sock")))
        guard let deployed = try await RedisClusterSwarm.deployed(manager: h1, hosts: hosts + [h4], prefix: "cache") else { return }
        let (grown, scale) = try await deployed.scaleOut(onto: "h4", progress: progress)
        print(scale.master, scale.masterSlots, scale.replicas, scale.passed)   // cache-m4 4096 ["cache-m4-r1@h1"] true
        try await grown.down()
    }

    // MARK: MySQLReplication.md

    static func mysqlReplicationSwarm(_ h1: DockerClient, hosts: [SwarmHost], progress: RecipeProgress) async throws {
        let replication = try MySQLReplicationSwarm(manager: h1, hosts: hosts, replicas: 2, prefix: "shop")
        let placed = try await replication.up(progress: progress)
        for server in placed.servers { print(server.name, server.role, server.host, server.address) }   // shop-source source h1 10.231.0.1:3306
        let report = try await replication.verify()
        print(report.rowsRead, report.replicaWriteRefused.count, report.passed)
        try await replication.down()
    }

    static func mysqlReplication(_ docker: DockerClient, progress: RecipeProgress) async throws {
        let replication = try await MySQLReplication(docker: docker, options: MySQLReplicationOptions(
            replicas: 2, mode: .gtid, sourcePort: 3307, namePrefix: "shop"))
        try await replication.up(progress: progress)
        let report = try await replication.verify(rows: 10)
        print(report.rowsRead, report.replicaWriteRefused.count, report.passed)
        let status = try await replication.status()
        for replica in status.replicas {
            print(replica.container, replica.status?.ioRunning ?? "-", replica.status?.secondsBehind ?? -1)
        }
        try await replication.down()
    }

    static func mysqlFailure(_ docker: DockerClient) async throws {
        let broken = try await MySQLReplication(docker: docker, options: MySQLReplicationOptions(
            namePrefix: "drill", useWrongReplicaPassword: true))
        do {
            try await broken.up()
        } catch let failure as ReplicationFailed {
            print(failure)                                 // quotes Last_IO_Error, never the password
        }
        try await broken.down()
    }

    static func mysqlSQL(print: (String) -> Void) {
        let account = ReplicationAccount(user: "slave", password: "s3cret")
        let statements = ReplicationSQL.createReplicationUser(account, flavor: .mariadb(ServerVersion(10, 11)))
        print(statements.map(\.description).joined(separator: "\n"))   // passwords print as '***'
    }

    // MARK: NetworkingTour.md

    static func networkTour(_ docker: DockerClient, progress: RecipeProgress) async throws {
        let tour = NetworkTour(docker: docker, options: NetworkTour.Options(subnet: "192.168.213.0/24",
                                                                            gateway: "192.168.213.1"))
        let report = try await tour.run(progress: progress)
        for check in report.checks {
            print(check.outcome.rawValue.uppercased(), check.name, "-", check.evidence)
        }
        print(report.passed ? "every claim held" : "a claim failed")
    }

    // MARK: KeySlotsAndSharding.md

    static func keySlots() -> [Int] {
        let slot = KeySlot.slot(for: "k1")                     // 12706, like CLUSTER KEYSLOT k1
        let profile = KeySlot.slot(for: "{user:42}:profile")
        let cart = KeySlot.slot(for: "{user:42}:cart")         // == profile: only "user:42" is hashed
        return [slot, profile, cart]
    }

    static func slotLayout(print: (String) -> Void) {
        print(SlotRanges.format(SlotRanges.clusterCreate(masters: 3)))   // 0-5460,5461-10922,10923-16383
    }

    static func sharding(print: (String) -> Void) throws {
        let report = try PartitionSimulator(keyCount: 100_000, virtualNodes: 160).run(nodes: 3, change: +1)
        for outcome in report.outcomes {
            print("\(outcome.scheme): \(Int((outcome.movedFraction * 100).rounded()))% of the keys move")
        }
    }
}

final class RecipeDocSnippetsTests: XCTestCase {
    func testKeySlotSnippet() {
        let slots = RecipeDocSnippets.keySlots()
        XCTAssertEqual(slots[0], 12706)
        XCTAssertEqual(slots[1], slots[2])
    }

    func testSlotLayoutSnippet() {
        var printed: [String] = []
        RecipeDocSnippets.slotLayout { printed.append($0) }
        XCTAssertEqual(printed, ["0-5460,5461-10922,10923-16383"])
    }

    func testShardingSnippet() throws {
        var lines: [String] = []
        try RecipeDocSnippets.sharding { lines.append($0) }
        XCTAssertEqual(lines.count, PartitionScheme.allCases.count)
        XCTAssertTrue(lines[0].hasPrefix("hash mod N: 7"), lines[0])   // about 3/4 move from 3 to 4 nodes
        XCTAssertTrue(lines[1].hasPrefix("consistent hashing: 2"), lines[1])   // about 1/4, to the new node
        XCTAssertTrue(lines[2].hasPrefix("hash slots: 2"), lines[2])   // about 1/4: only the new node's share
    }

    func testSQLSnippetRedactsPassword() {
        var printed: [String] = []
        RecipeDocSnippets.mysqlSQL { printed.append($0) }
        let sql = printed.joined(separator: "\n")
        XCTAssertFalse(sql.contains("s3cret"), sql)
        XCTAssertTrue(sql.contains("'***'"), sql)
    }
}
