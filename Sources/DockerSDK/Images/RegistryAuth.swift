import Foundation

/// Credentials for a registry, sent as the `X-Registry-Auth` header; never logged or recorded.
public struct RegistryAuth: Codable, Sendable, Equatable, CustomStringConvertible, CustomDebugStringConvertible,
    CustomReflectable {
    /// The user name.
    public var username: String?
    /// The password.
    public var password: String?
    /// An identity token instead of a password.
    public var identityToken: String?
    /// The registry, e.g. `https://index.docker.io/v1/`.
    public var serverAddress: String?

    /// Creates credentials.
    public init(username: String? = nil, password: String? = nil, identityToken: String? = nil, serverAddress: String? = nil) {
        self.username = username
        self.password = password
        self.identityToken = identityToken
        self.serverAddress = serverAddress
    }

    /// Names the user and registry, never the secret.
    public var description: String {
        "RegistryAuth(user: \(username ?? "-"), server: \(serverAddress ?? "-"), secret: <redacted>)"
    }

    /// The same as `description`: no secret.
    public var debugDescription: String { description }

    /// Shows the user and registry to `dump` and debuggers, never the secret.
    public var customMirror: Mirror {
        Mirror(self, children: ["username": username as Any, "serverAddress": serverAddress as Any])
    }

    /// The header's value: base64url of the JSON.
    public func headerValue() throws -> String {
        try JSONEncoder().encode(self).base64EncodedString()
            .replacingOccurrences(of: "+", with: "-").replacingOccurrences(of: "/", with: "_")
    }

    /// The credentials for `registry` from the docker config file (`auths`, `credsStore`,
    /// `credHelpers`; see `DockerConfigFile`).
    public static func fromConfig(registry: String, discovery: HostDiscovery = HostDiscovery()) throws -> RegistryAuth? {
        try DockerConfigFile.load(discovery: discovery).credentials(for: registry)
    }

    enum CodingKeys: String, CodingKey {
        case username, password, identityToken = "identitytoken", serverAddress = "serveraddress"
    }
}
