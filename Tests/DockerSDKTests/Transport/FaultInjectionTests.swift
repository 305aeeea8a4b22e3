@testable import DockerSDK
import Foundation
import XCTest

/// Issue 12 item 1: the faults a broken daemon can serve, injected by the fake daemon, on the paths
/// where they apply (unary call, stream, hijacked connection). Each ends in a typed error (or a clean
/// end) within a bound; memory stays bounded. RELIABILITY.md section 1 maps every fault to its tests,
/// these and the older ones in TransportErrorTests, StreamingTests, HijackTests and EventLoopTransportTests.
final class FaultInjectionTests: XCTestCase {
    private let upgradeHead = "HTTP/1.1 101 UPGRADED\r\nContent-Type: application/vnd.docker.raw-stream\r\nConnection: Upgrade\r\nUpgrade: tcp\r\n\r\n"

    /// A client with a short unary bound (the handshake of a hijack takes it too).
    private func quickClient(_ fake: FakeDaemon, unaryTimeout: Duration = .milliseconds(400)) throws -> DockerClient {
        try DockerClient(host: fake.host, apiVersion: APIVersion(1, 41), environment: [:],
                         configuration: .init(unaryTimeout: unaryTimeout))
    }

    /// One frame of a multiplexed stream (stream 1 stdout, 2 stderr).
    private func frame(_ stream: UInt8, _ text: String) -> Data {
        let payload = Data(text.utf8)
        let n = UInt32(payload.count)
        return Data([stream, 0, 0, 0, UInt8(n >> 24), UInt8((n >> 16) & 0xFF), UInt8((n >> 8) & 0xFF), UInt8(n & 0xFF)]) + payload
    }

    private func event(_ id: String) -> String {
        #"{"Type":"container","Action":"start","Actor":{"ID":"\#(id)","Attributes":{}},"scope":"local","time":1,"timeNano":2}"# + "\n"
    }

    /// Reads `output` to its end or first error: the stdout text seen and the error, if any.
    private static func drain(_ output: ContainerOutput) async -> (text: String, error: (any Error)?) {
        var text = ""
        do {
            for try await chunk in output { text += String(decoding: chunk.data, as: UTF8.self) }
            return (text, nil)
        } catch {
            return (text, error)
        }
    }

    // MARK: - Malformed JSON

    func testMalformedJSONLineInAStreamIsMalformedAfterTheGoodEvents() async throws {
        let line = event("c1")
        let fake = try fakeDaemon { _, c in
            c.send(Raw.chunkedHead())
            c.send(Raw.chunk(line))
            c.send(Raw.chunk("{\"Type\":\"container\",\"Action\": SECRET-LINE]\n"))
            c.send(Raw.lastChunk)
        }
        let docker = try quickClient(fake)
        let (ids, error) = try await within(10) { () -> ([String], DockerError?) in
            var ids: [String] = []
            do {
                for try await event in try await docker.system.events() { ids.append(event.actor.id) }
                return (ids, nil)
            } catch {
                return (ids, error as? DockerError)
            }
        }
        XCTAssertEqual(ids, ["c1"], "the good event before the bad line is delivered")
        guard case .malformedResponse(let message)? = error else { return XCTFail("got \(String(describing: error))") }
        XCTAssertFalse(message.contains("SECRET-LINE"), "the message quotes the body: \(message)")
    }

    // MARK: - Truncated chunked body

    func testTruncatedChunkedUnaryBodyIsMalformed() async throws {
        let fake = try fakeDaemon { _, c in
            c.send(Raw.chunkedHead())
            c.send(Raw.chunk("{\"Version\":"))
            c.send("40\r\nonly a part")
            c.close()
        }
        let docker = try quickClient(fake, unaryTimeout: .seconds(5))
        let error = dockerError(await expectError(5) { try await docker.system.version() })
        guard case .malformedResponse(let message)? = error else { return XCTFail("got \(String(describing: error))") }
        XCTAssertTrue(message.contains("/version"), message)
    }

    // MARK: - A multiplexed frame cut inside its 8-byte header

    func testStreamFrameCutInsideItsHeaderIsMalformedAfterTheWholeFrames() async throws {
        let whole = frame(1, "hello ") + frame(2, "err ") + frame(1, "world")
        let fake = try fakeDaemon { _, c in
            c.send(Raw.chunkedHead(contentType: "application/vnd.docker.multiplexed-stream"))
            c.send(Raw.chunk(whole))
            c.send(Raw.chunk(Data([1, 0, 0])))   // 3 of the next frame's 8 header bytes
            c.send(Raw.lastChunk)
        }
        let docker = try quickClient(fake)
        let output = try await within(5) { try await docker.exec.start("e1") }
        XCTAssertTrue(output.multiplexed)
        let (text, error) = try await within(5) { await Self.drain(output) }
        XCTAssertEqual(text, "hello err world")
        guard case .malformedResponse? = dockerError(error) else { return XCTFail("got \(String(describing: error))") }
    }

    func testHijackFrameCutInsideItsHeaderIsMalformedAfterTheWholeFrames() async throws {
        let bytes = Data(upgradeHead.utf8) + frame(1, "out ") + frame(2, "err") + Data([2, 0, 0, 0, 0])
        let fake = try fakeDaemon { _, c in
            c.send(bytes)
            c.close()
        }
        let docker = try quickClient(fake)
        let session = try await within(5) { try await docker.exec.startAttached("e1") }
        let (text, error) = try await within(5) { await Self.drain(session.output) }
        XCTAssertEqual(text, "out err")
        guard case .malformedResponse? = dockerError(error) else { return XCTFail("got \(String(describing: error))") }
        session.close()
    }

    // MARK: - A body that stops and never resumes

    func testUnaryBodyThatStopsMidwayTimesOutWithTheConfiguredBound() async throws {
        let fake = try fakeDaemon { _, c in
            c.send("HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: 100\r\n\r\n{\"Version\":")
            c.pause(20)
        }
        let docker = try quickClient(fake, unaryTimeout: .milliseconds(300))
        let error = dockerError(await expectError(5) { try await docker.system.version() })
        XCTAssertEqual(error, .timedOut(seconds: 0.3, call: "GET /version"))
    }

    func testStalledStreamEndsWhenItsConsumerIsCancelled() async throws {
        let line = event("c1")
        let fake = try fakeDaemon { _, c in
            c.send(Raw.chunkedHead())
            c.send(Raw.chunk(line))
            _ = c.waitForClientClose(timeout: 20)   // never another byte
            c.close()
        }
        let docker = try quickClient(fake)
        let first = Counter()
        let consumer = Task {
            for try await _ in try await docker.system.events() { first.increment() }
        }
        XCTAssertTrue(fake.wait(timeout: 5) { first.current == 1 }, "the first event never arrived")
        consumer.cancel()
        let error = await expectError(3) { try await consumer.value }
        XCTAssertEqual(dockerError(error), .cancelled)
        XCTAssertTrue(fake.wait(timeout: 3) { fake.connectionsClosedByClient >= 1 }, "the stalled stream's connection stayed open")
    }

    func testStalledStreamWithATimeLimitEndsTimedOut() async throws {
        let line = event("c1")
        let fake = try fakeDaemon { _, c in
            c.send(Raw.chunkedHead())
            c.send(Raw.chunk(line))
            c.pause(20)
            c.close()
        }
        let docker = try quickClient(fake)
        let seen = Counter()
        let error = dockerError(await expectError(5) {
            try await DockerClient.withTimeout(.milliseconds(500)) {
                for try await _ in try await docker.system.events() { seen.increment() }
            }
        })
        XCTAssertEqual(seen.current, 1)
        guard case .timedOut? = error else { return XCTFail("got \(String(describing: error))") }
    }

    func testStalledHijackEndsWhenClosed() async throws {
        let head = upgradeHead
        let fake = try fakeDaemon { _, c in
            c.send(head + "x")
            _ = c.waitForClientClose(timeout: 20)
            c.close()
        }
        let transport = CurlTransport(host: fake.host)
        let connection = try await within(5) { try await transport.hijack(DockerRequest(method: "POST", path: "/attach")) }
        let got = DataBox()
        let reader = Task {
            for try await chunk in connection.output { got.append(chunk) }
        }
        XCTAssertTrue(fake.wait(timeout: 5) { got.value.count == 1 })
        connection.close()
        try await within(3) { try await reader.value }   // ends, without error, once closed
        XCTAssertTrue(fake.wait(timeout: 3) { fake.connectionsClosedByClient >= 1 }, "the fake never saw the close")
    }

    // MARK: - A 500, with and without a JSON body

    func testServerErrorWithAndWithoutAJSONBodyOnEveryPath() async throws {
        let fake = try fakeDaemon { request, c in
            if request.target.contains("json") {
                c.send(Raw.response(500, reason: "Internal Server Error", body: #"{"message":"boom from the daemon"}"#))
            } else {
                c.send("HTTP/1.1 500 Internal Server Error\r\nContent-Length: 0\r\n\r\n")
            }
        }
        let docker = try quickClient(fake, unaryTimeout: .seconds(5))
        let withBody = DockerError.serverError(status: 500, message: "boom from the daemon")
        let empty = DockerError.serverError(status: 500, message: "internal server error")
        for (suffix, expected) in [("json", withBody), ("empty", empty)] {
            let unary = dockerError(await expectError(5) { try await docker.send("GET", "/unary-\(suffix)") })
            XCTAssertEqual(unary, expected, "unary, \(suffix)")
            let stream = dockerError(await expectError(5) { try await docker.openStream("GET", "/stream-\(suffix)") })
            XCTAssertEqual(stream, expected, "stream, \(suffix)")
            let hijack = dockerError(await expectError(5) { try await docker.openHijacked("POST", "/hijack-\(suffix)") })
            XCTAssertEqual(hijack, expected, "hijack, \(suffix)")
        }
        XCTAssertEqual(fake.requests.count, 6)
    }

    // MARK: - A reset in the middle of a response (TCP, SO_LINGER 0)

    func testResetInTheMiddleOfAUnaryResponseIsMalformed() async throws {
        let fake = try fakeTCPDaemon { _, c in
            c.send("HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: 100\r\n\r\n{\"Version\":")
            c.pause(0.05)
            c.reset()
        }
        let docker = try quickClient(fake, unaryTimeout: .seconds(5))
        let error = dockerError(await expectError(5) { try await docker.system.version() })
        guard case .malformedResponse(let message)? = error else { return XCTFail("got \(String(describing: error))") }
        XCTAssertTrue(message.contains("/version"), message)
    }

    func testResetInTheMiddleOfAStreamIsMalformedAfterTheEarlierChunks() async throws {
        let line = event("c1")
        let fake = try fakeTCPDaemon { _, c in
            c.send(Raw.chunkedHead())
            c.send(Raw.chunk(line))
            c.pause(0.1)
            c.reset()
        }
        let docker = try quickClient(fake)
        let (ids, error) = try await within(10) { () -> ([String], (any Error)?) in
            var ids: [String] = []
            do {
                for try await event in try await docker.system.events() { ids.append(event.actor.id) }
                return (ids, nil)
            } catch {
                return (ids, error)
            }
        }
        XCTAssertEqual(ids, ["c1"])
        guard case .malformedResponse? = dockerError(error) else { return XCTFail("got \(String(describing: error))") }
    }

    func testResetInTheMiddleOfAHijackedOutputIsTypedAfterTheEarlierBytes() async throws {
        let bytes = Data(upgradeHead.utf8) + frame(1, "before reset")
        let fake = try fakeTCPDaemon { _, c in
            c.send(bytes)
            c.pause(0.1)
            c.reset()
        }
        let docker = try quickClient(fake)
        let session = try await within(5) { try await docker.exec.startAttached("e1") }
        let (text, error) = try await within(5) { await Self.drain(session.output) }
        XCTAssertEqual(text, "before reset")
        guard case .malformedResponse(let message)? = dockerError(error) else { return XCTFail("got \(String(describing: error))") }
        XCTAssertTrue(message.contains("reading"), message)
        session.close()
    }

    // MARK: - A 101 upgrade that closes at once

    func testUpgradeThatClosesAtOnceEndsTheOutputAndRefusesWrites() async throws {
        let head = upgradeHead
        let fake = try fakeDaemon { _, c in
            c.send(head)
            c.close()
        }
        let docker = try quickClient(fake)
        let session = try await within(5) { try await docker.exec.startAttached("e1") }
        let (text, error) = try await within(5) { await Self.drain(session.output) }
        XCTAssertEqual(text, "")
        XCTAssertNil(error, "an upgrade closed at once is an empty output, got \(String(describing: error))")
        let write = dockerError(await expectError(5) { try await session.write(Data("late".utf8)) })
        guard case .invalidArgument? = write else { return XCTFail("got \(String(describing: write))") }
    }

    // MARK: - Headers that never end

    func testUnaryHeadThatNeverEndsTimesOut() async throws {
        let fake = try fakeDaemon { _, c in
            c.send("HTTP/1.1 200 OK\r\nContent-Type: application/json\r\n")
            c.pause(20)
        }
        let docker = try quickClient(fake, unaryTimeout: .milliseconds(300))
        let error = dockerError(await expectError(5) { try await docker.system.version() })
        XCTAssertEqual(error, .timedOut(seconds: 0.3, call: "GET /version"))
    }

    func testEndlessHeadersAreRefusedBeforeTheyTakeUnboundedMemory() async throws {
        let sent = Counter()
        let fake = try fakeDaemon { _, c in
            c.send("HTTP/1.1 200 OK\r\n")
            let line = Data(("X-Filler: " + String(repeating: "f", count: 1000) + "\r\n").utf8)
            let block = Data((0..<64).flatMap { _ in line })
            let deadline = Date().addingTimeInterval(10)
            while Date() < deadline && !c.isClosed && sent.current < 64 << 20 {
                let n = c.sendCounting(block, timeout: 1)
                sent.add(n)
                if n < block.count { break }
            }
            c.close()
        }
        let docker = try quickClient(fake, unaryTimeout: .seconds(30))
        let error = dockerError(await expectError(15) { try await docker.system.version() })
        guard case .malformedResponse(let message)? = error else { return XCTFail("got \(String(describing: error))") }
        // libcurl (7.88) bounds the whole head at 300 KB: "Too large response headers".
        XCTAssertTrue(message.contains("/version") && message.lowercased().contains("headers"), message)
        XCTAssertLessThan(sent.current, 16 << 20, "the transport kept reading headers: \(sent.current) bytes")
    }

    func testStreamHeadThatNeverEndsEndsWhenCancelled() async throws {
        let fake = try fakeDaemon { _, c in
            c.send("HTTP/1.1 200 OK\r\nContent-Type: application/json\r\n")
            c.pause(20)
            c.close()
        }
        let docker = try quickClient(fake)
        let task = Task { try await docker.system.events() }
        XCTAssertTrue(fake.wait(timeout: 5) { fake.requests.count == 1 })
        try await Task.sleep(for: .milliseconds(100))
        task.cancel()
        let error = dockerError(await expectError(3) { try await task.value })
        XCTAssertEqual(error, .cancelled)
    }

    func testHijackHeadThatNeverEndsTimesOut() async throws {
        let fake = try fakeDaemon { _, c in
            c.send("HTTP/1.1 101 UPGRADED\r\nConnection: Upgrade\r\n")
            c.pause(20)
        }
        let docker = try quickClient(fake, unaryTimeout: .milliseconds(300))
        let error = dockerError(await expectError(5) { try await docker.openHijacked("POST", "/exec/e1/start") })
        XCTAssertEqual(error, .timedOut(seconds: 0.3, call: "POST /exec/e1/start"))
    }

    func testEndlessHijackHeadersAreRefused() async throws {
        let sent = Counter()
        let fake = try fakeDaemon { _, c in
            c.send("HTTP/1.1 101 UPGRADED\r\n")
            let block = Data((0..<64).flatMap { _ in Data(("X-Filler: " + String(repeating: "f", count: 1000) + "\r\n").utf8) })
            let deadline = Date().addingTimeInterval(10)
            while Date() < deadline && !c.isClosed && sent.current < 64 << 20 {
                let n = c.sendCounting(block, timeout: 1)
                sent.add(n)
                if n < block.count { break }
            }
            c.close()
        }
        let docker = try quickClient(fake, unaryTimeout: .seconds(30))
        let error = dockerError(await expectError(15) { try await docker.openHijacked("POST", "/exec/e1/start") })
        guard case .malformedResponse(let message)? = error else { return XCTFail("got \(String(describing: error))") }
        XCTAssertTrue(message.contains("too large"), message)
        XCTAssertLessThan(sent.current, 16 << 20, "the handshake kept reading headers: \(sent.current) bytes")
    }

    // MARK: - Larger than any sane bound

    func testHijackOutputNobodyReadsIsBoundedByTheBufferLimit() async throws {
        let head = upgradeHead
        let sent = Counter()
        let done = Counter()
        let fake = try fakeDaemon { _, c in
            c.send(head)
            let block = Data(repeating: UInt8(ascii: "x"), count: 64 << 10)
            let deadline = Date().addingTimeInterval(1.5)
            while Date() < deadline && !c.isClosed && sent.current < 64 << 20 {
                let n = c.sendCounting(block, timeout: deadline.timeIntervalSinceNow)
                sent.add(n)
                if n < block.count { break }
            }
            done.increment()
            _ = c.waitForClientClose(timeout: 10)
            c.close()
        }
        let limit = 64 << 10
        let transport = CurlTransport(host: fake.host, hijackBufferLimit: limit)
        let connection = try await within(5) { try await transport.hijack(DockerRequest(method: "POST", path: "/attach")) }
        XCTAssertTrue(fake.wait(timeout: 10) { done.current == 1 })
        XCTAssertGreaterThan(sent.current, limit, "the connection took nothing at all")
        XCTAssertLessThan(sent.current, 4 << 20, "the connection kept reading although nobody consumed: \(sent.current) bytes")
        connection.close()
    }

    func testRefusedUpgradeWithAHugeBodyIsReadOnlyUpToItsBound() async throws {
        let sent = Counter()
        let fake = try fakeDaemon { _, c in
            c.send("HTTP/1.1 500 Internal Server Error\r\nContent-Type: text/plain\r\nContent-Length: 8589934592\r\n\r\n")
            let block = Data(repeating: UInt8(ascii: "x"), count: 64 << 10)
            let deadline = Date().addingTimeInterval(10)
            while Date() < deadline && !c.isClosed && sent.current < 64 << 20 {
                let n = c.sendCounting(block, timeout: 1)
                sent.add(n)
                if n < block.count { break }
            }
            c.close()
        }
        let docker = try quickClient(fake, unaryTimeout: .seconds(30))
        let error = dockerError(await expectError(15) { try await docker.openHijacked("POST", "/exec/e1/start") })
        XCTAssertEqual(error, .serverError(status: 500, message: "internal server error"), "an 8 GB page is not a message")
        XCTAssertLessThan(sent.current, 16 << 20, "the refusal's body was read past its bound: \(sent.current) bytes")
    }

    // MARK: - A slow drip of one byte per second

    func testSlowDripUnaryTimesOutWithTheConfiguredBound() async throws {
        let answer = Raw.json(#"{"Version":"20.10.24"}"#)
        let dripped = Counter()
        let fake = try fakeDaemon { _, c in
            for byte in answer {
                guard !c.isClosed, c.send(Data([byte])) else { break }
                dripped.increment()
                c.pause(1)
            }
            c.close()
        }
        let docker = try quickClient(fake, unaryTimeout: .milliseconds(1500))
        let error = dockerError(await expectError(6) { try await docker.system.version() })
        XCTAssertEqual(error, .timedOut(seconds: 1.5, call: "GET /version"))
        XCTAssertGreaterThanOrEqual(dripped.current, 1)
        XCTAssertLessThan(dripped.current, answer.count, "the whole answer was dripped before the bound")
    }

    func testSlowDripStreamDeliversEveryByteAsItComesAndEndsWhenCancelled() async throws {
        let fake = try fakeDaemon { _, c in
            c.send(Raw.chunkedHead(contentType: "text/plain"))
            for byte in "abcdefghij".utf8 {
                guard !c.isClosed, c.send(Raw.chunk(Data([byte]))) else { break }
                c.pause(1)
            }
            c.close()
        }
        let transport = CurlTransport(host: fake.host)
        let response = try await within(5) { try await transport.stream(DockerRequest(method: "GET", path: "/logs")) }
        let got = DataBox()
        let reader = Task {
            for try await chunk in response.body { got.append(chunk) }
        }
        XCTAssertTrue(fake.wait(timeout: 6) { got.value.count >= 2 }, "the dripped bytes did not arrive one by one")
        XCTAssertEqual(String(decoding: got.value.prefix(2), as: UTF8.self), "ab")
        reader.cancel()
        let error = await expectError(3) { try await reader.value }
        XCTAssertEqual(dockerError(error), .cancelled)
        XCTAssertTrue(fake.wait(timeout: 3) { fake.connectionsClosedByClient >= 1 })
    }

    func testSlowDripHijackHandshakeTimesOut() async throws {
        let head = Data(upgradeHead.utf8)
        let fake = try fakeDaemon { _, c in
            for byte in head {
                guard !c.isClosed, c.send(Data([byte])) else { break }
                c.pause(1)
            }
            c.close()
        }
        let docker = try quickClient(fake, unaryTimeout: .milliseconds(1500))
        let error = dockerError(await expectError(6) { try await docker.openHijacked("POST", "/exec/e1/start") })
        XCTAssertEqual(error, .timedOut(seconds: 1.5, call: "POST /exec/e1/start"))
    }

    // MARK: - Plain HTTP to a TLS port (issue 12 item 8)

    func testPlainHTTPAnsweredWithATLSAlertIsExplainedOnEveryPath() async throws {
        // What an OpenSSL server sends to bytes that are not a ClientHello: a fatal alert record.
        let alert = Data([0x15, 0x03, 0x01, 0x00, 0x02, 0x02, 0x46])
        let fake = try fakeTCPDaemon { _, c in
            c.send(alert)
            c.close()
        }
        let docker = try quickClient(fake, unaryTimeout: .seconds(5))
        let unary = dockerError(await expectError(5) { try await docker.system.version() })
        assertPlainHTTPToTLS(unary, "unary")
        let stream = dockerError(await expectError(5) { try await docker.system.events() })
        assertPlainHTTPToTLS(stream, "stream")
        let hijack = dockerError(await expectError(5) { try await docker.openHijacked("POST", "/exec/e1/start") })
        assertPlainHTTPToTLS(hijack, "hijack")
    }

    func testPlainHTTPResetByATLSPortIsExplained() async throws {
        let fake = try fakeTCPDaemon { _, c in c.reset() }
        let docker = try quickClient(fake, unaryTimeout: .seconds(5))
        let unary = dockerError(await expectError(5) { try await docker.system.version() })
        assertPlainHTTPToTLS(unary, "unary")
        let hijack = dockerError(await expectError(5) { try await docker.openHijacked("POST", "/exec/e1/start") })
        assertPlainHTTPToTLS(hijack, "hijack")
    }

    func testDockerdsAnswerToPlainHTTPOnItsTLSPortIsExplained() async throws {
        let fake = try fakeTCPDaemon { _, c in
            // Go's net/http, what dockerd --tlsverify answers on 2376 to plain HTTP.
            c.send("HTTP/1.0 400 Bad Request\r\n\r\nClient sent an HTTP request to an HTTPS server.\n")
            c.close()
        }
        let docker = try quickClient(fake, unaryTimeout: .seconds(5))
        let error = dockerError(await expectError(5) { try await docker.system.version() })
        assertPlainHTTPToTLS(error, "400")
    }

    func testAResetBeforeAnyAnswerOnAUnixSocketIsNotCalledTLS() async throws {
        let fake = try fakeDaemon { _, c in c.reset() }
        let docker = try quickClient(fake, unaryTimeout: .seconds(5))
        let error = dockerError(await expectError(5) { try await docker.system.version() })
        if case .cannotConnect(_, .tls, _)? = error { XCTFail("a Unix socket speaks no TLS: \(error!)") }
        XCTAssertNotNil(error)
    }

    private func assertPlainHTTPToTLS(_ error: DockerError?, _ path: String, file: StaticString = #filePath, line: UInt = #line) {
        guard let error, case .cannotConnect(_, .tls, let detail) = error else {
            return XCTFail("\(path): got \(String(describing: error))", file: file, line: line)
        }
        XCTAssertTrue(detail.hasPrefix(DockerError.plainHTTPToTLSDetail), "\(path): \(detail)", file: file, line: line)
        XCTAssertTrue(error.description.contains("DOCKER_TLS_VERIFY=1"), "\(path): \(error.description)", file: file, line: line)
        XCTAssertTrue(error.description.contains("DOCKER_CERT_PATH"), "\(path): \(error.description)", file: file, line: line)
    }
}
