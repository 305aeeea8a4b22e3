import ArgumentParser
import DockerSDK
import Foundation

/// `image build -t TAG [-f FILE] [--build-arg K=V] [--target STAGE] [--no-cache] DIR`, the docker CLI's
/// spelling, with the classic builder (BuildKit's session protocol is out of scope).
struct ImageBuildCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "build", abstract: "Build an image from a Dockerfile.")

    @OptionGroup var global: GlobalOptions
    @Option(name: .shortAndLong, help: "Name and optionally a tag, NAME[:TAG] (repeatable).") var tag: [String] = []
    @Option(name: .shortAndLong, help: "The Dockerfile (default: DIR/Dockerfile); must be inside DIR.") var file: String?
    @Option(name: .customLong("build-arg"), help: "A build-time variable, K=V (repeatable).") var buildArg: [String] = []
    @Option(help: "The stage to build.") var target: String?
    @Option(help: "A label on the image, K=V (repeatable).") var label: [String] = []
    @Flag(name: .customLong("no-cache"), help: "Do not use the cache.") var noCache = false
    @Flag(help: "Pull newer base images first.") var pull = false
    @Flag(name: .customLong("force-rm"), help: "Remove intermediate containers also after a failed step.") var forceRm = false
    @Option(help: "Network mode of RUN steps.") var network: String?
    @Option(name: .customLong("add-host"), help: "HOST:IP for RUN steps' /etc/hosts (repeatable).") var addHost: [String] = []
    @Option(help: "The platform, e.g. linux/amd64.") var platform: String?
    @Flag(name: .shortAndLong, help: "Print only the image ID.") var quiet = false
    @Argument(help: "The build context folder.") var directory: String

    func run() async throws {
        do {
            let docker = try global.client()
            var options = BuildOptions(tags: tag, target: target, noCache: noCache, pull: pull, networkMode: network,
                                       extraHosts: addHost, platform: platform)
            options.forceRemoveIntermediate = forceRm
            options.buildArgs = try pairs(buildArg, "--build-arg")
            options.labels = try pairs(label, "--label")
            if let file { options.dockerfile = try relative(file, to: directory) }
            // Base images from private registries: every stored credential, as the CLI sends them.
            options.registryCredentials = (try? DockerConfigFile.load().allCredentials()) ?? [:]
            var imageID: String?
            // The steps and their output are the build's log, on stdout as the CLI prints them; a step's layer
            // progress (a base image pulled, an ADD URL) is a display of its own (see `LayerProgress`), ended
            // before the next line is printed.
            var step = "building"
            var progress: LayerProgress?
            func line(_ text: String) {
                progress?.finish(success: true)
                progress = nil
                if !quiet { print(text) }
            }
            do {
                for try await event in try await docker.images.build(.directory(directory), options: options) {
                    switch event {
                    case .step(let current):
                        line("\(current)")
                        step = "\(current)"
                    case .output(let text): line(text)
                    case .imageID(let id): imageID = id
                    case .progress(let event):
                        guard !quiet else { continue }
                        if progress == nil { progress = LayerProgress(title: step) }
                        progress?.show(event)
                    }
                }
            } catch {
                progress?.finish(success: false)
                throw error
            }
            progress?.finish(success: true)
            if quiet, let imageID { print(imageID) }
        } catch {
            throw fail(error)
        }
    }

    /// `K=V` items as a map; a bare `K` takes the value from the environment, as the CLI does.
    private func pairs(_ items: [String], _ flag: String) throws -> [String: String] {
        var map: [String: String] = [:]
        for item in items {
            if let eq = item.firstIndex(of: "=") {
                map[String(item[..<eq])] = String(item[item.index(after: eq)...])
            } else if let value = ProcessInfo.processInfo.environment[item] {
                map[item] = value
            } else {
                throw DockerError.invalidArgument("\(flag) \(item): expected K=V")
            }
        }
        return map
    }

    /// The Dockerfile's path relative to the context (the CLI resolves -f from the working folder).
    private func relative(_ file: String, to directory: String) throws -> String {
        let cwd = FileManager.default.currentDirectoryPath
        func absolute(_ path: String) -> String {
            URL(fileURLWithPath: path, relativeTo: URL(fileURLWithPath: cwd, isDirectory: true)).standardizedFileURL.path
        }
        let context = absolute(directory), dockerfile = absolute(file)
        guard dockerfile.hasPrefix(context + "/") else {
            throw DockerError.invalidArgument("the Dockerfile \(file) must be inside the context \(directory)")
        }
        return String(dockerfile.dropFirst(context.count + 1))
    }
}
