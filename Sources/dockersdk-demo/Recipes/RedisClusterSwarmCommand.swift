import ArgumentParser
import DockerRecipes
import DockerSDK
import Foundation

/// `redis-cluster ... --swarm`: where the swarm's hosts are.
struct SwarmSelection: ParsableArguments {
    @Flag(help: "On the swarm whose manager --host names: one service per node, host networking on each host's address, no replica on its master's host.")
    var swarm = false
    @Option(help: "With --swarm: each host's daemon, %h standing for its node hostname.")
    var socketTemplate = "unix:///run/lab/%h/docker.sock"
}

/// The Redis Cluster on a swarm, as the demo's commands (`redis-cluster --swarm` and the deprecated
/// `redis-cluster-swarm`) drive it.
struct SwarmRedisDemo {
    let manager: String
    let socketTemplate: String
    let masters: Int
    let replicas: Int
    let basePort: Int
    let image: String
    let prefix: String
    let nodeTimeout: Int
    let logger: GlobalOptions?

    /// From `redis-cluster`'s options; `--host` must name a manager.
    init(global: GlobalOptions, options: RedisClusterCommand.ClusterOptions, selection: SwarmSelection) throws {
        guard let host = global.host else {
            throw ValidationError("--swarm needs --host naming a manager's daemon, e.g. unix:///run/lab/h1/docker.sock")
        }
        self.init(manager: host, socketTemplate: selection.socketTemplate, masters: options.masters, replicas: options.replicas,
                  basePort: options.basePort, image: options.image ?? "dockersdk/redis:7", prefix: options.namePrefix,
                  nodeTimeout: options.nodeTimeout, logger: global)
    }

    init(manager: String, socketTemplate: String, masters: Int, replicas: Int, basePort: Int, image: String, prefix: String,
         nodeTimeout: Int, logger: GlobalOptions?) {
        self.manager = manager
        self.socketTemplate = socketTemplate
        self.masters = masters
        self.replicas = replicas
        self.basePort = basePort
        self.image = image
        self.prefix = prefix
        self.nodeTimeout = nodeTimeout
        self.logger = logger
    }

    func managerClient() throws -> DockerClient {
        if let logger { return try DockerClient(host: try DockerHost(url: manager), logger: try logger.logger()) }
        return try DockerClient(host: try DockerHost(url: manager))
    }

    /// The swarm's hosts from the manager's node list (hostname and address); `readyOnly` for a new plan.
    func hosts(_ docker: DockerClient, readyOnly: Bool) async throws -> [SwarmHost] {
        try await swarmHosts(docker, socketTemplate: socketTemplate, readyOnly: readyOnly)
    }

    /// A new deployment planned over the ready hosts.
    func fresh() async throws -> RedisClusterSwarm {
        let docker = try managerClient()
        return try RedisClusterSwarm(manager: docker, hosts: try await hosts(docker, readyOnly: true), prefix: prefix, masters: masters,
                                     replicasPerMaster: replicas, basePort: basePort, image: image, nodeTimeoutMs: nodeTimeout)
    }

    /// The deployment as its services describe it; `notFound` when there is none.
    func deployed() async throws -> RedisClusterSwarm {
        guard let cluster = try await deployedIfAny() else {
            throw DockerError.notFound(message: "no Redis Cluster \(prefix) on the swarm of \(manager) (run `redis-cluster up --swarm` first)")
        }
        return cluster
    }

    func deployedIfAny() async throws -> RedisClusterSwarm? {
        let docker = try managerClient()
        return try await RedisClusterSwarm.deployed(manager: docker, hosts: try await hosts(docker, readyOnly: false), prefix: prefix,
                                                    image: image, nodeTimeoutMs: nodeTimeout)
    }

    func up(json: Bool) async throws {
        let status = try await fresh().up(progress: json ? .silent : .terminal)
        if json { try printJSON(status) } else { Self.printStatus(status) }
    }

    func status(json: Bool) async throws {
        let status = try await deployed().status()
        if json { try printJSON(status) } else { Self.printStatus(status) }
    }

    /// Exits 1 when the check finds a problem.
    func check(json: Bool) async throws {
        let report = try await deployed().check()
        if json { try printJSON(report) } else {
            print(report.ok ? "[OK] all 16384 slots covered; all nodes agree; no replica on its master's host"
                            : report.messages.map { "[ERR] \($0)" }.joined(separator: "\n"))
        }
        if !report.ok { throw ExitCode.failure }
    }

    func down(json: Bool) async throws {
        guard let cluster = try await deployedIfAny() else {
            if json { try printJSON(["removed": false]) } else { print("no Redis Cluster \(prefix) on the swarm: nothing to remove") }
            return
        }
        try await cluster.down(progress: json ? .silent : .terminal)
        if json { try printJSON(["removed": true]) } else { print("removed \(cluster.plan.nodes.count) services of \(prefix)") }
    }

    /// Cuts `lose`'s link, checks, brings it back; then (unless `keepRoles`) makes the planned masters masters again.
    func hostLoss(lose: String, linkTemplate: String, keepRoles: Bool, json: Bool) async throws {
        let cluster = try await deployed()
        let link = linkTemplate.replacingOccurrences(of: "%h", with: lose)
        let report = try await cluster.hostLossDrill(lose: lose, progress: json ? .silent : .terminal,
                                                     cut: { try setLink(link, "down") }, restore: { try setLink(link, "up") })
        if json { try printJSON(report) } else {
            print("lost \(report.lostHost): masters \(report.lostMasters.joined(separator: ", ")); promoted \(report.promoted.joined(separator: ", "))")
            print(String(format: "promoted after %.1f s, cluster ok after %.1f s, rejoined %.1f s after the link came back",
                         report.promotedAfter, report.clusterOKAfter, report.rejoinedAfter))
            print("acknowledged writes: \(report.acknowledgedWrites), lost: \(report.lostWrites) -> \(report.passed ? "PASS" : "FAIL")")
        }
        if !report.passed { throw ExitCode.failure }
        if !keepRoles {
            let switched = try await cluster.restorePlannedMasters(progress: json ? .silent : .terminal)
            if !json, !switched.isEmpty { print("masters again as planned: \(switched.joined(separator: ", "))") }
        }
    }

    func scaleOut(onto host: String, json: Bool) async throws {
        let (_, report) = try await deployed().scaleOut(onto: host, progress: json ? .silent : .terminal)
        if json { try printJSON(report) } else {
            print("added \(report.master) on \(report.masterHost) (\(report.masterSlots) slots) and \(report.replicas.joined(separator: ", ")); "
                + "\(report.keysReadBack)/\(report.keysWritten) keys readable")
        }
        if !report.passed { throw ExitCode.failure }
    }

    static func printStatus(_ status: SwarmRedisStatus) {
        print("NODE".padding(toLength: 26, withPad: " ", startingAt: 0) + "HOST  ROLE     ADDRESS            MASTER             STATE  SLOTS")
        for node in status.nodes {
            print(node.name.padding(toLength: 26, withPad: " ", startingAt: 0) + node.host.padding(toLength: 6, withPad: " ", startingAt: 0)
                + node.role.padding(toLength: 9, withPad: " ", startingAt: 0) + node.address.padding(toLength: 19, withPad: " ", startingAt: 0)
                + (node.master ?? "-").padding(toLength: 19, withPad: " ", startingAt: 0) + node.state.padding(toLength: 7, withPad: " ", startingAt: 0)
                + String(node.slots))
        }
        if !status.replicasSharingTheirMastersHost.isEmpty {
            print("WARNING: replicas on their master's host: \(status.replicasSharingTheirMastersHost.joined(separator: ", "))")
        }
    }
}

/// `dockersdk-demo redis-cluster-swarm ...`: the old name of `redis-cluster ... --swarm` (kept working,
/// with a one-line hint on stderr).
struct RedisClusterSwarmCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "redis-cluster-swarm", abstract: "Deprecated: use `redis-cluster up|status|check|down --swarm` and `redis-cluster host-loss`.",
        subcommands: [Up.self, Status.self, HostLoss.self, Down.self])

    static func hint(_ replacement: String) {
        Terminal.errorLine("hint: `redis-cluster-swarm` is deprecated; use `\(replacement)`")
    }

    /// Where the swarm's hosts are and what to deploy.
    struct SwarmOptions: ParsableArguments {
        @Option(help: "A manager's daemon (e.g. unix:///run/lab/h1/docker.sock).") var host: String
        @Option(help: "Each host's daemon, %h standing for its node hostname.") var socketTemplate = "unix:///run/lab/%h/docker.sock"
        @Option(help: "Masters (>= 3).") var masters = 3
        @Option(help: "Replicas per master (needs that many hosts besides the master's).") var replicas = 1
        @Option(help: "First client port on each host.") var basePort = 6379
        @Option(help: "The image, present on every host.") var image = "dockersdk/redis:7"
        @Option(help: "Service names start with it; it names the deployment.") var namePrefix = "dsdk-rcs"
        @Option(help: "cluster-node-timeout in ms.") var nodeTimeout = 3000

        var demo: SwarmRedisDemo {
            SwarmRedisDemo(manager: host, socketTemplate: socketTemplate, masters: masters, replicas: replicas, basePort: basePort,
                           image: image, prefix: namePrefix, nodeTimeout: nodeTimeout, logger: nil)
        }
    }

    struct Up: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Deprecated: `redis-cluster up --swarm`.")
        @OptionGroup var options: SwarmOptions
        @Flag(help: "Print the status as JSON.") var json = false
        func run() async throws {
            hint("redis-cluster up --swarm")
            do { try await options.demo.up(json: json) } catch { throw fail(error) }
        }
    }

    struct Status: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Deprecated: `redis-cluster status --swarm`.")
        @OptionGroup var options: SwarmOptions
        @Flag(help: "Print JSON.") var json = false
        func run() async throws {
            hint("redis-cluster status --swarm")
            do { try await options.demo.status(json: json) } catch { throw fail(error) }
        }
    }

    struct HostLoss: AsyncParsableCommand {
        static let configuration = CommandConfiguration(commandName: "host-loss", abstract: "Deprecated: `redis-cluster host-loss --lose hN`.")
        @OptionGroup var options: SwarmOptions
        @Option(help: "The host to lose, e.g. h2.") var lose: String
        @Option(help: "The host's link on the bridge side, %h standing for the host (the lab's veth).") var linkTemplate = "dsdklab-%h"
        @Flag(help: "Print the report as JSON.") var json = false
        func run() async throws {
            hint("redis-cluster host-loss --lose \(lose)")
            do {
                try await options.demo.hostLoss(lose: lose, linkTemplate: linkTemplate, keepRoles: false, json: json)
            } catch let exit as ExitCode {
                throw exit
            } catch { throw fail(error) }
        }
    }

    struct Down: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Deprecated: `redis-cluster down --swarm`.")
        @OptionGroup var options: SwarmOptions
        func run() async throws {
            hint("redis-cluster down --swarm")
            do { try await options.demo.down(json: false) } catch { throw fail(error) }
        }
    }
}

/// The hosts of the swarm `docker` manages, from its node list (hostname and address), each reached at
/// `socketTemplate` with `%h` its hostname, sorted by name; `readyOnly` skips nodes that are not ready.
func swarmHosts(_ docker: DockerClient, socketTemplate: String, readyOnly: Bool) async throws -> [SwarmHost] {
    var byName: [String: SwarmHost] = [:]
    for node in try await docker.nodes.list() {
        let ready = node.status?.state == "ready"
        if readyOnly && !ready { continue }
        guard let name = node.hostname, let address = node.status?.addr else {
            throw DockerError.malformedResponse("node \(node.id) has no hostname or address")
        }
        // A node that left and joined again is listed twice: the ready one wins.
        if byName[name] != nil && !ready { continue }
        let url = socketTemplate.replacingOccurrences(of: "%h", with: name)
        byName[name] = SwarmHost(name: name, address: address, docker: try DockerClient(host: try DockerHost(url: url)))
    }
    return byName.values.sorted { $0.name < $1.name }
}

/// `ip link set LINK up|down` (the lab's veth on the bridge side).
func setLink(_ link: String, _ state: String) throws {
    guard link.allSatisfy({ $0.isLetter || $0.isNumber || $0 == "-" }), link.count <= 15, !link.isEmpty else {
        throw DockerError.invalidArgument("\(link) is not a link name")
    }
    let process = Process()
    process.executableURL = URL(fileURLWithPath: FileManager.default.isExecutableFile(atPath: "/usr/sbin/ip") ? "/usr/sbin/ip" : "/sbin/ip")
    process.arguments = ["link", "set", link, state]
    try process.run()
    process.waitUntilExit()
    guard process.terminationStatus == 0 else { throw DockerError.invalidArgument("ip link set \(link) \(state) failed") }
}
