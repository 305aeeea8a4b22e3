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

    /// The credentials for `registry` from the `auths` of a docker config file (`~/.docker/config.json`).
    public static func fromConfig(registry: String, discovery: HostDiscovery = HostDiscovery()) throws -> RegistryAuth? {
        let path = (discovery.configDirectory as NSString).appendingPathComponent("config.json")
        guard let data = FileManager.default.contents(atPath: path) else { return nil }
        struct Config: Decodable {
            struct Entry: Decodable {
                let auth: String?
                let identitytoken: String?
            }
            let auths: [String: Entry]?
        }
        let config: Config
        do { config = try JSONDecoder().decode(Config.self, from: data) } catch {
            throw DockerError.invalidArgument("cannot read \(path)")
        }
        let keys = [registry, "https://\(registry)", "https://\(registry)/v1/", "http://\(registry)"]
        guard let key = keys.first(where: { config.auths?[$0] != nil }), let entry = config.auths?[key] else { return nil }
        var auth = RegistryAuth(identityToken: entry.identitytoken, serverAddress: key)
        if let encoded = entry.auth, let decoded = Data(base64Encoded: encoded).map({ String(decoding: $0, as: UTF8.self) }),
           let colon = decoded.firstIndex(of: ":") {
            auth.username = String(decoded[..<colon])
            auth.password = String(decoded[decoded.index(after: colon)...])
        }
        return auth
    }

    enum CodingKeys: String, CodingKey {
        case username, password, identityToken = "identitytoken", serverAddress = "serveraddress"
    }
}
