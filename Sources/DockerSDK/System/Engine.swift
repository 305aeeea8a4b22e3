import Foundation

/// Which engine serves the Docker-compatible API, and its version.
///
/// Detected from `GET /_ping`: Podman's service adds `Libpod-Api-Version` (and says
/// `Server: Libpod/4.3.1 (linux)`), dockerd says `Server: Docker/20.10.24 (linux)`.
///
/// ```swift
/// if try await docker.engine().isPodman { ... }
/// ```
public struct Engine: Sendable, Hashable, CustomStringConvertible {
    /// The engine's flavour.
    public enum Kind: String, Sendable, Hashable, Codable {
        /// Docker Engine (dockerd, moby).
        case docker
        /// Podman's Docker-compatible service (`podman system service`).
        case podman
        /// Something that answers `/_ping` but says neither (a proxy that strips headers, a fake).
        case unknown
    }

    /// The flavour.
    public var kind: Kind
    /// The engine's own version when its headers say it (`4.3.1` for Podman, `20.10.24+dfsg1` for Docker).
    public var version: String?
    /// The Docker Engine API version it serves (`Api-Version`).
    public var apiVersion: APIVersion?

    /// An engine of `kind`.
    public init(kind: Kind, version: String? = nil, apiVersion: APIVersion? = nil) {
        self.kind = kind
        self.version = version
        self.apiVersion = apiVersion
    }

    /// Reads the flavour from what `/_ping` answered.
    public init(ping: PingResult) {
        let server = ping.server.map(Self.parseServer)
        if let libpod = ping.libpodAPIVersion, !libpod.isEmpty {
            self.init(kind: .podman, version: libpod, apiVersion: ping.apiVersion)
        } else if let server, server.product.lowercased() == "libpod" || server.product.lowercased() == "podman" {
            self.init(kind: .podman, version: server.version, apiVersion: ping.apiVersion)
        } else if let server, server.product.lowercased() == "docker" {
            self.init(kind: .docker, version: server.version, apiVersion: ping.apiVersion)
        } else {
            self.init(kind: .unknown, version: nil, apiVersion: ping.apiVersion)
        }
    }

    /// Whether this is Podman.
    public var isPodman: Bool { kind == .podman }

    /// Whether this is Docker Engine.
    public var isDocker: Bool { kind == .docker }

    public var description: String {
        [kind.rawValue, version].compactMap { $0 }.joined(separator: " ")
    }

    /// `Docker/20.10.24+dfsg1 (linux)` -> ("Docker", "20.10.24+dfsg1").
    static func parseServer(_ header: String) -> (product: String, version: String?) {
        let token = header.split(separator: " ").first.map(String.init) ?? header
        let parts = token.split(separator: "/", maxSplits: 1).map(String.init)
        return (parts.first ?? token, parts.count > 1 ? parts[1] : nil)
    }
}

extension PingResult {
    /// The engine these headers come from.
    public var engine: Engine { Engine(ping: self) }
}

/// The engine a client talks to, detected once (a failed detection is retried on the next call).
actor EngineDetector {
    private var settled: Engine?
    private var pending: Task<Engine, any Error>?

    /// What has been detected so far.
    var known: Engine? { settled }

    /// Keeps what a ping (e.g. the version negotiation's) said, so `engine()` needs no request of its own.
    func record(_ ping: PingResult) {
        if settled == nil { settled = Engine(ping: ping) }
    }

    /// The `GET /version` in flight on Podman, which `version()` calls made meanwhile share.
    private var versionInFlight: Task<SystemVersion, any Error>?

    /// Runs `fetch` (a `GET /version`) unless one is already in flight, whose answer is then shared: Podman
    /// 4.3 answers `/version` by running the package manager for each component (about 1 s here, serialised
    /// with every other process the service starts), so a burst of concurrent calls stalled the whole
    /// engine for minutes. An answer that arrives during a call is as current as one of its own.
    func sharedVersion(_ fetch: @escaping @Sendable () async throws -> SystemVersion) async throws -> SystemVersion {
        if let versionInFlight { return try await versionInFlight.value }
        let task = Task { try await fetch() }
        versionInFlight = task
        defer { if versionInFlight == task { versionInFlight = nil } }
        return try await task.value
    }

    func engine(ping: @escaping @Sendable () async throws -> PingResult) async throws -> Engine {
        if let settled { return settled }
        let task = pending ?? Task { Engine(ping: try await ping()) }
        pending = task
        do {
            let engine = try await task.value
            settled = engine
            return engine
        } catch {
            pending = nil
            throw error
        }
    }
}

extension DockerClient {
    /// The engine behind this client (Docker or Podman), from one `GET /_ping`, remembered.
    public func engine() async throws -> Engine {
        try await engineDetector.engine { try await self.system.ping() }
    }
}

extension SystemAPI {
    /// The engine serving the API (Docker or Podman), detected once per client from `GET /_ping`.
    public var engine: Engine {
        get async throws { try await client.engine() }
    }
}
