import DockerSDK
import DockerTesting
import Foundation

/// The live daemon gate for DockerTesting's own suite: under CI=true a missing daemon fails; elsewhere
/// the tests are skipped (XCTest: `XCTSkip`; Swift Testing: the `.enabled(if:)` trait).
enum LiveDocker {
    static let isCI = ProcessInfo.processInfo.environment["CI"] == "true"

    /// Whether to run the live tests: always under CI (where a missing daemon then fails), else only
    /// when a daemon socket or DOCKER_HOST is there.
    static let enabled: Bool = isCI || ProcessInfo.processInfo.environment["DOCKER_HOST"] != nil
        || FileManager.default.fileExists(atPath: "/var/run/docker.sock")

    /// A client after a successful ping.
    static func client() async throws -> DockerClient {
        let docker = try DockerClient()
        _ = try await docker.system.ping()
        return docker
    }

    /// What of the session is still on the daemon: containers, networks, volumes (names).
    static func leftovers(_ docker: DockerClient, session: TestSession = .shared) async throws -> [String] {
        let containers = try await docker.containers.list(all: true, filters: session.filters).map { $0.name ?? $0.id }
        let networks = try await docker.networks.list(filters: session.filters).map(\.name)
        let volumes = try await docker.volumes.list(filters: session.filters).map(\.name)
        return containers.map { "container \($0)" } + networks.map { "network \($0)" } + volumes.map { "volume \($0)" }
    }
}

/// Checks made over TCP from the test process, written here (no client libraries).
enum Probes {
    /// SET then GET a key on a Redis server through its published port.
    static func redisRoundTrip(_ endpoint: String, key: String) async throws -> String? {
        let connection = try await RESPConnection(endpoint: endpoint)
        defer { connection.close() }
        let value = "value-\(key)"
        let set = try await connection.send(["SET", key, value])
        guard set == .simple("OK") else { return "SET answered \(set)" }
        return try await connection.send(["GET", key]).text
    }

    /// The MySQL protocol's initial handshake a server sends on connect: protocol version 10 and the
    /// server version string.
    static func mysqlGreeting(_ endpoint: String) async throws -> (protocolVersion: UInt8, serverVersion: String) {
        let connection = try await TCPConnection.connect(endpoint)
        defer { connection.close() }
        var data = Data()
        let clock = ContinuousClock()
        let deadline = clock.now + .seconds(10)
        while clock.now < deadline {
            let chunk = try await connection.receive(timeout: .seconds(5))
            if chunk.isEmpty { break }
            data.append(chunk)
            let bytes = [UInt8](data)
            guard bytes.count >= 4 else { continue }
            let length = Int(bytes[0]) | Int(bytes[1]) << 8 | Int(bytes[2]) << 16
            guard bytes.count >= 4 + length, length > 1 else { continue }
            let payload = bytes[4..<(4 + length)]
            let version = payload.dropFirst().prefix { $0 != 0 }
            return (payload[payload.startIndex], String(decoding: version, as: UTF8.self))
        }
        throw DockerError.malformedResponse("no complete MySQL handshake from \(endpoint) (\(data.count) bytes)")
    }
}
