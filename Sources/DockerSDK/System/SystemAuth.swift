import Foundation

extension SystemAPI {
    /// Checks credentials against a registry (`POST /auth`, what `docker login` asks the daemon);
    /// a refusal is `.unauthorized` with the daemon's message (which never holds the password).
    public func auth(_ credentials: RegistryAuth) async throws -> AuthResult {
        try await RegistryErrors.refining {
            try await client.decode(AuthResult.self, "POST", "/auth", body: try .json(credentials))
        }
    }
}

/// The answer of `POST /auth`.
public struct AuthResult: Codable, Sendable, Equatable, CustomStringConvertible {
    /// e.g. `Login Succeeded`.
    public var status: String
    /// A token to store instead of the password, when the registry gives one (often empty).
    public var identityToken: String?

    /// The status; never the token.
    public var description: String { "AuthResult(status: \(status), token: \(identityToken?.isEmpty == false ? "<redacted>" : "none"))" }

    enum CodingKeys: String, CodingKey { case status = "Status", identityToken = "IdentityToken" }
}
