import DockerSDK
import Foundation

/// Everything the benchmark creates, labelled with its own instance, and removed at the end.
final class BenchResources: @unchecked Sendable {
    static let image = "dockersdk/busybox:latest"
    let instance = "dockersdk-bench-\(getpid())"
    let docker: DockerClient
    private let lock = NSLock()
    private var created: [String] = []

    init(docker: DockerClient) { self.docker = docker }

    var labels: [String: String] { ["com.dockersdk.recipe": "bench", "com.dockersdk.instance": instance] }
    /// The label filter value that finds this run's containers.
    var instanceLabel: String { "com.dockersdk.instance=\(instance)" }
    var labelsJSON: String {
        String(decoding: (try? JSONEncoder().encode(labels)) ?? Data("{}".utf8), as: UTF8.self)
    }

    /// Creates a container (started when `start`), remembered for removal.
    func container(_ cmd: [String], name: String, extraLabels: [String: String] = [:], start: Bool = false) async throws -> String {
        let id = try await docker.containers.create(
            ContainerCreate(image: Self.image, cmd: cmd, labels: labels.merging(extraLabels) { $1 }),
            name: "\(instance)-\(name)").id
        lock.withLock { created.append(id) }
        if start { try await docker.containers.start(id) }
        return id
    }

    /// Removes what `container` made, and anything else carrying this run's label (lifecycle leftovers).
    func removeAll() async {
        var ids = lock.withLock { created }
        if let listed = try? await docker.containers.list(all: true, filters: .label("com.dockersdk.instance", instance)) {
            ids += listed.map(\.id)
        }
        for id in Set(ids) {
            do {
                try await docker.containers.remove(id, force: true)
            } catch DockerError.notFound {
            } catch {
                FileHandle.standardError.write(Data("could not remove container \(id): \(error)\n".utf8))
            }
        }
    }
}
