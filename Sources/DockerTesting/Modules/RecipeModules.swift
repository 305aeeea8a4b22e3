import DockerRecipes
import DockerSDK
import Foundation
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// A Redis Cluster for a test (the `RedisCluster` recipe in bridge mode), every node published on
/// 127.0.0.1 and announced there, so a cluster client in the test process follows every redirect.
///
/// Each start picks its own private /24 (in 10.232.0.0/16 by default), its own block of loopback
/// ports and a unique name prefix, and registers the deployment with the session's reaper.
public struct RedisClusterModule: Sendable {
    /// Masters (>= 3).
    public var masters: Int
    /// Replicas per master.
    public var replicasPerMaster: Int
    /// The image.
    public var image: String
    /// Where the deployment's /24 is picked.
    public var subnetPool: String
    /// `cluster-node-timeout` in ms.
    public var nodeTimeoutMs: Int

    /// A cluster module.
    public init(masters: Int = 3, replicasPerMaster: Int = 1, image: String = "dockersdk/redis:7",
                subnetPool: String = "10.232.0.0/16", nodeTimeoutMs: Int = 5000) {
        self.masters = masters
        self.replicasPerMaster = replicasPerMaster
        self.image = image
        self.subnetPool = subnetPool
        self.nodeTimeoutMs = nodeTimeoutMs
    }

    /// Deploys the cluster and waits until it is healthy (see `RedisCluster.up`); on failure what was
    /// created is removed. Remove it with `stop()`; prefer `withRedisCluster`.
    public func start(docker: DockerClient? = nil, progress: RecipeProgress = .silent) async throws -> RedisClusterInstance {
        let docker = try docker ?? DockerClient()
        let nodes = masters * (1 + replicasPerMaster)
        return try await RecipeModuleScaffold.start(
            "a Redis Cluster", stem: "dt-rc", recipe: RedisClusterPlan.recipe, attempts: 4, docker: docker,
            // Another process took a port or the subnet between our check and the daemon's: retry.
            retryingOn: ["already allocated", "address already in use", "overlap"],
            make: { prefix in
                let base = try LoopbackPorts.freeBlock(count: nodes + RedisClusterPlan.spareNodes)
                let options = RedisClusterOptions(
                    masters: masters, replicasPerMaster: replicasPerMaster, image: image,
                    mode: .bridge(network: nil, subnet: try TestNetwork.randomSubnet(in: subnetPool)),
                    nodeTimeoutMs: nodeTimeoutMs, appendOnly: false, namePrefix: prefix, loopbackBasePort: base)
                return try await RedisCluster(docker: docker, options: options)
            },
            up: { cluster in
                try await cluster.up(progress: progress)
                return RedisClusterInstance(cluster: cluster, seeds: cluster.plan.endpoints)
            },
            down: { _ = try await $0.down() })
    }
}

/// A running Redis Cluster.
public struct RedisClusterInstance: Sendable {
    /// The recipe deployment (status, check, failover...).
    public let cluster: RedisCluster
    /// `127.0.0.1:PORT` of every node: the seed addresses a cluster client needs.
    public let seeds: [String]

    /// Removes every container, the network and the volumes (never throws, never cancelled).
    public func stop() async {
        await RecipeModuleScaffold.down(cluster) { _ = try await $0.down() }
    }
}

/// Runs `body` with a Redis Cluster, removed afterwards (also on throw and cancellation).
public func withRedisCluster<T: Sendable>(_ module: RedisClusterModule = RedisClusterModule(), docker: DockerClient? = nil,
                                          _ body: (RedisClusterInstance) async throws -> T) async throws -> T {
    try await RecipeModuleScaffold.with(try await module.start(docker: docker), stop: { await $0.stop() }, body)
}

/// A MySQL/MariaDB source with replicas for a test (the `MySQLReplication` recipe), every server
/// published on 127.0.0.1 at a port the daemon picks.
public struct MySQLReplicationModule: Sendable {
    /// Replicas.
    public var replicas: Int
    /// The image.
    public var image: String
    /// Binlog position or GTID.
    public var mode: ReplicationMode
    /// Where the deployment's /24 is picked.
    public var subnetPool: String

    /// A replication module.
    public init(replicas: Int = 1, image: String = "dockersdk/mariadb:10.11", mode: ReplicationMode = .binlogPosition,
                subnetPool: String = "10.232.0.0/16") {
        self.replicas = replicas
        self.image = image
        self.mode = mode
        self.subnetPool = subnetPool
    }

    /// Deploys and waits until replication runs; on failure what was created is removed.
    public func start(docker: DockerClient? = nil, progress: RecipeProgress = .silent) async throws -> MySQLReplicationInstance {
        let docker = try docker ?? DockerClient()
        return try await RecipeModuleScaffold.start(
            "MySQL replication", stem: "dt-my", recipe: MySQLReplicationPlan.recipe, attempts: 3, docker: docker,
            retryingOn: ["overlap"],
            make: { prefix in
                let options = MySQLReplicationOptions(
                    image: image, replicas: replicas, mode: mode, sourcePort: nil, namePrefix: prefix,
                    subnet: try TestNetwork.randomSubnet(in: subnetPool), publishesRandomPorts: true)
                return try await MySQLReplication(docker: docker, options: options)
            },
            up: { replication in
                try await replication.up(progress: progress)
                return MySQLReplicationInstance(replication: replication, endpoints: try await replication.endpoints())
            },
            down: { _ = try await $0.down() })
    }
}

/// A running replication deployment.
public struct MySQLReplicationInstance: Sendable {
    /// The recipe deployment (status, verify...).
    public let replication: MySQLReplication
    /// Where the source and the replicas are reached from the host.
    public let endpoints: MySQLReplicationEndpoints
    /// The root password of every server (prints redacted).
    public var rootPassword: Secret { replication.plan.rootPassword }

    /// Removes everything (never throws, never cancelled).
    public func stop() async {
        await RecipeModuleScaffold.down(replication) { _ = try await $0.down() }
    }
}

/// Runs `body` with a replication deployment, removed afterwards (also on throw and cancellation).
public func withMySQLReplication<T: Sendable>(_ module: MySQLReplicationModule = MySQLReplicationModule(),
                                              docker: DockerClient? = nil,
                                              _ body: (MySQLReplicationInstance) async throws -> T) async throws -> T {
    try await RecipeModuleScaffold.with(try await module.start(docker: docker), stop: { await $0.stop() }, body)
}

/// Free loopback ports, found by binding (the daemon can still race us: callers retry on conflict).
enum LoopbackPorts {
    /// A base port in 20000...29000 such that base..<base+count are free on 127.0.0.1 (their
    /// bus ports, +10000, live in the cluster's own namespace).
    static func freeBlock(count: Int) throws -> Int {
        for _ in 0..<200 {
            let base = Int.random(in: 20000...(29000 - count))
            if (base..<(base + count)).allSatisfy(isFree) { return base }
        }
        throw DockerError.invalidArgument("no block of \(count) free ports on 127.0.0.1 between 20000 and 29000")
    }

    static func isFree(_ port: Int) -> Bool {
        #if os(Linux)
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        #else
        let fd = socket(AF_INET, SOCK_STREAM, 0)
        #endif
        guard fd >= 0 else { return false }
        defer { close(fd) }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = in_port_t(UInt16(port).bigEndian)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        return withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
        } == 0
    }
}
