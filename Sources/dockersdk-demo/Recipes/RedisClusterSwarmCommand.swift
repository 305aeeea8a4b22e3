import ArgumentParser
import DockerRecipes
import DockerSDK
import Foundation

/// `dockersdk-demo redis-cluster-swarm ...`: the Redis Cluster across a swarm's hosts (e.g. the lab of
/// `scripts/lab.sh up 3`), one host per replica away from its master, and the loss of a whole host.
struct RedisClusterSwarmCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "redis-cluster-swarm", abstract: "Deploy a Redis Cluster across a swarm's hosts and lose one.",
        subcommands: [Up.self, Status.self, HostLoss.self, Down.self])

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

        /// The recipe, with the hosts read from the manager's node list (hostname and address).
        func cluster() async throws -> RedisClusterSwarm {
            let manager = try DockerClient(host: try DockerHost(url: host))
            let nodes = try await manager.nodes.list().filter { $0.status?.state == "ready" }
                .sorted { ($0.hostname ?? "") < ($1.hostname ?? "") }
            let hosts = try nodes.map { node -> SwarmHost in
                guard let name = node.hostname, let address = node.status?.addr else {
                    throw DockerError.malformedResponse("node \(node.id) has no hostname or address")
                }
                let url = socketTemplate.replacingOccurrences(of: "%h", with: name)
                return SwarmHost(name: name, address: address, docker: try DockerClient(host: try DockerHost(url: url)))
            }
            return try RedisClusterSwarm(manager: manager, hosts: hosts, prefix: namePrefix, masters: masters,
                                         replicasPerMaster: replicas, basePort: basePort, image: image, nodeTimeoutMs: nodeTimeout)
        }
    }

    struct Up: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Create the services and form the cluster.")
        @OptionGroup var options: SwarmOptions
        @Flag(help: "Print the status as JSON.") var json = false
        func run() async throws {
            do {
                let status = try await options.cluster().up(progress: .terminal)
                if json { try printJSON(status) } else { printStatus(status) }
            } catch { throw fail(error) }
        }
    }

    struct Status: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Which host holds which node, its role and address.")
        @OptionGroup var options: SwarmOptions
        @Flag(help: "Print JSON.") var json = false
        func run() async throws {
            do {
                let status = try await options.cluster().status()
                if json { try printJSON(status) } else { printStatus(status) }
            } catch { throw fail(error) }
        }
    }

    struct HostLoss: AsyncParsableCommand {
        static let configuration = CommandConfiguration(commandName: "host-loss",
                                                        abstract: "Cut one host's link while a writer uses WAIT; check nothing acknowledged is lost.")
        @OptionGroup var options: SwarmOptions
        @Option(help: "The host to lose, e.g. h2.") var lose: String
        @Option(help: "The host's link on the bridge side, %h standing for the host (the lab's veth).") var linkTemplate = "dsdklab-%h"
        @Flag(help: "Print the report as JSON.") var json = false
        func run() async throws {
            do {
                let link = linkTemplate.replacingOccurrences(of: "%h", with: lose)
                let report = try await options.cluster().hostLossDrill(
                    lose: lose, progress: .terminal,
                    cut: { try setLink(link, "down") }, restore: { try setLink(link, "up") })
                if json { try printJSON(report) } else {
                    print("lost \(report.lostHost): masters \(report.lostMasters.joined(separator: ", ")); promoted \(report.promoted.joined(separator: ", "))")
                    print(String(format: "promoted after %.1f s, cluster ok after %.1f s, rejoined %.1f s after the link came back",
                                 report.promotedAfter, report.clusterOKAfter, report.rejoinedAfter))
                    print("acknowledged writes: \(report.acknowledgedWrites), lost: \(report.lostWrites) -> \(report.passed ? "PASS" : "FAIL")")
                }
                if !report.passed { throw ExitCode.failure }
            } catch let exit as ExitCode {
                throw exit
            } catch { throw fail(error) }
        }
    }

    struct Down: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Remove the services and volumes.")
        @OptionGroup var options: SwarmOptions
        func run() async throws {
            do { try await options.cluster().down(progress: .terminal) } catch { throw fail(error) }
        }
    }
}

private func printStatus(_ status: SwarmRedisStatus) {
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

/// `ip link set LINK up|down` (the lab's veth on the bridge side).
private func setLink(_ link: String, _ state: String) throws {
    guard link.allSatisfy({ $0.isLetter || $0.isNumber || $0 == "-" }), link.count <= 15 else {
        throw DockerError.invalidArgument("\(link) is not a link name")
    }
    let process = Process()
    process.executableURL = URL(fileURLWithPath: FileManager.default.isExecutableFile(atPath: "/usr/sbin/ip") ? "/usr/sbin/ip" : "/sbin/ip")
    process.arguments = ["link", "set", link, state]
    try process.run()
    process.waitUntilExit()
    guard process.terminationStatus == 0 else { throw DockerError.invalidArgument("ip link set \(link) \(state) failed") }
}
