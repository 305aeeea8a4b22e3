import DockerSDK
import Foundation

/// MySQL/MariaDB replication on a swarm: the source on one host, each replica on another, one service
/// per server (one task, pinned with `node.hostname==`, host networking: the server listens on its
/// host's address, port 3306), set up and verified like `MySQLReplication`.
///
/// The root password reaches the servers as swarm secrets only: one file the image's entrypoint reads
/// on the first start (`MYSQL_ROOT_PASSWORD_FILE` names the file, never the password) and root's
/// option file (`/root/.my.cnf`, mode 0600) the recipe's clients log in with. Each server's my.cnf is
/// a swarm config. Data lives in a volume on the server's host.
///
/// ```swift
/// let replication = try MySQLReplicationSwarm(manager: h1, hosts: [h1Host, h2Host, h3Host], replicas: 2)
/// try await replication.up()
/// let report = try await replication.verify()
/// try await replication.down()
/// ```
public struct MySQLReplicationSwarm: Sendable {
    /// The recipe label value.
    public static let recipeName = "mysql-replication-swarm"
    /// The port every server listens on, on its host's address.
    public static let port = 3306
    /// A manager of the swarm.
    public let manager: DockerClient
    /// The hosts: the source on the first, replica i on host i + 1.
    public let hosts: [SwarmHost]
    /// The servers (names, server IDs, settings) and passwords.
    public let plan: MySQLReplicationPlan

    /// Plans a source and `replicas` replicas over `hosts` (one server per host, in order).
    ///
    /// - Throws: `DockerError.invalidArgument` with fewer hosts than servers, repeated host names, a
    ///   host address outside the private ranges, or options `MySQLReplicationPlan` refuses.
    public init(manager: DockerClient, hosts: [SwarmHost], replicas: Int = 1, prefix: String = "dsdk-mysql",
                image: String = MySQLReplicationPlan.devImage, rootPassword: Secret? = nil,
                mode: ReplicationMode = .binlogPosition) throws {
        guard replicas >= 1 else { throw DockerError.invalidArgument("replication needs at least 1 replica") }
        guard hosts.count >= replicas + 1 else {
            throw DockerError.invalidArgument("\(replicas + 1) servers need as many hosts (one each), not \(hosts.count)")
        }
        guard Set(hosts.map(\.name)).count == hosts.count else { throw DockerError.invalidArgument("host names repeat") }
        for host in hosts { _ = try RecipeValidation.privateSubnet("\(host.address)/32") }
        self.manager = manager
        self.hosts = Array(hosts.prefix(replicas + 1))
        plan = try MySQLReplicationPlan(options: MySQLReplicationOptions(
            image: image, replicas: replicas, rootPassword: rootPassword, mode: mode, sourcePort: nil, namePrefix: prefix), image: image)
    }

    /// The deployment `prefix` as its services describe it (which host holds which server), or nil when
    /// none is deployed; `hosts` must include those hosts.
    public static func deployed(manager: DockerClient, hosts: [SwarmHost], prefix: String) async throws -> MySQLReplicationSwarm? {
        try RecipeValidation.namePrefix(prefix)
        let services = try await manager.services.list(filters: .label(RecipeLabels.instance, prefix))
            .filter { $0.spec.labels?[RecipeLabels.recipe] == recipeName }
        guard !services.isEmpty else { return nil }
        let hostOf = Dictionary(services.compactMap { service in
            service.spec.name.flatMap { name in service.spec.labels?["com.dockersdk.mysql.host"].map { (name, $0) } }
        }, uniquingKeysWith: { a, _ in a })
        let replicas = services.count - 1
        guard replicas >= 1 else { throw DockerError.malformedResponse("\(prefix) has \(services.count) service(s), no replica") }
        let names = ["\(prefix)-source"] + (1...replicas).map { "\(prefix)-replica-\($0)" }
        let ordered = try names.map { name -> SwarmHost in
            guard let hostName = hostOf[name], let host = hosts.first(where: { $0.name == hostName }) else {
                throw DockerError.malformedResponse("service \(name) of \(prefix) names no known host")
            }
            return host
        }
        return try MySQLReplicationSwarm(manager: manager, hosts: ordered, replicas: replicas, prefix: prefix,
                                         image: services[0].spec.taskTemplate.containerSpec?.image ?? MySQLReplicationPlan.devImage)
    }

    /// The labels on every service, secret, config, container and volume of this deployment.
    public var labels: [String: String] { RecipeLabels.labels(recipe: Self.recipeName, instance: plan.options.namePrefix) }

    /// The host of each server (the source on the first).
    public func host(of server: MySQLServerPlan) throws -> SwarmHost {
        guard let index = plan.servers.firstIndex(of: server), index < hosts.count else {
            throw DockerError.invalidArgument("no host for \(server.name)")
        }
        return hosts[index]
    }

    var rootSecretName: String { "\(plan.options.namePrefix)-root-password" }
    var clientSecretName: String { "\(plan.options.namePrefix)-root-client" }
    func configName(_ server: MySQLServerPlan) -> String { "\(server.name)-cnf" }

    /// The service of one server.
    func serviceSpec(_ server: MySQLServerPlan, host: SwarmHost, rootSecret: String, clientSecret: String, config: String) -> ServiceSpec {
        let container = ContainerSpec(
            image: plan.image, env: ["MYSQL_ROOT_PASSWORD_FILE=/run/secrets/root-password"], labels: labels,
            mounts: [.volume("\(server.name)-data", at: "/var/lib/mysql", labels: labels)],
            secrets: [.init(secretID: rootSecret, secretName: rootSecretName, fileName: "root-password", mode: 0o444),
                      .init(secretID: clientSecret, secretName: clientSecretName, fileName: MySQLReplicationPlan.clientOptionFile, mode: 0o600)],
            configs: [.init(configID: config, configName: configName(server), path: "/etc/mysql/conf.d/replication.cnf")],
            stopGracePeriod: 10_000_000_000)
        return ServiceSpec(
            name: server.name,
            taskTemplate: TaskSpec(containerSpec: container,
                                   restartPolicy: TaskRestartPolicy(condition: .any, delay: 2),
                                   placement: Placement(constraints: ["node.hostname==\(host.name)"], maxReplicas: 1),
                                   networks: [NetworkAttachmentConfig(target: "host")]),
            mode: .replicated(1), labels: labels.merging(["com.dockersdk.mysql.host": host.name]) { a, _ in a })
    }

    /// Creates the secrets, configs and services, waits until every server takes a root login, then
    /// sets up replication (user, position, CHANGE MASTER to the source's host address) and waits until
    /// both threads run on every replica.
    @discardableResult
    public func up(progress: RecipeProgress = .silent) async throws -> MySQLSwarmStatus {
        let started = ContinuousClock.now
        let existing = try await manager.services.list(filters: .label(RecipeLabels.instance, plan.options.namePrefix))
        guard existing.isEmpty else {
            throw DockerError.conflict(message: "\(plan.options.namePrefix) is already deployed (\(existing.count) services): run down first")
        }
        for host in hosts where !(try await host.docker.images.exists(plan.image)) {
            throw DockerError.invalidArgument("\(plan.image) is not on \(host.name): load it there first (no registry)")
        }
        let sourceHost = hosts[0]
        progress.step("probing \(plan.image) on \(sourceHost.name)")
        let (flavor, client) = try await ServerProbe(docker: sourceHost.docker, resources: RecipeResources(
            docker: sourceHost.docker, recipe: Self.recipeName, instance: plan.options.namePrefix)).probe(image: plan.image)
        progress.info("flavour: \(flavor)")

        progress.step("creating the root password secrets and \(plan.servers.count) my.cnf configs")
        let quoted = plan.rootPassword.value.replacingOccurrences(of: "\\", with: "\\\\").replacingOccurrences(of: "\"", with: "\\\"")
        let rootSecret = try await manager.secrets.create(SecretSpec(name: rootSecretName, data: Data(plan.rootPassword.value.utf8),
                                                                     labels: labels)).id
        let clientSecret = try await manager.secrets.create(SecretSpec(
            name: clientSecretName, data: Data("[client]\nuser=root\npassword=\"\(quoted)\"\n".utf8), labels: labels)).id
        var configs: [String: String] = [:]
        for server in plan.servers {
            configs[server.name] = try await manager.configs.create(ConfigSpec(
                name: configName(server), data: Data(plan.serverConfig(server).myCnf(for: flavor).utf8), labels: labels)).id
        }
        progress.step("creating \(plan.servers.count) services, one per host (host networking)")
        for server in plan.servers {
            let host = try host(of: server)
            try await manager.services.create(serviceSpec(server, host: host, rootSecret: rootSecret, clientSecret: clientSecret,
                                                          config: configs[server.name] ?? ""))
        }
        var shells: [MySQLShell] = []
        for server in plan.servers {
            let host = try host(of: server)
            let container = try await runningContainer(server, on: host, timeout: .seconds(120))
            progress.info("\(server.name) on \(host.name) at \(host.address):\(Self.port)")
            shells.append(MySQLShell(docker: host.docker, container: container, client: client, password: plan.rootPassword,
                                     label: server.name))
        }
        progress.step("waiting until every server accepts a TCP login")
        try await withThrowingTaskGroup(of: Void.self) { group in
            for shell in shells {
                group.addTask {
                    try await Poll.until("\(shell.displayName) to accept a login", timeout: .seconds(120), interval: .milliseconds(500)) {
                        do {
                            _ = try await shell.query("SELECT 1")
                            return (true, nil)
                        } catch let failure as CommandFailed where failure.output.contains("ERROR 1045") {
                            throw LoginRefused(failure: failure)
                        } catch {
                            return (false, "\(error)")
                        }
                    }
                }
            }
            try await group.waitForAll()
        }
        let detected = try await MySQLReplication.detectFlavor(shells[0])
        try await ReplicationSetup(plan: plan, flavor: detected, source: shells[0], replicas: Array(shells.dropFirst()),
                                   sourceHost: sourceHost.address).run(progress: progress)
        progress.report(.pass, String(format: "replication across %d hosts in %.1f s", hosts.count, seconds(since: started)))
        return try await status()
    }

    /// Where each server runs and the replication threads of each replica.
    public func status() async throws -> MySQLSwarmStatus {
        let (source, replicas) = try await shells()
        let replication = try await MySQLReplication.status(source: source, replicas: replicas, sourceName: plan.source.name)
        let servers = try plan.servers.map { server in
            let host = try host(of: server)
            return MySQLSwarmStatus.Server(name: server.name, host: host.name, address: "\(host.address):\(Self.port)",
                                           role: server.isSource ? "source" : "replica")
        }
        return MySQLSwarmStatus(servers: servers, replication: replication)
    }

    /// Writes rows on the source, reads them on every replica, and checks a non-SUPER write on each
    /// replica is refused (read_only), like `MySQLReplication.verify`.
    public func verify(rows: Int = 10, progress: RecipeProgress = .silent) async throws -> MySQLVerifyReport {
        let (source, replicas) = try await shells()
        return try await MySQLReplication.verify(source: source, replicas: replicas, sourceName: plan.source.name, rows: rows,
                                                 progress: progress)
    }

    /// Removes the services, then (once their tasks are gone) the volumes on every host, the secrets and the configs.
    public func down(progress: RecipeProgress = .silent) async throws {
        let prefix = plan.options.namePrefix
        let services = try await manager.services.list(filters: .label(RecipeLabels.instance, prefix))
        for service in services { try await manager.services.remove(service.id) }
        progress.step("removed \(services.count) services")
        let ids = Set(services.map(\.id))
        try await Poll.until("the tasks to stop", timeout: .seconds(90)) {
            let left = try await manager.tasks.list().filter { ids.contains($0.serviceID ?? "") }
            return (left.isEmpty, "\(left.count) tasks left")
        }
        for host in hosts {
            try await Poll.until("the containers on \(host.name) to go", timeout: .seconds(60)) {
                let left = try await host.docker.containers.list(all: true, filters: .label(RecipeLabels.instance, prefix))
                return (left.isEmpty, "\(left.count) containers left")
            }
            for volume in try await host.docker.volumes.list(filters: .label(RecipeLabels.instance, prefix)) {
                try await host.docker.volumes.remove(volume.name)
            }
        }
        for secret in try await manager.secrets.list(filters: .label(RecipeLabels.instance, prefix)) {
            try await manager.secrets.remove(secret.id)
        }
        for config in try await manager.configs.list(filters: .label(RecipeLabels.instance, prefix)) {
            try await manager.configs.remove(config.id)
        }
        progress.report(.pass, "\(prefix) removed from \(hosts.count) hosts")
    }

    // MARK: - Helpers

    /// The running container of `server`'s task, asked of its own host.
    func runningContainer(_ server: MySQLServerPlan, on host: SwarmHost, timeout: Duration = .seconds(10)) async throws -> String {
        try await Poll.until("a running container of \(server.name) on \(host.name)", timeout: timeout, interval: .milliseconds(500)) {
            var filters = Filters.label("com.docker.swarm.service.name", server.name)
            filters.add("status", "running")
            let containers = try await host.docker.containers.list(filters: filters)
            guard let newest = containers.max(by: { $0.created < $1.created }) else { return (nil, "no running container") }
            return (newest.id, nil)
        }
    }

    /// Root shells on the deployed servers (root's option file in each container; no password here).
    func shells() async throws -> (MySQLShell, [MySQLShell]) {
        var shells: [MySQLShell] = []
        var client = "mysql"
        for (index, server) in plan.servers.enumerated() {
            let host = try host(of: server)
            let container = try await runningContainer(server, on: host)
            if index == 0 {
                let found = try await host.docker.exec.run(["sh", "-c", "command -v mariadb >/dev/null && echo mariadb || echo mysql"],
                                                           in: container).stdoutText.trimmingCharacters(in: .whitespacesAndNewlines)
                if !found.isEmpty { client = found }
            }
            shells.append(MySQLShell(docker: host.docker, container: container, client: client, password: nil, label: server.name))
        }
        return (shells[0], Array(shells.dropFirst()))
    }
}

/// Where each server of a swarm deployment runs, and how replication goes.
public struct MySQLSwarmStatus: Sendable, Codable, Equatable {
    /// One server.
    public struct Server: Sendable, Codable, Equatable {
        /// Its service's name.
        public var name: String
        /// The host it runs on (`hN`).
        public var host: String
        /// `IP:PORT` on its host.
        public var address: String
        /// `source` or `replica`.
        public var role: String
    }
    /// The source, then the replicas.
    public var servers: [Server]
    /// The source's position and each replica's threads.
    public var replication: MySQLReplicationStatus
}
