import Foundation

/// Finds the daemon the way the docker CLI does.
///
/// Order: an explicit host, `DOCKER_HOST`, the current context (`DOCKER_CONTEXT`, else
/// `currentContext` in the config file), `/var/run/docker.sock`, `$XDG_RUNTIME_DIR/docker.sock`.
public struct HostDiscovery: Sendable {
    /// The environment to read (`DOCKER_HOST`, `DOCKER_CONTEXT`, `DOCKER_CONFIG`, `HOME`, ...).
    public var environment: [String: String]
    /// The default rootful socket path.
    public var defaultSocketPath: String

    /// How the host was found.
    public enum Source: String, Sendable, Equatable {
        /// An explicit host, `DOCKER_HOST`, a docker context, the default socket, or the rootless socket.
        case explicit, environment, context, defaultSocket, rootlessSocket
    }

    /// A found host and where it came from.
    public struct Result: Sendable, Equatable {
        /// The daemon's address.
        public var host: DockerHost
        /// Which rule found it.
        public var source: Source
        /// The context's name, when a context gave it.
        public var contextName: String?
    }

    /// Creates a discovery over an environment (the process's by default).
    public init(environment: [String: String] = ProcessInfo.processInfo.environment,
                defaultSocketPath: String = "/var/run/docker.sock") {
        self.environment = environment
        self.defaultSocketPath = defaultSocketPath
    }

    /// Resolves the host; `explicit` wins when given.
    public func resolve(explicit: DockerHost? = nil) throws -> Result {
        if let explicit { return Result(host: explicit, source: .explicit) }
        if let url = nonEmpty("DOCKER_HOST") {
            return Result(host: try DockerHost(url: url, tls: tlsFromEnvironment(url: url)), source: .environment)
        }
        if let context = try currentContextName(), context != "default" {
            let endpoint = try contextEndpoint(named: context)
            return Result(host: endpoint, source: .context, contextName: context)
        }
        if FileManager.default.fileExists(atPath: defaultSocketPath) {
            return Result(host: .unix(path: defaultSocketPath), source: .defaultSocket)
        }
        if let runtime = nonEmpty("XDG_RUNTIME_DIR") {
            let rootless = (runtime as NSString).appendingPathComponent("docker.sock")
            if FileManager.default.fileExists(atPath: rootless) {
                return Result(host: .unix(path: rootless), source: .rootlessSocket)
            }
        }
        // Nothing answers anywhere: name the default socket so the error says where we looked.
        return Result(host: .unix(path: defaultSocketPath), source: .defaultSocket)
    }

    /// The docker config folder: `$DOCKER_CONFIG`, else `~/.docker`.
    public var configDirectory: String {
        if let dir = nonEmpty("DOCKER_CONFIG") { return dir }
        let home = nonEmpty("HOME") ?? NSHomeDirectory()
        return (home as NSString).appendingPathComponent(".docker")
    }

    /// `DOCKER_CONTEXT`, else `currentContext` from config.json; nil when neither names one.
    public func currentContextName() throws -> String? {
        if let name = nonEmpty("DOCKER_CONTEXT") { return name }
        let path = (configDirectory as NSString).appendingPathComponent("config.json")
        guard let data = FileContents.read(path) else { return nil }
        struct Config: Decodable { let currentContext: String? }
        do {
            let name = try JSONDecoder().decode(Config.self, from: data).currentContext
            return name?.isEmpty == true ? nil : name
        } catch {
            throw DockerError.invalidArgument("cannot read \(path): \(error)")
        }
    }

    /// The Docker endpoint of a named context, from `contexts/meta/<sha256(name)>/meta.json`.
    public func contextEndpoint(named name: String) throws -> DockerHost {
        let digest = SHA256Digest.hex(name)
        let dir = (configDirectory as NSString).appendingPathComponent("contexts/meta/\(digest)")
        let path = (dir as NSString).appendingPathComponent("meta.json")
        guard let data = FileContents.read(path) else {
            throw DockerError.invalidArgument("docker context \"\(name)\" not found (no \(path))")
        }
        struct Meta: Decodable {
            struct Endpoint: Decodable {
                let Host: String?
                let SkipTLSVerify: Bool?
            }
            let Endpoints: [String: Endpoint]?
        }
        let meta: Meta
        do { meta = try JSONDecoder().decode(Meta.self, from: data) } catch {
            throw DockerError.invalidArgument("cannot read docker context \"\(name)\" at \(path): \(error)")
        }
        guard let endpoint = meta.Endpoints?["docker"], let url = endpoint.Host, !url.isEmpty else {
            throw DockerError.invalidArgument("docker context \"\(name)\" has no docker endpoint")
        }
        let tlsDir = (configDirectory as NSString).appendingPathComponent("contexts/tls/\(digest)/docker")
        var tls: TLSConfiguration?
        if FileManager.default.fileExists(atPath: tlsDir) {
            tls = TLSConfiguration(certDirectory: tlsDir, verify: !(endpoint.SkipTLSVerify ?? false))
        }
        return try DockerHost(url: url, tls: url.hasPrefix("unix://") ? nil : tls)
    }

    private func tlsFromEnvironment(url: String) -> TLSConfiguration? {
        guard !url.hasPrefix("unix://") else { return nil }
        let verify = nonEmpty("DOCKER_TLS_VERIFY").map { $0 != "0" && $0.lowercased() != "false" } ?? false
        guard let certPath = nonEmpty("DOCKER_CERT_PATH") ?? (verify ? configDirectory : nil) else {
            return verify ? TLSConfiguration(verify: true) : nil
        }
        return TLSConfiguration(certDirectory: certPath, verify: verify)
    }

    private func nonEmpty(_ key: String) -> String? {
        guard let value = environment[key], !value.isEmpty else { return nil }
        return value
    }
}
