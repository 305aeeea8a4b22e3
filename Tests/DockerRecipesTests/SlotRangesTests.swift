@testable import DockerRecipes
import Foundation
import XCTest

final class SlotRangesTests: XCTestCase {
    private func ranges(_ text: String) -> [SlotRange] {
        guard let parsed = SlotRanges.parse(text) else {
            XCTFail("bad fixture \(text)")
            return []
        }
        return parsed
    }

    /// Expected values computed with redis-cli's C loop (float cursor, lround).
    func testClusterCreateMatchesRedisCli() {
        XCTAssertEqual(SlotRanges.clusterCreate(masters: 3), ranges("0-5460,5461-10922,10923-16383"))
        XCTAssertEqual(SlotRanges.clusterCreate(masters: 4), ranges("0-4095,4096-8191,8192-12287,12288-16383"))
        XCTAssertEqual(SlotRanges.clusterCreate(masters: 5), ranges("0-3276,3277-6553,6554-9829,9830-13106,13107-16383"))
        XCTAssertEqual(SlotRanges.clusterCreate(masters: 6),
                       ranges("0-2730,2731-5460,5461-8191,8192-10922,10923-13652,13653-16383"))
        XCTAssertEqual(SlotRanges.clusterCreate(masters: 7),
                       ranges("0-2340,2341-4680,4681-7021,7022-9361,9362-11702,11703-14042,14043-16383"))
        XCTAssertEqual(SlotRanges.clusterCreate(masters: 1), ranges("0-16383"))
        XCTAssertEqual(SlotRanges.clusterCreate(masters: 0), [])
        XCTAssertEqual(SlotRanges.clusterCreate(masters: 3).map(\.count), [5461, 5462, 5461])
    }

    func testRangeBasics() {
        let range = SlotRange(first: 0, last: 5460)
        XCTAssertEqual(range.count, 5461)
        XCTAssertTrue(range.contains(0))
        XCTAssertTrue(range.contains(5460))
        XCTAssertFalse(range.contains(5461))
        XCTAssertEqual(range.description, "0-5460")
        XCTAssertEqual(SlotRange(slot: 42).description, "42")
        XCTAssertEqual(SlotRange("5461-10922"), SlotRange(first: 5461, last: 10922))
        XCTAssertEqual(SlotRange("7"), SlotRange(slot: 7))
        for bad in ["", "-", "1-", "-1", "5-3", "16384", "0-16384", "a-b", "1-2-3", "+5", " 5"] {
            XCTAssertNil(SlotRange(bad), bad)
        }
        XCTAssertNil(SlotRange.validated(first: 10, last: 9))
        XCTAssertNil(SlotRange.validated(first: -1, last: 9))
        XCTAssertEqual(SlotRange.validated(first: 9, last: 9), SlotRange(slot: 9))
    }

    func testCodableRoundTripAndValidation() throws {
        let range = SlotRange(first: 10923, last: 16383)
        let data = try JSONEncoder().encode(range)
        XCTAssertEqual(try JSONDecoder().decode(SlotRange.self, from: data), range)
        XCTAssertThrowsError(try JSONDecoder().decode(SlotRange.self, from: Data(#"{"first":5,"last":2}"#.utf8)))
        XCTAssertThrowsError(try JSONDecoder().decode(SlotRange.self, from: Data(#"{"first":0,"last":16384}"#.utf8)))
    }

    func testMergeFormatAndCoverage() {
        let merged = SlotRanges.merge(ranges("10-20,0-5,6-9,15-30,100"))
        XCTAssertEqual(SlotRanges.format(merged), "0-30,100")
        XCTAssertEqual(SlotRanges.slotCount(ranges("0-9,5-14")), 15)
        XCTAssertEqual(SlotRanges.format(SlotRanges.ranges(covering: [3, 1, 2, 7, 9, 8, 16383, 20000, -1])), "1-3,7-9,16383")
        XCTAssertEqual(SlotRanges.ranges(where: { _ in true }), [SlotRange(first: 0, last: 16383)])
        XCTAssertNil(SlotRanges.parse("0-5460,x"))
        XCTAssertEqual(SlotRanges.parse("0-1 5"), [SlotRange(first: 0, last: 1), SlotRange(slot: 5)])
    }

    func testRebalanceOntoANewEmptyMasterMovesOnlySurplus() {
        let before = SlotAssignment.clusterCreate(masters: 3)
        XCTAssertEqual(before.slotCounts, [5461, 5462, 5461])
        let (after, moved) = before.rebalanced(to: 4)
        XCTAssertEqual(after.nodeCount, 4)
        XCTAssertEqual(after.slotCounts, [4096, 4096, 4096, 4096])
        XCTAssertEqual(moved, 4096)
        for slot in 0..<16384 where before.owners[slot] != after.owners[slot] {
            XCTAssertEqual(after.owners[slot], 3, "slot \(slot) moved between old masters")
        }
        // Each giver hands over its lowest-numbered slots.
        XCTAssertEqual(after.ranges(of: 0), [SlotRange(first: 1365, last: 5460)])
        XCTAssertEqual(after.ranges(of: 1), [SlotRange(first: 6827, last: 10922)])
        XCTAssertEqual(after.ranges(of: 3), ranges("0-1364,5461-6826,10923-12287"))
    }

    func testRebalanceEmptiesADroppedMaster() {
        let (after, moved) = SlotAssignment.clusterCreate(masters: 3).rebalanced(to: 2)
        XCTAssertEqual(after.nodeCount, 2)
        XCTAssertEqual(after.slotCounts, [8192, 8192])
        XCTAssertEqual(moved, 5461)
        XCTAssertEqual(after.ranges(of: 0), ranges("0-5460,10923-13653"))

        // 4 -> 3: the rounding remainder goes to the first receiver, as redis-cli does.
        let (three, movedFromFour) = SlotAssignment.clusterCreate(masters: 4).rebalanced(to: 3)
        XCTAssertEqual(three.slotCounts, [5462, 5461, 5461])
        XCTAssertEqual(movedFromFour, 4096)
    }

    func testRebalanceOfBalancedLayoutMovesNothing() {
        let layout = SlotAssignment.clusterCreate(masters: 4)
        let (same, moved) = layout.rebalanced(to: 4)
        XCTAssertEqual(moved, 0)
        XCTAssertEqual(same, layout)
        // 5461/5462/5461 is within redis-cli's 2% threshold; with no threshold one slot evens it out.
        let three = SlotAssignment.clusterCreate(masters: 3)
        XCTAssertEqual(three.rebalanced(to: 3).movedSlots, 0)
        let (even, movedOne) = three.rebalanced(to: 3, threshold: 0)
        XCTAssertEqual(movedOne, 1)
        XCTAssertEqual(even.slotCounts, [5462, 5461, 5461])
        XCTAssertNil(SlotAssignment(owners: [0, 1], nodeCount: 2))
        XCTAssertNil(SlotAssignment(owners: [Int](repeating: 2, count: 16384), nodeCount: 2))
    }
}

final class SlotAssignmentCodingTests: XCTestCase {
    func testRoundTripsAndRejectsBadOwners() throws {
        let layout = SlotAssignment.clusterCreate(masters: 5)
        let data = try JSONEncoder().encode(layout)
        XCTAssertEqual(try JSONDecoder().decode(SlotAssignment.self, from: data), layout)
        XCTAssertThrowsError(try JSONDecoder().decode(SlotAssignment.self, from: Data(#"{"owners":[0],"nodeCount":1}"#.utf8)))
    }
}
