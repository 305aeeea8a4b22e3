import DockerRecipes
import DockerSDK
import XCTest

/// `Poll.until` and `Poll.backoff` share one attempt and one loop: values, "not yet", stopping errors,
/// the attempt bound and what a timeout reports.
final class PollTests: XCTestCase {
    struct Fatal: StopsPolling {}
    struct Transient: Error, CustomStringConvertible { var description: String { "transient failure" } }

    /// Counts calls (checks are called one after another; the lock only satisfies Sendable).
    final class Counter: @unchecked Sendable {
        private let lock = NSLock()
        private var value = 0
        func next() -> Int { lock.withLock { value += 1; return value } }
        var count: Int { lock.withLock { value } }
    }

    func testUntilReturnsTheFirstValueAndCountsErrorsAsNotYet() async throws {
        let calls = Counter()
        let value: String = try await Poll.until("the third call", timeout: .seconds(10), interval: .milliseconds(1)) {
            let n = calls.next()
            if n == 1 { throw Transient() }
            return (n == 3 ? "ready" : nil, "call \(n)")
        }
        XCTAssertEqual(value, "ready")
        XCTAssertEqual(calls.count, 3)
    }

    func testTheAttemptBoundEndsPollingWithTheLastObservation() async throws {
        let calls = Counter()
        do {
            let _: Int = try await Poll.until("never", timeout: .seconds(10), interval: .milliseconds(1), maxAttempts: 4) {
                (nil, "seen \(calls.next())")
            }
            XCTFail("a condition that never holds must time out")
        } catch let timeout as PollTimeout {
            XCTAssertEqual(timeout.attempts, 4)
            XCTAssertEqual(timeout.lastObservation, "seen 4")
            XCTAssertEqual(timeout.seconds, 10)
            XCTAssertTrue(timeout.description.contains("(4 attempts) waiting for never; last seen: seen 4"), timeout.description)
        }
        XCTAssertEqual(calls.count, 4)
    }

    func testBackoffReportsTheLastErrorAndHonoursItsBound() async throws {
        let calls = Counter()
        do {
            try await Poll.backoff("a port", timeout: .seconds(10), initial: .milliseconds(1), maximum: .milliseconds(2),
                                   maxAttempts: 5) {
                _ = calls.next()
                throw Transient()
            }
            XCTFail("must time out")
        } catch let timeout as PollTimeout {
            XCTAssertEqual(timeout.attempts, 5)
            XCTAssertEqual(timeout.lastObservation, "transient failure")
        }
        XCTAssertEqual(calls.count, 5)
    }

    func testAStoppingErrorEndsBothKindsAtOnce() async throws {
        for useBackoff in [false, true] {
            let calls = Counter()
            let check: () async throws -> (ok: Bool, observation: String?) = {
                _ = calls.next()
                throw Fatal()
            }
            do {
                if useBackoff {
                    try await Poll.backoff("x", timeout: .seconds(10), initial: .milliseconds(1), check: check)
                } else {
                    try await Poll.until("x", timeout: .seconds(10), interval: .milliseconds(1), check: check)
                }
                XCTFail("a StopsPolling error must end polling")
            } catch is Fatal {
                XCTAssertEqual(calls.count, 1, "backoff: \(useBackoff)")
            }
        }
    }

    func testConditionsEndWhenTheyHold() async throws {
        let calls = Counter()
        try await Poll.backoff("the fourth call", timeout: .seconds(10), initial: .milliseconds(1), maximum: .milliseconds(4)) {
            (calls.next() == 4, nil)
        }
        XCTAssertEqual(calls.count, 4)
        let more = Counter()
        try await Poll.until("the second call", timeout: .seconds(10), interval: .milliseconds(1)) { (more.next() == 2, nil) }
        XCTAssertEqual(more.count, 2)
    }

    func testCancellationIsNeverNotYet() async throws {
        let calls = Counter()
        do {
            try await Poll.until("x", timeout: .seconds(10), interval: .milliseconds(1)) {
                _ = calls.next()
                throw CancellationError()
            }
            XCTFail("cancellation must end polling")
        } catch is CancellationError {
            XCTAssertEqual(calls.count, 1)
        }
    }
}
