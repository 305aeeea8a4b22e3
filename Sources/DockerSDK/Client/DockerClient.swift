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
    /// Where the client logs: each request at debug (request id, method, path template, status, duration) and
    /// its start at trace; never queries, headers, bodies or secrets. See `instrumented(_:_:_:)`.
    public let logger: Logger
    /// Where the client's metrics and spans go (see `DockerTelemetry`).
    public let telemetry: DockerTelemetry
    /// Time limits and size limits of the client's calls.
    public let configuration: Configuration
    private let negotiator: VersionNegotiator
    /// The engine (Docker or Podman), remembered from the negotiating ping (see Engine.swift).
    let engineDetector = EngineDetector()

    /// Connects to the daemon found by `HostDiscovery` (or `host` when given).
    ///
    /// - Parameters:
    ///   - host: an explicit daemon address; nil finds it like the docker CLI.
    ///   - apiVersion: a fixed API version; nil negotiates (or takes `DOCKER_API_VERSION`).
    ///   - transport: a transport to use instead of libcurl (e.g. a `ReplayTransport`); it then
    ///     applies its own connect timeout and size limits.
    ///   - environment: the environment read for discovery and `DOCKER_API_VERSION`.
    ///   - logger: where requests are logged (debug and trace levels).
    ///   - telemetry: where metrics and trace spans go; by default the process's bootstrapped backends.
    ///   - configuration: time limits and size limits (defaults: 60 s per unary call, 64 MB per body).
    public init(
        host: DockerHost? = nil, apiVersion: APIVersion? = nil, transport: (any DockerTransport)? = nil,
        environment: [String: String] = ProcessInfo.processInfo.environment,
        logger: Logger = Logger(label: "dockersdk"), telemetry: DockerTelemetry = .bootstrapped,
        configuration: Configuration = Configuration()
    ) throws {
        let found = try HostDiscovery(environment: environment).resolve(explicit: host)
        self.host = found.host
        hostSource = found.source
        self.configuration = configuration
        self.transport = transport ?? CurlTransport(
            host: found.host, streamBufferLimit: configuration.streamBufferLimit,
            hijackBufferLimit: configuration.hijackBufferLimit,
            maxResponseBodySize: configuration.maxResponseBodySize, connectTimeout: configuration.connectTimeout)
        self.logger = logger
        self.telemetry = telemetry
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
    ///
    /// Once known it is read under a lock, without suspending.
    public func apiVersion() async throws -> APIVersion {
        if let known = negotiator.current { return known }
        return try await negotiator.version {
            let ping = try await self.system.ping()
            await self.engineDetector.record(ping)
            return ping
        }
    }

    /// Runs `operation` with `limit` as the time limit of every call it makes through any client
    /// (nil: no limit), instead of `Configuration.unaryTimeout` or a call's own default.
    ///
    /// ```swift
    /// let list = try await DockerClient.withTimeout(.seconds(5)) { try await docker.containers.list() }
    /// ```
    public static func withTimeout<T: Sendable>(
        _ limit: Duration?, operation: @Sendable () async throws -> T
    ) async rethrows -> T {
        try await CallTimeout.$override.withValue(CallTimeout(limit: limit)) { try await operation() }
    }

    /// The System area: ping, version, info, disk usage, events.
    public var system: SystemAPI { SystemAPI(client: self) }

    // MARK: - Request helpers for the API areas
    //
    // Every call goes through these four: they pick the time limit, send through the transport,
    // and map failures and non-2xx answers to `DockerError` in one place (`failure`, `refusal`).

    /// Sends a versioned request; non-2xx statuses (except those in `accept`) throw typed errors.
    ///
    /// - Parameters:
    ///   - timeout: this call's own time limit; nil takes `withTimeout`'s, else `Configuration.unaryTimeout`.
    ///   - longRunning: the daemon holds the call by design (wait, stop, restart): no default limit.
    ///   - versioned: false sends the path without `/v1.NN` (`/_ping`, which negotiation itself uses).
    func send(
        _ method: String, _ path: String, query: [QueryItem] = [], body: RequestBody? = nil,
        headers: [String: String] = [:], timeout: Duration? = nil, accept: Set<Int> = [],
        longRunning: Bool = false, versioned: Bool = true
    ) async throws -> DockerResponse {
        try await instrumented(method, path) {
            try await exchange(method, path, query: query, body: body, headers: headers, timeout: timeout, accept: accept,
                               longRunning: longRunning, versioned: versioned)
        }
    }

    /// `send` without its own record: the request, the transport and the mapping of failures.
    private func exchange(
        _ method: String, _ path: String, query: [QueryItem], body: RequestBody?, headers: [String: String],
        timeout: Duration?, accept: Set<Int>, longRunning: Bool, versioned: Bool
    ) async throws -> DockerResponse {
        let version = versioned ? try await apiVersion() : nil
        var request = DockerRequest(method: method, path: path, query: query, headers: headers, body: body,
                                    apiVersion: version,
                                    timeout: timeLimit(timeout, default: longRunning ? nil : configuration.unaryTimeout))
        request.longRunning = longRunning
        let response: DockerResponse
        do {
            response = try await transport.execute(request)
        } catch {
            throw failure(error, request)
        }
        guard (200..<300).contains(response.status) || accept.contains(response.status) else {
            throw await refusal(status: response.status, body: response.body, request)
        }
        return response
    }

    /// Sends a versioned request and decodes the JSON answer.
    func decode<T: Decodable>(
        _ type: T.Type, _ method: String, _ path: String, query: [QueryItem] = [], body: RequestBody? = nil,
        headers: [String: String] = [:], timeout: Duration? = nil, longRunning: Bool = false
    ) async throws -> T {
        // One record for the call (the exchange reports its status to it), not one nested in another.
        try await instrumentedCall(method, path) { call in
            let response = try await exchange(method, path, query: query, body: body, headers: headers, timeout: timeout,
                                              accept: [], longRunning: longRunning, versioned: true)
            call?.status = response.status
            return try JSONCoding.decode(type, from: response.body, what: "\(method) \(path)")
        }
    }

    /// Opens a versioned streaming request; a non-2xx answer is read whole and thrown.
    /// Streams have no time limit unless `timeout` or `withTimeout` gives one.
    func openStream(
        _ method: String, _ path: String, query: [QueryItem] = [], body: RequestBody? = nil,
        headers: [String: String] = [:], timeout: Duration? = nil
    ) async throws -> DockerStreamResponse {
        try await instrumented(method, path) {
        let version = try await apiVersion()
        let request = DockerRequest(method: method, path: path, query: query, headers: headers, body: body,
                                    apiVersion: version, timeout: timeLimit(timeout, default: nil))
        let response: DockerStreamResponse
        do {
            response = try await transport.stream(request)
        } catch {
            throw failure(error, request)
        }
        guard (200..<300).contains(response.status) else {
            let data = try await collectRefusal(response.body, request)
            throw await refusal(status: response.status, body: data, request)
        }
        return response
        }
    }

    /// Opens a versioned request that upgrades to a raw two-way connection; the handshake is
    /// bounded by `Configuration.unaryTimeout`, the connection then by nothing.
    func openHijacked(
        _ method: String, _ path: String, query: [QueryItem] = [], body: RequestBody? = nil
    ) async throws -> any HijackedConnection {
        try await instrumented(method, path) {
        let version = try await apiVersion()
        let request = DockerRequest(method: method, path: path, query: query, body: body, apiVersion: version,
                                    timeout: timeLimit(nil, default: configuration.unaryTimeout))
        let connection: any HijackedConnection
        do {
            connection = try await transport.hijack(request)
        } catch {
            throw failure(error, request)
        }
        guard connection.status == 101 || (200..<300).contains(connection.status) else {
            defer { connection.close() }
            let data = try await collectRefusal(connection.output, request)
            throw await refusal(status: connection.status, body: data, request)
        }
        return connection
        }
    }

    /// The time limit of a call: its own, else the `withTimeout` override, else `fallback`.
    private func timeLimit(_ own: Duration?, default fallback: Duration?) -> Duration? {
        if let own { return own }
        if let override = CallTimeout.override { return override.limit }
        return fallback
    }

    /// A failure of the transport as the caller sees it: typed, naming the call when it timed out.
    private func failure(_ error: any Error, _ request: DockerRequest) -> any Error {
        if error is CancellationError { return DockerError.cancelled }
        if let seconds = (error as? DockerError)?.unnamedTimeout {
            return DockerError.timedOut(seconds: seconds, call: "\(request.method) \(request.path)")
        }
        return error
    }

    /// The daemon's refusal (a non-2xx answer) as a typed error (Podman's Swarm refusals as Docker's, see
    /// `EngineCompatibility.swarmRefusal`).
    private func refusal(status: Int, body: Data, _ request: DockerRequest) async -> DockerError {
        let error = DockerError.from(status: status, body: body, requested: request.apiVersion)
        if status == 404 || status == 503, let message = DockerError.daemonMessage(body),
           let swarm = EngineCompatibility.swarmRefusal(status: status, message: message, method: request.method,
                                                        path: request.path, engine: await knownEngine) {
            return swarm
        }
        return error
    }

    /// The body of an error answer, at most 1 MB (a refused upgrade's within the handshake's time limit).
    private func collectRefusal(_ body: ByteStream, _ request: DockerRequest) async throws -> Data {
        var data = Data()
        do {
            for try await chunk in body {
                data.append(chunk)
                if data.count > 1 << 20 {
                    body.cancel()
                    break
                }
            }
        } catch {
            throw failure(error, request)
        }
        return data
    }
}

/// A `DockerClient.withTimeout` override, carried by the task.
struct CallTimeout: Sendable {
    var limit: Duration?
    @TaskLocal static var override: CallTimeout?
}

extension DockerClient {
    /// Time limits and size limits of a client's calls.
    public struct Configuration: Sendable, Equatable {
        /// How long connecting to the daemon may take (default 30 s).
        public var connectTimeout: Duration
        /// The time limit of a unary call (default 60 s, docker-py's figure; nil: none). Calls the
        /// daemon holds by design (`wait`, `stop`, `restart`) and streams (logs, events, stats,
        /// pull progress, attach) have none; `DockerClient.withTimeout` overrides both.
        public var unaryTimeout: Duration?
        /// The largest unary response body held in memory (default 64 MB): an answer that announces
        /// more fails at once, one that grows past it stops there, as `DockerError.responseTooLarge`.
        public var maxResponseBodySize: Int
        /// Bytes a stream buffers for a slow consumer before its transfer pauses (default 1 MB).
        public var streamBufferLimit: Int
        /// Output bytes a hijacked session (attach, exec with stdin) buffers while nobody reads it,
        /// before it stops reading the socket (default 64 MB).
        public var hijackBufferLimit: Int

        /// Creates a configuration; every limit has a default.
        public init(connectTimeout: Duration = .seconds(30), unaryTimeout: Duration? = .seconds(60),
                    maxResponseBodySize: Int = 64 << 20, streamBufferLimit: Int = 1 << 20,
                    hijackBufferLimit: Int = 64 << 20) {
            self.connectTimeout = connectTimeout
            self.unaryTimeout = unaryTimeout
            self.maxResponseBodySize = maxResponseBodySize
            self.streamBufferLimit = streamBufferLimit
            self.hijackBufferLimit = hijackBufferLimit
        }
    }
}

/// Negotiates the API version once, safely under concurrent first calls; a failed attempt is retried.
/// Once settled, the version is read under a lock: no actor hop per request.
final class VersionNegotiator: @unchecked Sendable {
    private let fixed: APIVersion?
    private let lock = NSLock()
    private var pending: Task<APIVersion, any Error>?
    private var settled: APIVersion?

    init(fixed: APIVersion?) {
        self.fixed = fixed
    }

    /// The version, when fixed or already negotiated.
    var current: APIVersion? {
        if let fixed { return fixed }
        return lock.withLock { settled }
    }

    func version(ping: @escaping @Sendable () async throws -> PingResult) async throws -> APIVersion {
        if let current { return current }
        let task = lock.withLock {
            if let pending { return pending }
            let task = Task { try Self.choose(server: try await ping().apiVersion) }
            pending = task
            return task
        }
        do {
            let version = try await task.value
            lock.withLock { settled = version }
            return version
        } catch {
            lock.withLock { if pending == task { pending = nil } }
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
    /// `DockerJSONDecoder` gives Foundation's `JSONDecoder` results, faster (see its documentation).
    static func decode<T: Decodable>(_ type: T.Type, from data: Data, what: @autoclosure () -> String) throws -> T {
        do {
            return try DockerJSONDecoder().decode(type, from: data)
        } catch let error as DecodingError {
            throw DockerError.malformedResponse("cannot decode \(T.self) from \(what()) (\(data.count) bytes): \(describe(error))")
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
