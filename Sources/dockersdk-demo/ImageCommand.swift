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
        @Flag(help: "Print the result as JSON (no progress display).") var json = false

        /// What `--json` prints.
        struct Imported: Encodable {
            var reference: String
            var id: String?
            var seconds: Double
        }

        func run() async throws {
            do {
                guard FileManager.default.isReadableFile(atPath: tarball) else {
                    throw DockerError.invalidArgument("cannot read \(tarball)")
                }
                let docker = try global.client()
                let started = Date()
                let progress = ProgressReporter(title: "importing \(reference)", quiet: json)
                // dockerd answers an import only once it has read the whole tarball: show the upload meanwhile.
                let watcher = UploadWatcher.start(path: tarball, into: progress)
                let stream: ProgressStream
                do {
                    stream = try await docker.images.importTarball(.file(tarball), reference: reference,
                                                                   changes: change, message: message)
                    watcher.stop(completed: true)
                } catch {
                    watcher.stop(completed: false)
                    progress.finish(success: false)
                    throw error
                }
                let events = try await progress.run(stream)
                // The daemon's last status line of an import is the new image's ID.
                let imageID = events.compactMap(\.status).last { $0.hasPrefix("sha256:") }
                let result = Imported(reference: reference, id: imageID, seconds: Date().timeIntervalSince(started))
                if json { return try printJSON(result) }
                print("imported \(reference) (\(imageID ?? "?")) in \(String(format: "%.1f", result.seconds)) s")
            } catch {
                throw fail(error)
            }
        }
    }

    /// `image ls`.
    struct ListCommand: AsyncParsableCommand {
        static let configuration = CommandConfiguration(commandName: "ls", abstract: "List images.")

        @OptionGroup var global: GlobalOptions
        @Flag(help: "Print JSON.") var json = false

        func run() async throws {
            do {
                let docker = try global.client()
                let images = try await docker.images.list()
                if json { return try printJSON(images) }
                for image in images {
                    let size = String(format: "%.1f MB", Double(image.size) / 1e6)
                    print("\((image.repoTags ?? ["<none>"]).joined(separator: ","))\t\(image.id.prefix(19))\t\(size)")
                }
            } catch {
                throw fail(error)
            }
        }
    }
}
