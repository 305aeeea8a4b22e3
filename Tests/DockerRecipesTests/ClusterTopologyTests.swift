@testable import DockerRecipes
import XCTest

/// Fixtures in Redis 7.0's format: `ip:port@cport,hostname` with an empty hostname (trailing comma).
enum ClusterFixtures {
    static let m1 = "3992f6db5936678c6c9d14093f0fb00a2e1c0e11"
    static let m2 = "cc249a52ae69a99b703507d7377c614060e9be7e"
    static let m3 = "ddfd56912411e613918e87b5e1390ec03fd4e785"
    static let r1 = "9c4d2f55526326c11317cbb9202fb63fb023c31c"
    static let r2 = "58f9b5a44621ad2d0d22dc0ccfb630a11684aa8c"
    static let r3 = "942b15e1022cbcf3b08d209555e5602a1f1b8421"

    /// One line per node; `{me}` marks where `myself,` goes.
    static let healthyLines = [
        "\(r3) 172.28.0.16:6379@16379, {me}slave \(m3) 0 1655454377872 3 connected",
        "\(r1) 172.28.0.14:6379@16379, {me}slave \(m1) 0 1655454375858 1 connected",
        "\(m1) 172.28.0.11:6379@16379, {me}master - 0 1655454377000 1 connected 0-5460",
        "\(m2) 172.28.0.12:6379@16379, {me}master - 0 1655454378879 2 connected 5461-10922",
        "\(r2) 172.28.0.15:6379@16379, {me}slave \(m2) 0 1655454378000 2 connected",
        "\(m3) 172.28.0.13:6379@16379, {me}master - 0 1655454377000 3 connected 10923-16383",
    ]

    /// The `CLUSTER NODES` answer of node `me` (lines rewritten so only its line carries `myself`).
    static func nodes(as me: String, lines: [String] = healthyLines) -> String {
        lines.map { line in
            line.replacingOccurrences(of: "{me}", with: line.hasPrefix(me) ? "myself," : "")
        }.joined(separator: "\n") + "\n"
    }

    static func view(as me: String, lines: [String] = healthyLines) throws -> ClusterView {
        try ClusterView(parsing: nodes(as: me, lines: lines))
    }

    static let info = [
        "cluster_state:ok", "cluster_slots_assigned:16384", "cluster_slots_ok:16384", "cluster_slots_pfail:0",
        "cluster_slots_fail:0", "cluster_known_nodes:6", "cluster_size:3", "cluster_current_epoch:6",
        "cluster_my_epoch:1", "cluster_stats_messages_ping_sent:1483", "cluster_stats_messages_pong_sent:1510",
        "cluster_stats_messages_sent:2993", "cluster_stats_messages_ping_received:1505",
        "cluster_stats_messages_pong_received:1483", "cluster_stats_messages_meet_received:5",
        "cluster_stats_messages_received:2993", "total_cluster_links_buffer_limit_exceeded:0",
    ].joined(separator: "\r\n") + "\r\n"
}

final class ClusterTopologyTests: XCTestCase {
    typealias F = ClusterFixtures

    func testParsesHealthyRedis7View() throws {
        let view = try F.view(as: F.m1)
        XCTAssertEqual(view.nodes.count, 6)
        XCTAssertEqual(view.myself?.id, F.m1)
        XCTAssertEqual(view.masters.map(\.id), [F.m1, F.m2, F.m3])
        XCTAssertEqual(view.replicas(of: F.m2).map(\.id), [F.r2])

        let me = try XCTUnwrap(view.myself)
        XCTAssertEqual(me.host, "172.28.0.11")
        XCTAssertEqual(me.port, 6379)
        XCTAssertEqual(me.busPort, 16379)
        XCTAssertNil(me.hostname)
        XCTAssertEqual(me.flags, [.myself, .master])
        XCTAssertEqual(me.role, .master)
        XCTAssertNil(me.masterID)
        XCTAssertEqual(me.pingSent, 0)
        XCTAssertEqual(me.pongReceived, 1_655_454_377_000)
        XCTAssertEqual(me.configEpoch, 1)
        XCTAssertEqual(me.linkState, .connected)
        XCTAssertEqual(me.slots, [SlotRange(first: 0, last: 5460)])
        XCTAssertEqual(me.slotCount, 5461)
        XCTAssertEqual(me.address, "172.28.0.11:6379")

        let replica = try XCTUnwrap(view.node(id: F.r3))
        XCTAssertEqual(replica.role, .replica)
        XCTAssertEqual(replica.masterID, F.m3)
        XCTAssertEqual(replica.pongReceived, 1_655_454_377_872)
        XCTAssertTrue(replica.slots.isEmpty)

        let owners = view.slotOwners
        XCTAssertEqual(owners[0], F.m1)
        XCTAssertEqual(owners[5461], F.m2)
        XCTAssertEqual(owners[16383], F.m3)
        XCTAssertEqual(owners[KeySlot.slot(for: "k1")], F.m3) // MOVED 12706 in the seed
    }

    func testAddressVariants() throws {
        let id = F.m1
        let v72 = try ClusterNode(parsing: "\(id) 127.0.0.1:30004@31004,hostname4,shard-id=abc123 slave \(F.m2) 0 1426238317239 4 connected")
        XCTAssertEqual(v72.hostname, "hostname4")
        XCTAssertEqual(v72.auxFields, ["shard-id": "abc123"])
        XCTAssertEqual(v72.busPort, 31004)

        let noHostname72 = try ClusterNode(parsing: "\(id) 127.0.0.1:30004@31004,,shard-id=abc slave \(F.m2) 0 0 4 connected")
        XCTAssertNil(noHostname72.hostname)
        XCTAssertEqual(noHostname72.auxFields["shard-id"], "abc")

        let noaddr = try ClusterNode(parsing: "\(id) :0@0 master,fail,noaddr - 1655454377000 1655454370000 1 disconnected")
        XCTAssertEqual(noaddr.host, "")
        XCTAssertEqual(noaddr.port, 0)
        XCTAssertEqual(noaddr.flags, [.master, .fail, .noaddr])
        XCTAssertEqual(noaddr.linkState, .disconnected)
        XCTAssertTrue(noaddr.isFailing)

        let ipv6 = try ClusterNode(parsing: "\(id) ::1:30001@40001 myself,master - 0 0 1 connected 0-5460 5461")
        XCTAssertEqual(ipv6.host, "::1")
        XCTAssertEqual(ipv6.port, 30001)
        XCTAssertEqual(ipv6.address, "[::1]:30001")
        XCTAssertEqual(ipv6.slots, [SlotRange(first: 0, last: 5460), SlotRange(slot: 5461)])

        let legacy = try ClusterNode(parsing: "\(id) 127.0.0.1:7001 master - 0 1428979294037 8 connected 0-999 5461-10922")
        XCTAssertNil(legacy.busPort)
        XCTAssertEqual(legacy.slotCount, 1000 + 5462)

        let odd = try ClusterNode(parsing: "\(id) 10.0.0.1:6379@16379 handshake,noflags,somefutureflag - 0 0 0 connected")
        XCTAssertEqual(odd.role, .unknown)
        XCTAssertTrue(odd.flags.contains(ClusterNodeFlag(rawValue: "somefutureflag")))
    }

    func testParsesOpenSlots() throws {
        let line = "\(F.m1) 172.28.0.11:6379@16379, myself,master - 0 0 1 connected 0-5460 [5461-<-\(F.m2)] [93->-\(F.m3)]"
        let node = try ClusterNode(parsing: line)
        XCTAssertEqual(node.slots, [SlotRange(first: 0, last: 5460)])
        XCTAssertEqual(node.openSlots, [
            OpenSlot(slot: 5461, state: .importing, peerID: F.m2),
            OpenSlot(slot: 93, state: .migrating, peerID: F.m3),
        ])
        XCTAssertEqual(node.openSlots[1].description, "[93->-\(F.m3)]")
    }

    func testMalformedLinesGiveTypedErrorsWithLineNumbers() {
        func error(_ text: String) -> ClusterParseError? {
            do {
                _ = try ClusterView(parsing: text)
                return nil
            } catch {
                return error
            }
        }
        let good = F.nodes(as: F.m1).split(separator: "\n").map(String.init)
        var lines = good
        lines[2] = lines[2].replacingOccurrences(of: "connected", with: "linked")
        XCTAssertEqual(error(lines.joined(separator: "\n")), ClusterParseError(line: 3, reason: .invalidLinkState("linked")))

        lines = good
        lines[5] = lines[5].replacingOccurrences(of: "10923-16383", with: "10923-16384")
        XCTAssertEqual(error(lines.joined(separator: "\n")), ClusterParseError(line: 6, reason: .invalidSlot("10923-16384")))

        XCTAssertEqual(error("ERR This instance has cluster support disabled"),
                       ClusterParseError(line: 1, reason: .tooFewFields(found: 7)))
        XCTAssertEqual(error("\n\nnot-an-id 1.2.3.4:1@2 master - 0 0 1 connected"),
                       ClusterParseError(line: 3, reason: .invalidNodeID("not-an-id")))
        XCTAssertEqual(error("\(F.m1) 1.2.3.4@2 master - 0 0 1 connected"),
                       ClusterParseError(line: 1, reason: .invalidAddress("1.2.3.4@2")))
        XCTAssertEqual(error("\(F.m1) 1.2.3.4:1@x master - 0 0 1 connected"),
                       ClusterParseError(line: 1, reason: .invalidAddress("1.2.3.4:1@x")))
        XCTAssertEqual(error("\(F.m1) 1.2.3.4:1@2 master - 0 -5 1 connected"),
                       ClusterParseError(line: 1, reason: .invalidNumber(field: "pong-recv", value: "-5")))
        XCTAssertEqual(error("\(F.m1) 1.2.3.4:1@2 master - 0 0 1 connected [12->-nope]"),
                       ClusterParseError(line: 1, reason: .invalidSlot("[12->-nope]")))
        XCTAssertEqual(error(good[0] + "\n" + good[0]), ClusterParseError(line: 2, reason: .duplicateNode(F.r3)))
        XCTAssertEqual(ClusterParseError(line: 3, reason: .invalidLinkState("linked")).description,
                       "line 3: invalid link state \"linked\"")
        XCTAssertEqual(try ClusterView(parsing: "").nodes, [])
        // CRLF line endings parse the same as LF.
        XCTAssertEqual(try ClusterView(parsing: good.joined(separator: "\r\n")), try F.view(as: F.m1))
    }

    func testParsesClusterInfo() throws {
        let info = try ClusterInfo(parsing: F.info)
        XCTAssertEqual(info.state, .ok)
        XCTAssertEqual(info.slotsAssigned, 16384)
        XCTAssertEqual(info.slotsOK, 16384)
        XCTAssertEqual(info.slotsPFail, 0)
        XCTAssertEqual(info.slotsFail, 0)
        XCTAssertEqual(info.knownNodes, 6)
        XCTAssertEqual(info.size, 3)
        XCTAssertEqual(info.currentEpoch, 6)
        XCTAssertEqual(info.myEpoch, 1)
        XCTAssertEqual(info.integer("cluster_stats_messages_sent"), 2993)
        XCTAssertEqual(info.fields["total_cluster_links_buffer_limit_exceeded"], "0")

        let failing = F.info.replacingOccurrences(of: "cluster_state:ok", with: "cluster_state:fail")
            .replacingOccurrences(of: "cluster_slots_ok:16384", with: "cluster_slots_ok:10923")
            .replacingOccurrences(of: "cluster_slots_fail:0", with: "cluster_slots_fail:5461")
        let failed = try ClusterInfo(parsing: failing)
        XCTAssertEqual(failed.state, .fail)
        XCTAssertEqual(failed.slotsFail, 5461)

        XCTAssertThrowsError(try ClusterInfo(parsing: F.info.replacingOccurrences(of: "cluster_size:3\r\n", with: ""))) {
            XCTAssertEqual($0 as? ClusterParseError, ClusterParseError(line: 0, reason: .missingInfoField("cluster_size")))
        }
        XCTAssertThrowsError(try ClusterInfo(parsing: "cluster_state:ok\r\ngarbage\r\n")) {
            XCTAssertEqual($0 as? ClusterParseError, ClusterParseError(line: 2, reason: .invalidInfoLine("garbage")))
        }
        XCTAssertThrowsError(try ClusterInfo(parsing: F.info.replacingOccurrences(of: "cluster_my_epoch:1", with: "cluster_my_epoch:x"))) {
            XCTAssertEqual($0 as? ClusterParseError,
                           ClusterParseError(line: 0, reason: .invalidNumber(field: "cluster_my_epoch", value: "x")))
        }
    }
}
