/// A way of spreading keys over nodes.
public enum PartitionScheme: String, Sendable, Codable, CaseIterable, CustomStringConvertible {
    /// `hash(key) % N`.
    case moduloN = "mod-n"
    /// A consistent-hash ring with virtual nodes.
    case consistentHashing = "consistent-hashing"
    /// Redis Cluster's 16384 hash slots, laid out and rebalanced like `redis-cli --cluster`.
    case hashSlots = "hash-slots"

    /// A human-readable name.
    public var description: String {
        switch self {
        case .moduloN: "hash mod N"
        case .consistentHashing: "consistent hashing"
        case .hashSlots: "hash slots"
        }
    }
}

/// What one scheme does when the node count changes.
public struct PartitionOutcome: Sendable, Codable, Hashable {
    /// The scheme simulated.
    public var scheme: PartitionScheme
    /// How many keys live on a different node after the change.
    public var movedKeys: Int
    /// `movedKeys` over the key count (0 when there are no keys).
    public var movedFraction: Double
    /// Keys per node before the change.
    public var keysPerNodeBefore: [Int]
    /// Keys per node after the change.
    public var keysPerNodeAfter: [Int]
    /// Max over mean keys per node before the change (1 is perfectly even).
    public var imbalanceBefore: Double
    /// Max over mean keys per node after the change (1 is perfectly even).
    public var imbalanceAfter: Double
    /// For hash slots, how many slots the rebalance moved; nil for the other schemes.
    public var movedSlots: Int?
}

/// The result of one simulation: every scheme under the same change.
public struct PartitionReport: Sendable, Codable, Hashable {
    /// The number of keys, named `key:0` ... `key:<keyCount-1>`.
    public var keyCount: Int
    /// Nodes before the change.
    public var nodesBefore: Int
    /// Nodes after the change.
    public var nodesAfter: Int
    /// Virtual nodes per node on the consistent-hash ring.
    public var virtualNodes: Int
    /// One outcome per scheme, in `PartitionScheme.allCases` order.
    public var outcomes: [PartitionOutcome]

    /// The outcome of `scheme`, if simulated.
    public func outcome(for scheme: PartitionScheme) -> PartitionOutcome? {
        outcomes.first { $0.scheme == scheme }
    }
}

/// Why a simulation cannot run.
public enum PartitionSimulatorError: Error, Sendable, Equatable, CustomStringConvertible {
    /// The key count is negative.
    case invalidKeyCount(Int)
    /// A node count is below 1 or above 16384.
    case invalidNodeCount(Int)
    /// The virtual node count is below 1.
    case invalidVirtualNodes(Int)

    /// A readable explanation.
    public var description: String {
        switch self {
        case .invalidKeyCount(let count): "key count must be at least 0, got \(count)"
        case .invalidNodeCount(let count): "node count must be between 1 and 16384, got \(count)"
        case .invalidVirtualNodes(let count): "virtual nodes per node must be at least 1, got \(count)"
        }
    }
}

/// A consistent-hash ring: each node `node-i` sits at the hashes of `node-i#0` ... `node-i#<V-1>`.
public struct HashRing: Sendable, Hashable {
    /// Ring positions, ascending.
    public let positions: [UInt64]
    /// The node index at each position.
    public let owners: [Int]

    /// A ring of `nodes` nodes with `virtualNodes` points each.
    public init(nodes: Int, virtualNodes: Int) {
        var points: [(position: UInt64, node: Int)] = []
        points.reserveCapacity(max(0, nodes * virtualNodes))
        for node in 0..<max(0, nodes) {
            for virtual in 0..<max(0, virtualNodes) {
                points.append((PartitionSimulator.hash(Array("node-\(node)#\(virtual)".utf8)), node))
            }
        }
        points.sort { ($0.position, $0.node) < ($1.position, $1.node) }
        positions = points.map(\.position)
        owners = points.map(\.node)
    }

    /// The node owning `hash`: the first point at or after it, clockwise, wrapping around (0 on an empty ring).
    public func node(for hash: UInt64) -> Int {
        positions.withUnsafeBufferPointer { Self.index(of: hash, in: $0) }.map { owners[$0] } ?? 0
    }

    /// The index of the first position `>= hash` (wrapping to 0), or nil for an empty ring.
    @inline(__always)
    static func index(of hash: UInt64, in positions: UnsafeBufferPointer<UInt64>) -> Int? {
        guard !positions.isEmpty else { return nil }
        var low = 0, high = positions.count
        while low < high {
            let mid = (low + high) >> 1
            if positions[mid] < hash { low = mid + 1 } else { high = mid }
        }
        return low == positions.count ? 0 : low
    }
}

/// Simulates moving from N to N±k nodes for `key:0` ... `key:<K-1>` under each `PartitionScheme`.
public struct PartitionSimulator: Sendable {
    /// How many keys to place.
    public var keyCount: Int
    /// Virtual nodes per node on the consistent-hash ring.
    public var virtualNodes: Int

    /// A simulator for `keyCount` keys and `virtualNodes` ring points per node.
    public init(keyCount: Int, virtualNodes: Int = 160) {
        self.keyCount = keyCount
        self.virtualNodes = virtualNodes
    }

    /// The key with index `index`, as simulated.
    public static func key(_ index: Int) -> String { "key:\(index)" }

    /// The stable 64-bit hash used for `mod N` and the ring: FNV-1a 64 followed by a MurmurHash3 finalizer.
    public static func hash(_ bytes: some Sequence<UInt8>) -> UInt64 {
        var state = fnvOffset
        for byte in bytes { state = fnvStep(state, byte) }
        return finalize(state)
    }

    /// Max over mean of `loads` (1 when there is nothing to place).
    public static func imbalance(_ loads: [Int]) -> Double {
        let total = loads.reduce(0, +)
        guard total > 0, let maximum = loads.max() else { return 1 }
        return Double(maximum) / (Double(total) / Double(loads.count))
    }

    /// Simulates `nodes` nodes becoming `nodes + change`.
    public func run(nodes: Int, change: Int) throws(PartitionSimulatorError) -> PartitionReport {
        try run(from: nodes, to: nodes + change)
    }

    /// Simulates `nodesBefore` nodes becoming `nodesAfter`; dropped nodes are the highest-numbered ones.
    public func run(from nodesBefore: Int, to nodesAfter: Int) throws(PartitionSimulatorError) -> PartitionReport {
        guard keyCount >= 0 else { throw .invalidKeyCount(keyCount) }
        guard virtualNodes >= 1 else { throw .invalidVirtualNodes(virtualNodes) }
        for count in [nodesBefore, nodesAfter] where count < 1 || count > KeySlot.slotCount {
            throw .invalidNodeCount(count)
        }

        let ringBefore = HashRing(nodes: nodesBefore, virtualNodes: virtualNodes)
        let ringAfter = HashRing(nodes: nodesAfter, virtualNodes: virtualNodes)
        var modBefore = [Int](repeating: 0, count: nodesBefore), modAfter = [Int](repeating: 0, count: nodesAfter)
        var ringLoadBefore = modBefore, ringLoadAfter = modAfter
        var keysPerSlot = [Int](repeating: 0, count: KeySlot.slotCount)
        var modMoved = 0, ringMoved = 0

        // Keys are "key:" + decimal index: hash the prefix once, then only the digits.
        // They hold no `{`, so their slot is the CRC16 of the whole key.
        let prefix = Array("key:".utf8)
        let fnvPrefix = prefix.reduce(Self.fnvOffset, Self.fnvStep)
        let crcPrefix = prefix.reduce(UInt16(0), KeySlot.crc16)
        var digits: [UInt8] = [UInt8(ascii: "0")]
        let before = UInt64(nodesBefore), after = UInt64(nodesAfter)

        KeySlot.crc16Table.withUnsafeBufferPointer { table in
            ringBefore.positions.withUnsafeBufferPointer { positionsBefore in
                ringAfter.positions.withUnsafeBufferPointer { positionsAfter in
                    for _ in 0..<keyCount {
                        var state = fnvPrefix
                        var crc = crcPrefix
                        for digit in digits {
                            state = Self.fnvStep(state, digit)
                            crc = (crc &<< 8) ^ table[Int(UInt8(truncatingIfNeeded: crc &>> 8) ^ digit)]
                        }
                        let hash = Self.finalize(state)

                        let oldMod = Int(hash % before), newMod = Int(hash % after)
                        modBefore[oldMod] += 1
                        modAfter[newMod] += 1
                        if oldMod != newMod { modMoved += 1 }

                        let oldRing = HashRing.index(of: hash, in: positionsBefore).map { ringBefore.owners[$0] } ?? 0
                        let newRing = HashRing.index(of: hash, in: positionsAfter).map { ringAfter.owners[$0] } ?? 0
                        ringLoadBefore[oldRing] += 1
                        ringLoadAfter[newRing] += 1
                        if oldRing != newRing { ringMoved += 1 }

                        keysPerSlot[Int(crc & 0x3FFF)] += 1
                        Self.increment(&digits)
                    }
                }
            }
        }

        let slotsBefore = SlotAssignment.clusterCreate(masters: nodesBefore)
        let (slotsAfter, movedSlots) = slotsBefore.rebalanced(to: nodesAfter)
        var slotLoadBefore = [Int](repeating: 0, count: nodesBefore)
        var slotLoadAfter = [Int](repeating: 0, count: nodesAfter)
        var slotMoved = 0
        for slot in 0..<KeySlot.slotCount {
            let keys = keysPerSlot[slot]
            let oldOwner = slotsBefore.owners[slot], newOwner = slotsAfter.owners[slot]
            slotLoadBefore[oldOwner] += keys
            slotLoadAfter[newOwner] += keys
            if oldOwner != newOwner { slotMoved += keys }
        }

        func outcome(_ scheme: PartitionScheme, _ moved: Int, _ old: [Int], _ new: [Int], slots: Int? = nil) -> PartitionOutcome {
            PartitionOutcome(scheme: scheme, movedKeys: moved,
                             movedFraction: keyCount > 0 ? Double(moved) / Double(keyCount) : 0,
                             keysPerNodeBefore: old, keysPerNodeAfter: new,
                             imbalanceBefore: Self.imbalance(old), imbalanceAfter: Self.imbalance(new),
                             movedSlots: slots)
        }
        return PartitionReport(
            keyCount: keyCount, nodesBefore: nodesBefore, nodesAfter: nodesAfter, virtualNodes: virtualNodes,
            outcomes: [
                outcome(.moduloN, modMoved, modBefore, modAfter),
                outcome(.consistentHashing, ringMoved, ringLoadBefore, ringLoadAfter),
                outcome(.hashSlots, slotMoved, slotLoadBefore, slotLoadAfter, slots: movedSlots),
            ]
        )
    }

    static let fnvOffset: UInt64 = 0xCBF2_9CE4_8422_2325

    @inline(__always)
    static func fnvStep(_ state: UInt64, _ byte: UInt8) -> UInt64 {
        (state ^ UInt64(byte)) &* 0x0000_0100_0000_01B3
    }

    /// MurmurHash3's fmix64, so that nearby keys spread over the whole 64-bit ring.
    @inline(__always)
    static func finalize(_ value: UInt64) -> UInt64 {
        var x = value
        x ^= x >> 33
        x &*= 0xFF51_AFD7_ED55_8CCD
        x ^= x >> 33
        x &*= 0xC4CE_B9FE_1A85_EC53
        x ^= x >> 33
        return x
    }

    /// Adds one to an ASCII decimal number in place.
    static func increment(_ digits: inout [UInt8]) {
        var index = digits.count - 1
        while index >= 0 {
            if digits[index] == UInt8(ascii: "9") {
                digits[index] = UInt8(ascii: "0")
                index -= 1
            } else {
                digits[index] += 1
                return
            }
        }
        digits.insert(UInt8(ascii: "1"), at: 0)
    }
}
