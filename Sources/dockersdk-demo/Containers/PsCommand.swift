import ArgumentParser
import DockerSDK
import Foundation

/// `dockersdk-demo ps`: lists containers.
struct PsCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "ps", abstract: "List containers.")

    @OptionGroup var global: GlobalOptions
    @Flag(name: .shortAndLong, help: "Include stopped containers.") var all = false
    @Option(help: "Only containers with this label (key or key=value).") var label: String?
    @Flag(help: "Print JSON.") var json = false

    func run() async throws {
        do {
            let docker = try global.client()
            var filters = Filters()
            if let label { filters.add("label", label) }
            let containers = try await docker.containers.list(all: all, filters: filters)
            if json {
                try printJSON(containers)
                return
            }
            print("CONTAINER ID   IMAGE                          STATUS                    NAMES")
            for c in containers {
                let id = String(c.id.prefix(12))
                print("\(id.padding(toLength: 15, withPad: " ", startingAt: 0))"
                    + "\(c.image.padding(toLength: 31, withPad: " ", startingAt: 0))"
                    + "\((c.status ?? c.containerStatus.rawValue).padding(toLength: 26, withPad: " ", startingAt: 0))\(c.name ?? "")")
            }
        } catch {
            throw fail(error)
        }
    }
}
