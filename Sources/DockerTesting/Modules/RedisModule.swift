import DockerSDK
import Foundation

/// One Redis server for a test, published on 127.0.0.1.
///
/// ```swift
/// try await withRedis { redis in
///     let connection = try await RESPConnection(endpoint: redis.endpoint)
///     _ = try await connection.send(["SET", "k", "v"])
/// }
/// ```
public struct RedisModule: Sendable {
    /// The image (`dockersdk/redis:7` here; `redis:7` elsewhere).
    public var image: String
    /// Extra `redis-server` arguments.
    public var arguments: [String]
    /// How long the start may take.
    public var startupTimeout: Duration

    /// A Redis module.
    public init(image: String = "dockersdk/redis:7", arguments: [String] = [], startupTimeout: Duration = .seconds(60)) {
        self.image = image
        self.arguments = arguments
        self.startupTimeout = startupTimeout
    }

    /// The container: no persistence, port 6379 published, ready when it logs "Ready to accept
    /// connections" and the port listens inside and accepts from the host.
    public var definition: ContainerDefinition {
        ContainerDefinition(
            image: image,
            command: ["redis-server", "--protected-mode", "no", "--save", "", "--appendonly", "no"] + arguments,
            exposedPorts: [6379],
            waitStrategy: .all(.logLine("Ready to accept connections"), .tcpPort(6379), timeout: startupTimeout),
            namePrefix: "dt-redis")
    }

    /// Starts the server (remove it with `container.remove()`; prefer `withRedis`).
    public func start(docker: DockerClient? = nil) async throws -> RedisInstance {
        RedisInstance(container: try await definition.start(docker: docker))
    }
}

/// A running Redis server.
public struct RedisInstance: Sendable {
    /// The container.
    public let container: StartedContainer
    /// The host of the published port.
    public var host: String { container.host }
    /// The published port.
    public var port: Int { container.ports[6379] ?? 0 }
    /// `host:port`, what a client connects to.
    public var endpoint: String { "\(host):\(port)" }
}

/// Runs `body` with a Redis server, removed afterwards (also on throw and cancellation).
public func withRedis<T: Sendable>(_ module: RedisModule = RedisModule(), docker: DockerClient? = nil,
                                   _ body: (RedisInstance) async throws -> T) async throws -> T {
    try await withContainer(module.definition, docker: docker) { try await body(RedisInstance(container: $0)) }
}
