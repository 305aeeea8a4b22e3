import Foundation
import Logging

/// The entry point: a connection to one daemon, with one property per API area.
///
/// ```swift
/// let docker = try DockerClient()          // finds the daemon like the docker CLI
/// let info = try await docker.system.info()
/// ```
public final class DockerClient: Sendable {
    /// Where the daemon is.
    public let host: DockerHost
    /// How the host was found (explicit, DOCKER_HOST, context, default socket).
    public let hostSource: HostDiscovery.Source
    /// What carries the requests.
    public let transport: any DockerTransport
    /// Where the client logs (requests at trace level; never bodies or secrets).
    public let logger: Logger
    private let negotiator: VersionNegotiator
    /// The engine (Docker or Podman), remembered from the negotiating ping (see Engine.swift).
    let engineDetector = EngineDetector()

    /// Connects to the daemon found by `HostDiscovery` (or `host` when given).
    ///
    /// - Parameters:
    ///   - host: an explicit daemon address; nil finds it like the docker CLI.
    ///   - apiVersion: a fixed API version; nil negotiates (or takes `DOCKER_API_VERSION`).
    ///   - transport: a transport to use instead of libcurl (e.g. a `ReplayTransport`).
    ///   - environment: the environment read for discovery and `DOCKER_API_VERSION`.
    public init(
        host: DockerHost? = nil, apiVersion: APIVersion? = nil, transport: (any DockerTransport)? = nil,
        environment: [String: String] = ProcessInfo.processInfo.environment,
        logger: Logger = Logger(label: "dockersdk")
    ) throws {
        let found = try HostDiscovery(environment: environment).resolve(explicit: host)
        self.host = found.host
        hostSource = found.source
        self.transport = transport ?? CurlTransport(host: found.host)
        self.logger = logger
        var fixed = apiVersion
        if fixed == nil, let text = environment["DOCKER_API_VERSION"], !text.isEmpty {
            guard let parsed = APIVersion(text) else {
                throw DockerError.invalidArgument("DOCKER_API_VERSION=\(text) is not a version like 1.41")
            }
            fixed = parsed
        }
        negotiator = VersionNegotiator(fixed: fixed)
    }

    /// The API version requests use: fixed, or negotiated once from `GET /_ping`.
    public func apiVersion() async throws -> APIVersion {
        try await negotiator.version {
            let ping = try await self.system.ping()
            await self.engineDetector.record(ping)
            return ping
        }
    }

    /// The System area: ping, version, info, disk usage, events.
    public var system: SystemAPI { SystemAPI(client: self) }

    // MARK: - Request helpers for the API areas

    /// Sends a versioned request; non-2xx statuses (except those in `accept`) throw typed errors.
    func send(
        _ method: String, _ path: String, query: [QueryItem] = [], body: RequestBody? = nil,
        headers: [String: String] = [:], timeout: Duration? = nil, accept: Set<Int> = []
    ) async throws -> DockerResponse {
        let version = try await apiVersion()
        let request = DockerRequest(method: method, path: path, query: query, headers: headers, body: body,
                                    apiVersion: version, timeout: timeout)
        logger.trace("request", metadata: ["method": "\(method)", "path": "\(path)"])
        let response = try await mapCancellation { try await self.transport.execute(request) }
        guard (200..<300).contains(response.status) || accept.contains(response.status) else {
            throw DockerError.from(status: response.status, body: response.body, requested: version)
        }
        return response
    }

    /// Sends a versioned request and decodes the JSON answer.
    func decode<T: Decodable>(
        _ type: T.Type, _ method: String, _ path: String, query: [QueryItem] = [], body: RequestBody? = nil,
        headers: [String: String] = [:], timeout: Duration? = nil
    ) async throws -> T {
        let response = try await send(method, path, query: query, body: body, headers: headers, timeout: timeout)
        return try JSONCoding.decode(type, from: response.body, what: "\(method) \(path)")
    }

    /// Opens a versioned streaming request; a non-2xx answer is read whole and thrown.
    func openStream(
        _ method: String, _ path: String, query: [QueryItem] = [], body: RequestBody? = nil,
        headers: [String: String] = [:], timeout: Duration? = nil
    ) async throws -> DockerStreamResponse {
        let version = try await apiVersion()
        let request = DockerRequest(method: method, path: path, query: query, headers: headers, body: body,
                                    apiVersion: version, timeout: timeout)
        logger.trace("stream", metadata: ["method": "\(method)", "path": "\(path)"])
        let response = try await mapCancellation { try await self.transport.stream(request) }
        guard (200..<300).contains(response.status) else {
            let data = try await response.collect(limit: 1 << 20)
            throw DockerError.from(status: response.status, body: data, requested: version)
        }
        return response
    }

    /// Opens a versioned request that upgrades to a raw two-way connection.
    func openHijacked(
        _ method: String, _ path: String, query: [QueryItem] = [], body: RequestBody? = nil
    ) async throws -> any HijackedConnection {
        let version = try await apiVersion()
        let request = DockerRequest(method: method, path: path, query: query, body: body, apiVersion: version)
        logger.trace("hijack", metadata: ["method": "\(method)", "path": "\(path)"])
        return try await mapCancellation { try await self.transport.hijack(request) }
    }

    private func mapCancellation<T>(_ body: () async throws -> T) async throws -> T {
        do {
            return try await body()
        } catch is CancellationError {
            throw DockerError.cancelled
        }
    }
}

/// Negotiates the API version once, safely under concurrent first calls; a failed attempt is retried.
actor VersionNegotiator {
    private let fixed: APIVersion?
    private var pending: Task<APIVersion, any Error>?
    private var settled: APIVersion?

    init(fixed: APIVersion?) {
        self.fixed = fixed
    }

    func version(ping: @escaping @Sendable () async throws -> PingResult) async throws -> APIVersion {
        if let fixed { return fixed }
        if let settled { return settled }
        let task = pending ?? Task { try Self.choose(server: try await ping().apiVersion) }
        pending = task
        do {
            let version = try await task.value
            settled = version
            return version
        } catch {
            pending = nil
            throw error
        }
    }

    /// The lower of the client's newest and the server's version; refuses servers older than the client's oldest.
    static func choose(server: APIVersion?) throws -> APIVersion {
        guard let server else { return APIVersion.oldestSupported }
        if server < APIVersion.oldestSupported {
            throw DockerError.unsupportedAPIVersion(
                requested: server,
                message: "the daemon serves API \(server), older than the oldest this SDK speaks (\(APIVersion.oldestSupported))")
        }
        return min(server, APIVersion.newestSupported)
    }
}

/// The JSON coding conventions of the Engine API.
enum JSONCoding {
    /// Decodes `data`, turning a failure into `DockerError.malformedResponse` without quoting the body.
    static func decode<T: Decodable>(_ type: T.Type, from data: Data, what: String) throws -> T {
        do {
            return try JSONDecoder().decode(type, from: data)
        } catch let error as DecodingError {
            throw DockerError.malformedResponse("cannot decode \(T.self) from \(what) (\(data.count) bytes): \(describe(error))")
        }
    }

    /// A one-line account of a decoding error: what and where, never the data.
    static func describe(_ error: DecodingError) -> String {
        func path(_ context: DecodingError.Context) -> String {
            let keys = context.codingPath.map { $0.intValue.map { "[\($0)]" } ?? $0.stringValue }
            return keys.isEmpty ? "top level" : keys.joined(separator: ".")
        }
        switch error {
        case .keyNotFound(let key, let context): return "missing key \(key.stringValue) at \(path(context))"
        case .typeMismatch(let type, let context): return "expected \(type) at \(path(context))"
        case .valueNotFound(let type, let context): return "null where \(type) was expected at \(path(context))"
        case .dataCorrupted(let context): return "invalid JSON at \(path(context))"
        @unknown default: return "\(error)"
        }
    }
}
