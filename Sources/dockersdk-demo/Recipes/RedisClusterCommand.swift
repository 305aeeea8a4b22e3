import ArgumentParser
import DockerRecipes
import DockerSDK
import Foundation

/// `dockersdk-demo redis-cluster ...`: seed 000's Redis Cluster, deployed, checked, failed over, scaled.
struct RedisClusterCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "redis-cluster", abstract: "Deploy and exercise a Redis Cluster.",
        subcommands: [Up.self, Status.self, Check.self, Redirect.self, Failover.self, ScaleOut.self, ScaleIn.self, Down.self])

    /// Options that find or shape a cluster.
    struct ClusterOptions: ParsableArguments {
        @Option(help: "Masters (>= 3).") var masters = 3
        @Option(help: "Replicas per master.") var replicas = 1
        @Option(help: "host or bridge.") var mode = "bridge"
        @Option(help: "First client port in host mode.") var basePort = 6381
        @Option(help: "Private subnet in bridge mode.") var subnet = "10.213.38.0/24"
        @Option(help: "The image (default: dockersdk/redis:7 when present, else redis:7).") var image: String?
        @Option(help: "Container names start with it; it names the deployment.") var namePrefix = "redis"
        @Option(help: "cluster-node-timeout in ms.") var nodeTimeout = 5000
        @Option(help: "Bridge mode: publish node i on 127.0.0.1:(N+i), announced, for clients on the host.") var loopbackBasePort: Int?

        func cluster(_ docker: DockerClient) async throws -> RedisCluster {
            let clusterMode: RedisClusterOptions.Mode
            switch mode {
            case "host": clusterMode = .hostNetwork(basePort: basePort, announceIP: "127.0.0.1")
            case "bridge": clusterMode = .bridge(network: nil, subnet: subnet)
            default: throw DockerError.invalidArgument("--mode is host or bridge, not \(mode)")
            }
            return try await RedisCluster(docker: docker, options: RedisClusterOptions(
                masters: masters, replicasPerMaster: replicas, image: image, mode: clusterMode,
                nodeTimeoutMs: nodeTimeout, namePrefix: namePrefix, loopbackBasePort: loopbackBasePort))
        }
    }

    struct Up: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Create the nodes and form the cluster.")
        @OptionGroup var global: GlobalOptions
        @OptionGroup var options: ClusterOptions
        @Flag(help: "Print JSON.") var json = false
        func run() async throws {
            do {
                let cluster = try await options.cluster(try global.client())
                let outcome = try await cluster.up(progress: json ? .silent : .terminal)
                if json {
                    if case .created(let seconds) = outcome {
                        return try printJSON(UpResult(name: options.namePrefix, created: true, seconds: seconds))
                    }
                    return try printJSON(UpResult(name: options.namePrefix, created: false, seconds: nil))
                }
                switch outcome {
                case .created(let seconds): print(String(format: "cluster %@ is up (%.1f s)", options.namePrefix, seconds))
                case .alreadyRunning: print("cluster \(options.namePrefix) was already up and healthy: nothing changed")
                }
            } catch { throw fail(error) }
        }
    }

    /// What `up --json` prints.
    struct UpResult: Encodable {
        let name: String
        let created: Bool
        let seconds: Double?
    }

    struct Status: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Show the topology.")
        @OptionGroup var global: GlobalOptions
        @OptionGroup var options: ClusterOptions
        @Flag(help: "Print JSON.") var json = false
        func run() async throws {
            do {
                let status = try await options.cluster(try global.client()).status()
                if json { return try printJSON(status) }
                if let info = status.info {
                    print("cluster_state:\(info.state.rawValue) slots_assigned:\(info.slotsAssigned) known_nodes:\(info.knownNodes)")
                }
                for node in status.nodes {
                    let c = node.cluster
                    let slots = c.map { SlotRanges.format($0.slots) } ?? ""
                    print("\(node.container)\t\(node.address)\t\(node.containerState)\t\(c?.role.rawValue ?? "?")\t\(c?.id.prefix(8) ?? "")\t\(slots)")
                }
                if !status.endpoints.isEmpty { print("endpoints: \(status.endpoints.joined(separator: " "))") }
            } catch { throw fail(error) }
        }
    }

    /// What `check --json` prints.
    struct CheckReport: Encodable {
        let ok: Bool
        let problems: [RedisClusterIssue]
        let messages: [String]

        init(ok: Bool, problems: [RedisClusterIssue]) {
            self.ok = ok
            self.problems = problems
            messages = problems.map(\.description)
        }
    }

    struct Check: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Check like redis-cli --cluster check.")
        @OptionGroup var global: GlobalOptions
        @OptionGroup var options: ClusterOptions
        @Flag(help: "Print JSON.") var json = false
        func run() async throws {
            let problems: [RedisClusterIssue]
            do {
                problems = try await options.cluster(try global.client()).check()
                if json { try printJSON(CheckReport(ok: problems.isEmpty, problems: problems)) }
                else { print(problems.isEmpty ? "[OK] all 16384 slots covered; all nodes agree; no open slots" : problems.map { "[ERR] \($0)" }.joined(separator: "\n")) }
            } catch { throw fail(error) }
            if !problems.isEmpty { throw ExitCode.failure }
        }
    }

    struct Redirect: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Show MOVED without -c and the redirected write with it.")
        @OptionGroup var global: GlobalOptions
        @OptionGroup var options: ClusterOptions
        @Option(help: "The key.") var key = "k1"
        @Flag(help: "Print JSON.") var json = false
        func run() async throws {
            let demo: RedirectDemonstration
            do {
                demo = try await options.cluster(try global.client()).demonstrateRedirect(key: key)
                if json { try printJSON(demo) } else {
                print("set \(key) on \(demo.askedNode): \(demo.redirect?.description ?? "no redirect")")
                print("with -c: \(demo.redirectedReply); get \(key) on \(demo.ownerAddress): \(demo.readBack)")
                }
            } catch { throw fail(error) }
            if !demo.passed { throw ExitCode.failure }
        }
    }

    struct Failover: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Stop the master of a key's slot and watch a replica take over.")
        @OptionGroup var global: GlobalOptions
        @OptionGroup var options: ClusterOptions
        @Option(help: "The key whose master is stopped.") var key = "k1"
        @Option(help: "Keys written before the stop.") var keys = 100
        @Flag(help: "Print JSON.") var json = false
        func run() async throws {
            let report: FailoverReport
            do {
                report = try await options.cluster(try global.client()).failoverDrill(key: key, keyCount: keys, progress: .terminal)
                if json { try printJSON(report) } else {
                    print(String(format: "%@ stopped; %@ promoted after %.1f s (failure detected %.1f s); %d/%d keys read back; %@ rejoined as replica after %.1f s",
                                 report.oldMaster, report.newMaster, report.promotedAfter, report.failureDetectedAfter,
                                 report.keysReadBack, report.keysWritten, report.oldMaster, report.rejoinedAfter))
                }
            } catch { throw fail(error) }
            if !report.passed { throw ExitCode.failure }
        }
    }

    struct ScaleOut: AsyncParsableCommand {
        static let configuration = CommandConfiguration(commandName: "scale-out", abstract: "Add a master and a replica, rebalance.")
        @OptionGroup var global: GlobalOptions
        @OptionGroup var options: ClusterOptions
        @Flag(help: "Print JSON.") var json = false
        func run() async throws {
            let report: ScaleReport
            do {
                report = try await options.cluster(try global.client()).scaleOut(progress: json ? .silent : .terminal)
                if json { try printJSON(report) } else {
                print("added \(report.master) (\(report.masterSlots) slots) and \(report.replica ?? "-"); \(report.keysReadBack)/\(report.keysWritten) keys readable")
                }
            } catch { throw fail(error) }
            if !report.passed { throw ExitCode.failure }
        }
    }

    struct ScaleIn: AsyncParsableCommand {
        static let configuration = CommandConfiguration(commandName: "scale-in", abstract: "Move slots off the added master and remove it and its replica.")
        @OptionGroup var global: GlobalOptions
        @OptionGroup var options: ClusterOptions
        @Flag(help: "Print JSON.") var json = false
        func run() async throws {
            let report: ScaleReport
            do {
                report = try await options.cluster(try global.client()).scaleIn(progress: json ? .silent : .terminal)
                if json { try printJSON(report) } else {
                print("removed \(report.master) and \(report.replica ?? "-"); \(report.keysReadBack)/\(report.keysWritten) keys readable")
                }
            } catch { throw fail(error) }
            if !report.passed { throw ExitCode.failure }
        }
    }

    struct Down: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Remove the cluster's containers, network and volumes.")
        @OptionGroup var global: GlobalOptions
        @OptionGroup var options: ClusterOptions
        @Flag(help: "Print JSON.") var json = false
        func run() async throws {
            do {
                let removed = try await options.cluster(try global.client()).down(progress: json ? .silent : .terminal)
                if json { return try printJSON(removed) }
                print("removed \(removed.containers.count) containers, \(removed.networks.count) networks, \(removed.volumes.count) volumes")
            } catch { throw fail(error) }
        }
    }
}
