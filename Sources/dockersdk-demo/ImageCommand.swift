import ArgumentParser
import DockerSDK
import Foundation

/// `dockersdk-demo image ...`: image commands.
struct ImageCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "image", abstract: "Manage images.",
                                                    subcommands: [ImportCommand.self, ListCommand.self, ImageBuildCommand.self,
                                                                  ImagePushCommand.self, ImagePullCommand.self, ImageSaveCommand.self,
                                                                  ImageLoadCommand.self, ImageHistoryCommand.self, ImageRemoveCommand.self])

    /// `image import TARBALL REPO:TAG [--change ...]`.
    struct ImportCommand: AsyncParsableCommand {
        static let configuration = CommandConfiguration(commandName: "import", abstract: "Import a root filesystem tarball.")

        @OptionGroup var global: GlobalOptions
        @Option(name: .shortAndLong, help: "A Dockerfile instruction, e.g. 'CMD [\"sh\"]' (repeatable).") var change: [String] = []
        @Option(name: .shortAndLong, help: "A commit message.") var message: String?
        @Argument(help: "The tarball (- for stdin is not supported).") var tarball: String
        @Argument(help: "The reference, REPO:TAG.") var reference: String

        func run() async throws {
            do {
                guard FileManager.default.isReadableFile(atPath: tarball) else {
                    throw DockerError.invalidArgument("cannot read \(tarball)")
                }
                let docker = try global.client()
                Terminal.progress("importing \(tarball) as \(reference)...")
                let started = Date()
                var imageID: String?
                for try await event in try await docker.images.importTarball(.file(tarball), reference: reference,
                                                                               changes: change, message: message) {
                    if let status = event.status { imageID = status }
                    Terminal.progress("importing \(reference): \(event.progress ?? event.status ?? "")")
                }
                Terminal.endProgress()
                let seconds = String(format: "%.1f", Date().timeIntervalSince(started))
                print("imported \(reference) (\(imageID ?? "?")) in \(seconds) s")
            } catch {
                Terminal.endProgress()
                throw fail(error)
            }
        }
    }

    /// `image ls`.
    struct ListCommand: AsyncParsableCommand {
        static let configuration = CommandConfiguration(commandName: "ls", abstract: "List images.")

        @OptionGroup var global: GlobalOptions

        func run() async throws {
            do {
                let docker = try global.client()
                for image in try await docker.images.list() {
                    let size = String(format: "%.1f MB", Double(image.size) / 1e6)
                    print("\((image.repoTags ?? ["<none>"]).joined(separator: ","))\t\(image.id.prefix(19))\t\(size)")
                }
            } catch {
                throw fail(error)
            }
        }
    }
}
