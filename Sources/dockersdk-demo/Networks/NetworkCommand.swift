import ArgumentParser
import DockerSDK
import Foundation

/// `dockersdk-demo network ls|inspect|create|connect|disconnect|rm`, like `docker network`.
struct NetworkCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "network", abstract: "Manage networks.",
        subcommands: [List.self, Inspect.self, Create.self, Connect.self, Disconnect.self, Remove.self])

    struct List: AsyncParsableCommand {
        static let configuration = CommandConfiguration(commandName: "ls", abstract: "List networks.")
        @OptionGroup var global: GlobalOptions
        @Option(help: "Only networks with this label (key or key=value).") var label: String?
        @Flag(help: "Print JSON.") var json = false
        func run() async throws {
            do {
                var filters = Filters()
                if let label { filters.add("label", label) }
                let networks = try await global.client().networks.list(filters: filters)
                if json { return try printJSON(networks) }
                print("NETWORK ID     NAME                      DRIVER    SUBNETS")
                for n in networks.sorted(by: { $0.name < $1.name }) {
                    print(String(n.id.prefix(12)).padding(toLength: 15, withPad: " ", startingAt: 0)
                        + n.name.padding(toLength: 26, withPad: " ", startingAt: 0)
                        + (n.driver ?? "").padding(toLength: 10, withPad: " ", startingAt: 0)
                        + n.subnets.compactMap(\.subnet).joined(separator: ","))
                }
            } catch { throw fail(error) }
        }
    }

    struct Inspect: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Show a network as JSON.")
        @OptionGroup var global: GlobalOptions
        @Argument(help: "The network's name or ID.") var network: String
        func run() async throws {
            do { try printJSON(try await global.client().networks.inspect(network)) } catch { throw fail(error) }
        }
    }

    struct Create: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Create a network.")
        @OptionGroup var global: GlobalOptions
        @Option(help: "The driver.") var driver = "bridge"
        @Option(help: "A subnet in CIDR form.") var subnet: String?
        @Option(help: "The gateway.") var gateway: String?
        @Option(help: "The range containers get addresses from.") var ipRange: String?
        @Flag(help: "No outside access.") var `internal` = false
        @Option(help: "A label, key=value (repeatable).") var label: [String] = []
        @Argument(help: "The network's name.") var name: String
        @Flag(help: "Print JSON.") var json = false
        func run() async throws {
            do {
                var labels: [String: String] = [:]
                for entry in label {
                    let parts = entry.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false).map(String.init)
                    guard let key = parts.first, !key.isEmpty else {
                        throw DockerError.invalidArgument("--label \"\(entry)\" needs a key: key=value")
                    }
                    labels[key] = parts.count > 1 ? parts[1] : ""
                }
                let subnets = subnet.map { [IPAMConfig(subnet: $0, ipRange: ipRange, gateway: gateway)] } ?? []
                if subnet == nil, gateway != nil || ipRange != nil {
                    throw DockerError.invalidArgument("--gateway and --ip-range need --subnet")
                }
                let created = try await global.client().networks.create(NetworkCreate(
                    name: name, driver: driver, subnets: subnets, internal: `internal` ? true : nil,
                    labels: labels.isEmpty ? nil : labels))
                if json { return try printJSON(created) }
                print(created.id)
            } catch { throw fail(error) }
        }
    }

    struct Connect: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Connect a container to a network.")
        @OptionGroup var global: GlobalOptions
        @Option(help: "A DNS alias on the network (repeatable).") var alias: [String] = []
        @Option(help: "A static IPv4 address.") var ip: String?
        @Argument(help: "The network.") var network: String
        @Argument(help: "The container.") var container: String
        func run() async throws {
            do {
                let config = (alias.isEmpty && ip == nil) ? nil : EndpointSettings(ipv4Address: ip, aliases: alias.isEmpty ? nil : alias)
                try await global.client().networks.connect(network: network, container: container, config: config)
            } catch { throw fail(error) }
        }
    }

    struct Disconnect: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Disconnect a container from a network.")
        @OptionGroup var global: GlobalOptions
        @Flag(name: .shortAndLong, help: "Force it.") var force = false
        @Argument(help: "The network.") var network: String
        @Argument(help: "The container.") var container: String
        func run() async throws {
            do { try await global.client().networks.disconnect(network: network, container: container, force: force) }
            catch { throw fail(error) }
        }
    }

    struct Remove: AsyncParsableCommand {
        static let configuration = CommandConfiguration(commandName: "rm", abstract: "Remove networks.")
        @OptionGroup var global: GlobalOptions
        @Argument(help: "Networks.") var networks: [String]
        @Flag(help: "Print the removed networks as a JSON array.") var json = false
        func run() async throws {
            do {
                let docker = try global.client()
                for network in networks {
                    try await docker.networks.remove(network)
                    if !json { print(network) }
                }
                if json { try printJSON(networks) }
            } catch { throw fail(error) }
        }
    }
}
