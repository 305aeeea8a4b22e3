import Foundation

/// Everything that can go wrong talking to a daemon, with the daemon's own message where it sent one.
public enum DockerError: Error, Sendable, Equatable, CustomStringConvertible, LocalizedError {
    /// No connection could be made to the daemon at `host`.
    case cannotConnect(host: String, reason: ConnectFailure, detail: String)
    /// 400: the daemon refused the request's parameters.
    case badRequest(message: String)
    /// 401: credentials were missing or wrong.
    case unauthorized(message: String)
    /// 403: the daemon forbids the operation.
    case forbidden(message: String)
    /// 404: no such container, image, network, volume or exec.
    case notFound(message: String)
    /// 409: a name in use, a container that is not running, and similar state conflicts.
    case conflict(message: String)
    /// Any other non-2xx status (500, 503, ...).
    case serverError(status: Int, message: String)
    /// The daemon does not serve the requested API version ("client version ... is too old/new").
    case unsupportedAPIVersion(requested: APIVersion?, message: String)
    /// The daemon's answer could not be understood: bad JSON, a truncated body, a broken stream.
    case malformedResponse(String)
    /// The daemon reported an error inside a stream that had started well (pull progress, exec output).
    case streamError(message: String)
    /// The caller passed something that cannot be sent; nothing was sent.
    case invalidArgument(String)
    /// A field or option the negotiated API version does not have; nothing was sent.
    case requiresAPIVersion(feature: String, minimum: APIVersion, negotiated: APIVersion)
    /// The task was cancelled; the transfer was aborted.
    case cancelled
    /// The call (`call`, e.g. `GET /containers/json`, when known) took longer than its time limit
    /// (see `DockerClient.Configuration` and `DockerClient.withTimeout`).
    case timedOut(seconds: Double, call: String? = nil)
    /// A unary response body was larger than the limit (`DockerClient.Configuration.maxResponseBodySize`);
    /// `size` is the announced length, or what had arrived when the limit was crossed.
    case responseTooLarge(call: String, limit: Int, size: Int)
    /// Any other transport failure, with libcurl's code and message.
    case transport(code: Int, message: String)
    /// `POST /build` failed: the daemon's message, its exit code when a `RUN` failed, and the step it
    /// was running (the last `Step N/M : ...` line), when one had started.
    case buildFailed(step: BuildStep?, message: String, code: Int?)
    /// 503 from a Swarm endpoint: the node is not in a swarm, not a manager, already in one, or locked.
    case swarm(reason: SwarmFailure, message: String)

    /// Why a Swarm request was refused (a 503 with the daemon's Swarm message).
    public enum SwarmFailure: String, Sendable, Equatable {
        /// The node is not part of a swarm (`docker swarm init` or `join` first).
        case notInSwarm
        /// The node is a worker: cluster state is only on managers.
        case notManager
        /// The node is already part of a swarm (`docker swarm leave` first).
        case alreadyInSwarm
        /// The swarm is encrypted and locked (`docker swarm unlock` first).
        case locked
    }

    /// Why a connection could not be made.
    public enum ConnectFailure: String, Sendable, Equatable {
        /// The socket file does not exist: the daemon is not running there.
        case socketMissing
        /// The socket exists but the user may not open it.
        case permissionDenied
        /// Nothing accepts connections there.
        case refused
        /// The TLS handshake failed: certificates, CA or verification.
        case tls
        /// Name resolution, TLS or another connect-time failure.
        case other
    }

    /// How the detail of a `.cannotConnect(reason: .tls)` starts when plain HTTP went to a TLS port.
    static let plainHTTPToTLSDetail = "no HTTP answer on a plain tcp:// connection: the daemon seems to speak TLS"

    /// The daemon's message, where it sent one.
    public var message: String? {
        switch self {
        case .badRequest(let m), .unauthorized(let m), .forbidden(let m), .notFound(let m), .conflict(let m),
             .streamError(let m), .buildFailed(_, let m, _):
            m
        case .serverError(_, let m), .unsupportedAPIVersion(_, let m), .swarm(_, let m):
            m
        default:
            nil
        }
    }

    /// One line: what went wrong, with the daemon's message, and for a failed connection the likely fix.
    public var description: String {
        switch self {
        case let .cannotConnect(host, reason, detail):
            let hint = switch reason {
            case .socketMissing: "is the Docker daemon running? (start it with `dockerd`, or set DOCKER_HOST)"
            case .permissionDenied: "permission denied: run as root or add the user to the `docker` group"
            case .refused: "nothing is listening there: is the Docker daemon running?"
            case .tls where detail.hasPrefix(Self.plainHTTPToTLSDetail):
                "the daemon speaks TLS but the request went as plain HTTP: set DOCKER_TLS_VERIFY=1 and "
                    + "DOCKER_CERT_PATH (ca.pem, cert.pem, key.pem), or give a TLS configuration for the tcp:// host"
            case .tls: "the TLS handshake failed: check DOCKER_CERT_PATH (ca.pem, cert.pem, key.pem) and DOCKER_TLS_VERIFY"
            case .other: "check DOCKER_HOST and the daemon"
            }
            return "Cannot connect to the Docker daemon at \(host): \(hint) (\(detail))"
        case .badRequest(let m): return "Bad request: \(m)"
        case .unauthorized(let m): return "Unauthorized: \(m)"
        case .forbidden(let m): return "Forbidden: \(m)"
        case .notFound(let m): return "Not found: \(m)"
        case .conflict(let m): return "Conflict: \(m)"
        case let .serverError(status, m): return "Daemon error (HTTP \(status)): \(m)"
        case let .unsupportedAPIVersion(requested, m):
            return "API version \(requested.map(\.description) ?? "?") is not supported by the daemon: \(m)"
        case .malformedResponse(let m): return "Malformed response from the daemon: \(m)"
        case .streamError(let m): return "Error reported by the daemon: \(m)"
        case .invalidArgument(let m): return "Invalid argument: \(m)"
        case let .requiresAPIVersion(feature, minimum, negotiated):
            return "\(feature) requires API version \(minimum), but the daemon's API version is \(negotiated)"
        case .cancelled: return "Cancelled"
        case let .timedOut(s, call): return call.map { "\($0) timed out after \(s) s" } ?? "Timed out after \(s) s"
        case let .responseTooLarge(call, limit, size):
            return "The response to \(call) is larger than the limit of \(limit) bytes (\(size) bytes); "
                + "raise DockerClient.Configuration.maxResponseBodySize or use a streaming call"
        case let .transport(code, m): return "Transport error (curl \(code)): \(m)"
        case let .buildFailed(step, m, _):
            return "Build failed" + (step.map { " at \($0)" } ?? "") + ": \(m)"
        case let .swarm(_, m): return "Swarm: \(m)"
        }
    }

    /// The same as `description`.
    public var errorDescription: String? { description }

    /// The limit of a `.timedOut(seconds:)` that does not name its call yet.
    var unnamedTimeout: Double? {
        switch self {
        case let .timedOut(s, nil): s
        default: nil
        }
    }

    /// Maps a non-2xx response to a typed error, keeping the daemon's message.
    public static func from(status: Int, body: Data, requested: APIVersion?) -> DockerError {
        let status = EngineCompatibility.status(status, body: body)  // Podman's 500s that Docker sends as 409
        let message = daemonMessage(body) ?? HTTPStatus.reason(status)
        if status == 400, message.contains("client version"), message.contains("too old") || message.contains("too new") {
            return .unsupportedAPIVersion(requested: requested, message: message)
        }
        if status == 503, let reason = SwarmFailure(daemonMessage: message) {
            return .swarm(reason: reason, message: message)
        }
        switch status {
        case 400: return .badRequest(message: message)
        case 401: return .unauthorized(message: message)
        case 403: return .forbidden(message: message)
        case 404: return .notFound(message: message)
        case 409: return .conflict(message: message)
        default: return .serverError(status: status, message: message)
        }
    }

    /// The `message` of a `{"message": "..."}` body, or the body as text when short and printable.
    static func daemonMessage(_ body: Data) -> String? {
        struct Message: Decodable { let message: String }
        if let decoded = try? JSONDecoder().decode(Message.self, from: body) { return decoded.message }
        guard let text = String(data: body, encoding: .utf8)?.trimmingCharacters(in: .whitespacesAndNewlines),
              !text.isEmpty, text.count <= 500 else { return nil }
        return text
    }
}

extension DockerError.SwarmFailure {
    /// Recognizes dockerd's Swarm refusals ("This node is not a swarm manager. ...").
    init?(daemonMessage m: String) {
        let text = m.lowercased()
        if text.contains("not part of a swarm") || (text.contains("not a swarm manager") && text.contains("swarm init")) {
            self = .notInSwarm
        } else if text.contains("not a swarm manager") {
            self = .notManager
        } else if text.contains("already part of a swarm") {
            self = .alreadyInSwarm
        } else if text.contains("swarm is encrypted") || text.contains("needs to be unlocked") {
            self = .locked
        } else {
            return nil
        }
    }
}

enum HTTPStatus {
    static func reason(_ status: Int) -> String {
        switch status {
        case 400: "bad request"
        case 401: "unauthorized"
        case 403: "forbidden"
        case 404: "not found"
        case 409: "conflict"
        case 500: "internal server error"
        case 503: "service unavailable"
        default: "HTTP status \(status)"
        }
    }
}
