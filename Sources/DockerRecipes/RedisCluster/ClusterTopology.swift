/// A flag in the third field of a `CLUSTER NODES` line; unknown flags are kept verbatim.
public struct ClusterNodeFlag: RawRepresentable, Sendable, Hashable, Codable, CustomStringConvertible {
    /// The flag as Redis prints it.
    public let rawValue: String
    /// Wraps a flag as printed by Redis.
    public init(rawValue: String) { self.rawValue = rawValue }

    /// The node that produced this view.
    public static let myself = ClusterNodeFlag(rawValue: "myself")
    /// A master.
    public static let master = ClusterNodeFlag(rawValue: "master")
    /// A replica.
    public static let slave = ClusterNodeFlag(rawValue: "slave")
    /// Suspected failing (PFAIL) by the reporting node.
    public static let possiblyFailing = ClusterNodeFlag(rawValue: "fail?")
    /// Failing, agreed by a majority of masters.
    public static let fail = ClusterNodeFlag(rawValue: "fail")
    /// Not yet through the handshake.
    public static let handshake = ClusterNodeFlag(rawValue: "handshake")
    /// Its address is unknown.
    public static let noaddr = ClusterNodeFlag(rawValue: "noaddr")
    /// A replica that will not try to fail over.
    public static let nofailover = ClusterNodeFlag(rawValue: "nofailover")
    /// No flags at all.
    public static let noflags = ClusterNodeFlag(rawValue: "noflags")

    /// The flag as Redis prints it.
    public var description: String { rawValue }
}

/// Whether a node serves slots or replicates a master.
public enum ClusterNodeRole: String, Sendable, Hashable, Codable {
    /// Serves slots.
    case master
    /// Replicates a master.
    case replica
    /// Neither flag is set (e.g. during a handshake).
    case unknown
}

/// The cluster-bus link state to a node.
public enum ClusterLinkState: String, Sendable, Hashable, Codable {
    /// The bus link is up.
    case connected
    /// The bus link is down.
    case disconnected
}

/// A slot being moved, as shown in brackets on the `myself` line of `CLUSTER NODES`.
public struct OpenSlot: Sendable, Hashable, Codable, CustomStringConvertible {
    /// Which side of the move this node is on.
    public enum State: String, Sendable, Hashable, Codable {
        /// `[slot->-id]`: this node is sending the slot to `peerID`.
        case migrating
        /// `[slot-<-id]`: this node is receiving the slot from `peerID`.
        case importing
    }

    /// The slot being moved.
    public var slot: Int
    /// Whether it is leaving or arriving.
    public var state: State
    /// The node on the other side of the move.
    public var peerID: String

    /// An open slot.
    public init(slot: Int, state: State, peerID: String) {
        self.slot = slot
        self.state = state
        self.peerID = peerID
    }

    /// The bracketed form Redis prints, e.g. `[93->-e7d1...]`.
    public var description: String { "[\(slot)\(state == .migrating ? "->-" : "-<-")\(peerID)]" }
}

/// One line of `CLUSTER NODES`: a node as seen by the node that answered.
public struct ClusterNode: Sendable, Hashable, Codable {
    /// The 40-character node ID.
    public var id: String
    /// The client address's host; empty when unknown (`:0@0` with `noaddr`).
    public var host: String
    /// The client port.
    public var port: Int
    /// The cluster-bus port (after `@`); nil for pre-4.0 output without it.
    public var busPort: Int?
    /// The announced hostname (Redis 7+), nil when empty or absent.
    public var hostname: String?
    /// Extra `key=value` fields after the hostname (Redis 7.2+, e.g. `shard-id`).
    public var auxFields: [String: String]
    /// The node's flags.
    public var flags: Set<ClusterNodeFlag>
    /// The master this replica follows; nil for `-`.
    public var masterID: String?
    /// Unix time in ms of the pending ping, 0 if none.
    public var pingSent: Int
    /// Unix time in ms of the last pong.
    public var pongReceived: Int
    /// The node's (or its master's) configuration epoch.
    public var configEpoch: Int
    /// The cluster-bus link state.
    public var linkState: ClusterLinkState
    /// The slots it serves.
    public var slots: [SlotRange]
    /// Slots being migrated or imported (only shown for `myself`).
    public var openSlots: [OpenSlot]

    /// Master, replica or unknown, from the flags.
    public var role: ClusterNodeRole {
        if flags.contains(.master) { return .master }
        if flags.contains(.slave) { return .replica }
        return .unknown
    }

    /// `host:port` (IPv6 hosts in brackets).
    public var address: String { host.contains(":") ? "[\(host)]:\(port)" : "\(host):\(port)" }

    /// Whether the node is flagged `fail` or `fail?`.
    public var isFailing: Bool { flags.contains(.fail) || flags.contains(.possiblyFailing) }

    /// How many slots it serves.
    public var slotCount: Int { SlotRanges.slotCount(slots) }

    /// Parses one `CLUSTER NODES` line; `lineNumber` is only used in errors.
    public init(parsing line: some StringProtocol, lineNumber: Int = 1) throws(ClusterParseError) {
        func fail(_ reason: ClusterParseError.Reason) -> ClusterParseError {
            ClusterParseError(line: lineNumber, reason: reason)
        }
        let fields = Substring(line).split(separator: " ", omittingEmptySubsequences: true)
        guard fields.count >= 8 else { throw fail(.tooFewFields(found: fields.count)) }

        let id = String(fields[0])
        guard Self.isNodeID(id) else { throw fail(.invalidNodeID(id)) }
        self.id = id

        let endpoint = fields[1].split(separator: ",", omittingEmptySubsequences: false)
        let hostPortBus = endpoint[0]
        let hostPort: Substring
        if let at = hostPortBus.lastIndex(of: "@") {
            hostPort = hostPortBus[..<at]
            guard let bus = Self.number(hostPortBus[hostPortBus.index(after: at)...]) else {
                throw fail(.invalidAddress(String(fields[1])))
            }
            busPort = bus
        } else {
            hostPort = hostPortBus
            busPort = nil
        }
        guard let colon = hostPort.lastIndex(of: ":"),
              let port = Self.number(hostPort[hostPort.index(after: colon)...]) else {
            throw fail(.invalidAddress(String(fields[1])))
        }
        var host = String(hostPort[..<colon])
        if host.hasPrefix("["), host.hasSuffix("]") { host = String(host.dropFirst().dropLast()) }
        self.host = host
        self.port = port
        var hostname: String?
        var aux: [String: String] = [:]
        for (index, part) in endpoint.dropFirst().enumerated() {
            if let equals = part.firstIndex(of: "=") {
                aux[String(part[..<equals])] = String(part[part.index(after: equals)...])
            } else if index == 0, !part.isEmpty {
                hostname = String(part)
            }
        }
        self.hostname = hostname
        auxFields = aux

        flags = Set(fields[2].split(separator: ",").map { ClusterNodeFlag(rawValue: String($0)) })
        masterID = fields[3] == "-" ? nil : String(fields[3])

        func integer(_ index: Int, _ name: String) throws(ClusterParseError) -> Int {
            guard let value = Self.number(fields[index]) else {
                throw fail(.invalidNumber(field: name, value: String(fields[index])))
            }
            return value
        }
        pingSent = try integer(4, "ping-sent")
        pongReceived = try integer(5, "pong-recv")
        configEpoch = try integer(6, "config-epoch")
        guard let link = ClusterLinkState(rawValue: String(fields[7])) else {
            throw fail(.invalidLinkState(String(fields[7])))
        }
        linkState = link

        var slots: [SlotRange] = []
        var open: [OpenSlot] = []
        for token in fields.dropFirst(8) {
            if token.hasPrefix("[") {
                guard let slot = Self.openSlot(token) else { throw fail(.invalidSlot(String(token))) }
                open.append(slot)
            } else {
                guard let range = SlotRange(token) else { throw fail(.invalidSlot(String(token))) }
                slots.append(range)
            }
        }
        self.slots = slots
        openSlots = open
    }

    /// Parses `[N->-id]` or `[N-<-id]`.
    private static func openSlot(_ token: Substring) -> OpenSlot? {
        guard token.hasPrefix("["), token.hasSuffix("]") else { return nil }
        let body = token.dropFirst().dropLast()
        for (marker, state) in [("->-", OpenSlot.State.migrating), ("-<-", .importing)] {
            guard let range = body.range(of: marker) else { continue }
            let peer = String(body[range.upperBound...])
            guard let slot = number(body[..<range.lowerBound]), slot < KeySlot.slotCount, isNodeID(peer) else {
                return nil
            }
            return OpenSlot(slot: slot, state: state, peerID: peer)
        }
        return nil
    }

    /// Whether `text` looks like a node ID: 40 hexadecimal characters.
    static func isNodeID(_ text: String) -> Bool {
        text.utf8.count == 40 && text.utf8.allSatisfy { byte in
            (byte >= 0x30 && byte <= 0x39) || (byte >= 0x61 && byte <= 0x66) || (byte >= 0x41 && byte <= 0x46)
        }
    }

    /// A non-negative decimal number, digits only.
    static func number(_ text: some StringProtocol) -> Int? {
        guard !text.isEmpty, text.utf8.count <= 18, text.utf8.allSatisfy({ $0 >= 0x30 && $0 <= 0x39 }) else {
            return nil
        }
        return Int(text)
    }
}

/// Why `CLUSTER NODES` or `CLUSTER INFO` output could not be parsed.
public struct ClusterParseError: Error, Sendable, Hashable, CustomStringConvertible {
    /// What was wrong.
    public enum Reason: Sendable, Hashable {
        /// A node line has fewer than the 8 fixed fields.
        case tooFewFields(found: Int)
        /// The first field is not a 40-character hex node ID.
        case invalidNodeID(String)
        /// The `ip:port@cport[,hostname]` field is malformed.
        case invalidAddress(String)
        /// A numeric field is not a non-negative integer.
        case invalidNumber(field: String, value: String)
        /// The link state is neither `connected` nor `disconnected`.
        case invalidLinkState(String)
        /// A slot, range or open-slot entry is malformed or out of range.
        case invalidSlot(String)
        /// The same node ID appears on two lines.
        case duplicateNode(String)
        /// A `CLUSTER INFO` line is not `key:value`.
        case invalidInfoLine(String)
        /// A required `CLUSTER INFO` field is absent.
        case missingInfoField(String)
    }

    /// The 1-based line number, or 0 when the problem concerns the whole output.
    public var line: Int
    /// What was wrong.
    public var reason: Reason

    /// An error at `line`.
    public init(line: Int, reason: Reason) {
        self.line = line
        self.reason = reason
    }

    /// A readable explanation with the line number.
    public var description: String {
        let what: String
        switch reason {
        case .tooFewFields(let found): what = "expected at least 8 fields, found \(found)"
        case .invalidNodeID(let id): what = "invalid node ID \"\(id)\""
        case .invalidAddress(let address): what = "invalid address \"\(address)\""
        case .invalidNumber(let field, let value): what = "invalid \(field) \"\(value)\""
        case .invalidLinkState(let state): what = "invalid link state \"\(state)\""
        case .invalidSlot(let slot): what = "invalid slot entry \"\(slot)\""
        case .duplicateNode(let id): what = "node \(id) listed twice"
        case .invalidInfoLine(let text): what = "expected key:value, got \"\(text)\""
        case .missingInfoField(let key): what = "missing field \(key)"
        }
        return line > 0 ? "line \(line): \(what)" : what
    }
}

/// One node's `CLUSTER NODES` answer: the whole cluster as that node sees it.
public struct ClusterView: Sendable, Hashable, Codable {
    /// The nodes, in output order.
    public var nodes: [ClusterNode]

    /// A view from already parsed nodes.
    public init(nodes: [ClusterNode]) { self.nodes = nodes }

    /// Parses `CLUSTER NODES` output (`\n` or `\r\n` lines; blank lines ignored).
    public init(parsing text: String) throws(ClusterParseError) {
        var nodes: [ClusterNode] = []
        var seen = Set<String>()
        for (index, rawLine) in text.split(omittingEmptySubsequences: false, whereSeparator: \.isNewline).enumerated() {
            let line = rawLine
            if line.allSatisfy({ $0 == " " || $0 == "\t" }) { continue }
            let node = try ClusterNode(parsing: line, lineNumber: index + 1)
            guard seen.insert(node.id).inserted else {
                throw ClusterParseError(line: index + 1, reason: .duplicateNode(node.id))
            }
            nodes.append(node)
        }
        self.nodes = nodes
    }

    /// The node that produced the view (flag `myself`), if present.
    public var myself: ClusterNode? { nodes.first { $0.flags.contains(.myself) } }

    /// The masters, in output order.
    public var masters: [ClusterNode] { nodes.filter { $0.role == .master } }

    /// The replicas, in output order.
    public var replicas: [ClusterNode] { nodes.filter { $0.role == .replica } }

    /// The node with `id`, if listed.
    public func node(id: String) -> ClusterNode? { nodes.first { $0.id == id } }

    /// The replicas following the master `id`.
    public func replicas(of id: String) -> [ClusterNode] { nodes.filter { $0.role == .replica && $0.masterID == id } }

    /// The master ID serving each slot (index = slot), nil where no master lists it.
    public var slotOwners: [String?] {
        var owners = [String?](repeating: nil, count: KeySlot.slotCount)
        for node in nodes where node.role == .master {
            // Merged first: a node listing a range many times (or overlapping ranges) costs its distinct
            // slots once, not once per listing (the first master listing a slot still owns it).
            for range in SlotRanges.merge(node.slots) {
                for slot in range.slots where owners[slot] == nil { owners[slot] = node.id }
            }
        }
        return owners
    }
}

/// The state line of `CLUSTER INFO`.
public enum ClusterState: String, Sendable, Hashable, Codable {
    /// All slots are served.
    case ok
    /// Some slots are unserved or the node is partitioned.
    case fail
}

/// Parsed `CLUSTER INFO` output.
public struct ClusterInfo: Sendable, Hashable, Codable {
    /// `cluster_state`.
    public var state: ClusterState
    /// `cluster_slots_assigned`.
    public var slotsAssigned: Int
    /// `cluster_slots_ok`.
    public var slotsOK: Int
    /// `cluster_slots_pfail`.
    public var slotsPFail: Int
    /// `cluster_slots_fail`.
    public var slotsFail: Int
    /// `cluster_known_nodes`.
    public var knownNodes: Int
    /// `cluster_size`: masters serving at least one slot.
    public var size: Int
    /// `cluster_current_epoch`.
    public var currentEpoch: Int
    /// `cluster_my_epoch`.
    public var myEpoch: Int
    /// Every `key:value` line verbatim, including the ones above.
    public var fields: [String: String]

    /// Parses `CLUSTER INFO` output (`\r\n` or `\n` lines).
    public init(parsing text: String) throws(ClusterParseError) {
        var fields: [String: String] = [:]
        for (index, rawLine) in text.split(omittingEmptySubsequences: false, whereSeparator: \.isNewline).enumerated() {
            let line = rawLine
            if line.allSatisfy({ $0 == " " || $0 == "\t" }) { continue }
            guard let colon = line.firstIndex(of: ":"), colon != line.startIndex else {
                throw ClusterParseError(line: index + 1, reason: .invalidInfoLine(String(line)))
            }
            fields[String(line[..<colon])] = String(line[line.index(after: colon)...])
        }
        func integer(_ key: String) throws(ClusterParseError) -> Int {
            guard let text = fields[key] else { throw ClusterParseError(line: 0, reason: .missingInfoField(key)) }
            guard let value = ClusterNode.number(text) else {
                throw ClusterParseError(line: 0, reason: .invalidNumber(field: key, value: text))
            }
            return value
        }
        guard let stateText = fields["cluster_state"] else {
            throw ClusterParseError(line: 0, reason: .missingInfoField("cluster_state"))
        }
        guard let state = ClusterState(rawValue: stateText) else {
            throw ClusterParseError(line: 0, reason: .invalidInfoLine("cluster_state:\(stateText)"))
        }
        self.state = state
        slotsAssigned = try integer("cluster_slots_assigned")
        slotsOK = try integer("cluster_slots_ok")
        slotsPFail = try integer("cluster_slots_pfail")
        slotsFail = try integer("cluster_slots_fail")
        knownNodes = try integer("cluster_known_nodes")
        size = try integer("cluster_size")
        currentEpoch = try integer("cluster_current_epoch")
        myEpoch = try integer("cluster_my_epoch")
        self.fields = fields
    }

    /// An integer field by its `CLUSTER INFO` name, nil if absent or not a number.
    public func integer(_ key: String) -> Int? { fields[key].flatMap { ClusterNode.number($0) } }
}

/// Something `ClusterCheck` found wrong, in the spirit of `redis-cli --cluster check`.
public enum ClusterProblem: Sendable, Hashable, Codable, CustomStringConvertible {
    /// No views were given.
    case noViews
    /// A view's slot map differs from the first view's on `slots`.
    case configurationDisagreement(reporter: String, reference: String, slots: [SlotRange])
    /// `slots` are claimed by several masters: within one view (`reporter`), or by the nodes themselves (nil).
    case slotsClaimedByMultipleMasters(slots: [SlotRange], masterIDs: [String], reporter: String?)
    /// `slots` have no master in the first view.
    case slotsUncovered([SlotRange])
    /// A slot is being migrated or imported.
    case openSlot(nodeID: String, slot: OpenSlot)
    /// A node is flagged `fail` (or `fail?` when `suspected`) by `reporters`.
    case nodeFailing(nodeID: String, address: String, suspected: Bool, reporters: [String])
    /// A replica follows a master ID that `reporter`'s view does not list.
    case unknownMaster(replicaID: String, masterID: String, reporter: String)

    /// A readable, redis-cli-like explanation.
    public var description: String {
        switch self {
        case .noViews:
            return "[ERR] No CLUSTER NODES views to check."
        case .configurationDisagreement(let reporter, let reference, let slots):
            return "[ERR] Nodes don't agree about configuration: \(reporter) and \(reference) disagree on the owner of "
                + "\(SlotRanges.slotCount(slots)) slots (\(SlotRanges.format(slots)))."
        case .slotsClaimedByMultipleMasters(let slots, let ids, let reporter):
            let whose = reporter.map { "in the view of \($0)" } ?? "by the masters themselves"
            return "[ERR] Slots \(SlotRanges.format(slots)) are claimed by several masters \(whose): "
                + ids.joined(separator: ", ") + "."
        case .slotsUncovered(let slots):
            return "[ERR] Not all 16384 slots are covered by nodes: \(SlotRanges.slotCount(slots)) uncovered "
                + "(\(SlotRanges.format(slots)))."
        case .openSlot(let id, let slot):
            let verb = slot.state == .migrating ? "migrating to" : "importing from"
            return "[WARNING] Node \(id) has slot \(slot.slot) open (\(verb) \(slot.peerID))."
        case .nodeFailing(let id, let address, let suspected, let reporters):
            return "[ERR] Node \(id) (\(address)) is flagged \(suspected ? "fail?" : "fail") by "
                + reporters.joined(separator: ", ") + "."
        case .unknownMaster(let replica, let master, let reporter):
            return "[ERR] Replica \(replica) follows master \(master), unknown to \(reporter)."
        }
    }
}

/// A pure health check over several nodes' views, like `redis-cli --cluster check`.
public enum ClusterCheck {
    /// Every problem found across `views` (the first is the reference); empty when healthy.
    ///
    /// Checks: all views share the first view's slot map; no slot is claimed by two masters; every slot
    /// has a master; no slot is migrating or importing; no node is `fail` or `fail?`; every replica's
    /// master appears in the same view.
    public static func problems(in views: [ClusterView]) -> [ClusterProblem] {
        guard let reference = views.first else { return [.noViews] }
        var problems: [ClusterProblem] = []
        let names = views.enumerated().map { index, view in view.myself?.id ?? "view #\(index + 1)" }
        let referenceOwners = reference.slotOwners

        for (index, view) in views.enumerated().dropFirst() {
            let owners = view.slotOwners
            let differing = SlotRanges.ranges(where: { owners[$0] != referenceOwners[$0] })
            if !differing.isEmpty {
                problems.append(.configurationDisagreement(reporter: names[index], reference: names[0], slots: differing))
            }
        }

        for (index, view) in views.enumerated() {
            problems += doubleClaims(view.masters, reporter: names[index])
        }
        if views.count > 1 {
            let selfClaims = views.compactMap(\.myself).filter { $0.role == .master }
            var unique: [ClusterNode] = []
            for node in selfClaims where !unique.contains(where: { $0.id == node.id }) { unique.append(node) }
            problems += doubleClaims(unique, reporter: nil)
        }

        let uncovered = SlotRanges.ranges(where: { referenceOwners[$0] == nil })
        if !uncovered.isEmpty { problems.append(.slotsUncovered(uncovered)) }

        var openSeen = Set<OpenSlotKey>()
        var failing: [(id: String, address: String, suspected: Bool, reporters: [String])] = []
        for (index, view) in views.enumerated() {
            for node in view.nodes {
                for slot in node.openSlots where openSeen.insert(OpenSlotKey(nodeID: node.id, slot: slot)).inserted {
                    problems.append(.openSlot(nodeID: node.id, slot: slot))
                }
                guard node.isFailing else { continue }
                let suspected = !node.flags.contains(.fail)
                if let at = failing.firstIndex(where: { $0.id == node.id && $0.suspected == suspected }) {
                    if !failing[at].reporters.contains(names[index]) { failing[at].reporters.append(names[index]) }
                } else {
                    failing.append((node.id, node.address, suspected, [names[index]]))
                }
            }
        }
        problems += failing.map { .nodeFailing(nodeID: $0.id, address: $0.address, suspected: $0.suspected, reporters: $0.reporters) }

        for (index, view) in views.enumerated() {
            let known = Set(view.nodes.map(\.id))
            for replica in view.replicas {
                if let master = replica.masterID, !known.contains(master) {
                    problems.append(.unknownMaster(replicaID: replica.id, masterID: master, reporter: names[index]))
                }
            }
        }
        return problems
    }

    /// Slots listed by more than one of `masters` (a master listing a slot twice claims it once).
    private static func doubleClaims(_ masters: [ClusterNode], reporter: String?) -> [ClusterProblem] {
        var claimants = [[String]](repeating: [], count: KeySlot.slotCount)
        for master in masters {
            for range in SlotRanges.merge(master.slots) { for slot in range.slots { claimants[slot].append(master.id) } }
        }
        var grouped: [[String]: [SlotRange]] = [:]
        var order: [[String]] = []
        for range in SlotRanges.ranges(where: { claimants[$0].count > 1 }) {
            // Split each range further by the exact set of claimants.
            var start = range.first
            for slot in range.slots {
                let next = slot + 1
                if next > range.last || claimants[next] != claimants[slot] {
                    let ids = claimants[slot].sorted()
                    if grouped[ids] == nil { order.append(ids) }
                    grouped[ids, default: []].append(SlotRange(first: start, last: slot))
                    start = next
                }
            }
        }
        return order.map { .slotsClaimedByMultipleMasters(slots: grouped[$0] ?? [], masterIDs: $0, reporter: reporter) }
    }

    private struct OpenSlotKey: Hashable {
        var nodeID: String
        var slot: OpenSlot
    }
}
