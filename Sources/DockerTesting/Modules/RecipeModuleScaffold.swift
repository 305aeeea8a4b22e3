import DockerSDK

/// The start and clean-up steps every recipe module shares: a fresh name prefix per attempt, the
/// reaper's registration before anything is created, removal of a half-made deployment, a retry when
/// another process won a race for a port or subnet, and removal that neither throws nor is cancelled.
enum RecipeModuleScaffold {
    /// Makes a deployment under a new `stem`-prefixed name, registers it with the session's reaper, brings
    /// it up and returns what `up` gives; a failed `up` takes the deployment down, and when its message
    /// contains one of `retryingOn` it is tried again (at most `attempts` times).
    static func start<Deployment: Sendable, Instance>(
        _ what: String, stem: String, recipe: String, attempts: Int, docker: DockerClient, retryingOn: [String],
        make: (_ prefix: String) async throws -> Deployment,
        up: (Deployment) async throws -> Instance,
        down: @escaping @Sendable (Deployment) async throws -> Void
    ) async throws -> Instance {
        let session = TestSession.shared
        var lastError: (any Error)?
        for _ in 0..<max(1, attempts) {
            let prefix = session.uniqueName(stem)
            let deployment = try await make(prefix)
            try session.track(recipe: recipe, instance: prefix, docker: docker)
            do {
                return try await up(deployment)
            } catch {
                await Self.down(deployment, down)
                let text = "\(error)"
                guard retryingOn.contains(where: { text.contains($0) }) else { throw error }
                lastError = error
            }
        }
        throw lastError ?? DockerError.invalidArgument("cannot deploy \(what)")
    }

    /// Takes `deployment` down in a detached task (a cancelled test still cleans up); errors are dropped,
    /// the reaper removes what is left.
    static func down<Deployment: Sendable>(_ deployment: Deployment,
                                           _ down: @escaping @Sendable (Deployment) async throws -> Void) async {
        await Task.detached { try? await down(deployment) }.value
    }

    /// Runs `body` with `instance`, then `stop`s it, also when `body` throws or is cancelled.
    static func with<Instance, T>(_ instance: Instance, stop: (Instance) async -> Void,
                                  _ body: (Instance) async throws -> T) async throws -> T {
        do {
            let value = try await body(instance)
            await stop(instance)
            return value
        } catch {
            await stop(instance)
            throw error
        }
    }
}
