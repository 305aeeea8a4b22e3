@testable import DockerSDK
import Foundation
import XCTest

/// The hand-over between a transfer and its consumer, on its own: order, backpressure and the
/// path that takes an already buffered chunk without suspending.
final class ByteChannelTests: XCTestCase {
    private final class Resumes: @unchecked Sendable {
        private let lock = NSLock()
        private var count = 0
        func add() { lock.withLock { count += 1 } }
        var value: Int { lock.withLock { count } }
    }

    func testBufferedChunksComeOutInOrderAndTheProducerResumesAtHalf() async throws {
        let channel = ByteChannel(limit: 8)
        let resumes = Resumes()
        channel.setOnResume { resumes.add() }
        // 4 + 4 bytes fill the buffer; the third chunk is refused and the producer marked waiting.
        XCTAssertEqual(channel.offer(Data("aaaa".utf8)), .accepted)
        XCTAssertEqual(channel.offer(Data("bbbb".utf8)), .accepted)
        XCTAssertEqual(channel.offer(Data("cccc".utf8)), .full)
        let first = try await within(5) { try await channel.next() }
        XCTAssertEqual(first, Data("aaaa".utf8))
        XCTAssertEqual(resumes.value, 1, "4 of 8 bytes left: the paused producer is resumed")
        XCTAssertEqual(channel.offer(Data("cccc".utf8)), .accepted)
        channel.finish(nil)
        let rest = try await within(5) { () -> [Data] in
            var out: [Data] = []
            while let chunk = try await channel.next() { out.append(chunk) }
            return out
        }
        XCTAssertEqual(rest, [Data("bbbb".utf8), Data("cccc".utf8)])
        XCTAssertEqual(resumes.value, 1, "the producer was not waiting again")
    }

    func testACancelledConsumerGetsCancelledEvenWithChunksBuffered() async throws {
        let channel = ByteChannel(limit: 1 << 20)
        let aborted = Resumes()
        channel.setOnCancel { aborted.add() }
        XCTAssertEqual(channel.offer(Data("x".utf8)), .accepted)
        let task = Task { () -> String in
            withUnsafeCurrentTask { $0?.cancel() }
            do {
                let chunk = try await channel.next()
                return "a chunk: \(String(describing: chunk))"
            } catch DockerError.cancelled {
                return "cancelled"
            } catch {
                return "\(error)"
            }
        }
        let outcome = try await within(5) { await task.value }
        XCTAssertEqual(outcome, "cancelled", "a cancelled task does not take the buffered chunk")
        XCTAssertEqual(aborted.value, 1, "the transfer is aborted")
        XCTAssertEqual(channel.offer(Data("y".utf8)), .cancelled)
    }
}
