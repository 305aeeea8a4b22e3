import DockerRecipes
import DockerSDK
import Foundation

/// A RESP2 reply.
public enum RESPValue: Sendable, Equatable, CustomStringConvertible {
    /// `+OK`
    case simple(String)
    /// `-ERR ...`, `-MOVED ...`
    case error(String)
    /// `:42`
    case integer(Int)
    /// `$n` bulk string; nil for the null bulk string.
    case bulk(Data?)
    /// `*n` array; nil for the null array.
    case array([RESPValue]?)

    /// The reply as text: simple and bulk strings, integers; nil otherwise.
    public var text: String? {
        switch self {
        case .simple(let s): s
        case .bulk(let d): d.map { String(decoding: $0, as: UTF8.self) }
        case .integer(let i): String(i)
        default: nil
        }
    }

    public var description: String {
        switch self {
        case .simple(let s): "+\(s)"
        case .error(let e): "-\(e)"
        case .integer(let i): ":\(i)"
        case .bulk(let d): d.map { "\"\(String(decoding: $0, as: UTF8.self))\"" } ?? "(nil)"
        case .array(let a): a.map { "[" + $0.map(\.description).joined(separator: ", ") + "]" } ?? "(nil array)"
        }
    }

    /// Encodes a command as a RESP array of bulk strings.
    public static func command(_ args: [String]) -> Data {
        var out = Data("*\(args.count)\r\n".utf8)
        for arg in args {
            let bytes = Data(arg.utf8)
            out.append(Data("$\(bytes.count)\r\n".utf8))
            out.append(bytes)
            out.append(Data("\r\n".utf8))
        }
        return out
    }

    /// Parses one reply from the start of `buffer`: the value and the bytes it used, nil if incomplete.
    public static func parse(_ buffer: Data) throws -> (RESPValue, Int)? {
        let bytes = [UInt8](buffer)
        return try parse(bytes, at: 0).map { ($0.0, $0.1) }
    }

    private static func line(_ bytes: [UInt8], from start: Int) -> (String, Int)? {
        var i = start
        while i + 1 < bytes.count {
            if bytes[i] == 0x0D, bytes[i + 1] == 0x0A {
                return (String(decoding: bytes[start..<i], as: UTF8.self), i + 2)
            }
            i += 1
        }
        return nil
    }

    private static func parse(_ bytes: [UInt8], at offset: Int, depth: Int = 0) throws -> (RESPValue, Int)? {
        guard depth < 32 else { throw DockerError.malformedResponse("RESP reply nested too deeply") }
        guard offset < bytes.count else { return nil }
        guard let (text, next) = line(bytes, from: offset + 1) else { return nil }
        switch bytes[offset] {
        case UInt8(ascii: "+"): return (.simple(text), next)
        case UInt8(ascii: "-"): return (.error(text), next)
        case UInt8(ascii: ":"):
            guard let value = Int(text) else { throw DockerError.malformedResponse("bad RESP integer") }
            return (.integer(value), next)
        case UInt8(ascii: "$"):
            guard let length = Int(text), length >= -1, length <= 512 << 20 else { throw DockerError.malformedResponse("bad RESP bulk length") }
            if length == -1 { return (.bulk(nil), next) }
            guard next + length + 2 <= bytes.count else { return nil }
            return (.bulk(Data(bytes[next..<(next + length)])), next + length + 2)
        case UInt8(ascii: "*"):
            guard let count = Int(text), count >= -1, count <= 1 << 20 else { throw DockerError.malformedResponse("bad RESP array length") }
            if count == -1 { return (.array(nil), next) }
            var items: [RESPValue] = []
            var position = next
            for _ in 0..<count {
                guard let (item, after) = try parse(bytes, at: position, depth: depth + 1) else { return nil }
                items.append(item)
                position = after
            }
            return (.array(items), position)
        default:
            throw DockerError.malformedResponse("not a RESP reply (first byte \(bytes[offset]))")
        }
    }
}

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
