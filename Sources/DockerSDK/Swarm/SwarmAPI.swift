import Foundation

extension DockerClient {
    /// The Swarm area: init, join, leave, inspect, update, unlock key, unlock, join tokens.
    public var swarm: SwarmAPI { SwarmAPI(client: self) }
}

/// The Swarm area of the Engine API (`/swarm/...`).
///
/// ```swift
/// let manager = try DockerClient(host: .unix(path: "/run/lab/h1/docker.sock"))
/// try await manager.swarm.initialize(SwarmInit(advertiseAddr: "10.231.0.1"))
/// let tokens = try await manager.swarm.joinTokens()
/// try await worker.swarm.join(SwarmJoin(remoteAddrs: ["10.231.0.1:2377"], joinToken: tokens.worker))
/// ```
///
/// A node outside a swarm, or a worker asked for cluster state, answers 503:
/// `DockerError.swarm(reason: .notInSwarm / .notManager / .alreadyInSwarm / .locked, message:)`.
public struct SwarmAPI: Sendable {
    let client: DockerClient

    /// The swarm (`GET /swarm`), on a manager; join tokens included.
    public func inspect() async throws -> Swarm {
        try await client.decode(Swarm.self, "GET", "/swarm")
    }

    /// This node's membership as `GET /info` reports it; answers on workers and outside a swarm too.
    public func localState() async throws -> SwarmInfo {
        struct Info: Decodable {
            let swarm: SwarmInfo?
            enum CodingKeys: String, CodingKey, CaseIterable { case swarm = "Swarm" }
        }
        guard let info = try await client.decode(Info.self, "GET", "/info").swarm else {
            throw DockerError.malformedResponse("GET /info has no Swarm section")
        }
        return info
    }

    /// Makes this node the first manager of a new swarm (`POST /swarm/init`) and returns its node ID.
    ///
    /// - Throws: `DockerError.swarm(reason: .alreadyInSwarm, ...)` when it is already in one.
    @discardableResult
    public func initialize(_ request: SwarmInit = SwarmInit()) async throws -> String {
        guard !request.listenAddr.isEmpty else { throw DockerError.invalidArgument("swarm init: ListenAddr is empty") }
        return try await client.decode(String.self, "POST", "/swarm/init", body: try .json(request))
    }

    /// Joins an existing swarm (`POST /swarm/join`) with a worker or manager token.
    ///
    /// The daemon may answer "Timeout was reached before node joined" although the join goes on in
    /// the background; `localState()` tells (leave and join again if it stays `pending`).
    public func join(_ request: SwarmJoin) async throws {
        guard !request.remoteAddrs.isEmpty else { throw DockerError.invalidArgument("swarm join: no manager address") }
        guard !request.joinToken.isEmpty else { throw DockerError.invalidArgument("swarm join: the join token is empty") }
        _ = try await client.send("POST", "/swarm/join", body: try .json(request), timeout: .seconds(90))
    }

    /// Joins and waits until this node is an active member, retrying a join that did not take.
    ///
    /// A join can time out once ("Timeout was reached before node joined") and succeed when retried
    /// after a `leave`: each attempt joins, polls `localState()` for up to `activeWithin`, and when
    /// the node is still not active leaves (force) before the next attempt. A node that is already
    /// active returns at once.
    public func join(_ request: SwarmJoin, attempts: Int, activeWithin: Duration = .seconds(30)) async throws {
        guard attempts >= 1 else { throw DockerError.invalidArgument("swarm join: attempts must be at least 1") }
        var lastError: (any Error)?
        for _ in 0..<attempts {
            let state = try await localState()
            if state.isActive { return }
            if state.localNodeState == "pending" || state.localNodeState == "error" { try await leaveIfMember(force: true) }
            do {
                try await join(request)
            } catch let error as DockerError {
                if case .swarm(reason: .alreadyInSwarm, _) = error {} else { lastError = error }
            }
            let polls = max(1, Int(activeWithin.components.seconds * 2))
            for _ in 0..<polls {
                if try await localState().isActive { return }
                try await Task.sleep(for: .milliseconds(500))
            }
            try await leaveIfMember(force: true)
        }
        throw lastError ?? DockerError.timedOut(seconds: Double(activeWithin.components.seconds) * Double(attempts))
    }

    /// Leaves unless the node is not in a swarm.
    func leaveIfMember(force: Bool) async throws {
        do {
            try await leave(force: force)
        } catch DockerError.swarm(reason: .notInSwarm, _) {
        }
    }

    /// Leaves the swarm (`POST /swarm/leave`); a manager needs `force` (and loses quorum if it is the last).
    ///
    /// - Throws: `DockerError.swarm(reason: .notInSwarm, ...)` outside a swarm.
    public func leave(force: Bool = false) async throws {
        _ = try await client.send("POST", "/swarm/leave", query: force ? [QueryItem("force", "true")] : [],
                                  timeout: .seconds(90))
    }

    /// Replaces the swarm's spec (`POST /swarm/update?version=`), optionally rotating tokens or the unlock key.
    ///
    /// Take `spec` and `version` from `inspect()`: a stale version is refused (the daemon says "update out of sequence").
    public func update(_ spec: SwarmSpec, version: ObjectVersion, rotateWorkerToken: Bool = false,
                       rotateManagerToken: Bool = false, rotateManagerUnlockKey: Bool = false) async throws {
        var query = [QueryItem("version", String(version.index))]
        if rotateWorkerToken { query.append(QueryItem("rotateWorkerToken", "true")) }
        if rotateManagerToken { query.append(QueryItem("rotateManagerToken", "true")) }
        if rotateManagerUnlockKey { query.append(QueryItem("rotateManagerUnlockKey", "true")) }
        _ = try await client.send("POST", "/swarm/update", query: query, body: try .json(spec))
    }

    /// The tokens to join as worker or manager (from `GET /swarm`).
    public func joinTokens() async throws -> JoinTokens {
        guard let tokens = try await inspect().joinTokens else {
            throw DockerError.malformedResponse("GET /swarm has no JoinTokens")
        }
        return tokens
    }

    /// Replaces the worker and/or manager join token and returns the new tokens.
    @discardableResult
    public func rotateJoinTokens(worker: Bool = true, manager: Bool = false) async throws -> JoinTokens {
        let current = try await inspect()
        try await update(current.spec, version: current.version, rotateWorkerToken: worker, rotateManagerToken: manager)
        return try await joinTokens()
    }

    /// The key that unlocks a locked manager (`GET /swarm/unlockkey`); empty when autolock is off.
    public func unlockKey() async throws -> UnlockKey {
        try await client.decode(UnlockKey.self, "GET", "/swarm/unlockkey")
    }

    /// Unlocks a locked manager after a restart (`POST /swarm/unlock`).
    public func unlock(_ key: UnlockKey) async throws {
        guard !key.key.isEmpty else { throw DockerError.invalidArgument("swarm unlock: the key is empty") }
        _ = try await client.send("POST", "/swarm/unlock", body: try .json(key))
    }
}

/// A swarm's unlock key (a secret: the description redacts it).
public struct UnlockKey: Codable, Sendable, Equatable, CustomStringConvertible {
    /// The key, `SWMKEY-1-...`; empty when autolock is off.
    public var key: String
    /// Wraps a key.
    public init(_ key: String) { self.key = key }
    public var description: String { key.isEmpty ? "UnlockKey(none)" : "UnlockKey(<redacted>)" }
    enum CodingKeys: String, CodingKey, CaseIterable { case key = "UnlockKey" }
}
