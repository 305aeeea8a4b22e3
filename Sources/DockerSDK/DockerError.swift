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
    /// The task was cancelled; the transfer was aborted.
    case cancelled
    /// The request took longer than its time limit.
    case timedOut(seconds: Double)
    /// Any other transport failure, with libcurl's code and message.
    case transport(code: Int, message: String)
    /// `POST /build` failed: the daemon's message, its exit code when a `RUN` failed, and the step it
    /// was running (the last `Step N/M : ...` line), when one had started.
    case buildFailed(step: BuildStep?, message: String, code: Int?)

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

    /// The daemon's message, where it sent one.
    public var message: String? {
        switch self {
        case .badRequest(let m), .unauthorized(let m), .forbidden(let m), .notFound(let m), .conflict(let m),
             .streamError(let m), .buildFailed(_, let m, _):
            m
        case .serverError(_, let m), .unsupportedAPIVersion(_, let m):
            m
        default:
            nil
        }
    }

    public var description: String {
        switch self {
        case let .cannotConnect(host, reason, detail):
            let hint = switch reason {
            case .socketMissing: "is the Docker daemon running? (start it with `dockerd`, or set DOCKER_HOST)"
            case .permissionDenied: "permission denied: run as root or add the user to the `docker` group"
            case .refused: "nothing is listening there: is the Docker daemon running?"
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
        case .cancelled: return "Cancelled"
        case .timedOut(let s): return "Timed out after \(s) s"
        case let .transport(code, m): return "Transport error (curl \(code)): \(m)"
        case let .buildFailed(step, m, _):
            return "Build failed" + (step.map { " at \($0)" } ?? "") + ": \(m)"
        }
    }

    public var errorDescription: String? { description }

    /// Maps a non-2xx response to a typed error, keeping the daemon's message.
    public static func from(status: Int, body: Data, requested: APIVersion?) -> DockerError {
        let status = EngineCompatibility.status(status, body: body)  // Podman's 500s that Docker sends as 409
        let message = daemonMessage(body) ?? HTTPStatus.reason(status)
        if status == 400, message.contains("client version"), message.contains("too old") || message.contains("too new") {
            return .unsupportedAPIVersion(requested: requested, message: message)
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
