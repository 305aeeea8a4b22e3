import DockerSDK
import Foundation

/// The few containers a run makes, labelled with the run's own instance and removed at the end.
final class SoakContainers: @unchecked Sendable {
    static let image = "dockersdk/busybox:latest"
    let docker: DockerClient
    let instance: String
    private let lock = NSLock()
    private var created: [String] = []

    init(docker: DockerClient, instance: String = "dockersdk-soak-\(getpid())-\(UInt16.random(in: 0...UInt16.max))") {
        self.docker = docker
        self.instance = instance
    }

    var labels: [String: String] { ["com.dockersdk.recipe": "soak", "com.dockersdk.instance": instance] }
    var filter: Filters { .label("com.dockersdk.instance", instance) }

    /// Creates and starts a container running `cmd`, remembered for removal.
    func start(_ cmd: [String], name: String) async throws -> String {
        let id = try await create(cmd, name: name)
        try await Bounded.within(60, "start \(name)") { [docker] in _ = try await docker.containers.start(id) }
        return id
    }

    /// Creates a container, remembered for removal.
    func create(_ cmd: [String], name: String) async throws -> String {
        let spec = ContainerCreate(config: ContainerConfig(image: Self.image, cmd: cmd, labels: labels))
        let id = try await Bounded.within(60, "create \(name)") { [docker, instance] in
            try await docker.containers.create(spec, name: "\(instance)-\(name)").id
        }
        lock.withLock { created.append(id) }
        return id
    }

    /// A container that prints a line every 50 ms (a chatty `logs --follow` source; `cat` execs run in it too).
    func chatty(_ index: Int) async throws -> String {
        try await start(["sh", "-c", "i=0; while true; do i=$((i+1)); echo tick $i; sleep 0.05; done"], name: "chatty\(index)")
    }

    /// Forgets a container removed by the caller.
    func forget(_ id: String) {
        lock.withLock { created.removeAll { $0 == id } }
    }

    /// Removes what this run made, and anything else carrying its label; returns how many are left after.
    @discardableResult
    func removeAll() async -> Int {
        let docker = self.docker
        let filter = self.filter
        var ids = lock.withLock { created }
        if let listed = try? await Bounded.within(60, "list", { try await docker.containers.list(all: true, filters: filter) }) {
            ids += listed.map(\.id)
        }
        for id in Set(ids) {
            do {
                try await Bounded.within(60, "remove") { try await docker.containers.remove(id, force: true, volumes: true) }
            } catch DockerError.notFound {
            } catch {
                note("could not remove container \(id): \(error)")
            }
        }
        lock.withLock { created.removeAll() }
        let left = try? await Bounded.within(60, "list") { try await docker.containers.list(all: true, filters: filter) }
        return left?.count ?? -1
    }
}
