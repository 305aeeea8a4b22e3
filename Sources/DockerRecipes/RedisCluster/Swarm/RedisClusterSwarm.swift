import DockerSDK
import Foundation

/// A Redis Cluster deployed on a swarm: one service per Redis node (one task each), host networking on
/// its host's address, pinned with `node.hostname==`, so that no replica shares a host with its master.
///
/// Host networking rather than an overlay: every node announces `HOST_ADDRESS:PORT`, which clients and
/// peers on every host reach directly (no NAT, no VIP: this kernel has no IPVS), and the cluster bus
/// (port + 10000) needs no published ports. Each node keeps `nodes.conf` and its AOF in a volume on its
/// host, so a task the swarm replaces on the same host comes back with the same identity.
///
/// ```swift
/// let cluster = try RedisClusterSwarm(manager: h1, hosts: [h1Host, h2Host, h3Host], prefix: "dsdk-rcs")
/// try await cluster.up()
/// let status = try await cluster.status()        // which host holds which node, role, "IP:PORT"
/// try await cluster.down()
/// ```
public struct RedisClusterSwarm: Sendable {
    /// The recipe label value.
    public static let recipeName = "redis-cluster-swarm"
    /// A manager of the swarm.
    public let manager: DockerClient
    /// The hosts, by node hostname.
    public let hosts: [SwarmHost]
    /// Where each node runs.
    public let plan: SwarmRedisPlan
    /// The Redis image (present on every host).
    public let image: String
    /// `cluster-node-timeout` in milliseconds.
    public let nodeTimeoutMs: Int

    /// Plans a deployment of `masters` x `replicasPerMaster` over `hosts`.
    public init(manager: DockerClient, hosts: [SwarmHost], prefix: String = "dsdk-rcs", masters: Int = 3,
                replicasPerMaster: Int = 1, basePort: Int = 6379, image: String = "dockersdk/redis:7",
                nodeTimeoutMs: Int = 3000) throws {
        try RecipeValidation.namePrefix(prefix)
        for host in hosts { _ = try RecipeValidation.privateSubnet("\(host.address)/32") }
        self.manager = manager
        self.hosts = hosts
        plan = try SwarmRedisPlan.make(prefix: prefix, hosts: hosts.map { ($0.name, $0.address) }, masters: masters,
                                       replicasPerMaster: replicasPerMaster, basePort: basePort)
        self.image = image
        self.nodeTimeoutMs = nodeTimeoutMs
    }

    /// A deployment of a given plan (e.g. one read back from the services with `deployed`).
    public init(manager: DockerClient, hosts: [SwarmHost], plan: SwarmRedisPlan, image: String = "dockersdk/redis:7",
                nodeTimeoutMs: Int = 3000) throws {
        try RecipeValidation.namePrefix(plan.prefix)
        for host in hosts { _ = try RecipeValidation.privateSubnet("\(host.address)/32") }
        self.manager = manager
        self.hosts = hosts
        self.plan = plan
        self.image = image
        self.nodeTimeoutMs = nodeTimeoutMs
    }

    /// The deployment `prefix` as its services describe it (their plan labels), or nil when none is deployed.
    ///
    /// Use it for status, check, drills and scaling: the plan `init` computes from the hosts changes
    /// when hosts are added, the deployed one does not.
    public static func deployed(manager: DockerClient, hosts: [SwarmHost], prefix: String, image: String = "dockersdk/redis:7",
                                nodeTimeoutMs: Int = 3000) async throws -> RedisClusterSwarm? {
        try RecipeValidation.namePrefix(prefix)
        let services = try await manager.services.list(filters: .label(RecipeLabels.instance, prefix))
            .filter { $0.spec.labels?[RecipeLabels.recipe] == recipeName }
        guard !services.isEmpty else { return nil }
        let plan = try SwarmRedisPlan.deployed(prefix: prefix, services: services.map { ($0.spec.name ?? $0.id, $0.spec.labels ?? [:]) })
        return try RedisClusterSwarm(manager: manager, hosts: hosts, plan: plan, image: image, nodeTimeoutMs: nodeTimeoutMs)
    }

    /// The labels on every service, container and volume of this deployment.
    public var labels: [String: String] { RecipeLabels.labels(recipe: Self.recipeName, instance: plan.prefix) }

    /// The service of one node.
    func serviceSpec(_ node: SwarmRedisPlan.Node) -> ServiceSpec {
        let command = ["redis-server", "--port", String(node.port), "--bind", node.address, "--protected-mode", "no",
                       "--cluster-enabled", "yes", "--cluster-config-file", "nodes.conf",
                       "--cluster-node-timeout", String(nodeTimeoutMs), "--cluster-announce-ip", node.address,
                       "--appendonly", "yes", "--dir", "/data"]
        var container = ContainerSpec(image: image, command: command, labels: labels,
                                      mounts: [.volume("\(node.name)-data", at: "/data", labels: labels)],
                                      stopGracePeriod: 2_000_000_000)
        container.hostname = node.host
        return ServiceSpec(
            name: node.name,
            taskTemplate: TaskSpec(containerSpec: container,
                                   restartPolicy: TaskRestartPolicy(condition: .any, delay: 1),
                                   placement: Placement(constraints: ["node.hostname==\(node.host)"], maxReplicas: 1),
                                   networks: [NetworkAttachmentConfig(target: "host")]),
            mode: .replicated(1), labels: labels.merging(SwarmRedisPlan.labels(for: node)) { a, _ in a })
    }

    /// Creates the services, forms the cluster (masters, then each replica on its planned master) and
    /// waits until every node agrees.
    @discardableResult
    public func up(progress: RecipeProgress = .silent) async throws -> SwarmRedisStatus {
        let existing = try await manager.services.list(filters: .label(RecipeLabels.instance, plan.prefix))
        guard existing.isEmpty else {
            throw DockerError.conflict(message: "\(plan.prefix) is already deployed (\(existing.count) services): run down first")
        }
        for host in Set(plan.nodes.map(\.host)) {
            guard try await self.host(host).docker.images.exists(image) else {
                throw DockerError.invalidArgument("\(image) is not on \(host): load it there first (no registry)")
            }
        }
        progress.step("creating \(plan.nodes.count) services (host networking, pinned per host)")
        for node in plan.nodes { try await manager.services.create(serviceSpec(node)) }
        for node in plan.nodes {
            try await requireTaskOnPlannedHost(node, timeout: .seconds(90))
            _ = try await runningContainer(node, timeout: .seconds(30))
            try await Poll.until("\(node.name) to answer PING", timeout: .seconds(30)) {
                (try await cli(node, ["ping"]).trimmingCharacters(in: .whitespacesAndNewlines) == "PONG", nil)
            }
            progress.info("\(node.name) on \(node.host) at \(node.endpoint)")
        }
        progress.step("creating the cluster of \(plan.masters.count) masters")
        let first = plan.masters[0]
        _ = try await cli(first, ["--cluster", "create"] + plan.masters.map(\.endpoint) + ["--cluster-replicas", "0", "--cluster-yes"],
                          raw: true)
        for master in plan.masters {
            let masterID = try await cli(master, ["cluster", "myid"]).trimmingCharacters(in: .whitespacesAndNewlines)
            for replica in plan.replicas(of: master.group) {
                // add-node refuses while the nodes do not agree yet: retry, bounded.
                try await Poll.until("\(replica.name) to join as a replica of \(master.name)", timeout: .seconds(60),
                                     interval: .milliseconds(500)) {
                    _ = try await cli(replica, ["--cluster", "add-node", replica.endpoint, master.endpoint, "--cluster-slave",
                                                "--cluster-master-id", masterID], raw: true)
                    return (true, nil)
                }
                progress.info("\(replica.name) (\(replica.host)) replicates \(master.name) (\(master.host))")
            }
        }
        try await waitUntilHealthy(timeout: .seconds(90))
        let status = try await status()
        progress.report(.pass, "cluster_state:ok on all \(plan.nodes.count) nodes; no replica shares its master's host")
        return status
    }

    /// Every node's host, role and address as the cluster sees them.
    public func status() async throws -> SwarmRedisStatus {
        var nodes: [SwarmRedisStatus.Node] = []
        var views: [String: ClusterView] = [:]
        for node in plan.nodes {
            let view = try? ClusterView(parsing: try await cli(node, ["cluster", "nodes"]))
            views[node.name] = view
            let info = try? ClusterInfo(parsing: try await cli(node, ["cluster", "info"]))
            let me = view?.myself
            let master = me?.masterID.flatMap { view?.node(id: $0) }
            nodes.append(SwarmRedisStatus.Node(
                name: node.name, host: node.host, address: node.endpoint, role: me.map { $0.role == .master ? "master" : "replica" } ?? "down",
                master: master.map { "\($0.host):\($0.port)" }, state: info?.state.rawValue ?? "unreachable",
                slots: me?.slotCount ?? 0))
        }
        let hostOf = Dictionary(plan.nodes.map { ($0.endpoint, $0.host) }, uniquingKeysWith: { a, _ in a })
        let sharing = nodes.filter { $0.role == "replica" && $0.master.flatMap { hostOf[$0] } == $0.host }.map(\.name)
        return SwarmRedisStatus(nodes: nodes, replicasSharingTheirMastersHost: sharing)
    }

    /// Removes the services and, once their tasks are gone, the volumes on every host.
    public func down(progress: RecipeProgress = .silent) async throws {
        let services = try await manager.services.list(filters: .label(RecipeLabels.instance, plan.prefix))
        for service in services { try await manager.services.remove(service.id) }
        progress.step("removed \(services.count) services")
        let ids = Set(services.map(\.id))
        try await Poll.until("the tasks to stop", timeout: .seconds(60)) {
            let left = try await manager.tasks.list().filter { ids.contains($0.serviceID ?? "") }
            return (left.isEmpty, "\(left.count) tasks left")
        }
        for host in hosts {
            try await Poll.until("the containers on \(host.name) to go", timeout: .seconds(60)) {
                let left = try await host.docker.containers.list(all: true, filters: .label(RecipeLabels.instance, plan.prefix))
                return (left.isEmpty, "\(left.count) containers left")
            }
            for volume in try await host.docker.volumes.list(filters: .label(RecipeLabels.instance, plan.prefix)) {
                try await host.docker.volumes.remove(volume.name)
            }
        }
        progress.report(.pass, "\(plan.prefix) removed from \(hosts.count) hosts")
    }

    // MARK: - Helpers

    func host(_ name: String) throws -> SwarmHost {
        guard let host = hosts.first(where: { $0.name == name }) else { throw DockerError.invalidArgument("no host \(name)") }
        return host
    }

    /// The host and container of `node`'s running task, once there is one, asked of the node's own host
    /// (its daemon labels the task's container with the service name), so that it needs no manager:
    /// the drills keep working while a host, even a manager, is cut off.
    func runningContainer(_ node: SwarmRedisPlan.Node, timeout: Duration = .seconds(10)) async throws -> (SwarmHost, String) {
        let host = try host(node.host)
        return try await Poll.until("a running container of \(node.name) on \(node.host)", timeout: timeout, interval: .milliseconds(500)) {
            var filters = Filters.label("com.docker.swarm.service.name", node.name)
            filters.add("status", "running")
            let containers = try await host.docker.containers.list(filters: filters)
            // While the swarm replaces a task (a host back from a loss) the old and the new may both run briefly.
            guard let newest = containers.max(by: { $0.created < $1.created }) else { return (nil, "no running container") }
            return ((host, newest.id), nil)
        }
    }

    /// `redis-cli -h NODE -p PORT ARGS` (or `redis-cli ARGS` when `raw`) in `node`'s own container,
    /// killed after `seconds` inside the container.
    func cli(_ node: SwarmRedisPlan.Node, _ args: [String], raw: Bool = false, stdin: String? = nil,
             seconds: Int = 20) async throws -> String {
        let (host, container) = try await runningContainer(node)
        return try await cli(in: container, on: host, (raw ? [] : ["-h", node.address, "-p", String(node.port)]) + args,
                             stdin: stdin, seconds: seconds)
    }

    /// `redis-cli ARGS` in a given container, killed after `seconds`.
    func cli(in container: String, on host: SwarmHost, _ args: [String], stdin: String? = nil, seconds: Int = 20) async throws -> String {
        try await host.docker.run(["timeout", "-s", "KILL", String(seconds), "redis-cli"] + args, in: container,
                                  stdin: stdin.map { Data($0.utf8) })
    }

    /// Waits (bounded) until the manager reports `node`'s task running on its planned host.
    func requireTaskOnPlannedHost(_ node: SwarmRedisPlan.Node, timeout: Duration) async throws {
        let hostnames = Dictionary(try await manager.nodes.list().map { ($0.id, $0.hostname ?? "") }, uniquingKeysWith: { a, _ in a })
        let hostname: String = try await Poll.until("a running task of \(node.name)", timeout: timeout, interval: .milliseconds(500)) {
            let tasks = try await manager.tasks.list(filters: ["service": [node.name], "desired-state": ["running"]])
            guard let task = tasks.first(where: \.isRunning), let hostname = task.nodeID.flatMap({ hostnames[$0] }) else {
                return (nil, tasks.first?.status?.state ?? "no task")
            }
            return (hostname, nil)
        }
        guard hostname == node.host else { throw DockerError.invalidArgument("\(node.name) runs on \(hostname), not \(node.host)") }
    }

    /// Makes every planned master a master again (`CLUSTER FAILOVER` on it, a coordinated switch with
    /// no write lost) after a drill promoted its replica, and waits until every node agrees.
    ///
    /// A host that holds two masters after a loss would take both with it in the next one (and a
    /// cluster that loses half its masters cannot elect): this restores one master per host.
    @discardableResult
    public func restorePlannedMasters(progress: RecipeProgress = .silent) async throws -> [String] {
        var switched: [String] = []
        // A host back from a loss can disturb the swarm for a while (a raft election among the
        // managers, a daemon answering "context deadline exceeded"): every step here retries,
        // bounded, instead of failing on the first transient refusal.
        try await Poll.until("the swarm to have a leader", timeout: .seconds(60), interval: .milliseconds(500)) {
            let nodes = try await manager.nodes.list()
            return (nodes.contains { $0.managerStatus?.leader == true }, "no leader among \(nodes.count) nodes")
        }
        for master in plan.masters {
            let view: ClusterView = try await Poll.until("\(master.name) to answer CLUSTER NODES", timeout: .seconds(60),
                                                         interval: .milliseconds(500)) {
                (try ClusterView(parsing: try await cli(master, ["cluster", "nodes"], seconds: 5)), nil)
            }
            guard let me = view.myself, me.role != .master else { continue }
            progress.step("\(master.name) (\(master.host)) takes its slots back from its replica")
            try await Poll.until("\(master.name) to accept CLUSTER FAILOVER", timeout: .seconds(30), interval: .milliseconds(500)) {
                _ = try await cli(master, ["cluster", "failover"], seconds: 5)
                return (true, nil)
            }
            try await Poll.until("\(master.name) to be a master again", timeout: .seconds(60), interval: .milliseconds(300)) {
                let view = try ClusterView(parsing: try await cli(master, ["cluster", "nodes"], seconds: 3))
                return (view.myself?.role == .master, "\(master.name) is \(view.myself.map { "\($0.role)" } ?? "?")")
            }
            switched.append(master.name)
        }
        try await waitUntilHealthy(timeout: .seconds(60))
        return switched
    }

    /// Waits until every node says `cluster_state:ok`, knows every node, and has its planned role and master.
    func waitUntilHealthy(timeout: Duration) async throws {
        let total = plan.nodes.count
        try await Poll.until("every node to agree (cluster_state:ok, \(total) known nodes)", timeout: timeout, interval: .milliseconds(500)) {
            for node in plan.nodes {
                let info = try ClusterInfo(parsing: try await cli(node, ["cluster", "info"]))
                guard info.state == .ok, info.knownNodes == total, info.slotsAssigned == 16384 else {
                    return (false, "\(node.name): state \(info.state.rawValue), \(info.knownNodes) known")
                }
            }
            return (true, nil)
        }
    }
}

/// Which host holds which node of a swarm deployment.
public struct SwarmRedisStatus: Sendable, Codable, Equatable {
    /// One node.
    public struct Node: Sendable, Codable, Equatable {
        /// Its service's name.
        public var name: String
        /// The host it runs on (`hN`).
        public var host: String
        /// `IP:PORT`.
        public var address: String
        /// `master`, `replica`, or `down` when it does not answer.
        public var role: String
        /// Its master's `IP:PORT`, for a replica.
        public var master: String?
        /// Its `cluster_state` (`ok`, `fail`) or `unreachable`.
        public var state: String
        /// Slots it serves.
        public var slots: Int
    }
    /// The nodes, as planned.
    public var nodes: [Node]
    /// Replicas on the same host as their master (empty when the anti-affinity holds).
    public var replicasSharingTheirMastersHost: [String]
}
