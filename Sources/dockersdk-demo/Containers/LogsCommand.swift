import ArgumentParser
import DockerSDK
import Foundation

/// `dockersdk-demo logs`: the container's stdout to stdout and stderr to stderr, like `docker logs`.
struct LogsCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "logs", abstract: "Print a container's output.")

    @OptionGroup var global: GlobalOptions
    @Flag(name: .shortAndLong, help: "Keep following new output.") var follow = false
    @Flag(name: .shortAndLong, help: "Prefix lines with timestamps.") var timestamps = false
    @Option(help: "Only the last N lines.") var tail: Int?
    @Argument(help: "The container.") var container: String

    func run() async throws {
        do {
            let docker = try global.client()
            let options = LogsOptions(follow: follow, timestamps: timestamps, tail: tail)
            for try await chunk in try await docker.containers.logs(container, options: options) {
                Terminal.write(chunk)
            }
        } catch {
            throw fail(error)
        }
    }
}
