import ArgumentParser
import DockerRecipes
import DockerSDK
import Foundation

/// `dockersdk-demo redis-cluster ...`: seed 000's Redis Cluster, deployed, checked, failed over, scaled.
struct RedisClusterCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "redis-cluster", abstract: "Deploy and exercise a Redis Cluster (on one daemon, or with --swarm across a swarm's hosts).",
        discussion: """
        With --swarm and --host naming a manager's daemon (e.g. the lab's
        unix:///run/lab/h1/docker.sock): up, status, check, down, scale-out --onto hN
        and host-loss --lose hN deploy and exercise the cluster across the swarm's
        hosts (one service per node, host networking on each host's address).
        """,
        subcommands: [Up.self, Status.self, Check.self, Redirect.self, Failover.self, ScaleOut.self, ScaleIn.self, HostLoss.self, Down.self])

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
        @OptionGroup var selection: SwarmSelection
        @Flag(help: "Print JSON.") var json = false
        func run() async throws {
            do {
                if selection.swarm { return try await SwarmRedisDemo(global: global, options: options, selection: selection).up(json: json) }
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
        static let configuration = CommandConfiguration(abstract: "Show the topology (with --swarm: each node's host, role and IP:PORT).")
        @OptionGroup var global: GlobalOptions
        @OptionGroup var options: ClusterOptions
        @OptionGroup var selection: SwarmSelection
        @Flag(help: "Print JSON.") var json = false
        func run() async throws {
            do {
                if selection.swarm { return try await SwarmRedisDemo(global: global, options: options, selection: selection).status(json: json) }
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
        static let configuration = CommandConfiguration(abstract: "Check like redis-cli --cluster check (with --swarm: and no replica on its master's host).")
        @OptionGroup var global: GlobalOptions
        @OptionGroup var options: ClusterOptions
        @OptionGroup var selection: SwarmSelection
        @Flag(help: "Print JSON.") var json = false
        func run() async throws {
            if selection.swarm {
                do {
                    return try await SwarmRedisDemo(global: global, options: options, selection: selection).check(json: json)
                } catch let exit as ExitCode {
                    throw exit
                } catch { throw fail(error) }
            }
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
        @OptionGroup var selection: SwarmSelection
        @Option(help: "With --swarm: the host for the new master (e.g. h4, added with `scripts/lab.sh up 4`); its replica goes to another host.")
        var onto: String?
        @Flag(help: "Print JSON.") var json = false
        func run() async throws {
            if selection.swarm {
                do {
                    guard let onto else { throw ValidationError("scale-out --swarm needs --onto HOST") }
                    return try await SwarmRedisDemo(global: global, options: options, selection: selection).scaleOut(onto: onto, json: json)
                } catch let exit as ExitCode {
                    throw exit
                } catch { throw fail(error) }
            }
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
        static let configuration = CommandConfiguration(abstract: "Remove the cluster's containers, network and volumes (with --swarm: services and volumes).")
        @OptionGroup var global: GlobalOptions
        @OptionGroup var options: ClusterOptions
        @OptionGroup var selection: SwarmSelection
        @Flag(help: "Print JSON.") var json = false
        func run() async throws {
            do {
                if selection.swarm { return try await SwarmRedisDemo(global: global, options: options, selection: selection).down(json: json) }
                let removed = try await options.cluster(try global.client()).down(progress: json ? .silent : .terminal)
                if json { return try printJSON(removed) }
                print("removed \(removed.containers.count) containers, \(removed.networks.count) networks, \(removed.volumes.count) volumes")
            } catch { throw fail(error) }
        }
    }

    struct HostLoss: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "host-loss",
            abstract: "On a swarm: cut one host's link while a writer uses WAIT; check nothing acknowledged is lost and its nodes rejoin.")
        @OptionGroup var global: GlobalOptions
        @OptionGroup var options: ClusterOptions
        @OptionGroup var selection: SwarmSelection
        @Option(help: "The host to lose, e.g. h1 or h2.") var lose: String
        @Option(help: "The host's link on the bridge side, %h standing for the host (the lab's veth).") var linkTemplate = "dsdklab-%h"
        @Flag(help: "Leave the promoted replicas masters (by default the planned masters take their slots back).") var keepRoles = false
        @Flag(help: "Print the report as JSON.") var json = false
        func run() async throws {
            do {
                // host-loss is a swarm drill: --swarm is implied.
                try await SwarmRedisDemo(global: global, options: options, selection: selection)
                    .hostLoss(lose: lose, linkTemplate: linkTemplate, keepRoles: keepRoles, json: json)
            } catch let exit as ExitCode {
                throw exit
            } catch { throw fail(error) }
        }
    }
}
