import Foundation

/// The docker CLI's `config.json`, found like the CLI finds it (`$DOCKER_CONFIG/config.json`, else
/// `~/.docker/config.json`), for registry credentials: `auths` (base64 `auth`, or `username` and
/// `password`, or `identitytoken`), `credsStore` and `credHelpers` (through `CredentialHelper`).
///
/// Lookups follow the CLI: a registry's `credHelpers` entry, else `credsStore`, else `auths`.
/// Other keys of the file are kept as they are when it is written back. Helpers run as child
/// processes and the calls wait for them (each bounded by `CredentialHelper.timeout`).
/// Everything here prints without secrets; errors never quote them.
public struct DockerConfigFile: Sendable {
    /// The file's path (it may not exist yet).
    public let path: String
    /// The environment helpers are found and run with.
    public let environment: [String: String]
    /// Credentials stored in the file, by registry key.
    public var auths: [String: AuthEntry]
    /// The default credential helper for every registry.
    public var credsStore: String?
    /// Credential helpers by registry host.
    public var credHelpers: [String: String]
    private var other: [String: JSONValue]

    /// The key the CLI uses for Docker Hub.
    public static let dockerHubKey = "https://index.docker.io/v1/"

    /// One entry of `auths`; prints without its secrets.
    public struct AuthEntry: Codable, Sendable, Equatable, CustomStringConvertible {
        /// base64 of `user:password`.
        public var auth: String?
        /// The user name, when stored apart.
        public var username: String?
        /// The password, when stored apart.
        public var password: String?
        /// An identity token (OAuth refresh token) instead of a password.
        public var identitytoken: String?
        /// The registry, as some writers repeat it.
        public var serveraddress: String?
        /// Fields other tools add (e.g. `email`), kept when the file is written back.
        public var email: String?

        /// Creates an entry.
        public init(auth: String? = nil, username: String? = nil, password: String? = nil, identitytoken: String? = nil,
                    serveraddress: String? = nil, email: String? = nil) {
            self.auth = auth
            self.username = username
            self.password = password
            self.identitytoken = identitytoken
            self.serveraddress = serveraddress
            self.email = email
        }

        /// Names the fields present, never their values.
        public var description: String {
            "AuthEntry(user: \(username ?? "-"), auth: \(auth == nil ? "no" : "<redacted>"), token: \(identitytoken == nil ? "no" : "<redacted>"))"
        }
    }

    /// Reads the config file of `discovery`'s environment; a missing file is an empty config.
    public static func load(discovery: HostDiscovery = HostDiscovery()) throws -> DockerConfigFile {
        try load(path: (discovery.configDirectory as NSString).appendingPathComponent("config.json"),
                 environment: discovery.environment)
    }

    /// Reads the config file at `path`; a missing file is an empty config. Bad JSON is `.invalidArgument`.
    public static func load(path: String, environment: [String: String] = ProcessInfo.processInfo.environment) throws -> DockerConfigFile {
        var config = DockerConfigFile(path: path, environment: environment, auths: [:], credsStore: nil, credHelpers: [:], other: [:])
        guard FileManager.default.fileExists(atPath: path) else { return config }
        guard let data = FileContents.read(path) else {
            throw DockerError.invalidArgument("cannot read \(path)")
        }
        if data.allSatisfy({ $0 == 0x20 || $0 == 0x0A || $0 == 0x0D || $0 == 0x09 }) { return config }
        guard case .object(var object)? = JSONValue.parse(data) else {
            throw DockerError.invalidArgument("\(path) is not a JSON object")
        }
        func take<T: Decodable>(_ key: String, _ type: T.Type) throws -> T? {
            guard let value = object.removeValue(forKey: key), value != .null else { return nil }
            do { return try JSONDecoder().decode(T.self, from: value.data()) } catch {
                throw DockerError.invalidArgument("\(path): \"\(key)\" has an unexpected shape")
            }
        }
        config.auths = try take("auths", [String: AuthEntry].self) ?? [:]
        config.credsStore = try take("credsStore", String.self)
        if config.credsStore?.isEmpty == true { config.credsStore = nil }
        config.credHelpers = try take("credHelpers", [String: String].self) ?? [:]
        config.other = object
        return config
    }

    private init(path: String, environment: [String: String], auths: [String: AuthEntry], credsStore: String?,
                 credHelpers: [String: String], other: [String: JSONValue]) {
        self.path = path
        self.environment = environment
        self.auths = auths
        self.credsStore = credsStore
        self.credHelpers = credHelpers
        self.other = other
    }

    // MARK: - Registry names

    /// The registry an image reference names: `127.0.0.1:5443/team/app:1` -> `127.0.0.1:5443`;
    /// `redis:7` and `library/redis` -> Docker Hub's key.
    public static func registryKey(forImage reference: String) -> String {
        guard let slash = reference.firstIndex(of: "/") else { return dockerHubKey }
        let first = reference[..<slash]
        guard first.contains(".") || first.contains(":") || first == "localhost" else { return dockerHubKey }
        return normalize(String(first))
    }

    /// The key a registry address is stored under: Docker Hub's spellings become `dockerHubKey`,
    /// others lose their scheme and path (`https://r.example/v2/` -> `r.example`).
    public static func normalize(_ server: String) -> String {
        let host = hostname(server)
        if ["docker.io", "index.docker.io", "registry-1.docker.io"].contains(host) { return dockerHubKey }
        return host
    }

    /// `https://host:port/path` -> `host:port`.
    static func hostname(_ server: String) -> String {
        var text = Substring(server)
        if let scheme = text.range(of: "://") { text = text[scheme.upperBound...] }
        if let slash = text.firstIndex(of: "/") { text = text[..<slash] }
        return String(text)
    }

    /// The helper that holds a registry's credentials, if any (`credHelpers`, then `credsStore`).
    public func helper(for registry: String) -> CredentialHelper? {
        let key = Self.normalize(registry)
        let name = credHelpers[key] ?? credHelpers[Self.hostname(registry)] ?? credHelpers[registry] ?? credsStore
        guard let name, !name.isEmpty else { return nil }
        return CredentialHelper(name: name, environment: environment)
    }

    // MARK: - Lookups

    /// The credentials for a registry (`127.0.0.1:5443`, `https://index.docker.io/v1/`...), nil when none are stored.
    public func credentials(for registry: String) throws -> RegistryAuth? {
        let key = Self.normalize(registry)
        if let helper = helper(for: registry) {
            if let found = try helper.get(server: key) { return found }
            // The CLI falls back to the file for a registry a helper does not know.
        }
        return try fileCredentials(for: key)
    }

    /// The credentials for the registry an image reference names.
    public func credentials(forImage reference: String) throws -> RegistryAuth? {
        try credentials(for: Self.registryKey(forImage: reference))
    }

    /// Every stored credential, by registry key (what `docker build` sends as `X-Registry-Config`).
    public func allCredentials() throws -> [String: RegistryAuth] {
        var all: [String: RegistryAuth] = [:]
        for key in auths.keys {
            if let found = try credentials(for: key) { all[Self.normalize(key)] = found }
        }
        for registry in credHelpers.keys {
            if let found = try credentials(for: registry) { all[Self.normalize(registry)] = found }
        }
        return all
    }

    private func fileCredentials(for key: String) throws -> RegistryAuth? {
        let entry = auths[key] ?? auths.first(where: { Self.normalize($0.key) == key })?.value
        guard let entry else { return nil }
        var auth = RegistryAuth(username: entry.username, password: entry.password,
                                identityToken: entry.identitytoken.flatMap { $0.isEmpty ? nil : $0 }, serverAddress: key)
        if let encoded = entry.auth, !encoded.isEmpty {
            guard let data = Data(base64Encoded: encoded), let decoded = String(data: data, encoding: .utf8),
                  let colon = decoded.firstIndex(of: ":") else {
                throw DockerError.invalidArgument("\(path): the auth of \"\(key)\" is not base64 of user:password")
            }
            auth.username = String(decoded[..<colon])
            let password = String(decoded[decoded.index(after: colon)...])
            auth.password = password.isEmpty ? nil : password
        }
        if auth.username == nil, auth.password == nil, auth.identityToken == nil { return nil }
        return auth
    }

    // MARK: - Storing (docker login)

    /// Stores credentials for `server` as `docker login` does: in the registry's helper when one
    /// is configured (leaving an empty `auths` entry), else base64 in `auths`; then writes the file.
    public mutating func store(_ auth: RegistryAuth, for server: String) throws {
        let key = Self.normalize(server)
        if let helper = helper(for: server) {
            try helper.store(auth, server: key)
            auths[key] = AuthEntry()
        } else {
            var entry = AuthEntry()
            let user = auth.username ?? ""
            let token = auth.identityToken.flatMap { $0.isEmpty ? nil : $0 }
            entry.auth = Data("\(user):\(token == nil ? auth.password ?? "" : "")".utf8).base64EncodedString()
            entry.identitytoken = token
            auths[key] = entry
        }
        try save()
    }

    /// Removes the credentials for `server` (`docker logout`), from its helper and the file.
    public mutating func erase(server: String) throws {
        let key = Self.normalize(server)
        if let helper = helper(for: server) { try helper.erase(server: key) }
        auths[key] = nil
        try save()
    }

    /// Writes the file (mode 600, its folder 700 when created), keeping keys this type does not know.
    public func save() throws {
        var object = other
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        func value<T: Encodable>(_ v: T) throws -> JSONValue {
            try JSONDecoder().decode(JSONValue.self, from: encoder.encode(v))
        }
        object["auths"] = try value(auths)
        if let credsStore { object["credsStore"] = .string(credsStore) }
        if !credHelpers.isEmpty { object["credHelpers"] = try value(credHelpers) }
        let data = try encoder.encode(JSONValue.object(object))
        let folder = (path as NSString).deletingLastPathComponent
        do {
            try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true,
                                                    attributes: [.posixPermissions: 0o700])
            let temporary = path + ".tmp-\(UUID().uuidString.prefix(8))"
            guard FileManager.default.createFile(atPath: temporary, contents: data + Data("\n".utf8),
                                                 attributes: [.posixPermissions: 0o600]) else {
                throw DockerError.invalidArgument("cannot write \(temporary)")
            }
            if rename(temporary, path) != 0 {
                try? FileManager.default.removeItem(atPath: temporary)
                throw DockerError.invalidArgument("cannot replace \(path)")
            }
        } catch let error as DockerError {
            throw error
        } catch {
            throw DockerError.invalidArgument("cannot write \(path): \(error.localizedDescription)")
        }
    }
}
