import DockerSDK
import Foundation

/// Starts `definition`, runs `body` with it, and removes the container afterwards, whether `body`
/// returns, throws or is cancelled (the removal runs in a task of its own).
public func withContainer<T: Sendable>(_ definition: ContainerDefinition, docker: DockerClient? = nil,
                                       _ body: (StartedContainer) async throws -> T) async throws -> T {
    let container = try await definition.start(docker: docker)
    do {
        let value = try await body(container)
        await container.remove()
        return value
    } catch {
        await container.remove()
        throw error
    }
}

/// A network of the session.
public struct TestNetwork: Sendable {
    /// The client.
    public let docker: DockerClient
    /// Its unique name.
    public let name: String
    /// Its ID.
    public let id: String
    /// Its subnet, e.g. `10.232.17.0/24`.
    public let subnet: String

    /// Removes the network (never throws, never cancelled).
    public func remove() async {
        let docker = docker, id = id
        await Task.detached {
            for _ in 0..<3 {
                do {
                    try await docker.networks.remove(id)
                    return
                } catch DockerError.notFound {
                    return
                } catch {
                    try? await Task.sleep(for: .milliseconds(300))
                }
            }
        }.value
    }

    /// Creates a bridge network of the session; without `subnet`, a free /24 of `pool` is picked
    /// (retrying on overlap with other networks).
    public static func create(subnet: String? = nil, pool: String = "10.232.0.0/16", namePrefix: String = "dtnet",
                              docker: DockerClient? = nil) async throws -> TestNetwork {
        let docker = try docker ?? DockerClient()
        let session = TestSession.shared
        try session.ensureReaper(for: docker)
        let name = session.uniqueName(namePrefix)
        var lastError: (any Error)?
        for _ in 0..<(subnet == nil ? 12 : 1) {
            let chosen = try subnet ?? randomSubnet(in: pool)
            do {
                let created = try await docker.networks.create(NetworkCreate(
                    name: name, driver: "bridge", subnets: [IPAMConfig(subnet: chosen)], labels: session.labels))
                return TestNetwork(docker: docker, name: name, id: created.id, subnet: chosen)
            } catch let error as DockerError where "\(error)".contains("overlap") {
                lastError = error
            }
        }
        throw lastError ?? DockerError.invalidArgument("no free subnet in \(pool)")
    }

    /// A random /24 inside the private `pool` (a /16 or larger).
    public static func randomSubnet(in pool: String) throws -> String {
        let network = try IPv4Network.parse(pool)
        guard network.prefixLength <= 24 else { throw DockerError.invalidArgument("subnet pool \(pool) is smaller than a /24") }
        let private8 = IPv4Network("10.0.0.0/8"), private12 = IPv4Network("172.16.0.0/12"), private16 = IPv4Network("192.168.0.0/16")
        guard [private8, private12, private16].contains(where: { $0?.contains(network) == true }) else {
            throw DockerError.invalidArgument("subnet pool \(pool) is not private (10/8, 172.16/12, 192.168/16)")
        }
        let blocks = UInt32(1) << UInt32(24 - network.prefixLength)
        let base = network.address.value + UInt32.random(in: 0..<blocks) << 8
        return "\(IPv4Address(base))/24"
    }
}

/// Creates a network of the session, runs `body` with it and removes it afterwards, whether `body`
/// returns, throws or is cancelled. Containers still attached are removed first by their own scopes.
public func withNetwork<T: Sendable>(subnet: String? = nil, docker: DockerClient? = nil,
                                     _ body: (TestNetwork) async throws -> T) async throws -> T {
    let network = try await TestNetwork.create(subnet: subnet, docker: docker)
    do {
        let value = try await body(network)
        await network.remove()
        return value
    } catch {
        await network.remove()
        throw error
    }
}

/// One container shared by the tests of a suite: started by the first `get()`, concurrent callers
/// share that start, removed by `stop()` or, at the latest, by the reaper when the process ends.
///
/// ```swift
/// static let redis = SharedContainer(RedisModule().definition)
/// let endpoint = try await Self.redis.get().endpoint(6379)
/// ```
public actor SharedContainer {
    /// What it starts.
    public nonisolated let definition: ContainerDefinition
    private let docker: DockerClient?
    private var starting: Task<StartedContainer, any Error>?

    /// A shared container of `definition`.
    public init(_ definition: ContainerDefinition, docker: DockerClient? = nil) {
        self.definition = definition
        self.docker = docker
    }

    /// The running container, started on first use; a failed start is retried by the next call.
    public func get() async throws -> StartedContainer {
        if let starting { return try await starting.value }
        let definition = definition, docker = docker
        let task = Task { try await definition.start(docker: docker) }
        starting = task
        do {
            return try await task.value
        } catch {
            starting = nil
            throw error
        }
    }

    /// Removes the container if it was started.
    public func stop() async {
        guard let starting else { return }
        self.starting = nil
        if let container = try? await starting.value { await container.remove() }
    }
}
