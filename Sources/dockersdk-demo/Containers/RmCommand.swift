import ArgumentParser
import DockerSDK
import Foundation

/// `dockersdk-demo rm`: removes containers.
struct RmCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "rm", abstract: "Remove containers.")

    @OptionGroup var global: GlobalOptions
    @Flag(name: .shortAndLong, help: "Kill running containers first.") var force = false
    @Argument(help: "Containers.") var containers: [String]
    @Flag(help: "Print the removed containers as a JSON array.") var json = false

    func run() async throws {
        do {
            let docker = try global.client()
            var removed: [String] = []
            for container in containers {
                try await docker.containers.remove(container, force: force)
                if !json { print(container) }
                removed.append(container)
            }
            if json { try printJSON(removed) }
        } catch {
            throw fail(error)
        }
    }
}
