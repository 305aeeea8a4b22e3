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
