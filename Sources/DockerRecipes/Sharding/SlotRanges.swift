/// An inclusive range of Redis Cluster hash slots, e.g. `0-5460`.
public struct SlotRange: Sendable, Hashable, Codable, Comparable, CustomStringConvertible {
    /// The first slot in the range.
    public let first: Int
    /// The last slot in the range (inclusive).
    public let last: Int

    /// A range of slots; `first...last` must lie within `0...16383`.
    public init(first: Int, last: Int) {
        precondition(Self.isValid(first: first, last: last), "invalid slot range \(first)-\(last)")
        self.first = first
        self.last = last
    }

    /// A range holding one slot.
    public init(slot: Int) {
        self.init(first: slot, last: slot)
    }

    /// A range from untrusted numbers, or nil when they are out of order or outside `0...16383`.
    public static func validated(first: Int, last: Int) -> SlotRange? {
        isValid(first: first, last: last) ? SlotRange(unchecked: first, last) : nil
    }

    /// Parses `N` or `A-B` as written by `CLUSTER NODES`, or nil when malformed.
    public init?(_ text: some StringProtocol) {
        let parts = text.split(separator: "-", omittingEmptySubsequences: false)
        guard parts.count == 1 || parts.count == 2,
              let first = Self.slotNumber(parts[0]),
              let last = parts.count == 2 ? Self.slotNumber(parts[1]) : first,
              Self.isValid(first: first, last: last)
        else { return nil }
        self.init(unchecked: first, last)
    }

    /// The number of slots in the range.
    public var count: Int { last - first + 1 }

    /// Whether `slot` lies in the range.
    public func contains(_ slot: Int) -> Bool { first <= slot && slot <= last }

    /// The range as a closed range of slot numbers.
    public var slots: ClosedRange<Int> { first...last }

    /// `N` for one slot, `A-B` otherwise, as in `CLUSTER NODES`.
    public var description: String { first == last ? "\(first)" : "\(first)-\(last)" }

    /// Orders by first slot, then last slot.
    public static func < (lhs: SlotRange, rhs: SlotRange) -> Bool {
        (lhs.first, lhs.last) < (rhs.first, rhs.last)
    }

    /// Decodes `{"first": ..., "last": ...}`; a range outside 0...16383 or reversed is a decoding error.
    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        let first = try container.decode(Int.self, forKey: .first)
        let last = try container.decode(Int.self, forKey: .last)
        guard Self.isValid(first: first, last: last) else {
            throw DecodingError.dataCorruptedError(forKey: .last, in: container,
                                                   debugDescription: "invalid slot range \(first)-\(last)")
        }
        self.init(unchecked: first, last)
    }

    /// Encodes `{"first": ..., "last": ...}`.
    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(first, forKey: .first)
        try container.encode(last, forKey: .last)
    }

    private enum CodingKeys: String, CodingKey { case first, last }

    private init(unchecked first: Int, _ last: Int) {
        self.first = first
        self.last = last
    }

    private static func isValid(first: Int, last: Int) -> Bool {
        0 <= first && first <= last && last < KeySlot.slotCount
    }

    private static func slotNumber(_ text: some StringProtocol) -> Int? {
        guard !text.isEmpty, text.utf8.allSatisfy({ $0 >= 0x30 && $0 <= 0x39 }) else { return nil }
        return Int(text)
    }
}

/// Helpers over lists of slot ranges, and the slot layouts `redis-cli --cluster` produces.
public enum SlotRanges {
    /// Sorts `ranges` and joins overlapping or adjacent ones.
    public static func merge(_ ranges: [SlotRange]) -> [SlotRange] {
        var merged: [SlotRange] = []
        for range in ranges.sorted() {
            if let previous = merged.last, range.first <= previous.last + 1 {
                merged[merged.count - 1] = SlotRange(first: previous.first, last: max(previous.last, range.last))
            } else {
                merged.append(range)
            }
        }
        return merged
    }

    /// The fewest ranges covering exactly `slots` (each must be in `0...16383`; others are ignored).
    public static func ranges(covering slots: some Sequence<Int>) -> [SlotRange] {
        var present = [Bool](repeating: false, count: KeySlot.slotCount)
        for slot in slots where slot >= 0 && slot < KeySlot.slotCount { present[slot] = true }
        return ranges(where: { present[$0] })
    }

    /// The fewest ranges covering the slots for which `isIncluded` holds.
    public static func ranges(where isIncluded: (Int) -> Bool) -> [SlotRange] {
        var result: [SlotRange] = []
        var start: Int?
        for slot in 0..<KeySlot.slotCount {
            if isIncluded(slot) {
                if start == nil { start = slot }
            } else if let first = start {
                result.append(SlotRange(first: first, last: slot - 1))
                start = nil
            }
        }
        if let first = start { result.append(SlotRange(first: first, last: KeySlot.slotCount - 1)) }
        return result
    }

    /// The total number of distinct slots in `ranges`.
    public static func slotCount(_ ranges: [SlotRange]) -> Int {
        merge(ranges).reduce(0) { $0 + $1.count }
    }

    /// Comma-separated ranges, e.g. `0-5460,10923`.
    public static func format(_ ranges: [SlotRange]) -> String {
        ranges.map(\.description).joined(separator: ",")
    }

    /// Parses comma- or space-separated ranges such as `0-5460,10923`, or nil if any is malformed.
    public static func parse(_ text: String) -> [SlotRange]? {
        var result: [SlotRange] = []
        for part in text.split(whereSeparator: { $0 == "," || $0 == " " }) {
            guard let range = SlotRange(part) else { return nil }
            result.append(range)
        }
        return result
    }

    /// The ranges `redis-cli --cluster create` gives `masters` masters, in master order.
    ///
    /// Mirrors `clusterManagerCommandCreate`: single-precision `16384 / masters` slots each,
    /// a float cursor, `lround` for each master's last slot, the last master taking the rest.
    public static func clusterCreate(masters: Int) -> [SlotRange] {
        guard masters > 0 else { return [] }
        let total = KeySlot.slotCount
        let perNode = Float(total) / Float(masters)
        var first = 0
        var cursor: Float = 0
        var result: [SlotRange] = []
        for index in 0..<masters {
            var last = Int((cursor + perNode - 1).rounded(.toNearestOrAwayFromZero))
            if last > total || index == masters - 1 { last = total - 1 }
            if last < first { last = first }
            guard first < total else { break }
            result.append(SlotRange(first: first, last: min(last, total - 1)))
            first = last + 1
            cursor += perNode
        }
        return result
    }
}

/// Which node owns each of the 16384 slots, by node index.
public struct SlotAssignment: Sendable, Hashable, Codable {
    /// The owner of each slot (index = slot), as a node index in `0..<nodeCount`.
    public private(set) var owners: [Int]
    /// The number of nodes slots may be assigned to.
    public private(set) var nodeCount: Int

    /// The layout `redis-cli --cluster create` makes for `masters` masters.
    public static func clusterCreate(masters: Int) -> SlotAssignment {
        var owners = [Int](repeating: 0, count: KeySlot.slotCount)
        for (node, range) in SlotRanges.clusterCreate(masters: masters).enumerated() {
            for slot in range.slots { owners[slot] = node }
        }
        return SlotAssignment(checkedOwners: owners, nodeCount: max(masters, 1))
    }

    /// An assignment from explicit owners; nil unless there are 16384 owners, each in `0..<nodeCount`.
    public init?(owners: [Int], nodeCount: Int) {
        guard owners.count == KeySlot.slotCount, nodeCount > 0,
              owners.allSatisfy({ $0 >= 0 && $0 < nodeCount }) else { return nil }
        self.owners = owners
        self.nodeCount = nodeCount
    }

    /// How many slots each node owns.
    public var slotCounts: [Int] {
        var counts = [Int](repeating: 0, count: nodeCount)
        for owner in owners { counts[owner] += 1 }
        return counts
    }

    /// The ranges `node` owns.
    public func ranges(of node: Int) -> [SlotRange] {
        SlotRanges.ranges(where: { owners[$0] == node })
    }

    /// The assignment after `redis-cli --cluster rebalance` onto `nodeCount` nodes, and how many slots moved.
    ///
    /// Growing adds empty nodes (as with `--cluster-use-empty-masters`); shrinking gives the dropped
    /// highest-index nodes weight 0 so they are emptied. Only surplus slots move: each node's target is
    /// `Int(Float(16384) / nodes)`, the rounding remainder is spread as in redis-cli, nodes are paired
    /// from most-needing to most-surplus, and a giver hands over its lowest-numbered slots.
    /// As in redis-cli, nothing moves when every node is within `threshold` percent of its target
    /// (default 2, like `--cluster-threshold`); pass 0 to always even out.
    public func rebalanced(to nodeCount: Int, threshold: Double = 2) -> (assignment: SlotAssignment, movedSlots: Int) {
        guard nodeCount > 0 else { return (self, 0) }
        let involved = max(self.nodeCount, nodeCount)
        var counts = slotCounts + [Int](repeating: 0, count: involved - self.nodeCount)
        let totalWeight = Float(nodeCount)
        var balance = [Int](repeating: 0, count: involved)
        var totalBalance = 0
        var thresholdReached = false
        for node in 0..<involved {
            let weight: Float = node < nodeCount ? 1 : 0
            let expected = Int(Float(KeySlot.slotCount) / totalWeight * weight)
            balance[node] = counts[node] - expected
            totalBalance += balance[node]
            if counts[node] > 0 {
                if abs(100 - 100 * Double(expected) / Double(counts[node])) > threshold { thresholdReached = true }
            } else if expected > 1 {
                thresholdReached = true
            }
        }
        guard thresholdReached || threshold <= 0 else { return (self, 0) }
        while totalBalance > 0 {
            for node in 0..<involved where balance[node] <= 0 && totalBalance > 0 {
                balance[node] -= 1
                totalBalance -= 1
            }
        }
        // qsort in redis-cli is not stable; ties are broken by node index here.
        let order = (0..<involved).sorted { (balance[$0], $0) < (balance[$1], $1) }
        var owners = self.owners
        var moved = 0
        var dstIndex = 0
        var srcIndex = involved - 1
        while dstIndex < srcIndex {
            let dst = order[dstIndex], src = order[srcIndex]
            let count = min(abs(balance[dst]), abs(balance[src]))
            if count > 0 {
                var taken = 0
                for slot in 0..<KeySlot.slotCount where taken < count && owners[slot] == src {
                    owners[slot] = dst
                    taken += 1
                }
                counts[src] -= taken
                counts[dst] += taken
                moved += taken
            }
            balance[dst] += count
            balance[src] -= count
            if balance[dst] == 0 { dstIndex += 1 }
            if balance[src] == 0 { srcIndex -= 1 }
        }
        // The balances sum to zero, so every dropped node has given all its slots away.
        precondition(counts[nodeCount...].allSatisfy { $0 == 0 }, "rebalance left slots on a dropped node")
        return (SlotAssignment(checkedOwners: owners, nodeCount: nodeCount), moved)
    }

    /// Decodes and validates like `init?(owners:nodeCount:)`.
    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        let owners = try container.decode([Int].self, forKey: .owners)
        let nodeCount = try container.decode(Int.self, forKey: .nodeCount)
        guard let valid = SlotAssignment(owners: owners, nodeCount: nodeCount) else {
            throw DecodingError.dataCorruptedError(forKey: .owners, in: container,
                                                   debugDescription: "need 16384 owners in 0..<nodeCount")
        }
        self = valid
    }

    private enum CodingKeys: String, CodingKey { case owners, nodeCount }

    private init(checkedOwners: [Int], nodeCount: Int) {
        self.owners = checkedOwners
        self.nodeCount = nodeCount
    }
}
