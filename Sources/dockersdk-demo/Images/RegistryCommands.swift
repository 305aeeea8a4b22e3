import ArgumentParser
import DockerSDK
import Foundation

/// Shows a registry or archive stream: layer events (those with an id) in a `ProgressReporter` (a bar on a
/// terminal, plain lines on stderr elsewhere), and the daemon's summary lines, which name no layer
/// (`Digest: sha256:...`, `Status: ...`, `TAG: digest: ... size: ...`), on stdout once the display ended,
/// so they never mix with a redrawn bar and stdout carries only the result.
struct LayerProgress {
    let reporter: ProgressReporter
    private(set) var summary: [String] = []

    init(title: String) {
        reporter = ProgressReporter(title: title)
    }

    /// Takes one event: into the display, or into the summary.
    mutating func show(_ event: ProgressEvent) {
        if event.id == nil, let status = event.status, !status.isEmpty {
            summary.append(status)
        } else {
            reporter.update(event)
        }
    }

    /// A result line for stdout, printed when the display ends.
    mutating func result(_ line: String) {
        summary.append(line)
    }

    /// Ends the display (done or failed), then prints the summary lines.
    func finish(success: Bool) {
        reporter.finish(success: success)
        for line in summary { print(line) }
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
            var progress = LayerProgress(title: "pushing \(reference)")
            do {
                for try await event in try await docker.images.push(reference, auth: try configCredentials(forImage: reference)) {
                    switch event {
                    case .progress(let event): progress.show(event)
                    case .pushed: break // the daemon's own `TAG: digest: ... size: ...` status line is in the summary
                    }
                }
            } catch {
                progress.finish(success: false)
                throw error
            }
            progress.finish(success: true)
        } catch {
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
            var progress = LayerProgress(title: "pulling \(reference)")
            do {
                for try await event in try await docker.images.pull(reference, platform: platform,
                                                                    auth: try configCredentials(forImage: reference)) {
                    progress.show(event)
                }
            } catch {
                progress.finish(success: false)
                throw error
            }
            progress.finish(success: true)
        } catch {
            throw fail(error)
        }
    }
}
