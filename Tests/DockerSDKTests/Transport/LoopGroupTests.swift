@testable import DockerSDK
import Foundation
import XCTest

/// The transport's fixed set of loops: dealt in turn, never more than asked for, and calls held on
/// one loop do not hold up the others.
final class LoopGroupTests: XCTestCase {
    func testLoopsAreDealtInTurn() throws {
        let group = try CurlLoopGroup(threads: 3)
        defer { group.release() }
        XCTAssertEqual(group.loops.count, 3)
        let dealt = (0..<7).map { _ in ObjectIdentifier(group.next()) }
        let ids = group.loops.map(ObjectIdentifier.init)
        XCTAssertEqual(dealt, [ids[0], ids[1], ids[2], ids[0], ids[1], ids[2], ids[0]])
        XCTAssertTrue(group.loops.allSatisfy { $0.pool === group.pool }, "one pool of lanes and handles for the group")
    }

    func testDefaultThreadCountIsOnePerCoreAtMostFour() {
        let cores = ProcessInfo.processInfo.activeProcessorCount
        guard ProcessInfo.processInfo.environment["DOCKERSDK_LOOP_THREADS"] == nil else { return }
        XCTAssertEqual(CurlLoopGroup.defaultThreadCount, min(4, max(1, cores)))
    }

    func testStreamsOnEveryLoopDeliverEveryByte() async throws {
        let payload = Data((0..<(256 << 10)).map { UInt8(truncatingIfNeeded: $0 &* 13) })
        let fake = try fakeDaemon { _, c in
            c.send(Raw.response(200, headers: ["Content-Type": "application/octet-stream"], body: payload))
        }
        let transport = CurlTransport(host: .unix(path: fake.path))
        // More streams than loops, at once: each loop serves several.
        let received = try await within(20) {
            try await withThrowingTaskGroup(of: Data.self) { group in
                for i in 0..<8 {
                    group.addTask {
                        let response = try await transport.stream(DockerRequest(method: "GET", path: "/s\(i)"))
                        var data = Data()
                        for try await chunk in response.body { data.append(chunk) }
                        return data
                    }
                }
                return try await group.reduce(into: [Data]()) { $0.append($1) }
            }
        }
        XCTAssertEqual(received.count, 8)
        for data in received { XCTAssertTrue(data == payload, "a stream came back changed (\(data.count) bytes)") }
    }
}
