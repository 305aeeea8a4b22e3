import ArgumentParser
import DockerSDK
import Foundation

/// `dockersdk-demo swarm ...`: Swarm mode on the daemon named by `--host`.
struct SwarmCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "swarm", abstract: "Form, inspect and leave a swarm (Swarm mode).",
        subcommands: [Init.self, Join.self, Role.self, Nodes.self, Services.self, Tasks.self, Leave.self])

    /// `swarm init`: makes the daemon the first manager (does nothing if it already manages a swarm).
    struct Init: AsyncParsableCommand {
        static let configuration = CommandConfiguration(commandName: "init", abstract: "Create a swarm with this daemon as manager.")
        @OptionGroup var global: GlobalOptions
        @Option(help: "The address other nodes reach this one at, e.g. 10.231.0.1.") var advertiseAddr: String?
        @Option(help: "Where to listen for cluster traffic.") var listenAddr = "0.0.0.0:2377"
        @Option(help: "An address pool for overlay networks, a private CIDR (repeatable).") var defaultAddrPool: [String] = []
        @Flag(help: "Print only the node ID.") var quiet = false

        func run() async throws {
            do {
                let docker = try global.client()
                let state = try await docker.swarm.localState()
                if state.isActive, state.controlAvailable == true {
                    let swarm = try await docker.swarm.inspect()
                    if !quiet { print("already the manager of swarm \(swarm.id) (node \(state.nodeID ?? "?"))") }
                    return
                }
                for pool in defaultAddrPool { try requirePrivate(pool) }
                let id = try await docker.swarm.initialize(SwarmInit(
                    listenAddr: listenAddr, advertiseAddr: advertiseAddr,
                    defaultAddrPool: defaultAddrPool.isEmpty ? nil : defaultAddrPool,
                    subnetSize: defaultAddrPool.isEmpty ? nil : 24))
                print(quiet ? id : "swarm initialized: this node (\(id)) is a manager")
            } catch {
                throw fail(error)
            }
        }
    }

    /// `swarm join`: joins the swarm of `--manager`, taking the token from it (it never appears in arguments).
    struct Join: AsyncParsableCommand {
        static let configuration = CommandConfiguration(commandName: "join", abstract: "Join the swarm a manager daemon runs.")
        @OptionGroup var global: GlobalOptions
        @Option(help: "The manager's daemon, e.g. unix:///run/lab/h1/docker.sock (the join token is read from it).")
        var manager: String
        @Option(help: "The manager's cluster address, HOST:PORT (default: the address it advertises).") var remoteAddr: String?
        @Option(help: "The address other nodes reach this one at.") var advertiseAddr: String?
        @Option(help: "worker or manager.") var role = "worker"
        @Option(help: "Join attempts (a join can time out once and succeed after a leave).") var attempts = 3
        @Flag(help: "Print nothing on success.") var quiet = false

        func run() async throws {
            do {
                guard let role = NodeSpec.Role(rawValue: role) else {
                    throw DockerError.invalidArgument("--role must be worker or manager, not \(role)")
                }
                let managerClient = try DockerClient(host: try DockerHost(url: manager))
                let managerState = try await managerClient.swarm.localState()
                guard managerState.isActive, managerState.controlAvailable == true else {
                    throw DockerError.invalidArgument("\(manager) is not a swarm manager (state \(managerState.localNodeState ?? "?"))")
                }
                guard let remote = remoteAddr ?? managerState.nodeAddr.map({ "\($0):2377" }) else {
                    throw DockerError.invalidArgument("\(manager) advertises no address: give --remote-addr")
                }
                let tokens = try await managerClient.swarm.joinTokens()
                let docker = try global.client()
                let request = SwarmJoin(remoteAddrs: [remote], joinToken: role == .manager ? tokens.manager : tokens.worker,
                                        advertiseAddr: advertiseAddr)
                try await docker.swarm.join(request, attempts: attempts)
                let state = try await docker.swarm.localState()
                if !quiet { print("joined the swarm at \(remote) as \(role.rawValue) (node \(state.nodeID ?? "?"))") }
            } catch {
                throw fail(error)
            }
        }
    }

    /// `swarm role NODE manager|worker`: promotes or demotes a node (by hostname or ID); nothing when it has that role.
    struct Role: AsyncParsableCommand {
        static let configuration = CommandConfiguration(commandName: "role", abstract: "Promote a node to manager or demote it to worker.")
        @OptionGroup var global: GlobalOptions
        @Argument(help: "The node's hostname or ID.") var node: String
        @Argument(help: "manager or worker.") var role: String
        @Option(help: "Seconds to wait until a promoted node is a reachable manager (or a demoted one is none).") var wait = 60
        @Flag(help: "Print nothing on success.") var quiet = false

        func run() async throws {
            do {
                guard let role = NodeSpec.Role(rawValue: role) else {
                    throw DockerError.invalidArgument("the role is manager or worker, not \(role)")
                }
                let docker = try global.client()
                let target = try await Self.find(node, docker)
                if target.spec.role != role {
                    try await docker.nodes.update(target.id, role: role)
                }
                // Bounded: a promotion takes effect once the node has joined the raft group.
                let polls = max(1, wait * 4)
                for attempt in 0..<polls {
                    let current = try await docker.nodes.inspect(target.id)
                    let done = role == .manager ? current.managerStatus?.reachability == "reachable" : current.managerStatus == nil
                    if done { break }
                    if attempt == polls - 1 {
                        throw DockerError.timedOut(seconds: Double(wait), call: "swarm role \(node) \(role.rawValue)")
                    }
                    try await Task.sleep(for: .milliseconds(250))
                }
                if !quiet { print("\(node) is a \(role.rawValue)") }
            } catch {
                throw fail(error)
            }
        }

        /// The node whose hostname or ID is `name` (exactly one).
        static func find(_ name: String, _ docker: DockerClient) async throws -> Node {
            var matches = try await docker.nodes.list().filter { $0.id == name || $0.hostname == name }
            if matches.count > 1 { matches = matches.filter { $0.status?.state == "ready" } }  // a left node stays listed as down
            guard matches.count == 1, let node = matches.first else {
                throw DockerError.invalidArgument(matches.isEmpty ? "no node \(name) in the swarm" : "\(matches.count) nodes are called \(name): give its ID")
            }
            return node
        }
    }

    /// `swarm ls`: the nodes.
    struct Nodes: AsyncParsableCommand {
        static let configuration = CommandConfiguration(commandName: "ls", abstract: "List the swarm's nodes.")
        @OptionGroup var global: GlobalOptions
        @Flag(help: "Print JSON.") var json = false

        func run() async throws {
            do {
                let nodes = try await global.client().nodes.list().sorted { ($0.hostname ?? "") < ($1.hostname ?? "") }
                if json { try printJSON(nodes); return }
                print(row(["ID", "HOSTNAME", "STATUS", "AVAILABILITY", "MANAGER", "ADDRESS"], [27, 10, 8, 13, 10]))
                for node in nodes {
                    let manager = node.managerStatus.map { $0.leader == true ? "Leader" : ($0.reachability ?? "") } ?? ""
                    print(row([node.id, node.hostname ?? "", node.status?.state ?? "", node.spec.availability?.rawValue ?? "",
                               manager, node.status?.addr ?? ""], [27, 10, 8, 13, 10]))
                }
            } catch {
                throw fail(error)
            }
        }
    }

    /// `swarm services`: the services with their task counts.
    struct Services: AsyncParsableCommand {
        static let configuration = CommandConfiguration(commandName: "services", abstract: "List the swarm's services.")
        @OptionGroup var global: GlobalOptions
        @Flag(help: "Print JSON.") var json = false

        func run() async throws {
            do {
                let services = try await global.client().services.list(status: true).sorted { ($0.name ?? "") < ($1.name ?? "") }
                if json { try printJSON(services); return }
                print(row(["ID", "NAME", "MODE", "REPLICAS", "IMAGE"], [27, 32, 12, 10]))
                for service in services {
                    let mode = service.spec.mode?.replicated != nil ? "replicated" : service.spec.mode?.global != nil ? "global" : "job"
                    let counts = service.serviceStatus.map { "\($0.runningTasks ?? 0)/\($0.desiredTasks ?? 0)" } ?? "?"
                    print(row([service.id, service.name ?? "", mode, counts, service.spec.taskTemplate.containerSpec?.image ?? ""],
                              [27, 32, 12, 10]))
                }
            } catch {
                throw fail(error)
            }
        }
    }

    /// `swarm tasks [--service S]`: tasks with the host each runs on.
    struct Tasks: AsyncParsableCommand {
        static let configuration = CommandConfiguration(commandName: "tasks", abstract: "List tasks and their nodes.")
        @OptionGroup var global: GlobalOptions
        @Option(help: "Only this service's tasks.") var service: String?
        @Flag(help: "Print JSON.") var json = false

        func run() async throws {
            do {
                let docker = try global.client()
                var filters = Filters()
                if let service { filters.add("service", service) }
                let tasks = try await docker.tasks.list(filters: filters)
                if json { try printJSON(tasks); return }
                let hosts = Dictionary(try await docker.nodes.list().map { ($0.id, $0.hostname ?? $0.id) }, uniquingKeysWith: { a, _ in a })
                let names = Dictionary(try await docker.services.list().map { ($0.id, $0.name ?? $0.id) }, uniquingKeysWith: { a, _ in a })
                print(row(["ID", "SERVICE.SLOT", "NODE", "DESIRED", "CURRENT", "ERROR"], [27, 36, 8, 10, 10]))
                for task in tasks.sorted(by: { ($0.serviceID ?? "", $0.slot ?? 0) < ($1.serviceID ?? "", $1.slot ?? 0) }) {
                    let name = "\(names[task.serviceID ?? ""] ?? "?").\(task.slot.map(String.init) ?? "-")"
                    print(row([task.id, name, hosts[task.nodeID ?? ""] ?? "-", task.desiredState ?? "", task.status?.state ?? "",
                               task.status?.err ?? ""], [27, 36, 8, 10, 10]))
                }
            } catch {
                throw fail(error)
            }
        }
    }

    /// `swarm leave [--force]`.
    struct Leave: AsyncParsableCommand {
        static let configuration = CommandConfiguration(commandName: "leave", abstract: "Leave the swarm.")
        @OptionGroup var global: GlobalOptions
        @Flag(help: "Leave even as a manager (the last manager ends the swarm).") var force = false

        func run() async throws {
            do {
                try await global.client().swarm.leave(force: force)
                print("left the swarm")
            } catch {
                throw fail(error)
            }
        }
    }
}

/// Columns padded to `widths` (the last one unpadded).
private func row(_ columns: [String], _ widths: [Int]) -> String {
    var line = ""
    for (index, column) in columns.enumerated() {
        if index < widths.count {
            line += column.padding(toLength: max(widths[index], column.count + 1), withPad: " ", startingAt: 0)
        } else {
            line += column
        }
    }
    return line
}

/// Refuses a CIDR outside the private ranges (10/8, 172.16/12, 192.168/16).
private func requirePrivate(_ cidr: String) throws {
    let parts = cidr.split(separator: "/").first.map { $0.split(separator: ".").compactMap { Int($0) } } ?? []
    guard parts.count == 4 else { throw DockerError.invalidArgument("\(cidr) is not an IPv4 CIDR") }
    let ok = parts[0] == 10 || (parts[0] == 172 && (16...31).contains(parts[1])) || (parts[0] == 192 && parts[1] == 168)
    guard ok else { throw DockerError.invalidArgument("\(cidr) is not a private range (10/8, 172.16/12, 192.168/16)") }
}
