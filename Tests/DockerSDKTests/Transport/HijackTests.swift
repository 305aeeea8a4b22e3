@testable import DockerSDK
import Foundation
import XCTest

/// Connections upgraded with `101 UPGRADED` (attach, exec with stdin).
final class HijackTests: XCTestCase {
    private let upgradeHead = "HTTP/1.1 101 UPGRADED\r\nContent-Type: application/vnd.docker.raw-stream\r\nConnection: Upgrade\r\nUpgrade: tcp\r\n\r\n"

    func testBytesAfterTheHeadAndHalfClose() async throws {
        let input = DataBox()
        let sawEOF = Counter()
        let head = upgradeHead
        let fake = try fakeDaemon { _, c in
            // The head and the first output go out in one write: they arrive in one read.
            c.send(head + "HELLO-IN-SAME-WRITE")
            let (data, eof) = c.readUntilEOF(timeout: 5)
            input.append(data)
            if eof { sawEOF.increment() }
            c.send("BYE")
            c.close()
        }
        let transport = CurlTransport(host: .unix(path: fake.path))
        let request = DockerRequest(method: "POST", path: "/containers/abc/attach",
                                    query: [QueryItem("stream", "1"), QueryItem("stdin", "1")], apiVersion: APIVersion(1, 41))
        let connection = try await within(10) { try await transport.hijack(request) }
        XCTAssertEqual(connection.status, 101)
        XCTAssertEqual(connection.headers["Upgrade"], "tcp")
        try await within(5) {
            try await connection.write(Data("input-bytes".utf8))
            try await connection.write(Data("-more".utf8))
            try await connection.closeWrite()
        }
        let output = try await within(5) {
            var output = Data()
            for try await chunk in connection.output { output.append(chunk) }
            return output
        }
        XCTAssertEqual(String(decoding: output, as: UTF8.self), "HELLO-IN-SAME-WRITEBYE")
        XCTAssertEqual(String(decoding: input.value, as: UTF8.self), "input-bytes-more")
        XCTAssertEqual(sawEOF.current, 1, "the fake never saw the half-close")

        let sent = try XCTUnwrap(fake.requests.first)
        XCTAssertEqual(sent.method, "POST")
        XCTAssertEqual(sent.target, "/v1.41/containers/abc/attach?stream=1&stdin=1")
        XCTAssertEqual(sent.header("Upgrade"), "tcp")
        XCTAssertEqual(sent.header("Connection"), "Upgrade")
        XCTAssertEqual(transport.statistics.requests, 1)
    }

    func testOutputKeepsComingAfterCloseWrite() async throws {
        let head = upgradeHead
        let fake = try fakeDaemon { _, c in
            c.send(head)
            _ = c.readUntilEOF(timeout: 5)
            for i in 0..<5 {
                c.send("out\(i);")
                c.pause(0.01)
            }
            c.close()
        }
        let transport = CurlTransport(host: .unix(path: fake.path))
        let connection = try await within(10) {
            try await transport.hijack(DockerRequest(method: "POST", path: "/exec/e/start",
                                                     body: .data(Data(#"{"Detach":false}"#.utf8), contentType: "application/json")))
        }
        try await within(5) { try await connection.closeWrite() }
        let output = try await within(5) {
            var output = Data()
            for try await chunk in connection.output { output.append(chunk) }
            return output
        }
        XCTAssertEqual(String(decoding: output, as: UTF8.self), "out0;out1;out2;out3;out4;")
        XCTAssertEqual(String(decoding: fake.requests[0].body, as: UTF8.self), #"{"Detach":false}"#)
        XCTAssertEqual(fake.requests[0].header("Content-Type"), "application/json")
    }

    func testCloseEndsTheConnection() async throws {
        let head = upgradeHead
        let closed = Counter()
        let fake = try fakeDaemon { _, c in
            c.send(head + "x")
            if c.waitForClientClose(timeout: 5) { closed.increment() }
            c.close()
        }
        let transport = CurlTransport(host: .unix(path: fake.path))
        let connection = try await within(10) { try await transport.hijack(DockerRequest(method: "POST", path: "/attach")) }
        connection.close()
        XCTAssertTrue(fake.wait(timeout: 3) { closed.current == 1 }, "the fake never saw the close")
        let error = await expectError(3) { try await connection.write(Data("late".utf8)) }
        XCTAssertNotNil(error)
    }

    func testNotFoundInsteadOfUpgrade() async throws {
        let fake = try fakeDaemon { _, c in
            c.send(Raw.response(404, reason: "Not Found", body: #"{"message":"No such container: abc"}"#))
        }
        let transport = CurlTransport(host: .unix(path: fake.path))
        let docker = try client(for: fake, transport: transport)
        let error = dockerError(await expectError { try await docker.openHijacked("POST", "/containers/abc/attach") })
        XCTAssertEqual(error, .notFound(message: "No such container: abc"))
    }

    func testDaemonClosingBeforeAnsweringIsMalformed() async throws {
        let fake = try fakeDaemon { _, c in c.close() }
        let transport = CurlTransport(host: .unix(path: fake.path))
        let error = dockerError(await expectError { try await transport.hijack(DockerRequest(method: "POST", path: "/attach")) })
        guard case .malformedResponse? = error else { return XCTFail("got \(String(describing: error))") }
    }

    func testHijackToAMissingSocket() async throws {
        let dir = try temporaryDirectory()
        let transport = CurlTransport(host: .unix(path: dir + "/none.sock"))
        let error = dockerError(await expectError { try await transport.hijack(DockerRequest(method: "POST", path: "/attach")) })
        guard case .cannotConnect(_, .socketMissing, _)? = error else { return XCTFail("got \(String(describing: error))") }
    }
}
