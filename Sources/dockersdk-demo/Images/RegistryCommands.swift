import ArgumentParser
import DockerSDK
import Foundation

/// Prints registry progress: a line each time a layer's status changes (byte counts only on a terminal).
struct LayerProgressPrinter {
    private var last: [String: String] = [:]

    mutating func show(_ event: ProgressEvent) {
        guard let status = event.status else { return }
        guard let id = event.id else {
            Terminal.endProgress()
            print(status)
            return
        }
        if last[id] == status {
            if let bar = event.progress { Terminal.progress("\(id): \(status) \(bar)") }
            return
        }
        last[id] = status
        Terminal.endProgress()
        print("\(id): \(status)")
    }
}

/// The credentials the config file holds for an image's registry (none is anonymous).
func configCredentials(forImage reference: String) throws -> RegistryAuth? {
    try DockerConfigFile.load().credentials(forImage: reference)
}

/// `image push REF`, with credentials from the config file as `docker push` finds them.
struct ImagePushCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "push", abstract: "Push an image to a registry.")

    @OptionGroup var global: GlobalOptions
    @Argument(help: "The image, REGISTRY/NAME[:TAG].") var reference: String

    func run() async throws {
        do {
            let docker = try global.client()
            var printer = LayerProgressPrinter()
            for try await event in try await docker.images.push(reference, auth: try configCredentials(forImage: reference)) {
                switch event {
                case .progress(let progress): printer.show(progress)
                case .pushed: break // the daemon's own `TAG: digest: ... size: ...` status line was printed
                }
            }
            Terminal.endProgress()
        } catch {
            Terminal.endProgress()
            throw fail(error)
        }
    }
}

/// `image pull REF`, with credentials from the config file.
struct ImagePullCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "pull", abstract: "Pull an image from a registry.")

    @OptionGroup var global: GlobalOptions
    @Option(help: "The platform, e.g. linux/amd64.") var platform: String?
    @Argument(help: "The image, [REGISTRY/]NAME[:TAG].") var reference: String

    func run() async throws {
        do {
            let docker = try global.client()
            var printer = LayerProgressPrinter()
            for try await event in try await docker.images.pull(reference, platform: platform,
                                                                auth: try configCredentials(forImage: reference)) {
                printer.show(event)
            }
            Terminal.endProgress()
        } catch {
            Terminal.endProgress()
            throw fail(error)
        }
    }
}
