import DockerSDK
import Foundation

/// A Redis Cluster of N masters with R replicas each, deployed in containers and verified.
///
/// ```swift
/// let cluster = try await RedisCluster(docker: docker, options: RedisClusterOptions(masters: 3, replicasPerMaster: 1))
/// let outcome = try await cluster.up(progress: progress)   // created, or found already running
/// let problems = try await cluster.check()                  // [] when healthy
/// let drill = try await cluster.failoverDrill(key: "k1")    // a replica takes over, no acknowledged write lost
/// try await cluster.down()
/// ```
public struct RedisCluster: Sendable {
    /// The client.
    public let docker: DockerClient
    /// The layout.
    public let plan: RedisClusterPlan
    /// The recipe's RESP connections to the nodes (opened on first use, one per node).
    let connections: RedisConnections

    /// Plans a deployment; without an image, picks the dev image when present locally, else `redis:7`.
    public init(docker: DockerClient, options: RedisClusterOptions = RedisClusterOptions()) async throws {
        let image = try await docker.images.recipeImage(options.image, dev: RedisClusterPlan.devImage,
                                                        fallback: RedisClusterPlan.defaultImage)
        self.docker = docker
        plan = try RedisClusterPlan(options: options, image: image)
        connections = RedisConnections(docker: docker)
    }

    /// How this process reaches `node` over RESP: TCP where the node listens on (or is published
    /// to) 127.0.0.1 and the daemon is on this machine; else a relay exec in a node's container.
    func route(_ node: RedisNodePlan) -> RedisRoute {
        let local: Bool
        if case .unix = docker.host { local = true } else { local = false }
        switch plan.options.mode {
        case .hostNetwork:
            return local ? .tcp(host: node.host, port: node.port) : .relay(container: node.name, host: node.host, port: node.port)
        case .bridge:
            if plan.publishesOnLoopback, local { return .tcp(host: "127.0.0.1", port: node.port) }
            // Bridge mode: each node's own container reaches it on loopback (the shared namespace too).
            return .relay(container: node.name, host: "127.0.0.1", port: node.port)
        }
    }

    /// Redis commands over the recipe's connections.
    var resp: RedisRESP {
        let cluster = self
        return RedisRESP(connections: connections, route: { cluster.route($0) })
    }

    /// redis-cli in `container` (for the `--cluster` tools), with RESP for the queries.
    func cli(_ container: String) -> RedisCLI {
        RedisCLI(docker: docker, container: container, resp: resp)
    }

    /// What the deployment owns.
    public var resources: RecipeResources {
        RecipeResources(docker: docker, recipe: RedisClusterPlan.recipe, instance: plan.options.namePrefix)
    }

    /// How `up` ended.
    public enum UpOutcome: Sendable, Equatable {
        /// The cluster was created and is healthy.
        case created(seconds: Double)
        /// A healthy cluster was already running; nothing was changed.
        case alreadyRunning
    }

    /// Creates what is missing, forms the cluster, and waits until every node agrees it is healthy.
    ///
    /// Running it on a healthy deployment reports `.alreadyRunning` and changes nothing. On failure,
    /// what was created stays for `down` to remove (everything carries the deployment's labels).
    @discardableResult
    public func up(progress: RecipeProgress = .silent) async throws -> UpOutcome {
        let progress = resources.logged(progress)
        let existing = try await resources.containers()
        if !existing.isEmpty, existing.allSatisfy({ $0.containerStatus == .running }), existing.count >= plan.nodes.count,
           let problems = try? await check(), problems.isEmpty {
            progress.info("a healthy cluster \(plan.options.namePrefix) of \(existing.count) nodes is already running")
            return .alreadyRunning
        }
        let started = ContinuousClock.now
        if let network = plan.networkName, case .bridge(_, let subnet) = plan.options.mode {
            try await ensureNetwork(network, subnet: subnet, progress: progress)
        }
        try await ensureNamespaceHolder(existing: existing, progress: progress)
        progress.step("starting \(plan.nodes.count) nodes (\(plan.image))")
        try await startNodes(plan.nodes, existing: existing)
        try await waitUntilAnswering(plan.nodes, progress: progress)
        let cli = self.cli(plan.nodes[0].name)
        let info = try? await cli.info(plan.nodes[0])
        if info?.slotsAssigned ?? 0 == 0 {
            do {
                try await formCluster(plan.nodes, progress: progress)
                try await waitUntilHealthy(nodes: plan.nodes, progress: progress)
                try await waitForRoles(cli: cli, progress: progress)
            } catch {
                try? await restoreNodeTimeout(plan.nodes)
                throw error
            }
            try await restoreNodeTimeout(plan.nodes)
        } else {
            progress.info("the nodes already hold a cluster: waiting for it to settle")
            try await waitUntilHealthy(nodes: plan.nodes, progress: progress)
            try await waitForRoles(cli: cli, progress: progress)
        }
        return .created(seconds: seconds(since: started))
    }

    /// Removes every container, the network and the volumes of the deployment, found by labels.
    @discardableResult
    public func down(progress: RecipeProgress = .silent) async throws -> RecipeResources.Removed {
        let progress = resources.logged(progress)
        await connections.closeAll()
        return try await resources.remove(progress: progress)
    }

    // MARK: - Steps shared by up, failover and scaling

    func ensureNetwork(_ name: String, subnet: String, progress: RecipeProgress) async throws {
        if let network = try? await docker.networks.inspect(name) {
            guard network.labels?[RecipeLabels.instance] == plan.options.namePrefix else {
                throw DockerError.conflict(message: "network \(name) exists and does not belong to \(plan.options.namePrefix)")
            }
            return
        }
        progress.step("creating network \(name) \(subnet)")
        _ = try await docker.networks.create(NetworkCreate(name: name, driver: "bridge",
                                                           subnets: [IPAMConfig(subnet: subnet)], labels: resources.labels))
    }

    /// With `loopbackBasePort`: creates (or starts) the container whose network namespace the nodes
    /// share and which publishes their ports on 127.0.0.1.
    func ensureNamespaceHolder(existing: [ContainerSummary], progress: RecipeProgress) async throws {
        guard let holder = plan.namespaceHolderName, let spec = try plan.namespaceHolderSpec(labels: resources.labels) else { return }
        if let container = existing.first(where: { $0.name == holder }) {
            if container.state != "running" { try await docker.containers.start(container.id) }
            return
        }
        let first = plan.options.loopbackBasePort ?? 0
        progress.step("publishing ports \(first)-\(first + plan.nodes.count + RedisClusterPlan.spareNodes - 1) on 127.0.0.1 (\(holder))")
        let id = try await docker.containers.create(spec, name: holder).id
        try await docker.containers.start(id)
    }

    /// The addresses a client on the host uses to reach the cluster (see `RedisClusterPlan.endpoints`),
    /// for the nodes that exist now; empty when the nodes are only reachable on their bridge network.
    public func endpoints() async throws -> [String] {
        guard !plan.endpoints.isEmpty else { return [] }
        return try await currentNodes().filter { $0.container.state == "running" }.map(\.plan.address)
    }

    /// Creates (in parallel) the nodes that do not exist and starts the stopped ones: each initial
    /// master as soon as it is created (its `cluster_state` cannot turn ok until 2 s after its process
    /// starts, Redis' writable delay), the other nodes once the masters run.
    func startNodes(_ nodes: [RedisNodePlan], existing: [ContainerSummary]) async throws {
        let byName = Dictionary(existing.compactMap { c in c.name.map { ($0, c) } }, uniquingKeysWith: { a, _ in a })
        let masterCount = plan.options.masters
        let docker = docker, plan = plan, labels = resources.labels
        @Sendable func prepare(_ node: RedisNodePlan) async throws -> String? {
            if let container = byName[node.name] { return container.containerStatus == .running ? nil : container.id }
            return try await docker.containers.create(plan.containerSpec(node, labels: labels), name: node.name).id
        }
        try await withThrowingTaskGroup(of: Void.self) { group in
            let others = Task { () throws -> [String] in
                try await withThrowingTaskGroup(of: String?.self) { creates in
                    for node in nodes where node.index >= masterCount { creates.addTask { try await prepare(node) } }
                    return try await creates.reduce(into: []) { ids, id in if let id { ids.append(id) } }
                }
            }
            for node in nodes where node.index < masterCount {
                group.addTask { if let id = try await prepare(node) { try await docker.containers.start(id) } }
            }
            do {
                try await group.waitForAll()
            } catch {
                _ = try? await others.value
                throw error
            }
            for id in try await others.value { group.addTask { try await docker.containers.start(id) } }
            try await group.waitForAll()
        }
    }

    func waitUntilAnswering(_ nodes: [RedisNodePlan], progress: RecipeProgress) async throws {
        progress.step("waiting for \(nodes.count) nodes to answer PING")
        let resp = resp
        try await withThrowingTaskGroup(of: Void.self) { group in
            for node in nodes {
                group.addTask {
                    try await Poll.backoff("\(node.name) to answer PING", timeout: .seconds(30)) { (await resp.ping(node), nil) }
                }
            }
            try await group.waitForAll()
        }
    }

    /// Waits until every node reports `cluster_state:ok`, all slots, all nodes known, and the views agree.
    func waitUntilHealthy(nodes: [RedisNodePlan], progress: RecipeProgress, timeout: Duration = .seconds(60)) async throws {
        progress.step("waiting until all \(nodes.count) nodes agree: cluster_state:ok, 16384 slots, no open slots")
        try await Poll.backoff("the cluster to converge", timeout: timeout, maximum: .milliseconds(50)) {
            let problems = try await check(nodes: nodes)
            return (problems.isEmpty, problems.map(\.description).joined(separator: "; "))
        }
        progress.report(.pass, "cluster_state:ok on every node; all nodes agree on the slot map")
    }

    /// Waits until the cluster has the planned masters (with slots) and every replica attached.
    func waitForRoles(cli: RedisCLI, progress: RecipeProgress) async throws {
        let masters = plan.options.masters, replicas = plan.options.masters * plan.options.replicasPerMaster
        try await Poll.backoff("\(masters) masters and \(replicas) replicas", timeout: .seconds(60), maximum: .milliseconds(100)) {
            let view = try await cli.nodes(plan.nodes[0])
            let owning = view.masters.filter { $0.slotCount > 0 }.count
            let attached = view.replicas.filter { $0.masterID.map { id in view.node(id: id) != nil } ?? false }.count
            return (owning == masters && attached == replicas && view.nodes.count == plan.nodes.count,
                    "\(owning) masters with slots, \(attached) replicas")
        }
        progress.report(.pass, "\(masters) masters own all slots; \(replicas) replicas attached")
    }

    /// The plans of the deployment's nodes that exist now (initial and scaled-out ones), in order.
    func currentNodes() async throws -> [(plan: RedisNodePlan, container: ContainerSummary)] {
        try await resources.containers().compactMap { container -> (RedisNodePlan, ContainerSummary)? in
            guard let index = container.labels?["com.dockersdk.redis.index"].flatMap(Int.init),
                  let node = try? plan.node(index) else { return nil }
            return (node, container)
        }.sorted { $0.0.index < $1.0.index }
    }

    /// A redis-cli in a running node's container.
    func anyCLI(excluding: Set<String> = []) async throws -> RedisCLI {
        guard let running = try await currentNodes().first(where: { $0.container.containerStatus == .running && !excluding.contains($0.plan.name) }) else {
            throw DockerError.invalidArgument("no node of \(plan.options.namePrefix) is running: run `up` first")
        }
        return cli(running.plan.name)
    }
}
