import DockerRecipes
import DockerSDK
import Foundation

/// One connection to one Redis server, speaking RESP over TCP (for tests: simple, bounded, sequential).
public final class RESPConnection: @unchecked Sendable {
    /// The TCP connection.
    public let connection: TCPConnection
    private var pending = Data()

    /// Connects to `endpoint` (`host:port`).
    public init(endpoint: String, timeout: Duration = .seconds(5)) async throws {
        connection = try await TCPConnection.connect(endpoint, timeout: timeout)
    }

    /// `host:port`.
    public var address: String { connection.address }

    /// Sends one command and returns its reply (errors are returned as `.error`, not thrown).
    public func send(_ args: [String], timeout: Duration = .seconds(5)) async throws -> RESPValue {
        try await connection.send(RESPValue.command(args), timeout: timeout)
        let deadline = ContinuousClock.now + timeout
        while true {
            if let (value, used) = try RESPValue.parse(pending) {
                pending.removeFirst(used)
                return value
            }
            let left = deadline - ContinuousClock.now
            guard left > .zero else { throw TCPError.timedOut(address: address, what: "receive a reply from", seconds: timeout.seconds) }
            let chunk = try await connection.receive(timeout: left)
            guard !chunk.isEmpty else { throw TCPError.closed(address: address) }
            pending.append(chunk)
        }
    }

    /// Closes the connection.
    public func close() { connection.close() }
}

/// A small Redis Cluster client for tests: routes each command by its key's slot, learns the slot map
/// from `CLUSTER SLOTS`, follows `MOVED` (updating the map) and `ASK` (one `ASKING` + retry), at most
/// `maxRedirects` times per command.
public actor RedisClusterClient {
    /// The seed addresses it started from.
    public let seeds: [String]
    /// How many redirects one command may follow.
    public let maxRedirects: Int
    private var slots: [String?] = Array(repeating: nil, count: KeySlot.slotCount)
    private var connections: [String: RESPConnection] = [:]
    /// Redirects followed so far, by kind.
    public private(set) var movedFollowed = 0
    /// `ASK` redirects followed so far.
    public private(set) var askFollowed = 0

    /// A client starting from `seeds` (`host:port`, e.g. a recipe's `endpoints`).
    public init(seeds: [String], maxRedirects: Int = 5) {
        self.seeds = seeds
        self.maxRedirects = maxRedirects
    }

    /// Loads the slot map from the first seed that answers `CLUSTER SLOTS`.
    public func refreshSlots() async throws {
        var lastError: (any Error)?
        for seed in seeds {
            do {
                let reply = try await connection(seed).send(["CLUSTER", "SLOTS"])
                guard case .array(let ranges?) = reply else { throw DockerError.malformedResponse("CLUSTER SLOTS: \(reply)") }
                for range in ranges {
                    guard case .array(let fields?) = range, fields.count >= 3, case .integer(let first) = fields[0],
                          case .integer(let last) = fields[1], case .array(let master?) = fields[2], master.count >= 2,
                          let host = master[0].text, case .integer(let port) = master[1],
                          first >= 0, last < KeySlot.slotCount, first <= last else { continue }
                    for slot in first...last { slots[slot] = "\(host):\(port)" }
                }
                return
            } catch {
                lastError = error
            }
        }
        throw lastError ?? DockerError.invalidArgument("no seed addresses")
    }

    /// Runs a command on the node serving `key`'s slot, following redirects.
    public func send(_ args: [String], key: String) async throws -> RESPValue {
        let slot = KeySlot.slot(for: key)
        var target = slots[slot] ?? seeds.first ?? ""
        var asking = false
        for _ in 0...maxRedirects {
            let connection = try await connection(target)
            if asking { _ = try await connection.send(["ASKING"]) }
            let reply = try await connection.send(args)
            guard case .error(let message) = reply, let redirect = ClusterRedirect(parsing: message) else { return reply }
            let host = redirect.host.isEmpty ? String(target[..<(target.lastIndex(of: ":") ?? target.endIndex)]) : redirect.host
            target = "\(host):\(redirect.port)"
            switch redirect.kind {
            case .moved:
                slots[redirect.slot] = target
                movedFollowed += 1
                asking = false
            case .ask:
                askFollowed += 1
                asking = true
            }
        }
        throw DockerError.malformedResponse("more than \(maxRedirects) redirects for key \(key)")
    }

    /// `SET key value`; throws unless the reply is `+OK`.
    public func set(_ key: String, _ value: String) async throws {
        let reply = try await send(["SET", key, value], key: key)
        guard reply == .simple("OK") else { throw DockerError.malformedResponse("SET \(key): \(reply)") }
    }

    /// `GET key`: the value, nil when missing.
    public func get(_ key: String) async throws -> String? {
        let reply = try await send(["GET", key], key: key)
        switch reply {
        case .bulk(let data): return data.map { String(decoding: $0, as: UTF8.self) }
        default: throw DockerError.malformedResponse("GET \(key): \(reply)")
        }
    }

    /// The address serving `slot` in the current map, if known.
    public func owner(ofSlot slot: Int) -> String? { slots.indices.contains(slot) ? slots[slot] : nil }

    /// Closes every connection.
    public func close() {
        for connection in connections.values { connection.close() }
        connections = [:]
    }

    private func connection(_ address: String) async throws -> RESPConnection {
        if let existing = connections[address] { return existing }
        let made = try await RESPConnection(endpoint: address)
        connections[address] = made
        return made
    }
}

extension Duration {
    /// The duration in seconds.
    var seconds: Double { Double(components.seconds) + Double(components.attoseconds) / 1e18 }
}
