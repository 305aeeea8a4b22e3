import Foundation
import Logging
import Metrics
import Synchronization
import Tracing

/// Where a client's metrics and trace spans go (its logs go to `DockerClient.logger`).
///
/// Nil fields use what the process bootstrapped (`MetricsSystem.bootstrap`, `InstrumentationSystem.bootstrap`);
/// with nothing bootstrapped and the logger above `.debug`, instrumentation costs one check per call.
///
/// ```swift
/// let docker = try DockerClient(logger: logger, telemetry: DockerTelemetry(metricsFactory: prometheus, tracer: otel))
/// ```
public struct DockerTelemetry: Sendable {
    /// The metrics backend; nil uses `MetricsSystem.factory`.
    public var metricsFactory: (any MetricsFactory)?
    /// The tracer; nil uses `InstrumentationSystem.tracer`.
    public var tracer: (any Tracer)?

    /// Telemetry to the given backends; nil ones use the process's bootstrapped backends.
    public init(metricsFactory: (any MetricsFactory)? = nil, tracer: (any Tracer)? = nil) {
        self.metricsFactory = metricsFactory
        self.tracer = tracer
    }

    /// The process's bootstrapped backends (no-ops unless something was bootstrapped).
    public static let bootstrapped = DockerTelemetry()

    /// The names of what the client emits: one set per call, with low-cardinality dimensions.
    public enum Names {
        /// Counter, dimensions `method`, `path` (the template) and `status` (`none` when no response came).
        public static let requests = "dockersdk_requests_total"
        /// Counter of failed calls, dimensions `method`, `path` and `error` (the error's kind, e.g. `notFound`).
        public static let errors = "dockersdk_request_errors_total"
        /// Timer in nanoseconds, dimensions `method` and `path`.
        public static let duration = "dockersdk_request_duration"
    }
}

/// What one call reports, shared with the helpers nested inside it (`decode` calls `send`).
final class InstrumentedCall: Sendable {
    let method: String
    let path: String
    private let recorded = Mutex<Int?>(nil)

    init(method: String, path: String) {
        self.method = method
        self.path = path
    }

    /// The HTTP status a nested helper saw for this same request.
    var status: Int? {
        get { recorded.withLock { $0 } }
        set { recorded.withLock { $0 = newValue } }
    }

    /// The call that the running task is inside of, if any.
    @TaskLocal static var current: InstrumentedCall?
}

extension DockerClient {
    /// Runs one request helper's body as one instrumented call: a log line at debug (and one at trace as it
    /// starts), a counter, an error counter and a timer, and a client span.
    ///
    /// What is recorded: a request id (random, per call), the method, the path *template*
    /// (`/containers/{id}/json`: ids and names never appear, see `PathTemplate`), the status, the duration, and
    /// on failure the error's kind (`notFound`, `cannotConnect`, ...). Never the query, headers, bodies or the
    /// error's message, so registry credentials, environment values and daemon messages stay out of every
    /// record; the message stays in the thrown error, which the caller owns.
    ///
    /// A helper nested in another for the same method and path (an API area wrapping `send`) adds no record of its
    /// own and hands its status to the outer one; a different request made inside (the version negotiation's
    /// `/_ping`) is a call of its own and a child span. For a stream or a hijacked connection the call ends when
    /// the response head arrives: the span and timer cover opening it, not reading it.
    func instrumented<T>(_ method: String, _ path: String, _ body: () async throws -> T) async throws -> T {
        try await instrumentedCall(method, path) { _ in try await body() }
    }

    /// `instrumented`, handing the body the call's record (nil when nothing is recorded) so that a
    /// helper can report the HTTP status itself instead of nesting a second `instrumented`.
    func instrumentedCall<T>(_ method: String, _ path: String, _ body: (InstrumentedCall?) async throws -> T) async throws -> T {
        // Off (no backend, logger above debug): one check and the body, nothing built, no task-local read.
        // Checked first: an outer call of this client is then off too, so there is nothing to hand a status to.
        let factory = telemetry.metricsFactory ?? MetricsSystem.factory
        let tracer = telemetry.tracer ?? InstrumentationSystem.tracer
        let logs = logger.logLevel <= .debug
        if !logs, factory is NOOPMetricsHandler, tracer is NoOpTracer {
            return try await body(nil)
        }
        if let outer = InstrumentedCall.current, outer.method == method, outer.path == path {
            outer.status = nil
            do {
                let value = try await body(outer)
                outer.status = CallRecord.status(of: value) ?? outer.status
                return value
            } catch {
                outer.status = CallRecord.status(of: error)
                throw error
            }
        }
        let call = InstrumentedCall(method: method, path: path)
        let record = CallRecord(method: method, template: PathTemplate.of(path), logger: logger, logs: logs,
                                factory: factory)
        return try await record.run(tracer: tracer) {
            try await InstrumentedCall.$current.withValue(call) {
                let value = try await body(call)
                return (value, CallRecord.status(of: value) ?? call.status)
            }
        } statusOfError: { error in CallRecord.status(of: error) ?? call.status }
    }
}

/// The records of one call, written when it ends.
struct CallRecord {
    let method: String
    let template: String
    let logger: Logger
    let logs: Bool
    let factory: any MetricsFactory
    let requestID = String(UInt64.random(in: 0...UInt64.max), radix: 16)

    init(method: String, template: String, logger: Logger, logs: Bool, factory: any MetricsFactory) {
        self.method = method
        self.template = template
        self.logger = logger
        self.logs = logs
        self.factory = factory
    }

    func run<T>(tracer: any Tracer, _ body: () async throws -> (T, Int?),
                statusOfError: (any Error) -> Int?) async throws -> T {
        if logs {
            logger.trace("docker request started", metadata: baseMetadata)
        }
        let span = tracer.startSpan("\(method) \(template)", ofKind: .client)
        span.attributes["http.request.method"] = method
        span.attributes["url.path"] = template
        span.attributes["http.route"] = template
        span.attributes["dockersdk.request_id"] = requestID
        let started = ContinuousClock.now
        do {
            let (value, status) = try await InstrumentationContext.withValue(span.context) { try await body() }
            finish(span: span, elapsed: ContinuousClock.now - started, status: status, error: nil)
            return value
        } catch {
            finish(span: span, elapsed: ContinuousClock.now - started, status: statusOfError(error), error: error)
            throw error
        }
    }

    private var baseMetadata: Logger.Metadata {
        ["dockersdk.request_id": "\(requestID)", "http.request.method": "\(method)", "url.path": "\(template)"]
    }

    private func finish(span: any Span, elapsed: Duration, status: Int?, error: (any Error)?) {
        let kind = error.map(Self.kind(of:))
        let statusText = status.map(String.init) ?? "none"
        let nanoseconds = elapsed.components.seconds * 1_000_000_000 + elapsed.components.attoseconds / 1_000_000_000

        let dimensions = [("method", method), ("path", template)]
        Counter(label: DockerTelemetry.Names.requests, dimensions: dimensions + [("status", statusText)],
                factory: factory).increment()
        Metrics.Timer(label: DockerTelemetry.Names.duration, dimensions: dimensions, factory: factory)
            .recordNanoseconds(nanoseconds)
        if let kind {
            Counter(label: DockerTelemetry.Names.errors, dimensions: dimensions + [("error", kind)],
                    factory: factory).increment()
        }

        if let status { span.attributes["http.response.status_code"] = status }
        if let kind {
            span.attributes["error.type"] = kind
            // A stand-in carrying the kind and status only: the error's message may quote daemon text.
            span.recordError(RedactedCallError(kind: kind, status: status))
            span.setStatus(SpanStatus(code: .error))
        }
        span.end()

        guard logs else { return }
        var metadata = baseMetadata
        metadata["http.response.status_code"] = "\(statusText)"
        metadata["duration_ms"] = "\(String(format: "%.3f", Double(nanoseconds) / 1e6))"
        if let kind {
            metadata["error.type"] = "\(kind)"
            logger.debug("docker request failed", metadata: metadata)
        } else {
            logger.debug("docker request", metadata: metadata)
        }
    }

    /// The HTTP status of a helper's result, when it has one.
    static func status(of value: Any) -> Int? {
        if let carrier = value as? any ResponseStatusCarrying { return carrier.responseStatus }
        if let response = value as? DockerResponse { return response.status }
        if let response = value as? DockerStreamResponse { return response.status }
        if let connection = value as? any HijackedConnection { return connection.status }
        return nil
    }

    /// The HTTP status a typed error stands for, when it came from a response.
    static func status(of error: any Error) -> Int? {
        switch error as? DockerError {
        case .badRequest?: 400
        case .unauthorized?: 401
        case .forbidden?: 403
        case .notFound?: 404
        case .conflict?: 409
        case .serverError(let status, _)?: status
        default: nil
        }
    }

    /// A low-cardinality name for an error: the `DockerError` case (`notFound`), else the error's type name.
    static func kind(of error: any Error) -> String {
        if let error = error as? DockerError {
            // The case name, without its payload (which may hold messages).
            return Mirror(reflecting: error).children.first?.label ?? "\(error)"
        }
        if error is CancellationError { return "cancelled" }
        return String(describing: type(of: error))
    }
}

/// A value that knows the HTTP status of the response it came from.
protocol ResponseStatusCarrying {
    var responseStatus: Int { get }
}

/// A helper's result paired with its response's status, for bodies whose value carries none (`ping`).
struct InstrumentedValue<Value>: ResponseStatusCarrying {
    let value: Value
    let responseStatus: Int

    init(_ value: Value, status: Int) {
        self.value = value
        responseStatus = status
    }
}

/// What a span records for a failed call: the error's kind and status, never its message.
struct RedactedCallError: Error, CustomStringConvertible {
    let kind: String
    let status: Int?

    var description: String {
        "DockerError.\(kind)" + (status.map { " (HTTP \($0))" } ?? "")
    }
}

/// The route template of a request path: `/containers/abc123/json` -> `/containers/{id}/json`.
///
/// The path is matched against every path of the Engine API specs (`engineRoutes`); a `{parameter}` takes one
/// or more segments (image names hold slashes), and of several matches the one with the most literal segments
/// wins (`/containers/json` over `/containers/{id}`). A path matching no route keeps its first segment only:
/// `/unknown/...`, so nothing caller-chosen reaches a metric dimension.
public enum PathTemplate {
    /// The template of `path` (no version prefix, no query).
    public static func of(_ path: String) -> String {
        let segments = split(path)
        var best: (template: String, literals: Int)?
        for route in routes where route.segments.count <= segments.count {
            if matches(route.segments[...], segments[...]), route.literals > (best?.literals ?? -1) {
                best = (route.template, route.literals)
            }
        }
        if let best { return best.template }
        return segments.first.map { "/\($0)/..." } ?? "/"
    }

    private struct Route: Sendable {
        let template: String
        let segments: [Substring]
        let literals: Int
    }

    private static let routes: [Route] = engineRoutes.map { template in
        let segments = split(template)
        return Route(template: template, segments: segments, literals: segments.count { !isParameter($0) })
    }

    private static func split(_ path: String) -> [Substring] {
        path.split(separator: "/", omittingEmptySubsequences: true)
    }

    private static func isParameter(_ segment: Substring) -> Bool {
        segment.first == "{" && segment.last == "}"
    }

    /// Whether `route` covers all of `path`, a parameter taking one or more segments.
    private static func matches(_ route: ArraySlice<Substring>, _ path: ArraySlice<Substring>) -> Bool {
        guard let head = route.first else { return path.isEmpty }
        guard !path.isEmpty else { return false }
        if !isParameter(head) {
            return head == path.first && matches(route.dropFirst(), path.dropFirst())
        }
        let rest = route.dropFirst()
        // A parameter takes 1...n segments, leaving at least one per remaining route segment.
        let most = path.count - rest.count
        guard most >= 1 else { return false }
        for taken in 1...most where matches(rest, path.dropFirst(taken)) {
            return true
        }
        return false
    }
}
