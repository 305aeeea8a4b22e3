import ArgumentParser
import DockerRecipes
import DockerSDK
import Foundation

/// `dockersdk-demo mysql-replication ...`: seed 000's MySQL source/replica replication, verified.
struct MySQLReplicationCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "mysql-replication", abstract: "Deploy and verify MySQL/MariaDB replication (on one daemon, or with --swarm across a swarm's hosts).",
        discussion: """
        With --swarm and --host naming a manager's daemon (e.g. the lab's
        unix:///run/lab/h1/docker.sock): the source on one host, each replica on
        another (one service each, pinned by node.hostname, host networking on
        port 3306); the root password goes in swarm secrets only. The image must
        be on every host (scripts/lab.sh: LAB_IMAGES).
        """,
        subcommands: [Up.self, Status.self, Verify.self, Down.self])

    /// Options that find or shape a deployment.
    struct DeploymentOptions: ParsableArguments {
        @Option(help: "Replicas.") var replicas = 1
        @Option(help: "The image (default: dockersdk/mariadb:10.11 when present, else mysql:8.0).") var image: String?
        @Option(help: "binlog or gtid.") var mode = "binlog"
        @Option(help: "The root password (visible to ps: prefer the environment variable MYSQL_ROOT_PASSWORD; default: generated).")
        var rootPassword: String?
        @Option(help: "The source's port on 127.0.0.1; replicas take the next ones.") var sourcePort = 3307
        @Option(help: "Container names start with it; it names the deployment.") var namePrefix = "mysql"

        /// A new swarm deployment over the ready hosts of the swarm `global.host` manages.
        func swarmReplication(_ global: GlobalOptions, _ selection: SwarmSelection) async throws -> MySQLReplicationSwarm {
            let manager = try swarmManager(global)
            guard let replicationMode = ReplicationMode(rawValue: mode == "binlog" ? "binlogPosition" : mode) else {
                throw DockerError.invalidArgument("--mode is binlog or gtid, not \(mode)")
            }
            let password = rootPassword ?? ProcessInfo.processInfo.environment["MYSQL_ROOT_PASSWORD"]
            return try MySQLReplicationSwarm(
                manager: manager, hosts: try await swarmHosts(manager, socketTemplate: selection.socketTemplate, readyOnly: true),
                replicas: replicas, prefix: namePrefix, image: image ?? MySQLReplicationPlan.devImage,
                rootPassword: password.map { Secret($0) }, mode: replicationMode)
        }

        /// The swarm deployment `namePrefix`; `notFound` when there is none.
        func deployedSwarm(_ global: GlobalOptions, _ selection: SwarmSelection) async throws -> MySQLReplicationSwarm {
            let manager = try swarmManager(global)
            let hosts = try await swarmHosts(manager, socketTemplate: selection.socketTemplate, readyOnly: false)
            guard let found = try await MySQLReplicationSwarm.deployed(manager: manager, hosts: hosts, prefix: namePrefix) else {
                throw DockerError.notFound(message: "no replication \(namePrefix) on the swarm (run `mysql-replication up --swarm` first)")
            }
            return found
        }

        func swarmManager(_ global: GlobalOptions) throws -> DockerClient {
            guard global.host != nil else {
                throw ValidationError("--swarm needs --host naming a manager's daemon, e.g. unix:///run/lab/h1/docker.sock")
            }
            return try global.client()
        }

        func replication(_ docker: DockerClient) async throws -> MySQLReplication {
            guard let replicationMode = ReplicationMode(rawValue: mode == "binlog" ? "binlogPosition" : mode) else {
                throw DockerError.invalidArgument("--mode is binlog or gtid, not \(mode)")
            }
            let password = rootPassword ?? ProcessInfo.processInfo.environment["MYSQL_ROOT_PASSWORD"]
            return try await MySQLReplication(docker: docker, options: MySQLReplicationOptions(
                image: image, replicas: replicas, rootPassword: password.map { Secret($0) }, mode: replicationMode,
                sourcePort: sourcePort, namePrefix: namePrefix))
        }
    }

    struct Up: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Create the servers and start replication.")
        @OptionGroup var global: GlobalOptions
        @OptionGroup var options: DeploymentOptions
        @OptionGroup var selection: SwarmSelection
        @Flag(help: "Print JSON.") var json = false
        /// What `--json` prints.
        struct Result: Encodable {
            let name: String
            let created: Bool
            let flavor: String?
            let seconds: Double?
        }
        func run() async throws {
            do {
                if selection.swarm {
                    let status = try await options.swarmReplication(global, selection).up(progress: json ? .silent : .terminal)
                    return json ? try printJSON(status) : printSwarmStatus(status)
                }
                let outcome = try await options.replication(try global.client()).up(progress: json ? .silent : .terminal)
                if json {
                    if case let .created(flavor, seconds) = outcome {
                        return try printJSON(Result(name: options.namePrefix, created: true, flavor: "\(flavor)", seconds: seconds))
                    }
                    return try printJSON(Result(name: options.namePrefix, created: false, flavor: nil, seconds: nil))
                }
                switch outcome {
                case let .created(flavor, seconds): print(String(format: "replication %@ is up on %@ (%.1f s)", options.namePrefix, flavor, seconds))
                case .alreadyRunning: print("replication \(options.namePrefix) was already up and healthy: nothing changed")
                }
            } catch { throw fail(error) }
        }
    }

    struct Status: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Show the source's position and each replica's threads (with --swarm: and each server's host).")
        @OptionGroup var global: GlobalOptions
        @OptionGroup var options: DeploymentOptions
        @OptionGroup var selection: SwarmSelection
        @Flag(help: "Print JSON.") var json = false
        func run() async throws {
            do {
                if selection.swarm {
                    let status = try await options.deployedSwarm(global, selection).status()
                    return json ? try printJSON(status) : printSwarmStatus(status)
                }
                let status = try await options.replication(try global.client()).status()
                if json { return try printJSON(status) }
                print("source \(status.source): \(status.sourceLogFile ?? "?") \(status.sourcePosition.map(String.init) ?? "?")")
                if let endpoints = status.endpoints {
                    print("endpoints: source \(endpoints.source), replicas \(endpoints.replicas.joined(separator: " "))")
                }
                for replica in status.replicas {
                    guard let s = replica.status else { print("\(replica.container): not replicating"); continue }
                    print("\(replica.container): IO \(s.ioRunning), SQL \(s.sqlRunning), behind \(s.secondsBehind.map(String.init) ?? "?") s"
                        + (s.lastIOError.map { "; Last_IO_Error: \($0)" } ?? ""))
                }
            } catch { throw fail(error) }
        }
    }

    struct Verify: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Write on the source, read on every replica, check read_only.")
        @OptionGroup var global: GlobalOptions
        @OptionGroup var options: DeploymentOptions
        @OptionGroup var selection: SwarmSelection
        @Flag(help: "Print JSON.") var json = false
        func run() async throws {
            let report: MySQLVerifyReport
            do {
                report = selection.swarm
                    ? try await options.deployedSwarm(global, selection).verify(progress: json ? .silent : .terminal)
                    : try await options.replication(try global.client()).verify(progress: json ? .silent : .terminal)
                if json { try printJSON(report) } else {
                    print("\(report.rowsWritten) rows replicated to \(report.rowsRead.count) replica(s); writes on replicas refused: \(report.replicaWriteRefused.count)")
                }
            } catch { throw fail(error) }
            if !report.passed { throw ExitCode.failure }
        }
    }

    struct Down: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Remove the servers, network and volumes (with --swarm: services, volumes, secrets, configs).")
        @OptionGroup var global: GlobalOptions
        @OptionGroup var options: DeploymentOptions
        @OptionGroup var selection: SwarmSelection
        @Flag(help: "Print JSON.") var json = false
        func run() async throws {
            do {
                if selection.swarm {
                    let manager = try options.swarmManager(global)
                    let hosts = try await swarmHosts(manager, socketTemplate: selection.socketTemplate, readyOnly: false)
                    guard let found = try await MySQLReplicationSwarm.deployed(manager: manager, hosts: hosts, prefix: options.namePrefix) else {
                        return json ? try printJSON(["removed": false]) : print("no replication \(options.namePrefix) on the swarm: nothing to remove")
                    }
                    try await found.down(progress: json ? .silent : .terminal)
                    return json ? try printJSON(["removed": true]) : print("removed \(found.plan.servers.count) services of \(options.namePrefix)")
                }
                let removed = try await options.replication(try global.client()).down(progress: json ? .silent : .terminal)
                if json { return try printJSON(removed) }
                print("removed \(removed.containers.count) containers, \(removed.networks.count) networks, \(removed.volumes.count) volumes")
            } catch { throw fail(error) }
        }
    }
}

/// Which host holds which server, and each replica's threads.
private func printSwarmStatus(_ status: MySQLSwarmStatus) {
    for server in status.servers {
        let replica = status.replication.replicas.first { $0.container == server.name }
        let threads = replica.map { r in r.status.map { "IO \($0.ioRunning), SQL \($0.sqlRunning), behind \($0.secondsBehind.map(String.init) ?? "?") s" } ?? "not replicating" }
        print("\(server.name)\t\(server.host)\t\(server.address)\t\(server.role)" + (threads.map { "\t\($0)" } ?? ""))
    }
    print("source position: \(status.replication.sourceLogFile ?? "?") \(status.replication.sourcePosition.map(String.init) ?? "?")")
}
