import Foundation

/// Where a daemon listens: a Unix socket, or TCP with or without TLS.
public enum DockerHost: Sendable, Equatable, CustomStringConvertible {
    /// A Unix domain socket at a path.
    case unix(path: String)
    /// Plain TCP, e.g. `tcp://127.0.0.1:2375`.
    case tcp(host: String, port: Int)
    /// TCP with TLS, using the given client certificate and CA.
    case tls(host: String, port: Int, TLSConfiguration)

    /// The default socket of a rootful daemon.
    public static let defaultSocket = DockerHost.unix(path: "/var/run/docker.sock")

    /// Parses a `DOCKER_HOST`-style URL: `unix:///path`, `tcp://host:port`, `https://host:port`.
    public init(url: String, tls: TLSConfiguration? = nil) throws {
        let text = url.trimmingCharacters(in: .whitespaces)
        if text.hasPrefix("unix://") {
            let path = String(text.dropFirst("unix://".count))
            guard path.hasPrefix("/") else {
                throw DockerError.invalidArgument("a unix host needs an absolute socket path: \(url)")
            }
            self = .unix(path: path)
            return
        }
        if text.hasPrefix("/") {
            self = .unix(path: text)
            return
        }
        let schemes = ["tcp://": 2375, "http://": 2375, "https://": 2376]
        guard let (scheme, defaultPort) = schemes.first(where: { text.hasPrefix($0.key) }).map({ ($0.key, $0.value) }) else {
            throw DockerError.invalidArgument("unsupported Docker host \(url): use unix://, tcp:// or https://")
        }
        var rest = String(text.dropFirst(scheme.count))
        if let slash = rest.firstIndex(of: "/") { rest = String(rest[..<slash]) }
        var host = rest
        var port = tls == nil && scheme != "https://" ? defaultPort : 2376
        if let colon = rest.lastIndex(of: ":"), !rest.hasSuffix("]") {
            host = String(rest[..<colon])
            guard let parsed = Int(rest[rest.index(after: colon)...]), (1...65535).contains(parsed) else {
                throw DockerError.invalidArgument("bad port in Docker host \(url)")
            }
            port = parsed
        }
        guard !host.isEmpty else { throw DockerError.invalidArgument("no host name in \(url)") }
        if let tls {
            self = .tls(host: host, port: port, tls)
        } else if scheme == "https://" {
            self = .tls(host: host, port: port, TLSConfiguration(verify: true))
        } else {
            self = .tcp(host: host, port: port)
        }
    }

    /// The address as a URL, e.g. `unix:///var/run/docker.sock`.
    public var description: String {
        switch self {
        case .unix(let path): "unix://\(path)"
        case let .tcp(host, port): "tcp://\(host):\(port)"
        case let .tls(host, port, _): "tcp://\(host):\(port) (TLS)"
        }
    }
}

/// Client certificate, key and CA for a TLS daemon, as in `DOCKER_CERT_PATH`.
public struct TLSConfiguration: Sendable, Equatable {
    /// The CA bundle that signs the daemon's certificate.
    public var caCertificatePath: String?
    /// The client certificate.
    public var certificatePath: String?
    /// The client certificate's private key.
    public var keyPath: String?
    /// Whether the daemon's certificate is verified (`DOCKER_TLS_VERIFY`).
    public var verify: Bool

    /// Creates a TLS configuration.
    public init(caCertificatePath: String? = nil, certificatePath: String? = nil, keyPath: String? = nil, verify: Bool) {
        self.caCertificatePath = caCertificatePath
        self.certificatePath = certificatePath
        self.keyPath = keyPath
        self.verify = verify
    }

    /// `ca.pem`, `cert.pem` and `key.pem` in a folder, those that exist.
    public init(certDirectory: String, verify: Bool) {
        func existing(_ name: String) -> String? {
            let path = (certDirectory as NSString).appendingPathComponent(name)
            return FileManager.default.fileExists(atPath: path) ? path : nil
        }
        self.init(caCertificatePath: existing("ca.pem"), certificatePath: existing("cert.pem"),
                  keyPath: existing("key.pem"), verify: verify)
    }
}
