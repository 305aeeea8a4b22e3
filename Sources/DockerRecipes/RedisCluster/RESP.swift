import DockerSDK
import Foundation

/// A Redis Cluster redirection: the `MOVED` or `ASK` error a node returns for a slot it does not serve.
public struct ClusterRedirect: Sendable, Hashable, Codable, CustomStringConvertible {
    /// Which redirection.
    public enum Kind: String, Sendable, Hashable, Codable {
        /// The slot lives elsewhere for good: update the slot map.
        case moved = "MOVED"
        /// The slot is migrating: retry this one command there, preceded by `ASKING`.
        case ask = "ASK"
    }

    /// `MOVED` or `ASK`.
    public var kind: Kind
    /// The key's slot.
    public var slot: Int
    /// The node to ask; empty when Redis reports an unknown endpoint (meaning: the same host).
    public var host: String
    /// The node's port.
    public var port: Int

    /// A redirect.
    public init(kind: Kind, slot: Int, host: String, port: Int) {
        self.kind = kind
        self.slot = slot
        self.host = host
        self.port = port
    }

    /// Parses an error line such as `MOVED 12706 10.0.0.3:6379`, as printed by `redis-cli`
    /// (`(error) MOVED ...`), in raw RESP (`-MOVED ...\r\n`) or bare; nil if it is not a redirect.
    public init?(parsing line: some StringProtocol) {
        var text = Substring(line)
        while let last = text.last, last.isWhitespace { text.removeLast() }
        while let first = text.first, first.isWhitespace { text.removeFirst() }
        if text.hasPrefix("(error)") { text = text.dropFirst("(error)".count) } else if text.hasPrefix("-") { text = text.dropFirst() }
        let words = text.split(separator: " ", omittingEmptySubsequences: true)
        guard words.count == 3, let kind = Kind(rawValue: String(words[0])),
              let slot = Self.number(words[1]), slot < KeySlot.slotCount,
              let colon = words[2].lastIndex(of: ":"),
              let port = Self.number(words[2][words[2].index(after: colon)...]), port <= 65535
        else { return nil }
        var host = words[2][..<colon]
        if host.hasPrefix("["), host.hasSuffix("]") { host = host.dropFirst().dropLast() }
        self.init(kind: kind, slot: slot, host: String(host), port: port)
    }

    /// `host:port` (IPv6 hosts in brackets).
    public var address: String { host.contains(":") ? "[\(host)]:\(port)" : "\(host):\(port)" }

    /// The error text as Redis sends it, e.g. `MOVED 12706 10.0.0.3:6379`.
    public var description: String { "\(kind.rawValue) \(slot) \(host):\(port)" }

    private static func number(_ text: some StringProtocol) -> Int? {
        guard !text.isEmpty, text.utf8.count <= 9, text.utf8.allSatisfy({ $0 >= 0x30 && $0 <= 0x39 }) else { return nil }
        return Int(text)
    }
}

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

    static func parse(_ bytes: [UInt8], at offset: Int, depth: Int = 0) throws -> (RESPValue, Int)? {
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
