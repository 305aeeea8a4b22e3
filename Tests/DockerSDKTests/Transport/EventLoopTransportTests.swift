@testable import DockerSDK
import Foundation
import XCTest

/// The event-loop transport against the fake daemon: body limits, time limits, concurrency,
/// pause and resume, single consumers, drop semantics, and hijacked connections.
final class EventLoopTransportTests: XCTestCase {
    // MARK: - Body limit

    func testAnnouncedBodyOverTheLimitFailsAtOnce() async throws {
        let fake = try fakeDaemon { _, c in
            // Announces 8 GB, sends a few bytes, then holds the connection.
            c.send("HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: 8589934592\r\n\r\n[{\"Id\":")
            c.pause(10)
        }
        let transport = CurlTransport(host: .unix(path: fake.path), maxResponseBodySize: 1 << 20)
        let docker = try client(for: fake, transport: transport)
        let error = dockerError(await expectError(5) { try await docker.containers.list() })
        XCTAssertEqual(error, .responseTooLarge(call: "GET /containers/json", limit: 1 << 20, size: 8 << 30))
        XCTAssertTrue(error?.description.contains("maxResponseBodySize") ?? false)
    }

    func testChunkedBodyStopsAtTheLimit() async throws {
        let sent = Counter()
        let fake = try fakeDaemon { _, c in
            var data = Raw.chunkedHead()
            let block = Data(repeating: UInt8(ascii: "x"), count: 64 << 10)
            for _ in 0..<128 { data.append(Raw.chunk(block)) }   // 8 MB, never ended
            sent.add(c.sendCounting(data, timeout: 3))
            c.pause(5)
        }
        let limit = 256 << 10
        let transport = CurlTransport(host: .unix(path: fake.path), maxResponseBodySize: limit)
        let error = dockerError(await expectError(5) {
            try await transport.execute(DockerRequest(method: "GET", path: "/big", timeout: .seconds(10)))
        })
        guard case let .responseTooLarge(call, reportedLimit, size)? = error else { return XCTFail("got \(String(describing: error))") }
        XCTAssertEqual(call, "GET /big")
        XCTAssertEqual(reportedLimit, limit)
        XCTAssertGreaterThan(size, limit)
        XCTAssertTrue(fake.wait(timeout: 5) { fake.connectionsClosedByClient >= 1 }, "the transfer stopped and the connection closed")
    }

    func testRequestBodyLimitOverridesTheTransportLimit() async throws {
        let body = String(repeating: "y", count: 100_000)
        let fake = try fakeDaemon { _, c in c.send(Raw.json(body)) }
        let transport = CurlTransport(host: .unix(path: fake.path), maxResponseBodySize: 1_000)
        var request = DockerRequest(method: "GET", path: "/x", timeout: .seconds(5))
        request.responseBodyLimit = 200_000
        let limited = request
        let response = try await within(5) { try await transport.execute(limited) }
        XCTAssertEqual(response.body.count, 100_000)
    }

    func testAnArchiveOverTheLimitStreams() async throws {
        let archive = Data((0..<300_000).map { UInt8(truncatingIfNeeded: $0) })
        let fake = try fakeDaemon { _, c in
            c.send(Raw.response(200, headers: ["Content-Type": "application/x-tar"], body: archive))
        }
        let docker = try DockerClient(host: .unix(path: fake.path), apiVersion: APIVersion(1, 41), environment: [:],
                                      configuration: .init(maxResponseBodySize: 100_000))
        let whole = dockerError(await expectError(5) { try await docker.containers.getArchive("c", path: "/data") })
        XCTAssertEqual(whole, .responseTooLarge(call: "GET /containers/c/archive", limit: 100_000, size: 300_000))
        let streamed = try await within(5) {
            var all = Data()
            for try await chunk in try await docker.containers.archive("c", path: "/data") { all.append(chunk) }
            return all
        }
        XCTAssertEqual(streamed, archive)
        XCTAssertEqual(fake.requests.last?.target, "/v1.41/containers/c/archive?path=%2Fdata")
    }

    // MARK: - Time limits

    func testMuteDaemonTimesOutWithTheConfiguredBound() async throws {
        let fake = try fakeDaemon { _, c in c.pause(10) }
        let docker = try DockerClient(host: .unix(path: fake.path), apiVersion: APIVersion(1, 41), environment: [:],
                                      configuration: .init(unaryTimeout: .milliseconds(300)))
        let error = dockerError(await expectError(5) { try await docker.containers.list() })
        XCTAssertEqual(error, .timedOut(seconds: 0.3, call: "GET /containers/json"))
        XCTAssertTrue(error?.description.contains("GET /containers/json") ?? false)
    }

    func testWithTimeoutOverridesTheDefaultForOneScope() async throws {
        let fake = try fakeDaemon { _, c in c.pause(10) }
        let docker = try client(for: fake)
        let error = dockerError(await expectError(5) {
            try await DockerClient.withTimeout(.milliseconds(200)) { try await docker.system.info() }
        })
        XCTAssertEqual(error, .timedOut(seconds: 0.2, call: "GET /info"))
    }

    func testCallsTheDaemonHoldsHaveNoDefaultTimeout() async throws {
        let fake = try fakeDaemon { request, c in
            if request.path.hasSuffix("/wait") { c.pause(0.8) }
            c.send(Raw.json(#"{"StatusCode":3}"#))
        }
        let docker = try DockerClient(host: .unix(path: fake.path), apiVersion: APIVersion(1, 41), environment: [:],
                                      configuration: .init(unaryTimeout: .milliseconds(200)))
        let result = try await within(5) { try await docker.containers.wait("c1") }
        XCTAssertEqual(result.statusCode, 3)
    }

    // MARK: - Concurrency

    func testHeldCallsDoNotStarveOthers() async throws {
        let release = DispatchSemaphore(value: 0)
        let fake = try fakeDaemon { request, c in
            if request.path.hasSuffix("/wait") {
                _ = release.wait(timeout: .now() + 10)
                c.send(Raw.json(#"{"StatusCode":0}"#))
            } else {
                c.send(Raw.ping(apiVersion: "1.41"))
            }
        }
        let docker = try client(for: fake)
        // 12: the fake's listen backlog is 16.
        let waits = (0..<12).map { i in Task { try await docker.containers.wait("c\(i)") } }
        XCTAssertTrue(fake.wait(timeout: 5) { fake.requests.filter { $0.path.hasSuffix("/wait") }.count == 12 },
                      "all 12 waits reached the daemon")
        let ping = try await within(5) { try await docker.system.ping() }
        XCTAssertEqual(ping.apiVersion, APIVersion(1, 41))
        for _ in 0..<12 { release.signal() }
        for wait in waits { _ = try await within(10) { try await wait.value } }
    }

    func testSlowAnswerHandedToTheLoopAndConnectionReused() async throws {
        let fake = try fakeDaemon { request, c in
            if request.path == "/slow" { c.pause(0.05) }
            c.send(Raw.json(#"{"ok":true}"#))
        }
        let transport = CurlTransport(host: .unix(path: fake.path))
        for path in ["/fast", "/slow", "/fast", "/slow", "/fast"] {
            let response = try await within(5) { try await transport.execute(DockerRequest(method: "GET", path: path, timeout: .seconds(5))) }
            XCTAssertEqual(String(decoding: response.body, as: UTF8.self), #"{"ok":true}"#)
        }
        XCTAssertEqual(fake.connectionsAccepted, 1, "sequential calls share one kept-alive connection")
        XCTAssertEqual(transport.statistics.requests, 5)
    }

    // MARK: - Streams

    func testPausedStreamResumesAndDeliversEveryByte() async throws {
        let total = 4 << 20
        let payload = Data((0..<total).map { UInt8(truncatingIfNeeded: $0 &* 7) })
        let fake = try fakeDaemon { _, c in
            var data = Raw.chunkedHead()
            var offset = 0
            while offset < total {
                data.append(Raw.chunk(payload[offset..<min(total, offset + (32 << 10))]))
                offset += 32 << 10
            }
            data.append(Raw.lastChunk)
            c.send(data, timeout: 20)
        }
        let transport = CurlTransport(host: .unix(path: fake.path), streamBufferLimit: 64 << 10)
        let response = try await within(5) { try await transport.stream(DockerRequest(method: "GET", path: "/logs")) }
        // Nobody reads for a moment: the transfer pauses at the limit.
        try await Task.sleep(for: .milliseconds(200))
        let received = try await within(20) {
            var all = Data()
            for try await chunk in response.body { all.append(chunk) }
            return all
        }
        XCTAssertEqual(received.count, total)
        XCTAssertTrue(received == payload, "every byte, in order, after pauses and resumes")
    }

    func testASecondIteratorIsAClearError() async throws {
        let fake = try fakeDaemon { _, c in
            c.send(Raw.chunkedHead())
            c.send(Raw.chunk("one\n"))
            c.pause(0.1)
            c.send(Raw.chunk("two\n"))
            c.send(Raw.lastChunk)
        }
        let transport = CurlTransport(host: .unix(path: fake.path))
        let response = try await within(5) { try await transport.stream(DockerRequest(method: "GET", path: "/events")) }
        let (secondError, text) = try await within(5) { () -> (String, String) in
            let first = response.body.makeAsyncIterator()
            let second = response.body.makeAsyncIterator()
            var secondError = ""
            do {
                _ = try await second.next()
            } catch DockerError.invalidArgument(let message) {
                secondError = message
            }
            var all = Data()
            while let chunk = try await first.next() { all.append(chunk) }
            return (secondError, String(decoding: all, as: UTF8.self))
        }
        XCTAssertTrue(secondError.contains("one consumer"), "the second iterator must fail clearly: \(secondError)")
        XCTAssertEqual(text, "one\ntwo\n", "the first iterator is untouched")
    }

    func testDroppingAStreamNobodyReadClosesTheConnection() async throws {
        let fake = try fakeDaemon { _, c in
            c.send(Raw.chunkedHead())
            let deadline = Date().addingTimeInterval(10)
            while Date() < deadline && !c.isClosed {
                guard c.send(Raw.chunk("tick\n")) else { break }
                c.pause(0.02)
            }
        }
        let transport = CurlTransport(host: .unix(path: fake.path))
        do {
            let response = try await within(5) { try await transport.stream(DockerRequest(method: "GET", path: "/logs")) }
            XCTAssertEqual(response.status, 200)
        }
        XCTAssertTrue(fake.wait(timeout: 5) { fake.connectionsClosedByClient >= 1 }, "the dropped stream's connection stayed open")
    }

    func testLogsOn142ReadTheContentTypeInsteadOfInspecting() async throws {
        let frame = Data([1, 0, 0, 0, 0, 0, 0, 3]) + Data("hi\n".utf8)
        let fake = try fakeDaemon { request, c in
            if request.path.hasSuffix("/logs") {
                let multiplexed = request.path.contains("/mux/")
                c.send(Raw.response(200, headers: ["Content-Type": multiplexed ? "application/vnd.docker.multiplexed-stream"
                                                                             : "application/vnd.docker.raw-stream"],
                                    body: multiplexed ? frame : Data("raw\n".utf8)))
            } else {
                c.send(Raw.response(500, reason: "X", body: #"{"message":"unexpected"}"#))
            }
        }
        let docker = try client(for: fake, apiVersion: APIVersion(1, 44))
        let mux = try await within(5) { try await docker.containers.logs("mux").collect() }
        XCTAssertEqual(String(decoding: mux.stdout, as: UTF8.self), "hi\n")
        let raw = try await within(5) { try await docker.containers.logs("raw").collect() }
        XCTAssertEqual(String(decoding: raw.stdout, as: UTF8.self), "raw\n")
        XCTAssertEqual(fake.requests.map(\.path), ["/v1.44/containers/mux/logs", "/v1.44/containers/raw/logs"],
                       "no inspect on 1.42+")
    }

    // MARK: - Hijacked connections

    private let upgradeHead = "HTTP/1.1 101 UPGRADED\r\nContent-Type: application/vnd.docker.raw-stream\r\nConnection: Upgrade\r\nUpgrade: tcp\r\n\r\n"

    func testLargeInputWrittenBeforeReadingComesBack() async throws {
        let head = upgradeHead
        let fake = try fakeDaemon { _, c in
            // An echo: every byte read goes back out, until the client half-closes.
            c.send(head)
            let deadline = Date().addingTimeInterval(30)
            while Date() < deadline {
                guard let chunk = c.readSome(timeout: 1) else { break }
                if !chunk.isEmpty, !c.send(chunk, timeout: 20) { break }
            }
            c.close()
        }
        let transport = CurlTransport(host: .unix(path: fake.path))
        let connection = try await within(5) { try await transport.hijack(DockerRequest(method: "POST", path: "/exec/e/start")) }
        let input = Data((0..<(8 << 20)).map { UInt8(truncatingIfNeeded: $0 &* 13) })
        try await within(30) {
            try await connection.write(input)
            try await connection.closeWrite()
        }
        let output = try await within(30) {
            var all = Data()
            for try await chunk in connection.output { all.append(chunk) }
            return all
        }
        XCTAssertEqual(output.count, input.count)
        XCTAssertTrue(output == input)
    }

    func testDroppingASessionWithoutCloseClosesTheSocket() async throws {
        let head = upgradeHead
        let closed = Counter()
        let fake = try fakeDaemon { _, c in
            c.send(head + "hello")
            if c.waitForClientClose(timeout: 5) { closed.increment() }
            c.close()
        }
        let transport = CurlTransport(host: .unix(path: fake.path))
        do {
            let connection = try await within(5) { try await transport.hijack(DockerRequest(method: "POST", path: "/attach")) }
            XCTAssertEqual(connection.status, 101)
        }
        XCTAssertTrue(fake.wait(timeout: 5) { closed.current == 1 }, "the dropped session's socket stayed open")
    }

    func testCloseWakesAWriteTheDaemonNeverReads() async throws {
        let head = upgradeHead
        let fake = try fakeDaemon { _, c in
            c.send(head)
            c.pause(10)   // never reads
        }
        let transport = CurlTransport(host: .unix(path: fake.path))
        let connection = try await within(5) { try await transport.hijack(DockerRequest(method: "POST", path: "/attach")) }
        let big = Data(count: 32 << 20)
        let writer = Task { try await connection.write(big) }
        try await Task.sleep(for: .milliseconds(100))
        connection.close()
        let error = await expectError(5) { try await writer.value }
        XCTAssertNotNil(error)
    }

    func testHandshakeHonoursCancellation() async throws {
        let fake = try fakeDaemon { _, c in c.pause(10) }   // accepts, never answers
        let transport = CurlTransport(host: .unix(path: fake.path))
        let task = Task { try await transport.hijack(DockerRequest(method: "POST", path: "/attach")) }
        XCTAssertTrue(fake.wait(timeout: 5) { fake.requests.count == 1 })
        task.cancel()
        let error = dockerError(await expectError(5) { try await task.value })
        XCTAssertEqual(error, .cancelled)
    }

    func testHandshakeTimesOut() async throws {
        let fake = try fakeDaemon { _, c in c.pause(10) }
        let docker = try DockerClient(host: .unix(path: fake.path), apiVersion: APIVersion(1, 41), environment: [:],
                                      configuration: .init(unaryTimeout: .milliseconds(300)))
        let error = dockerError(await expectError(5) { try await docker.openHijacked("POST", "/containers/c/attach") })
        XCTAssertEqual(error, .timedOut(seconds: 0.3, call: "POST /containers/c/attach"))
    }

    func testARefusedUpgradeWhoseBodyNeverEndsTimesOut() async throws {
        let fake = try fakeDaemon { _, c in
            c.send("HTTP/1.1 404 Not Found\r\nContent-Type: application/json\r\nContent-Length: 100\r\n\r\n{\"message\":")
            c.pause(10)
        }
        let docker = try DockerClient(host: .unix(path: fake.path), apiVersion: APIVersion(1, 41), environment: [:],
                                      configuration: .init(unaryTimeout: .milliseconds(300)))
        let error = dockerError(await expectError(5) { try await docker.openHijacked("POST", "/containers/c/attach") })
        XCTAssertEqual(error, .timedOut(seconds: 0.3, call: "POST /containers/c/attach"))
    }

    func testADroppedSessionIsFreed() async throws {
        let head = "HTTP/1.1 101 UPGRADED\r\nConnection: Upgrade\r\nUpgrade: tcp\r\n\r\n"
        let fake = try fakeDaemon { _, c in
            c.send(head + "hello")
            _ = c.waitForClientClose(timeout: 5)
            c.close()
        }
        let transport = CurlTransport(host: .unix(path: fake.path))
        weak var probe: HijackSession?
        do {
            let connection = try await within(5) { try await transport.hijack(DockerRequest(method: "POST", path: "/attach")) }
            probe = (connection as? CurlHijackedConnection)?.session
            XCTAssertNotNil(probe)
        }
        let freed = fake.wait(timeout: 3) { probe == nil }
        XCTAssertTrue(freed, "the dropped session was not freed")
    }
}
