@testable import DockerRecipes
import XCTest

final class ClusterCheckTests: XCTestCase {
    typealias F = ClusterFixtures

    private func allViews(_ lines: [String] = F.healthyLines) throws -> [ClusterView] {
        try [F.m1, F.m2, F.m3, F.r1, F.r2, F.r3].map { try F.view(as: $0, lines: lines) }
    }

    func testHealthyClusterHasNoProblems() throws {
        XCTAssertEqual(ClusterCheck.problems(in: try allViews()), [])
        XCTAssertEqual(ClusterCheck.problems(in: [try F.view(as: F.m1)]), [])
        XCTAssertEqual(ClusterCheck.problems(in: []), [.noViews])
    }

    /// After m1 died, its replica r1 was promoted (epoch 7); m1 is `master,fail` with no slots.
    func testFailoverViewReportsTheFailedOldMaster() throws {
        var lines = F.healthyLines
        lines[1] = "\(F.r1) 172.28.0.14:6379@16379, {me}master - 0 1655454995000 7 connected 0-5460"
        lines[2] = "\(F.m1) 172.28.0.11:6379@16379, {me}master,fail - 1655454960115 1655454955000 1 disconnected"
        let views = try [F.r1, F.m2, F.m3].map { try F.view(as: $0, lines: lines) }
        let problems = ClusterCheck.problems(in: views)
        XCTAssertEqual(problems, [
            .nodeFailing(nodeID: F.m1, address: "172.28.0.11:6379", suspected: false, reporters: [F.r1, F.m2, F.m3]),
        ])
        XCTAssertTrue(problems[0].description.contains("flagged fail"))
        XCTAssertEqual(views[0].slotOwners[0], F.r1)
    }

    func testSuspectedFailureIsReportedSeparately() throws {
        var lines = F.healthyLines
        lines[5] = "\(F.m3) 172.28.0.13:6379@16379, {me}master,fail? - 1655454960115 1655454955000 3 disconnected 10923-16383"
        let problems = ClusterCheck.problems(in: [try F.view(as: F.m1, lines: lines)])
        XCTAssertEqual(problems, [.nodeFailing(nodeID: F.m3, address: "172.28.0.13:6379", suspected: true, reporters: [F.m1])])
    }

    func testOpenSlotsDuringMigration() throws {
        var lines = F.healthyLines
        lines[2] += " [5461-<-\(F.m2)]"
        lines[3] += " [5461->-\(F.m1)]"
        let problems = ClusterCheck.problems(in: [try F.view(as: F.m1, lines: lines), try F.view(as: F.m2, lines: lines)])
        XCTAssertEqual(problems, [
            .openSlot(nodeID: F.m1, slot: OpenSlot(slot: 5461, state: .importing, peerID: F.m2)),
            .openSlot(nodeID: F.m2, slot: OpenSlot(slot: 5461, state: .migrating, peerID: F.m1)),
        ])
        XCTAssertEqual(problems[1].description, "[WARNING] Node \(F.m2) has slot 5461 open (migrating to \(F.m1)).")
    }

    func testMissingSlots() throws {
        var lines = F.healthyLines
        lines[5] = lines[5].replacingOccurrences(of: "10923-16383", with: "10923-16000")
        lines[3] = lines[3].replacingOccurrences(of: "5461-10922", with: "5461-10921")
        let problems = ClusterCheck.problems(in: try allViews(lines))
        let uncovered = [SlotRange(slot: 10922), SlotRange(first: 16001, last: 16383)]
        XCTAssertEqual(problems, [.slotsUncovered(uncovered)])
        XCTAssertEqual(problems[0].description,
                       "[ERR] Not all 16384 slots are covered by nodes: 384 uncovered (10922,16001-16383).")
    }

    /// m2 believes it took slots 0-99 from m1, but m1 and the others still give them to m1.
    func testDisagreementAndDoubleClaim() throws {
        var m2Lines = F.healthyLines
        m2Lines[2] = m2Lines[2].replacingOccurrences(of: "0-5460", with: "100-5460")
        m2Lines[3] = m2Lines[3].replacingOccurrences(of: "5461-10922", with: "0-99 5461-10922")
        let views = [try F.view(as: F.m1), try F.view(as: F.m2, lines: m2Lines), try F.view(as: F.m3)]
        let problems = ClusterCheck.problems(in: views)
        XCTAssertEqual(problems, [
            .configurationDisagreement(reporter: F.m2, reference: F.m1, slots: [SlotRange(first: 0, last: 99)]),
            .slotsClaimedByMultipleMasters(slots: [SlotRange(first: 0, last: 99)], masterIDs: [F.m1, F.m2], reporter: nil),
        ])
        XCTAssertTrue(problems[0].description.contains("disagree on the owner of 100 slots (0-99)"))
    }

    func testDoubleClaimWithinOneViewAndUnknownMaster() throws {
        var lines = F.healthyLines
        lines[5] = lines[5].replacingOccurrences(of: "10923-16383", with: "10000-16383")
        lines[4] = "\(F.r2) 172.28.0.15:6379@16379, {me}slave 0000000000000000000000000000000000000000 0 0 2 connected"
        let problems = ClusterCheck.problems(in: [try F.view(as: F.m1, lines: lines)])
        XCTAssertEqual(problems, [
            .slotsClaimedByMultipleMasters(slots: [SlotRange(first: 10000, last: 10922)], masterIDs: [F.m2, F.m3], reporter: F.m1),
            .unknownMaster(replicaID: F.r2, masterID: "0000000000000000000000000000000000000000", reporter: F.m1),
        ])
    }

    func testViewsWithoutMyselfAreNamedByPosition() throws {
        var lines = F.healthyLines
        lines[5] = lines[5].replacingOccurrences(of: "10923-16383", with: "10923-16382")
        let plain = try ClusterView(parsing: F.healthyLines.map { $0.replacingOccurrences(of: "{me}", with: "") }.joined(separator: "\n"))
        let other = try ClusterView(parsing: lines.map { $0.replacingOccurrences(of: "{me}", with: "") }.joined(separator: "\n"))
        XCTAssertEqual(ClusterCheck.problems(in: [plain, other]), [
            .configurationDisagreement(reporter: "view #2", reference: "view #1", slots: [SlotRange(slot: 16383)]),
        ])
    }
}
