import Foundation

/// One JSON line of the daemon's progress streams (build, push, load), every field optional.
struct StreamMessage: Decodable, Sendable {
    var stream: String?
    var status: String?
    var id: String?
    var progress: String?
    var progressDetail: ProgressEvent.Detail?
    var error: String?
    var errorDetail: ProgressEvent.ErrorDetail?
    var aux: Aux?

    /// The `aux` object: an image ID (build), or a tag, digest and size (push).
    struct Aux: Decodable, Sendable {
        var id: String?
        var tag: String?
        var digest: String?
        var size: Int64?
        enum CodingKeys: String, CodingKey { case id = "ID", tag = "Tag", digest = "Digest", size = "Size" }
    }

    /// The line as a generic progress event.
    var progressEvent: ProgressEvent {
        ProgressEvent(status: status, id: id, progress: progress, progressDetail: progressDetail, error: error,
                      errorDetail: errorDetail, stream: stream)
    }

    /// The error's message, when the line reports one.
    var errorMessage: String? { errorDetail?.message ?? error }
}

/// Registry errors as the daemon relays them, typed.
enum RegistryErrors {
    /// `unauthorized: ...` (the registry's own message) and failed logins become `.unauthorized`;
    /// everything else is left as it is.
    static func refine(_ error: DockerError) -> DockerError {
        switch error {
        case .serverError(_, let message), .streamError(let message):
            return isUnauthorized(message) ? .unauthorized(message: message) : error
        default:
            return error
        }
    }

    /// Whether a daemon message relays a registry's refusal of the credentials.
    static func isUnauthorized(_ message: String) -> Bool {
        let lower = message.lowercased()
        return lower.hasPrefix("unauthorized") || lower.contains("401 unauthorized")
            || lower.contains(": unauthorized:") || lower.contains("no basic auth credentials")
    }

    /// Runs `body`, refining a `DockerError` it throws.
    static func refining<T>(_ body: () async throws -> T) async throws -> T {
        do {
            return try await body()
        } catch let error as DockerError {
            throw refine(error)
        }
    }
}
