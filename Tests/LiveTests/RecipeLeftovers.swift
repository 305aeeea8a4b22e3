import DockerRecipes
import DockerSDK
import Foundation
import XCTest

/// A recipe live test whose deployments are checked after each test, whatever happened in it:
/// containers (running or not), networks and volumes labelled `com.dockersdk.instance=<instance>`
/// must all be gone, or the test fails listing them (and they are removed, so one failure does not
/// leak into the next run).
class RecipeLiveTestCase: XCTestCase {
    private let lock = NSLock()
    nonisolated(unsafe) private var instances: [String] = []

    /// Registers a deployment's instance name (its `namePrefix`/`instance`) for the check; returns it.
    func tracked(_ instance: String) -> String {
        lock.lock()
        instances.append(instance)
        lock.unlock()
        return instance
    }

    private func takeInstances() -> [String] {
        lock.withLock {
            let names = instances
            instances = []
            return names
        }
    }

    override func tearDown() async throws {
        let names = takeInstances()
        guard !names.isEmpty else { return try await super.tearDown() }
        let docker = try DockerClient()
        for instance in names {
            let left = try await Leftovers.find(docker, instance: instance)
            XCTAssertEqual(left, [], "resources labelled com.dockersdk.instance=\(instance) left after \(name)")
            if !left.isEmpty { await Leftovers.remove(docker, instance: instance) }
        }
        try await super.tearDown()
    }
}

/// What a deployment left: its labelled containers, networks and volumes.
enum Leftovers {
    static func find(_ docker: DockerClient, instance: String) async throws -> [String] {
        let filter = Filters.label(RecipeLabels.instance, instance)
        let containers = try await docker.containers.list(all: true, filters: filter).map { "container \($0.name ?? $0.id)" }
        let networks = try await docker.networks.list(filters: filter).map { "network \($0.name)" }
        let volumes = try await docker.volumes.list(filters: filter).map { "volume \($0.name)" }
        return containers + networks + volumes
    }

    /// Best-effort removal of a failed test's leftovers.
    static func remove(_ docker: DockerClient, instance: String) async {
        let filter = Filters.label(RecipeLabels.instance, instance)
        for container in (try? await docker.containers.list(all: true, filters: filter)) ?? [] {
            try? await docker.containers.remove(container.id, force: true, volumes: true)
        }
        for network in (try? await docker.networks.list(filters: filter)) ?? [] { try? await docker.networks.remove(network.id) }
        for volume in (try? await docker.volumes.list(filters: filter)) ?? [] { try? await docker.volumes.remove(volume.name, force: true) }
    }
}
