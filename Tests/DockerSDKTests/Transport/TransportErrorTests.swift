import CCurl
@testable import DockerSDK
import Foundation
import XCTest

/// How the transport and client turn broken, refused and failing answers into typed errors.
final class TransportErrorTests: XCTestCase {
    func testMalformedJSONIsMalformedResponseWithoutTheBody() async throws {
        let fake = try fakeDaemon { _, c in c.send(Raw.json(#"{"Version": "SECRET-BODY-TEXT", "#)) }
        let docker = try client(for: fake)
        let error = dockerError(await expectError { try await docker.system.version() })
        guard case .malformedResponse(let message)? = error else { return XCTFail("got \(String(describing: error))") }
        XCTAssertFalse(message.contains("SECRET-BODY-TEXT"), message)
        XCTAssertFalse(error!.description.contains("SECRET-BODY-TEXT"))
        XCTAssertTrue(message.contains("/version"), message)
    }

    func testTruncatedBodyIsMalformedResponse() async throws {
        let fake = try fakeDaemon { _, c in
            c.send("HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: 100\r\n\r\n{\"Version\":")
            c.close()
        }
        let docker = try client(for: fake)
        let error = dockerError(await expectError { try await docker.system.version() })
        guard case .malformedResponse? = error else { return XCTFail("got \(String(describing: error))") }
    }

    func testConnectionClosedWithoutAnswerIsTyped() async throws {
        let fake = try fakeDaemon { _, c in c.close() }
        let docker = try client(for: fake)
        let error = dockerError(await expectError { try await docker.system.version() })
        switch error {
        case .malformedResponse?, .transport?: break
        default: XCTFail("got \(String(describing: error))")
        }
    }

    func testGarbageInsteadOfHTTPIsTyped() async throws {
        let fake = try fakeDaemon { _, c in
            c.send("SSH-2.0-OpenSSH_9.6\r\n\r\nnot http at all\r\n")
            c.close()
        }
        let docker = try client(for: fake)
        let error = dockerError(await expectError { try await docker.system.version() })
        switch error {
        case .malformedResponse?, .transport?: break
        default: XCTFail("got \(String(describing: error))")
        }
    }

    func testErrorStatusesKeepTheDaemonsMessage() async throws {
        let cases: [(Int, DockerError)] = [
            (400, .badRequest(message: "m400")), (401, .unauthorized(message: "m401")),
            (403, .forbidden(message: "m403")), (404, .notFound(message: "m404")),
            (409, .conflict(message: "m409")), (500, .serverError(status: 500, message: "m500")),
        ]
        let fake = try fakeDaemon { request, c in
            let status = Int(request.path.split(separator: "/").last ?? "") ?? 500
            c.send(Raw.response(status, reason: "X", body: #"{"message":"m\#(status)"}"#))
        }
        let docker = try client(for: fake)
        for (status, expected) in cases {
            let error = dockerError(await expectError { try await docker.send("GET", "/status/\(status)") })
            XCTAssertEqual(error, expected)
        }
        XCTAssertEqual(fake.connectionsAccepted, 1, "error answers keep the connection alive")
    }

    func testNonJSONErrorBodyBecomesTheMessage() async throws {
        let fake = try fakeDaemon { request, c in
            if request.path.hasSuffix("text") {
                c.send(Raw.response(502, reason: "Bad Gateway", headers: ["Content-Type": "text/plain"], body: "upstream exploded\n"))
            } else {
                let html = "<html>" + String(repeating: "x", count: 600) + "</html>"
                c.send(Raw.response(503, reason: "Unavailable", headers: ["Content-Type": "text/html"], body: html))
            }
        }
        let docker = try client(for: fake)
        let text = dockerError(await expectError { try await docker.send("GET", "/text") })
        XCTAssertEqual(text, .serverError(status: 502, message: "upstream exploded"))
        let html = dockerError(await expectError { try await docker.send("GET", "/html") })
        XCTAssertEqual(html, .serverError(status: 503, message: "service unavailable"), "a long page is not a message")
    }

    func testTooOldClientVersionIsUnsupportedAPIVersion() async throws {
        let fake = try fakeDaemon { _, c in
            c.send(Raw.response(400, reason: "Bad Request", body:
                #"{"message":"client version 1.41 is too old. Minimum supported API version is 1.44, please upgrade your client to a newer version"}"#))
        }
        let docker = try client(for: fake)
        let error = dockerError(await expectError { try await docker.system.info() })
        guard case let .unsupportedAPIVersion(requested, message)? = error else { return XCTFail("got \(String(describing: error))") }
        XCTAssertEqual(requested, APIVersion(1, 41))
        XCTAssertTrue(message.contains("Minimum supported API version is 1.44"))
    }

    func testStreamErrorStatusIsReadAndTyped() async throws {
        let fake = try fakeDaemon { _, c in
            c.send(Raw.response(404, reason: "Not Found", body: #"{"message":"page not found"}"#))
        }
        let docker = try client(for: fake)
        let error = dockerError(await expectError { try await docker.system.events() })
        XCTAssertEqual(error, .notFound(message: "page not found"))
    }

    func testMissingSocketIsSocketMissingNamingThePath() async throws {
        let dir = try temporaryDirectory()
        let path = dir + "/nobody.sock"
        let docker = try DockerClient(host: .unix(path: path), apiVersion: APIVersion(1, 41), environment: [:])
        let error = dockerError(await expectError { try await docker.system.ping() })
        guard case let .cannotConnect(host, reason, _)? = error else { return XCTFail("got \(String(describing: error))") }
        XCTAssertEqual(reason, .socketMissing)
        XCTAssertTrue(host.contains(path))
        XCTAssertTrue(error!.description.contains(path), error!.description)
        XCTAssertTrue(error!.description.contains("daemon running"), error!.description)
    }

    func testSocketWithoutListenerIsRefused() async throws {
        let dir = try temporaryDirectory()
        let path = dir + "/dead.sock"
        let fd = try FakeDaemon.bindUnix(at: path)
        close(fd)
        XCTAssertTrue(FileManager.default.fileExists(atPath: path))
        let docker = try DockerClient(host: .unix(path: path), apiVersion: APIVersion(1, 41), environment: [:])
        let error = dockerError(await expectError { try await docker.system.info() })
        guard case let .cannotConnect(_, reason, _)? = error else { return XCTFail("got \(String(describing: error))") }
        XCTAssertEqual(reason, .refused)
    }

    func testPermissionDeniedMapping() {
        // Root cannot be refused a socket, so check the mapping of the errno curl reports.
        let request = DockerRequest(method: "GET", path: "/_ping")
        for code in [EACCES, EPERM] {
            let outcome = CurlTransfer.Outcome(code: CURLE_COULDNT_CONNECT, osErrno: Int(code), message: "x", connects: 0)
            let error = CurlTransfer.error(for: outcome, host: .unix(path: "/run/locked.sock"), request: request, cancelled: false)
            guard case let .cannotConnect(host, reason, detail) = error else { return XCTFail("got \(error)") }
            XCTAssertEqual(reason, .permissionDenied)
            XCTAssertEqual(host, "unix:///run/locked.sock")
            XCTAssertFalse(detail.isEmpty)
            XCTAssertTrue(error.description.contains("docker` group"), error.description)
        }
        let timeout = CurlTransfer.error(
            for: .init(code: CURLE_OPERATION_TIMEDOUT, osErrno: 0, message: "", connects: 0), host: .defaultSocket,
            request: DockerRequest(method: "GET", path: "/x", timeout: .milliseconds(1500)), cancelled: false)
        XCTAssertEqual(timeout, .timedOut(seconds: 1.5))
        let cancelled = CurlTransfer.error(for: .init(code: CURLE_RECV_ERROR, osErrno: 0, message: "", connects: 0),
                                           host: .defaultSocket, request: request, cancelled: true)
        XCTAssertEqual(cancelled, .cancelled)
    }

    func testRequestTimeoutIsTimedOut() async throws {
        let fake = try fakeDaemon { _, c in c.pause(10) }
        let transport = CurlTransport(host: .unix(path: fake.path))
        let start = Date()
        let error = dockerError(await expectError {
            try await transport.execute(DockerRequest(method: "GET", path: "/slow", timeout: .milliseconds(300)))
        })
        XCTAssertEqual(error, .timedOut(seconds: 0.3))
        XCTAssertLessThan(Date().timeIntervalSince(start), 5, "the 300 ms limit, not the 10 s answer")
    }

    func testFailuresDoNotLeakPoolWorkers() async throws {
        // More failed requests than the pool has workers, then one that succeeds.
        let fake = try fakeDaemon { request, c in
            if request.path == "/ok" { c.send(Raw.json("{}")) } else { c.close() }
        }
        let transport = CurlTransport(host: .unix(path: fake.path), maxConcurrentRequests: 2)
        for _ in 0..<3 {
            _ = await expectError(5) { try await transport.execute(DockerRequest(method: "GET", path: "/fail")) }
        }
        let response = try await within(5) { try await transport.execute(DockerRequest(method: "GET", path: "/ok")) }
        XCTAssertEqual(response.status, 200)
    }

    func testCancellingAUnaryRequestEndsItAndFreesTheWorker() async throws {
        let fake = try fakeDaemon { request, c in
            if request.path == "/ok" { c.send(Raw.json("{}")) } else { c.pause(10) }
        }
        let transport = CurlTransport(host: .unix(path: fake.path), maxConcurrentRequests: 1)
        let task = Task { try await transport.execute(DockerRequest(method: "GET", path: "/hang")) }
        XCTAssertTrue(fake.wait(timeout: 5) { fake.requests.count == 1 })
        let start = Date()
        task.cancel()
        let error = dockerError(await expectError(5) { try await task.value })
        XCTAssertEqual(error, .cancelled)
        XCTAssertLessThan(Date().timeIntervalSince(start), 5, "promptly, not after the 10 s answer")
        let response = try await within(5) { try await transport.execute(DockerRequest(method: "GET", path: "/ok")) }
        XCTAssertEqual(response.status, 200)
    }

    func testCancellingARequestQueuedForABusyWorkerEndsItAtOnce() async throws {
        let fake = try fakeDaemon { _, c in c.pause(10) }
        let transport = CurlTransport(host: .unix(path: fake.path), maxConcurrentRequests: 1)
        let busy = Task { try await transport.execute(DockerRequest(method: "GET", path: "/hang", timeout: .seconds(12))) }
        XCTAssertTrue(fake.wait(timeout: 5) { fake.requests.count == 1 })
        let queued = Task { try await transport.execute(DockerRequest(method: "GET", path: "/queued")) }
        try await Task.sleep(for: .milliseconds(100))
        let start = Date()
        queued.cancel()
        let error = dockerError(await expectError(5) { try await queued.value })
        XCTAssertEqual(error, .cancelled)
        XCTAssertLessThan(Date().timeIntervalSince(start), 5, "a queued request must not wait for the busy worker (10 s)")
        XCTAssertEqual(fake.requests.count, 1, "the cancelled request was never sent")
        busy.cancel()
        _ = try? await busy.value
    }
}
