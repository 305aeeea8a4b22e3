import DockerRecipes
import DockerSDK
import Foundation

/// The test process's session: one id per process, on the labels of everything DockerTesting creates,
/// and the reaper that removes it all when the process ends, also by SIGKILL.
///
/// Labels: `com.dockersdk.recipe=dockertesting` and `com.dockersdk.instance=<id>`; recipe deployments
/// (Redis Cluster, MySQL replication) keep their recipe's labels and are registered with the reaper.
public final class TestSession: Sendable {
    /// The process's session (started on first use).
    public static let shared = TestSession()

    /// The label value `com.dockersdk.recipe` of everything the session creates.
    public static let recipeLabel = "dockertesting"

    /// The session id, e.g. `dt-4242-a1b2c3`: unique per process.
    public let id: String
    private let state = Locked(Reaper?.none)
    private let counter = Locked(0)

    init() {
        let random = String(UInt32.random(in: 0...UInt32.max), radix: 16)
        id = "dt-\(ProcessInfo.processInfo.processIdentifier)-\(random)"
    }

    /// The labels of the session (`com.dockersdk.recipe`, `com.dockersdk.instance`).
    public var labels: [String: String] {
        RecipeLabels.labels(recipe: Self.recipeLabel, instance: id)
    }

    /// Filters matching the session's resources.
    public var filters: Filters {
        Filters(["label": ["\(RecipeLabels.recipe)=\(Self.recipeLabel)", "\(RecipeLabels.instance)=\(id)"]])
    }

    /// A unique name for a resource of the session: `<prefix>-<session id>-<n>`.
    public func uniqueName(_ prefix: String) -> String {
        let n = counter.withLock { value -> Int in
            value += 1
            return value
        }
        return "\(prefix)-\(id)-\(n)"
    }

    /// Starts the reaper for `docker`'s daemon unless it runs already; waits (at most 10 s) until it listens.
    ///
    /// The reaper is `dockertesting-reaper` (see `Reaper`): found through `DOCKERTESTING_REAPER`
    /// (a path), next to the running executable, or on `PATH`. `DOCKERTESTING_REAPER=off` turns it
    /// off: then only the scoped lifetimes clean up.
    public func ensureReaper(for docker: DockerClient) throws {
        try state.withLock { reaper in
            if reaper != nil { return }
            if ProcessInfo.processInfo.environment["DOCKERTESTING_REAPER"] == "off" { return }
            reaper = try Reaper.start(session: id, host: docker.host)
        }
    }

    /// Registers a recipe deployment with the reaper, so it is removed when the process ends.
    public func track(recipe: String, instance: String, docker: DockerClient) throws {
        try ensureReaper(for: docker)
        try state.withLock { reaper in try reaper?.track(recipe: recipe, instance: instance) }
    }

    /// The reaper's process id, nil when it is off or not started.
    public var reaperPID: Int32? { state.withLock { $0?.pid } }

    /// Removes every resource of the session now (containers, networks, volumes, and the images built
    /// from Dockerfile contexts with `Retention.session`).
    @discardableResult
    public func removeAll(docker: DockerClient) async throws -> RecipeResources.Removed {
        let removed = try await RecipeResources(docker: docker, recipe: Self.recipeLabel, instance: id).removeAll()
        try await DockerfileImages.shared.removeSessionImages(docker: docker, session: self)
        return removed
    }
}

/// A value behind a lock, for the few bits of shared state (the session's reaper, counters).
final class Locked<Value>: @unchecked Sendable {
    private var value: Value
    private let lock = NSLock()

    init(_ value: Value) { self.value = value }

    func withLock<T>(_ body: (inout Value) throws -> T) rethrows -> T {
        lock.lock()
        defer { lock.unlock() }
        return try body(&value)
    }
}
