import DockerSDK
import Foundation

/// A source and N replicas, configured like seed 000's my.cnf files, replicating, verified.
///
/// ```swift
/// let replication = try await MySQLReplication(docker: docker, options: MySQLReplicationOptions(replicas: 2))
/// try await replication.up(progress: progress)
/// let report = try await replication.verify()     // a row written on the source is read on every replica
/// try await replication.down()
/// ```
public struct MySQLReplication: Sendable {
    /// The client.
    public let docker: DockerClient
    /// The layout.
    public let plan: MySQLReplicationPlan

    /// Plans a deployment; without an image, picks the dev image when present locally, else `mysql:8.0`.
    public init(docker: DockerClient, options: MySQLReplicationOptions = MySQLReplicationOptions()) async throws {
        let image = try await docker.images.recipeImage(options.image, dev: MySQLReplicationPlan.devImage,
                                                        fallback: MySQLReplicationPlan.defaultImage)
        self.docker = docker
        plan = try MySQLReplicationPlan(options: options, image: image)
    }

    /// What the deployment owns.
    public var resources: RecipeResources {
        RecipeResources(docker: docker, recipe: MySQLReplicationPlan.recipe, instance: plan.options.namePrefix)
    }

    /// How `up` ended.
    public enum UpOutcome: Sendable, Equatable {
        /// Servers were created and replication runs.
        case created(flavor: String, seconds: Double)
        /// The deployment was already running with replication healthy; nothing was changed.
        case alreadyRunning
    }

    /// Creates the network and servers, sets up the replication user, points every replica at the
    /// source and waits (bounded) until both replication threads run on every replica.
    ///
    /// A replica whose IO thread keeps failing (a wrong password, an unreachable source) makes `up`
    /// throw `ReplicationFailed` quoting `Last_IO_Error`; `down` still removes everything.
    @discardableResult
    public func up(progress: RecipeProgress = .silent) async throws -> UpOutcome {
        let progress = resources.logged(progress)
        let existing = try await resources.containers()
        if !existing.isEmpty {
            if existing.count == plan.servers.count, existing.allSatisfy({ $0.containerStatus == .running }),
               let status = try? await status(), status.replicas.allSatisfy({ $0.status?.isReplicating == true }) {
                progress.info("replication \(plan.options.namePrefix) is already running (\(status.replicas.count) replicas)")
                return .alreadyRunning
            }
            throw DockerError.conflict(message: "a deployment \(plan.options.namePrefix) exists but is not healthy: run `down` first")
        }
        let started = ContinuousClock.now
        progress.step("probing \(plan.image)")
        let (flavor, client) = try await ServerProbe(docker: docker, resources: resources).probe(image: plan.image)
        progress.info("flavour: \(flavor)")
        progress.step("creating network \(plan.networkName)")
        _ = try await docker.networks.create(NetworkCreate(
            name: plan.networkName, driver: "bridge",
            subnets: plan.options.subnet.map { [IPAMConfig(subnet: $0)] } ?? [], labels: resources.labels))
        progress.step("creating \(plan.servers.count) servers with the seed's settings")
        try await withThrowingTaskGroup(of: Void.self) { group in
            for server in plan.servers {
                group.addTask { try await createServer(server, flavor: flavor) }
            }
            try await group.waitForAll()
        }
        let shells = plan.servers.map { MySQLShell(docker: docker, container: $0.name, client: client, password: plan.rootPassword) }
        progress.step("waiting until every server accepts a TCP login")
        do {
            try await withThrowingTaskGroup(of: Void.self) { group in
                for shell in shells {
                    group.addTask {
                        try await Poll.until("\(shell.container) to accept a login", timeout: .seconds(120), interval: .milliseconds(500)) {
                            do {
                                _ = try await shell.query("SELECT 1")
                                return (true, nil)
                            } catch let failure as CommandFailed where failure.output.contains("ERROR 1045") {
                                throw LoginRefused(failure: failure)  // a wrong root password will not get better
                            } catch DockerError.cannotConnect(let host, let reason, let detail) {
                                // The daemon is gone, and the servers with it: waiting 120 s more cannot help.
                                throw DaemonUnreachable(error: .cannotConnect(host: host, reason: reason, detail: detail))
                            } catch {
                                return (false, "\(error)")
                            }
                        }
                    }
                }
                try await group.waitForAll()
            }
        } catch let unreachable as DaemonUnreachable {
            throw unreachable.error
        }
        // Initialised: the entrypoint's password file is no longer needed (root's option file stays).
        for shell in shells {
            _ = try await docker.run(["rm", "-f", MySQLReplicationPlan.rootPasswordFile], in: shell.container)
        }
        let detected = try await detectFlavor(shells[0])
        guard detected.isMariaDB == flavor.isMariaDB else {
            throw DockerError.invalidArgument("the image said \(flavor) but the server says \(detected)")
        }
        try await ReplicationSetup(plan: plan, flavor: detected, source: shells[0], replicas: Array(shells.dropFirst()))
            .run(progress: progress)
        return .created(flavor: detected.description, seconds: seconds(since: started))
    }

    /// Removes containers, network and volumes of the deployment, found by labels (host folders stay).
    @discardableResult
    public func down(progress: RecipeProgress = .silent) async throws -> RecipeResources.Removed {
        let progress = resources.logged(progress)
        return try await resources.remove(progress: progress)
    }

    /// Where a client on the host reaches the servers: `127.0.0.1:PORT` of the source and of each
    /// replica, read from the daemon (fixed `sourcePort`s or `publishesRandomPorts`).
    ///
    /// Throws `invalidArgument` when the deployment publishes no ports, `notFound` when it is not up.
    public func endpoints() async throws -> MySQLReplicationEndpoints {
        guard plan.options.sourcePort != nil || plan.options.publishesRandomPorts else {
            throw DockerError.invalidArgument("\(plan.options.namePrefix) publishes no ports: set sourcePort or publishesRandomPorts")
        }
        func endpoint(_ server: MySQLServerPlan) async throws -> String {
            let inspect = try await docker.containers.inspect(server.name)
            let bindings = (inspect.networkSettings?.ports?["3306/tcp"] ?? nil) ?? []
            guard let binding = bindings.first(where: { $0.hostIP == "127.0.0.1" }) ?? bindings.first,
                  let port = binding.hostPort.flatMap(Int.init) else {
                throw DockerError.malformedResponse("\(server.name) has no published port for 3306/tcp")
            }
            return "127.0.0.1:\(port)"
        }
        var replicas: [String] = []
        for replica in plan.replicas { replicas.append(try await endpoint(replica)) }
        return MySQLReplicationEndpoints(source: try await endpoint(plan.source), replicas: replicas)
    }

    /// Creates one server and uploads its my.cnf into /etc/mysql/conf.d before it starts.
    func createServer(_ server: MySQLServerPlan, flavor: MySQLFlavor) async throws {
        if let base = plan.options.hostDirectory {
            for sub in ["data", "log", "conf"] {
                try FileManager.default.createDirectory(atPath: "\(base)/\(server.name)/\(sub)", withIntermediateDirectories: true)
            }
        }
        let id = try await docker.containers.create(plan.containerSpec(server, labels: resources.labels), name: server.name).id
        let cnf = plan.serverConfig(server).myCnf(for: flavor)
        try await docker.containers.upload(id, files: [.file("replication.cnf", text: cnf, mode: 0o644)], to: "/etc/mysql/conf.d")
        for (directory, entries) in plan.passwordFiles() {
            try await docker.containers.upload(id, files: entries, to: directory)
        }
        try await docker.containers.start(id)
    }

    func detectFlavor(_ shell: MySQLShell) async throws -> MySQLFlavor {
        try await Self.detectFlavor(shell)
    }

    /// The flavour the server in `shell` reports.
    static func detectFlavor(_ shell: MySQLShell) async throws -> MySQLFlavor {
        let output = try await shell.query(MySQLFlavor.detectionQuery)
        guard let row = SQLResultTable.parse(output).rows.first, row.count >= 2, let version = row[0],
              let flavor = MySQLFlavor.detect(version: version, comment: row[1] ?? "") else {
            throw DockerError.malformedResponse("cannot read the server version from: \(output.prefix(200))")
        }
        return flavor
    }

    /// Root shells on the deployed servers: they log in with root's option file inside each container,
    /// so the password is read from neither the containers' environment nor anywhere else.
    func shells() async throws -> (MySQLShell, [MySQLShell]) {
        let client = try await docker.exec.run(["sh", "-c", "command -v mariadb >/dev/null && echo mariadb || echo mysql"],
                                               in: plan.source.name).stdoutText.trimmingCharacters(in: .whitespacesAndNewlines)
        let shell = { (server: MySQLServerPlan) in
            MySQLShell(docker: docker, container: server.name, client: client.isEmpty ? "mysql" : client, password: nil)
        }
        return (shell(plan.source), plan.replicas.map(shell))
    }
}

/// Where a client on the host reaches a replication deployment.
public struct MySQLReplicationEndpoints: Sendable, Codable, Equatable {
    /// `127.0.0.1:PORT` of the source (writes).
    public var source: String
    /// `127.0.0.1:PORT` of each replica (reads), in order.
    public var replicas: [String]

    /// Endpoints.
    public init(source: String, replicas: [String]) {
        self.source = source
        self.replicas = replicas
    }
}

/// The daemon stopped answering during a wait of `up`: ends the wait at once; `up` throws `error`.
struct DaemonUnreachable: StopsPolling {
    /// The connection failure.
    var error: DockerError
}

/// The server refused the root login: the password is wrong (e.g. a data directory made with another).
public struct LoginRefused: StopsPolling, CustomStringConvertible {
    /// The client's error, secrets scrubbed.
    public var failure: CommandFailed
    /// The refusal, with the client's output.
    public var description: String { "the server refused the root login: \(failure)" }
}
