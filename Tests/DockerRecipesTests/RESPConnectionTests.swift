@testable import DockerRecipes
import DockerSDK
import Foundation
import XCTest

/// The recipe's RESP connection without a server: pipelining, replies split across reads, a
/// closed peer, a timeout; the slot split of cluster formation.
final class RESPConnectionTests: XCTestCase {
    /// A transport that records what is sent and hands out scripted chunks.
    final class ScriptedTransport: RESPTransport, @unchecked Sendable {
        private let lock = NSLock()
        private var chunks: [Data]
        private var sentData = Data()
        private(set) var closed = false
        let mailbox = ByteMailbox(address: "scripted")

        init(_ chunks: [String]) { self.chunks = chunks.map { Data($0.utf8) } }

        var sent: String { lock.withLock { String(decoding: sentData, as: UTF8.self) } }

        func send(_ data: Data, timeout: Duration) async throws { lock.withLock { sentData.append(data) } }
        func receive(timeout: Duration) async throws -> Data {
            let next = lock.withLock { chunks.isEmpty ? nil : chunks.removeFirst() }
            if let next { return next }
            return try await mailbox.take(timeout: timeout)   // nothing more: times out (or "closed" once finished)
        }
        func close() { lock.withLock { closed = true } }
    }

    func testPipelinedRepliesSplitAcrossReadsComeBackInOrder() async throws {
        let transport = ScriptedTransport(["+OK\r\n:4", "2\r\n$5\r\nhel", "lo\r\n*2\r\n$1\r\na\r\n$-1\r\n-MOVED 3999 127.0.0.1:7001\r\n"])
        let connection = RedisNodeConnection(route: .tcp(host: "127.0.0.1", port: 7000), transport: transport)
        let replies = try await connection.pipeline([["SET", "k", "v"], ["INCR", "n"], ["GET", "k"], ["MGET", "a", "b"], ["GET", "x"]])
        XCTAssertEqual(replies, [.simple("OK"), .integer(42), .bulk(Data("hello".utf8)), .array([.bulk(Data("a".utf8)), .bulk(nil)]),
                                 .error("MOVED 3999 127.0.0.1:7001")])
        XCTAssertEqual(transport.sent, "*3\r\n$3\r\nSET\r\n$1\r\nk\r\n$1\r\nv\r\n*2\r\n$4\r\nINCR\r\n$1\r\nn\r\n"
            + "*2\r\n$3\r\nGET\r\n$1\r\nk\r\n*3\r\n$4\r\nMGET\r\n$1\r\na\r\n$1\r\nb\r\n*2\r\n$3\r\nGET\r\n$1\r\nx\r\n")
        let broken = await connection.broken
        XCTAssertFalse(broken)
    }

    func testAPeerThatClosesOrStaysSilentBreaksTheConnection() async throws {
        let closing = ScriptedTransport(["+PONG\r\n"])
        await closing.mailbox.finish()
        let connection = RedisNodeConnection(route: .tcp(host: "127.0.0.1", port: 7000), transport: closing)
        do {
            _ = try await connection.pipeline([["PING"], ["PING"]])
            XCTFail("a closed peer gave two replies")
        } catch TCPError.closed {}
        let broken = await connection.broken
        XCTAssertTrue(broken)
        XCTAssertTrue(closing.closed)

        let silent = RedisNodeConnection(route: .tcp(host: "127.0.0.1", port: 7000), transport: ScriptedTransport([]))
        do {
            _ = try await silent.pipeline([["PING"]], timeout: .milliseconds(50))
            XCTFail("no timeout")
        } catch TCPError.timedOut {}
        do {
            _ = try await silent.pipeline([["PING"]])
            XCTFail("a broken connection was used again")
        } catch TCPError.closed {}
    }

    func testMalformedRepliesAreRefused() async throws {
        let connection = RedisNodeConnection(route: .tcp(host: "127.0.0.1", port: 7000), transport: ScriptedTransport(["?what\r\n"]))
        do {
            _ = try await connection.pipeline([["PING"]])
            XCTFail("accepted garbage")
        } catch DockerError.malformedResponse {}
    }

    func testSlotsAreSplitLikeRedisCli() {
        XCTAssertEqual(RedisCluster.slotRanges(masters: 3),
                       [SlotRange(first: 0, last: 5460), SlotRange(first: 5461, last: 10922), SlotRange(first: 10923, last: 16383)])
        for masters in 3...10 {
            let ranges = RedisCluster.slotRanges(masters: masters)
            XCTAssertEqual(ranges.count, masters)
            XCTAssertEqual(ranges.first?.first, 0)
            XCTAssertEqual(ranges.last?.last, 16383)
            XCTAssertEqual(SlotRanges.slotCount(ranges), 16384)
            for (a, b) in zip(ranges, ranges.dropFirst()) { XCTAssertEqual(a.last + 1, b.first) }
        }
    }

    func testPollBackoffEndsSoonAfterTheConditionHoldsAndIsBounded() async throws {
        var calls = 0
        try await Poll.backoff("three calls", timeout: .seconds(5)) {
            calls += 1
            return (calls == 3, "call \(calls)")
        }
        XCTAssertEqual(calls, 3)
        do {
            try await Poll.backoff("never", timeout: .milliseconds(100), maxAttempts: 4) { (false, "no") }
            XCTFail("no timeout")
        } catch let timeout as PollTimeout {
            XCTAssertLessThanOrEqual(timeout.attempts, 4)
            XCTAssertEqual(timeout.lastObservation, "no")
        }
    }
}

/// Which way the recipe reaches a node: TCP on loopback where it can, a relay exec otherwise.
final class RedisRouteTests: XCTestCase {
    func cluster(_ mode: RedisClusterOptions.Mode, loopback: Int? = nil, host: String = "unix:///var/run/docker.sock") async throws -> RedisCluster {
        let docker = try DockerClient(host: try DockerHost(url: host), environment: [:])
        return try await RedisCluster(docker: docker, options: RedisClusterOptions(
            image: "dockersdk/redis:7", mode: mode, namePrefix: "route", loopbackBasePort: loopback))
    }

    func testRoutes() async throws {
        let host = try await cluster(.hostNetwork(basePort: 7001, announceIP: "127.0.0.1"))
        XCTAssertEqual(host.route(host.plan.nodes[1]), .tcp(host: "127.0.0.1", port: 7002))
        let bridge = try await cluster(.bridge(network: nil, subnet: "10.235.0.0/24"))
        XCTAssertEqual(bridge.route(bridge.plan.nodes[0]), .relay(container: "route-1", host: "127.0.0.1", port: 6379))
        let published = try await cluster(.bridge(network: nil, subnet: "10.235.0.0/24"), loopback: 17100)
        XCTAssertEqual(published.route(published.plan.nodes[2]), .tcp(host: "127.0.0.1", port: 17102))
        // A daemon on another machine: its loopback is not ours, so relays everywhere.
        let remote = try await cluster(.hostNetwork(basePort: 7001, announceIP: "127.0.0.1"), host: "tcp://10.235.0.9:2375")
        XCTAssertEqual(remote.route(remote.plan.nodes[0]), .relay(container: "route-1", host: "127.0.0.1", port: 7001))
    }
}
