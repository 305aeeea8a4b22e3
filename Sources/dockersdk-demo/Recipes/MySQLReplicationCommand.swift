import ArgumentParser
import DockerRecipes
import DockerSDK
import Foundation

/// `dockersdk-demo mysql-replication ...`: seed 000's MySQL source/replica replication, verified.
struct MySQLReplicationCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "mysql-replication", abstract: "Deploy and verify MySQL/MariaDB replication.",
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
        static let configuration = CommandConfiguration(abstract: "Show the source's position and each replica's threads.")
        @OptionGroup var global: GlobalOptions
        @OptionGroup var options: DeploymentOptions
        @Flag(help: "Print JSON.") var json = false
        func run() async throws {
            do {
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
        @Flag(help: "Print JSON.") var json = false
        func run() async throws {
            let report: MySQLVerifyReport
            do {
                report = try await options.replication(try global.client()).verify(progress: json ? .silent : .terminal)
                if json { try printJSON(report) } else {
                    print("\(report.rowsWritten) rows replicated to \(report.rowsRead.count) replica(s); writes on replicas refused: \(report.replicaWriteRefused.count)")
                }
            } catch { throw fail(error) }
            if !report.passed { throw ExitCode.failure }
        }
    }

    struct Down: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Remove the servers, network and volumes.")
        @OptionGroup var global: GlobalOptions
        @OptionGroup var options: DeploymentOptions
        @Flag(help: "Print JSON.") var json = false
        func run() async throws {
            do {
                let removed = try await options.replication(try global.client()).down(progress: json ? .silent : .terminal)
                if json { return try printJSON(removed) }
                print("removed \(removed.containers.count) containers, \(removed.networks.count) networks, \(removed.volumes.count) volumes")
            } catch { throw fail(error) }
        }
    }
}
