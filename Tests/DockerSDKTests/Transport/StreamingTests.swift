@testable import DockerSDK
import Foundation
import XCTest

/// Streams over the libcurl transport: incremental delivery, backpressure, cancellation, failures.
final class StreamingTests: XCTestCase {
    func testChunksArriveBeforeTheResponseEnds() async throws {
        let gate = DispatchSemaphore(value: 0)
        let gateOpened = Counter()
        let fake = try fakeDaemon { _, c in
            c.send(Raw.chunkedHead())
            c.send(Raw.chunk(#"{"n":1}"# + "\n"))
            c.pause(0.05)
            c.send(Raw.chunk(#"{"n":2}"# + "\n"))
            // The last line only goes out once the test has seen the first one (or after 5 s).
            if gate.wait(timeout: .now() + 5) == .success { gateOpened.increment() }
            c.send(Raw.chunk(#"{"n":3}"# + "\n"))
            c.send(Raw.lastChunk)
        }
        let transport = CurlTransport(host: .unix(path: fake.path))
        let response = try await within(10) { try await transport.stream(DockerRequest(method: "GET", path: "/events")) }
        XCTAssertEqual(response.status, 200)
        XCTAssertEqual(response.headers["Transfer-Encoding"], "chunked")
        struct Line: Decodable, Sendable { let n: Int }
        let numbers = try await within(10) {
            var seen: [Int] = []
            for try await line in JSONLineStream<Line>(bytes: response.body, what: "test") {
                seen.append(line.n)
                if seen.count == 1 { gate.signal() }
            }
            return seen
        }
        XCTAssertEqual(numbers, [1, 2, 3])
        XCTAssertEqual(gateOpened.current, 1, "the first line only arrived after the whole response")
    }

    func testEventsThroughTheClientDecodeAsTheyCome() async throws {
        let fake = try fakeDaemon { request, c in
            c.send(Raw.chunkedHead())
            for i in 0..<3 {
                c.send(Raw.chunk(#"{"Type":"container","Action":"start","Actor":{"ID":"c\#(i)","Attributes":{"name":"n\#(i)"}},"scope":"local","time":1,"timeNano":2}"# + "\n"))
                c.pause(0.01)
            }
            c.send(Raw.lastChunk)
        }
        let docker = try client(for: fake)
        let ids = try await within(10) {
            var ids: [String] = []
            for try await event in try await docker.system.events(filters: .label("com.dockersdk.recipe")) { ids.append(event.actor.id) }
            return ids
        }
        XCTAssertEqual(ids, ["c0", "c1", "c2"])
        XCTAssertTrue(fake.requests[0].target.hasPrefix("/v1.41/events?filters=%7B%22label%22"), fake.requests[0].target)
    }

    func testSlowConsumerPausesTheTransfer() async throws {
        let limit = 64 << 10
        let attempted = 64 << 20
        let written = Counter()
        let sentTotal = Counter()
        let fake = try fakeDaemon { _, c in
            let block = Data(repeating: UInt8(ascii: "x"), count: 16 << 10)
            var chunked = Raw.chunkedHead()
            // Try to push 64 MB within 1.5 s while the consumer reads nothing.
            let deadline = Date().addingTimeInterval(1.5)
            var sent = 0
            while sent < attempted && Date() < deadline && !c.isClosed {
                chunked.append(Raw.chunk(block))
                let n = c.sendCounting(chunked, timeout: deadline.timeIntervalSinceNow)
                sent += n
                chunked = Data(chunked.dropFirst(n))
                if n == 0 { break }
            }
            sentTotal.add(sent)
            written.increment()
            c.close()
        }
        let transport = CurlTransport(host: .unix(path: fake.path), streamBufferLimit: limit)
        let response = try await within(10) { try await transport.stream(DockerRequest(method: "GET", path: "/logs")) }
        XCTAssertTrue(fake.wait(timeout: 5) { written.current == 1 })
        let sent = sentTotal.current
        // Socket buffers on both sides (a few hundred KB), curl's receive buffer and the channel's
        // limit: far below what the fake tried to push.
        XCTAssertGreaterThan(sent, limit, "the transport took nothing at all")
        XCTAssertLessThan(sent, 4 << 20, "the transport kept reading although nobody consumed: \(sent) bytes")
        response.body.cancel()
    }

    func testCancellingTheConsumingTaskClosesAnEndlessStream() async throws {
        let fake = try fakeDaemon { _, c in
            c.send(Raw.chunkedHead())
            let deadline = Date().addingTimeInterval(20)
            while Date() < deadline && !c.isClosed {
                guard c.send(Raw.chunk("line\n")) else { break }
                c.pause(0.01)
            }
            c.close()
        }
        let transport = CurlTransport(host: .unix(path: fake.path))
        let response = try await within(10) { try await transport.stream(DockerRequest(method: "GET", path: "/logs")) }
        let firstChunk = Counter()
        let consumer = Task {
            var count = 0
            for try await _ in response.body {
                count += 1
                if count == 1 { firstChunk.increment() }
                if count > 100_000 { break }
            }
            return count
        }
        XCTAssertTrue(fake.wait(timeout: 5) { firstChunk.current == 1 })
        let start = Date()
        consumer.cancel()
        let error = await expectError(5) { try await consumer.value }
        XCTAssertLessThan(Date().timeIntervalSince(start), 3, "cancellation aborts the endless stream promptly")
        XCTAssertTrue(error is CancellationError || (error as? DockerError) == .cancelled, "got \(String(describing: error))")
        XCTAssertTrue(fake.wait(timeout: 1) { fake.connectionsClosedByClient >= 1 }, "the fake never saw the connection close")
    }

    func testBreakingOutOfTheLoopClosesTheStream() async throws {
        let fake = try fakeDaemon { _, c in
            c.send(Raw.chunkedHead())
            let deadline = Date().addingTimeInterval(20)
            while Date() < deadline && !c.isClosed {
                guard c.send(Raw.chunk("line\n")) else { break }
                c.pause(0.01)
            }
            c.close()
        }
        let transport = CurlTransport(host: .unix(path: fake.path))
        let response = try await within(10) { try await transport.stream(DockerRequest(method: "GET", path: "/logs")) }
        let got = try await within(5) {
            var got = 0
            for try await _ in response.body {
                got += 1
                if got == 3 { break }
            }
            return got
        }
        XCTAssertEqual(got, 3)
        XCTAssertTrue(fake.wait(timeout: 1) { fake.connectionsClosedByClient >= 1 }, "dropping the iterator left the connection open")
    }

    func testTruncatedChunkedStreamThrowsAfterEarlierChunks() async throws {
        let fake = try fakeDaemon { _, c in
            c.send(Raw.chunkedHead())
            c.send(Raw.chunk("first\n"))
            c.pause(0.05)
            c.send("40\r\nonly a part")
            c.pause(0.05)
            c.close()
        }
        let transport = CurlTransport(host: .unix(path: fake.path))
        let response = try await within(10) { try await transport.stream(DockerRequest(method: "GET", path: "/logs")) }
        let chunks = DataBox()
        let error = await expectError(5) {
            for try await chunk in response.body { chunks.append(chunk) }
        }
        XCTAssertTrue(String(decoding: chunks.value, as: UTF8.self).hasPrefix("first\n"))
        guard case .malformedResponse? = dockerError(error) else { return XCTFail("got \(String(describing: error))") }
    }

    func testStreamToAMissingSocketFailsBeforeHeaders() async throws {
        let dir = try temporaryDirectory()
        let transport = CurlTransport(host: .unix(path: dir + "/gone.sock"))
        let error = dockerError(await expectError { try await transport.stream(DockerRequest(method: "GET", path: "/events")) })
        guard case .cannotConnect(_, .socketMissing, _)? = error else { return XCTFail("got \(String(describing: error))") }
    }

    func testStreamClosedBeforeHeadersIsTyped() async throws {
        let fake = try fakeDaemon { _, c in c.close() }
        let transport = CurlTransport(host: .unix(path: fake.path))
        let error = dockerError(await expectError { try await transport.stream(DockerRequest(method: "GET", path: "/events")) })
        switch error {
        case .malformedResponse?, .transport?: break
        default: XCTFail("got \(String(describing: error))")
        }
    }

    func testJSONLinesSplitIntoOneByteChunks() async throws {
        let lines = (0..<5).map { #"{"Type":"image","Action":"pull","Actor":{"ID":"img\#($0)"},"time":\#($0)}"# }
        let body = lines.joined(separator: "\n") + "\n"
        let fixture = Fixture(scenario: "one-byte-events", apiVersion: "1.41", exchanges: [
            .init(kind: .stream, request: .init(method: "GET", path: "/events", apiVersion: "1.41"),
                  response: .init(status: 200, headers: ["Content-Type": "application/json"], body: .text(body))),
        ])
        let replay = ReplayTransport(fixture: fixture, chunkSize: 1)
        let docker = try DockerClient(host: .unix(path: "/replay"), apiVersion: APIVersion(1, 41), transport: replay, environment: [:])
        var ids: [String] = []
        for try await event in try await docker.system.events() { ids.append(event.actor.id) }
        XCTAssertEqual(ids, (0..<5).map { "img\($0)" })
        try replay.assertFinished()
    }

    func testIncompleteLastLineIsMalformed() async throws {
        struct Line: Decodable, Sendable { let a: Int }
        let bytes = Array(#"{"a":1}"#.utf8 + [10] + #"{"a":"#.utf8).map { Data([$0]) }
        var seen: [Int] = []
        do {
            for try await line in JSONLineStream<Line>(bytes: .chunks(bytes), what: "GET /test") { seen.append(line.a) }
            XCTFail("an incomplete last line was accepted")
        } catch let error as DockerError {
            guard case .malformedResponse(let message) = error else { return XCTFail("got \(error)") }
            XCTAssertTrue(message.contains("GET /test"), message)
        }
        XCTAssertEqual(seen, [1])
        // A complete last object without a newline is taken, and blank lines are skipped.
        var all: [Int] = []
        let complete = [Data("{\"a\":1}\r\n\n  \n{\"a\"".utf8), Data(":2}".utf8)]
        for try await line in JSONLineStream<Line>(bytes: .chunks(complete), what: "x") { all.append(line.a) }
        XCTAssertEqual(all, [1, 2])
    }
}

/// Bytes collected from a @Sendable closure.
final class DataBox: @unchecked Sendable {
    private let lock = NSLock()
    private var data = Data()

    func append(_ chunk: Data) {
        lock.lock()
        data.append(chunk)
        lock.unlock()
    }

    var value: Data {
        lock.lock()
        defer { lock.unlock() }
        return data
    }
}
