import DockerRecipes
import DockerSDK
import Foundation
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// A Dockerfile context a container definition is built from instead of an image.
///
/// ```swift
/// var app = ContainerDefinition(build: DockerfileBuild(context: "Tests/Fixtures/app", buildArgs: ["WHO": "me"]),
///                               command: ["sh", "-c", "cat /hello.txt"])
/// try await withContainer(app) { c in ... }   // built on first use, then reused while the context is unchanged
/// ```
///
/// The image is built once per test process for each content hash of the context (the files kept
/// by `.dockerignore`, with their paths, types, modes and bytes; the Dockerfile's path; the build
/// arguments; the target) through `docker.images.build` (classic builder), and reused by every
/// definition with the same hash, also concurrently.
public struct DockerfileBuild: Sendable, Equatable {
    /// What happens to the built image when the test process ends.
    public enum Retention: Sendable, Equatable {
        /// The default: labelled with the session (`com.dockersdk.recipe=dockertesting`,
        /// `com.dockersdk.instance=<session id>`) and tagged `dockertesting/build:<hash>-<session id>`,
        /// removed with the session's containers by the reaper (also after SIGKILL) or by
        /// `TestSession.removeAll`. Nothing is left on a shared daemon; the next run builds again.
        case session
        /// Kept across runs for speed: tagged `dockertesting/build:<hash>` and labelled
        /// `com.dockersdk.recipe=dockertesting-build`, `com.dockersdk.instance=<hash>`; a later
        /// process finds it by tag and label and does not build. `DockerfileImages.removeKept`
        /// removes every such image.
        case keep
    }

    /// The context folder (absolute, or relative to the current directory).
    public var context: String
    /// The Dockerfile's path inside the context.
    public var dockerfile: String
    /// `--build-arg` values.
    public var buildArgs: [String: String]
    /// `--target` stage, nil for the last one.
    public var target: String?
    /// What happens to the image at the end of the process.
    public var retention: Retention

    /// A build of the Dockerfile in `context`.
    public init(context: String, dockerfile: String = "Dockerfile", buildArgs: [String: String] = [:],
                target: String? = nil, retention: Retention = .session) {
        self.context = context
        self.dockerfile = dockerfile
        self.buildArgs = buildArgs
        self.target = target
        self.retention = retention
    }

    /// The label holding the content hash on every built image.
    public static let hashLabel = "com.dockersdk.dockertesting.context-hash"
    /// The `com.dockersdk.recipe` value of images kept across runs.
    public static let keptRecipeLabel = "dockertesting-build"

    /// The content hash (SHA-256, hex) of what the build depends on; throws `invalidArgument` when
    /// the context is not a folder with the Dockerfile in it, or a file cannot be read.
    public func contentHash() throws -> String {
        let writer = BuildContextWriter(directory: context, dockerfile: dockerfile)
        var digest = SHA256Digest()
        digest.field("dockertesting-build-v1")
        digest.field(dockerfile.hasPrefix("./") ? String(dockerfile.dropFirst(2)) : dockerfile)
        digest.field(target ?? "")
        for (key, value) in buildArgs.sorted(by: { $0.key < $1.key }) {
            digest.field(key)
            digest.field(value)
        }
        for relative in try writer.paths() {
            let full = (context as NSString).appendingPathComponent(relative)
            var st = stat()
            guard lstat(full, &st) == 0 else { throw DockerError.invalidArgument("cannot stat \(full) for the build context") }
            digest.field(relative)
            digest.field(String(st.st_mode, radix: 8))
            switch st.st_mode & S_IFMT {
            case S_IFREG:
                guard let input = FileHandle(forReadingAtPath: full) else {
                    throw DockerError.invalidArgument("cannot read \(full) for the build context")
                }
                defer { try? input.close() }
                var size: UInt64 = 0
                while let chunk = try input.read(upToCount: 1 << 20), !chunk.isEmpty {
                    digest.update(chunk)
                    size += UInt64(chunk.count)
                }
                digest.field(String(size))
            case S_IFLNK:
                digest.field((try? FileManager.default.destinationOfSymbolicLink(atPath: full)) ?? "")
            default:
                break
            }
        }
        return digest.hexDigest()
    }
}

/// The images built from `DockerfileBuild`s in this process: one build per content hash and daemon.
public actor DockerfileImages {
    /// The process's cache.
    public static let shared = DockerfileImages()

    private var images: [String: Task<String, any Error>] = [:]
    /// Builds actually run by this process (a cache hit does not count).
    public private(set) var buildsRun = 0

    /// The tag of the image for `build` (building it on first use); concurrent callers share one build.
    /// A failed build is not cached: the next call tries again.
    public func image(for build: DockerfileBuild, docker: DockerClient, session: TestSession = .shared) async throws -> String {
        let hash = try build.contentHash()
        let key = "\(docker.host.description) \(hash)"
        if let existing = images[key] { return try await existing.value }
        let task = Task { try await self.make(build, hash: hash, docker: docker, session: session) }
        images[key] = task
        do {
            return try await task.value
        } catch {
            images[key] = nil
            throw error
        }
    }

    private func make(_ build: DockerfileBuild, hash: String, docker: DockerClient, session: TestSession) async throws -> String {
        let short = String(hash.prefix(24))
        let tag: String
        var labels = [DockerfileBuild.hashLabel: hash]
        switch build.retention {
        case .session:
            tag = "dockertesting/build:\(short)-\(session.id)"
            labels.merge(session.labels) { _, session in session }
        case .keep:
            tag = "dockertesting/build:\(short)"
            labels.merge(RecipeLabels.labels(recipe: DockerfileBuild.keptRecipeLabel, instance: short)) { _, kept in kept }
            if let found = try? await docker.images.inspect(tag), found.config?.labels?[DockerfileBuild.hashLabel] == hash {
                return tag
            }
        }
        buildsRun += 1
        let options = BuildOptions(tags: [tag], dockerfile: build.dockerfile, buildArgs: build.buildArgs, target: build.target,
                                   labels: labels, forceRemoveIntermediate: true)
        _ = try await docker.images.build(.directory(build.context), options: options).wait()
        return tag
    }

    /// Removes every image of `session` built here or by another process of the session (by label).
    @discardableResult
    public func removeSessionImages(docker: DockerClient, session: TestSession = .shared) async throws -> [String] {
        images = [:]
        return try await Self.remove(docker: docker, labels: session.labels)
    }

    /// Removes every image kept across runs (`Retention.keep`), from any process.
    @discardableResult
    public func removeKept(docker: DockerClient) async throws -> [String] {
        images = [:]
        return try await Self.remove(docker: docker, labels: [RecipeLabels.recipe: DockerfileBuild.keptRecipeLabel])
    }

    static func remove(docker: DockerClient, labels: [String: String]) async throws -> [String] {
        let filters = Filters(["label": labels.sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value)" }])
        var removed: [String] = []
        for image in try await docker.images.list(filters: filters) {
            let names = (image.repoTags ?? []).filter { $0.hasPrefix("dockertesting/build:") }
            // By tag: an image another tag still names (the same layers built by a later session) stays.
            for name in names.isEmpty ? [image.id] : names {
                do {
                    try await docker.images.remove(name, force: names.isEmpty)
                    removed.append(name)
                } catch DockerError.notFound {
                    continue
                }
            }
        }
        return removed
    }
}
