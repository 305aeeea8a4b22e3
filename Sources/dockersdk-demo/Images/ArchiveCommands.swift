import ArgumentParser
import DockerSDK
import Foundation

/// `image save -o FILE REF...`: streamed to the file.
struct ImageSaveCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "save", abstract: "Save images to a tar archive.")

    @OptionGroup var global: GlobalOptions
    @Option(name: .shortAndLong, help: "The file to write.") var output: String
    @Argument(help: "Images.") var references: [String]

    func run() async throws {
        do {
            let docker = try global.client()
            // A spinner with the bytes written on a terminal; nothing in a pipe, where the result line suffices.
            let bytes = try await DownloadWatcher.withSpinner(title: "saving \(references.joined(separator: ", ")) to \(output)",
                                                              path: output) {
                try await docker.images.save(references, to: output)
            }
            print("saved \(references.count) image(s), \(bytes) bytes")
        } catch {
            throw fail(error)
        }
    }
}

/// `image load -i FILE`: streamed from the file, a line per loaded image.
struct ImageLoadCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "load", abstract: "Load images from a tar archive.")

    @OptionGroup var global: GlobalOptions
    @Option(name: .shortAndLong, help: "The file to read.") var input: String

    func run() async throws {
        do {
            let docker = try global.client()
            var progress = LayerProgress(title: "loading \(input)")
            do {
                for try await event in try await docker.images.load(.file(input)) {
                    switch event {
                    case .progress(let event): progress.show(event)
                    case .loaded(let name): progress.result("Loaded image: \(name)")
                    case .output(let line): progress.result(line)
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

/// `image history REF`.
struct ImageHistoryCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "history", abstract: "Show the history of an image.")

    @OptionGroup var global: GlobalOptions
    @Flag(name: .customLong("no-trunc"), help: "Do not shorten IDs and instructions.") var noTrunc = false
    @Argument(help: "The image.") var reference: String

    func run() async throws {
        do {
            let docker = try global.client()
            print("IMAGE\tCREATED\tCREATED BY\tSIZE\tCOMMENT")
            for item in try await docker.images.history(reference) {
                let id = item.id == "<missing>" || noTrunc ? item.id : String(item.id.replacingOccurrences(of: "sha256:", with: "").prefix(12))
                let createdBy = noTrunc || item.createdBy.count <= 45 ? item.createdBy : String(item.createdBy.prefix(44)) + "…"
                let created = ISO8601DateFormatter().string(from: Date(timeIntervalSince1970: TimeInterval(item.created)))
                print("\(id)\t\(created)\t\(createdBy)\t\(item.size)\t\(item.comment)")
            }
        } catch {
            throw fail(error)
        }
    }
}

/// `image rm [-f] REF...`.
struct ImageRemoveCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "rm", abstract: "Remove images.")

    @OptionGroup var global: GlobalOptions
    @Flag(name: .shortAndLong, help: "Remove also when in use or tagged several times.") var force = false
    @Flag(name: .customLong("no-prune"), help: "Keep untagged parents.") var noPrune = false
    @Argument(help: "Images.") var references: [String]

    func run() async throws {
        do {
            let docker = try global.client()
            for reference in references {
                for item in try await docker.images.remove(reference, force: force, noPrune: noPrune) {
                    if let untagged = item.untagged { print("Untagged: \(untagged)") }
                    if let deleted = item.deleted { print("Deleted: \(deleted)") }
                }
            }
        } catch {
            throw fail(error)
        }
    }
}
