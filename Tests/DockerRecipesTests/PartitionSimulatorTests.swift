@testable import DockerRecipes
import Foundation
import XCTest

final class PartitionSimulatorTests: XCTestCase {
    private func report(keys: Int = 60_000, from: Int, to: Int, vnodes: Int = 160) throws -> PartitionReport {
        try PartitionSimulator(keyCount: keys, virtualNodes: vnodes).run(from: from, to: to)
    }

    private func outcome(_ report: PartitionReport, _ scheme: PartitionScheme) throws -> PartitionOutcome {
        try XCTUnwrap(report.outcome(for: scheme))
    }

    func testGrowingThreeToFour() throws {
        let report = try report(from: 3, to: 4)
        let mod = try outcome(report, .moduloN)
        let ring = try outcome(report, .consistentHashing)
        let slots = try outcome(report, .hashSlots)
        XCTAssertEqual(mod.movedFraction, 0.75, accuracy: 0.02)
        XCTAssertEqual(ring.movedFraction, 0.25, accuracy: 0.05)
        XCTAssertEqual(slots.movedFraction, 0.25, accuracy: 0.02)
        XCTAssertEqual(slots.movedSlots, 4096)
        XCTAssertNil(ring.movedSlots)
        // Minimal schemes only move keys onto the new node.
        for outcome in [ring, slots] {
            XCTAssertEqual(outcome.movedKeys, outcome.keysPerNodeAfter[3], "\(outcome.scheme)")
            for node in 0..<3 { XCTAssertLessThanOrEqual(outcome.keysPerNodeAfter[node], outcome.keysPerNodeBefore[node]) }
        }
        for outcome in report.outcomes {
            XCTAssertEqual(outcome.keysPerNodeBefore.count, 3)
            XCTAssertEqual(outcome.keysPerNodeAfter.count, 4)
            XCTAssertEqual(outcome.keysPerNodeBefore.reduce(0, +), 60_000)
            XCTAssertEqual(outcome.keysPerNodeAfter.reduce(0, +), 60_000)
            XCTAssertEqual(outcome.movedFraction, Double(outcome.movedKeys) / 60_000, accuracy: 1e-12)
        }
    }

    func testShrinkingThreeToTwo() throws {
        let report = try report(from: 3, to: 2)
        XCTAssertEqual(try outcome(report, .moduloN).movedFraction, 2.0 / 3.0, accuracy: 0.02)
        let ring = try outcome(report, .consistentHashing)
        let slots = try outcome(report, .hashSlots)
        XCTAssertEqual(ring.movedFraction, 1.0 / 3.0, accuracy: 0.05)
        XCTAssertEqual(slots.movedFraction, 1.0 / 3.0, accuracy: 0.02)
        XCTAssertEqual(slots.movedSlots, 5461)
        // Only the dropped node's keys move.
        XCTAssertEqual(ring.movedKeys, ring.keysPerNodeBefore[2])
        XCTAssertEqual(slots.movedKeys, slots.keysPerNodeBefore[2])
    }

    func testFourToThreeAndFiveToSix() throws {
        let shrink = try report(keys: 40_000, from: 4, to: 3)
        XCTAssertEqual(try outcome(shrink, .moduloN).movedFraction, 0.75, accuracy: 0.02) // h%4 == h%3 for 3 of 12
        XCTAssertEqual(try outcome(shrink, .hashSlots).movedFraction, 0.25, accuracy: 0.02)
        let grow = try report(keys: 40_000, from: 5, to: 6)
        XCTAssertEqual(try outcome(grow, .moduloN).movedFraction, 25.0 / 30.0, accuracy: 0.02) // h%5 == h%6 for 5 of 30
        XCTAssertEqual(try outcome(grow, .consistentHashing).movedFraction, 1.0 / 6.0, accuracy: 0.05)
        XCTAssertEqual(try outcome(grow, .hashSlots).movedFraction, 1.0 / 6.0, accuracy: 0.02)
    }

    func testImbalance() throws {
        let report = try report(from: 3, to: 4)
        for outcome in report.outcomes {
            XCTAssertGreaterThanOrEqual(outcome.imbalanceBefore, 1)
            XCTAssertGreaterThanOrEqual(outcome.imbalanceAfter, 1)
        }
        XCTAssertLessThan(try outcome(report, .moduloN).imbalanceBefore, 1.03)
        XCTAssertLessThan(try outcome(report, .moduloN).imbalanceAfter, 1.03)
        XCTAssertLessThan(try outcome(report, .hashSlots).imbalanceBefore, 1.03)
        XCTAssertLessThan(try outcome(report, .hashSlots).imbalanceAfter, 1.03)
        XCTAssertLessThan(try outcome(report, .consistentHashing).imbalanceAfter, 1.25)
        // One point per node makes a lopsided ring; many points even it out.
        let sparse = try self.report(keys: 20_000, from: 8, to: 9, vnodes: 1)
        let dense = try self.report(keys: 20_000, from: 8, to: 9, vnodes: 160)
        XCTAssertGreaterThan(try outcome(sparse, .consistentHashing).imbalanceAfter,
                             try outcome(dense, .consistentHashing).imbalanceAfter)

        XCTAssertEqual(PartitionSimulator.imbalance([10, 10, 10]), 1)
        XCTAssertEqual(PartitionSimulator.imbalance([30, 0, 0]), 3)
        XCTAssertEqual(PartitionSimulator.imbalance([0, 0]), 1)
    }

    /// The optimised loop must agree with placing each key through the public building blocks.
    func testFastPathMatchesReferencePlacement() throws {
        let keys = 1_234, before = 3, after = 4, vnodes = 20
        let report = try report(keys: keys, from: before, to: after, vnodes: vnodes)
        let ringBefore = HashRing(nodes: before, virtualNodes: vnodes), ringAfter = HashRing(nodes: after, virtualNodes: vnodes)
        let slotsBefore = SlotAssignment.clusterCreate(masters: before)
        let slotsAfter = slotsBefore.rebalanced(to: after).assignment
        var loads: [PartitionScheme: ([Int], [Int], Int)] = [:]
        for scheme in PartitionScheme.allCases { loads[scheme] = ([Int](repeating: 0, count: before), [Int](repeating: 0, count: after), 0) }
        for index in 0..<keys {
            let key = PartitionSimulator.key(index)
            let hash = PartitionSimulator.hash(Array(key.utf8))
            let slot = KeySlot.slot(for: key)
            let placements: [PartitionScheme: (Int, Int)] = [
                .moduloN: (Int(hash % UInt64(before)), Int(hash % UInt64(after))),
                .consistentHashing: (ringBefore.node(for: hash), ringAfter.node(for: hash)),
                .hashSlots: (slotsBefore.owners[slot], slotsAfter.owners[slot]),
            ]
            for (scheme, (old, new)) in placements {
                loads[scheme]?.0[old] += 1
                loads[scheme]?.1[new] += 1
                if old != new { loads[scheme]?.2 += 1 }
            }
        }
        for outcome in report.outcomes {
            let expected = try XCTUnwrap(loads[outcome.scheme])
            XCTAssertEqual(outcome.keysPerNodeBefore, expected.0, "\(outcome.scheme)")
            XCTAssertEqual(outcome.keysPerNodeAfter, expected.1, "\(outcome.scheme)")
            XCTAssertEqual(outcome.movedKeys, expected.2, "\(outcome.scheme)")
        }
    }

    func testRingLookupWrapsAround() {
        let ring = HashRing(nodes: 2, virtualNodes: 3)
        XCTAssertEqual(ring.positions, ring.positions.sorted())
        XCTAssertEqual(ring.positions.count, 6)
        let last = ring.positions[ring.positions.count - 1]
        XCTAssertEqual(ring.node(for: ring.positions[0]), ring.owners[0])
        XCTAssertEqual(ring.node(for: ring.positions[1]), ring.owners[1])
        if last < UInt64.max { XCTAssertEqual(ring.node(for: last + 1), ring.owners[0]) }
        XCTAssertEqual(ring.node(for: 0), ring.owners[0])
    }

    func testDeterministicAndValidated() throws {
        XCTAssertEqual(try report(keys: 5_000, from: 3, to: 4), try report(keys: 5_000, from: 3, to: 4))
        let empty = try report(keys: 0, from: 3, to: 4)
        XCTAssertTrue(empty.outcomes.allSatisfy { $0.movedKeys == 0 && $0.movedFraction == 0 && $0.imbalanceAfter == 1 })
        XCTAssertThrowsError(try report(from: 1, to: 0)) { XCTAssertEqual($0 as? PartitionSimulatorError, .invalidNodeCount(0)) }
        XCTAssertThrowsError(try report(from: 3, to: 4, vnodes: 0)) {
            XCTAssertEqual($0 as? PartitionSimulatorError, .invalidVirtualNodes(0))
        }
        XCTAssertThrowsError(try report(keys: -1, from: 3, to: 4)) {
            XCTAssertEqual($0 as? PartitionSimulatorError, .invalidKeyCount(-1))
        }
        XCTAssertEqual(try PartitionSimulator(keyCount: 10).run(nodes: 3, change: -1).nodesAfter, 2)
    }

    func testReportIsCodable() throws {
        let report = try report(keys: 1_000, from: 3, to: 4)
        let data = try JSONEncoder().encode(report)
        XCTAssertEqual(try JSONDecoder().decode(PartitionReport.self, from: data), report)
        XCTAssertTrue(String(decoding: data, as: UTF8.self).contains("\"hash-slots\""))
    }
}
