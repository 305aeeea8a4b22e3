import ArgumentParser
import DockerSDK
import Foundation

/// `dockersdk-demo export [-o FILE] CONTAINER`: writes a container's file system as a tar archive,
/// like `docker export`, streamed (never held in memory).
struct ExportCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "export",
                                                    abstract: "Export a container's filesystem as a tar archive.")

    @OptionGroup var global: GlobalOptions
    @Option(name: .shortAndLong, help: "Write to a file instead of stdout.") var output: String?
    @Argument(help: "The container.") var container: String

    func run() async throws {
        do {
            let docker = try global.client()
            let started = Date()
            if let output {
                // A spinner with the bytes written on a terminal; in a pipe only the line below when done.
                let bytes = try await DownloadWatcher.withSpinner(title: "exporting \(container) to \(output)", path: output) {
                    try await docker.containers.export(container, to: output)
                }
                let seconds = String(format: "%.1f", Date().timeIntervalSince(started))
                Terminal.err(Data("exported \(container) to \(output): \(bytes) bytes in \(seconds) s\n".utf8))
            } else {
                guard isatty(STDOUT_FILENO) == 0 else {
                    throw DockerError.invalidArgument("cowardly refusing to write a tar archive to a terminal: use -o FILE or a pipe")
                }
                for try await chunk in try await docker.containers.export(container) { Terminal.out(chunk) }
            }
        } catch {
            throw fail(error)
        }
    }
}
