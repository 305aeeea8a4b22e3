import ArgumentParser
import DockerSDK
import Foundation

/// `dockersdk-demo rm`: removes containers.
struct RmCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "rm", abstract: "Remove containers.")

    @OptionGroup var global: GlobalOptions
    @Flag(name: .shortAndLong, help: "Kill running containers first.") var force = false
    @Argument(help: "Containers.") var containers: [String]

    func run() async throws {
        do {
            let docker = try global.client()
            for container in containers {
                try await docker.containers.remove(container, force: force)
                print(container)
            }
        } catch {
            throw fail(error)
        }
    }
}
