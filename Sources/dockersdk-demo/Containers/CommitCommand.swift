import ArgumentParser
import DockerSDK
import Foundation

/// `dockersdk-demo commit CONTAINER [REPOSITORY[:TAG]]`: makes an image of a container, like `docker commit`.
struct CommitCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "commit",
                                                    abstract: "Create a new image from a container's changes.")

    @OptionGroup var global: GlobalOptions
    @Option(name: .shortAndLong, help: "Author (e.g. \"Jane <jane@example.com>\").") var author: String?
    @Option(name: .shortAndLong, help: "Apply a Dockerfile instruction to the image, e.g. 'CMD [\"sh\"]' (repeatable).")
    var change: [String] = []
    @Option(name: .shortAndLong, help: "Commit message.") var message: String?
    @Option(name: .shortAndLong, help: "Pause the container during the commit (--pause=false to not).") var pause = true
    @Argument(help: "The container.") var container: String
    @Argument(help: "The image reference, REPOSITORY[:TAG] (none: an untagged image).") var reference: String?

    func run() async throws {
        do {
            let docker = try global.client()
            // A spinner with the time so far on a terminal; nothing in a pipe, where stdout is the image ID only.
            let progress = ProgressReporter(title: "committing \(container)", quiet: !OutputStyle.current().animated)
            let id: String
            do {
                id = try await docker.containers.commit(container, as: reference, options: CommitOptions(
                    comment: message, author: author, changes: change, pause: pause))
            } catch {
                progress.finish(success: false)
                throw error
            }
            progress.finish(success: true)
            print(id)
        } catch {
            throw fail(error)
        }
    }
}
