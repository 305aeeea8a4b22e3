@testable import DockerSDK
import Foundation
import XCTest

/// ReplayTransport's matching and errors, and what the Redactor scrubs.
final class FixtureReplayTests: XCTestCase {
    private func fixture(_ exchanges: [Fixture.Exchange]) -> Fixture {
        Fixture(scenario: "unit", apiVersion: "1.41", exchanges: exchanges)
    }

    private func unary(_ method: String, _ path: String, query: [QueryItem] = [], body: Fixture.Body? = nil,
                       headers: [String: String]? = nil, status: Int = 200, answer: String = "{}") -> Fixture.Exchange {
        .init(kind: .unary, request: .init(method: method, path: path, apiVersion: "1.41", query: query, headers: headers, body: body),
              response: .init(status: status, headers: ["Content-Type": "application/json"], body: .text(answer)))
    }

    private func docker(_ replay: ReplayTransport) throws -> DockerClient {
        try DockerClient(host: .unix(path: "/replay"), apiVersion: APIVersion(1, 41), transport: replay, environment: [:])
    }

    func testMatchingRequestsGetTheRecordedAnswers() async throws {
        let replay = ReplayTransport(fixture: fixture([
            unary("GET", "/containers/json", query: [QueryItem("all", "1")], answer: "[]"),
            unary("POST", "/containers/create", body: .json(.object(["Image": .string("busybox")])),
                  headers: ["Content-Type": "application/json"], status: 201, answer: #"{"Id":"c1"}"#),
        ]))
        let docker = try docker(replay)
        let list = try await docker.send("GET", "/containers/json", query: [QueryItem("all", "1")])
        XCTAssertEqual(list.body, Data("[]".utf8))
        let created = try await docker.send("POST", "/containers/create", body: .data(Data(#"{"Image":"busybox"}"#.utf8), contentType: "application/json"))
        XCTAssertEqual(created.status, 201)
        XCTAssertEqual(replay.remaining, 0)
        XCTAssertNoThrow(try replay.assertFinished())
    }

    func testMismatchShowsExpectedAndActual() async throws {
        let replay = ReplayTransport(fixture: fixture([
            unary("POST", "/containers/create", query: [QueryItem("name", "web")],
                  body: .json(.object(["Image": .string("nginx")])), headers: ["Content-Type": "application/json"]),
        ]))
        let docker = try docker(replay)
        let error = await expectError {
            try await docker.send("POST", "/containers/create", query: [QueryItem("name", "db")],
                                  body: .data(Data(#"{"Image":"redis"}"#.utf8), contentType: "application/json"))
        }
        guard case let .mismatch(scenario, index, diff)? = error as? FixtureError else { return XCTFail("got \(String(describing: error))") }
        XCTAssertEqual(scenario, "unit")
        XCTAssertEqual(index, 0)
        XCTAssertTrue(diff.contains("- POST /v1.41/containers/create?name=web"), diff)
        XCTAssertTrue(diff.contains("+ POST /v1.41/containers/create?name=db"), diff)
        XCTAssertTrue(diff.contains(#"- {"Image":"nginx"}"#), diff)
        XCTAssertTrue(diff.contains(#"+ {"Image":"redis"}"#), diff)
        XCTAssertEqual(replay.mismatches.count, 1)
        XCTAssertThrowsError(try replay.assertFinished()) { XCTAssertEqual($0 as? FixtureError, error as? FixtureError) }
    }

    func testHeaderMismatchIsNamed() async throws {
        let replay = ReplayTransport(fixture: fixture([
            unary("POST", "/images/create", headers: ["X-Registry-Auth": "<redacted>"]),
        ]))
        let error = await expectError { try await replay.execute(DockerRequest(method: "POST", path: "/images/create", apiVersion: APIVersion(1, 41))) }
        guard case .mismatch(_, _, let diff)? = error as? FixtureError else { return XCTFail("got \(String(describing: error))") }
        XCTAssertTrue(diff.contains("header X-Registry-Auth: - <redacted>  + (none)"), diff)
    }

    func testExhaustedFixture() async throws {
        let replay = ReplayTransport(fixture: fixture([unary("GET", "/info")]))
        let docker = try docker(replay)
        _ = try await docker.send("GET", "/info")
        let error = await expectError { try await docker.send("GET", "/version") }
        XCTAssertEqual(error as? FixtureError, .exhausted(scenario: "unit", request: "GET /v1.41/version"))
        XCTAssertTrue((error as? FixtureError)?.description.contains("no exchange left for GET /v1.41/version") == true)
    }

    func testAssertFinishedReportsUnusedExchanges() async throws {
        let replay = ReplayTransport(fixture: fixture([unary("GET", "/info"), unary("GET", "/version"), unary("GET", "/system/df")]))
        _ = try await docker(replay).send("GET", "/info")
        XCTAssertEqual(replay.remaining, 2)
        XCTAssertThrowsError(try replay.assertFinished()) { error in
            guard case let .mismatch(_, index, diff)? = error as? FixtureError else { return XCTFail("got \(error)") }
            XCTAssertEqual(index, 1)
            XCTAssertTrue(diff.contains("2 recorded exchange(s) were never requested"), diff)
            XCTAssertTrue(diff.contains("GET /v1.41/version"), diff)
        }
    }

    func testReplayedErrorStatusesAreTyped() async throws {
        let replay = ReplayTransport(fixture: fixture([
            unary("GET", "/containers/nope/json", status: 404, answer: #"{"message":"No such container: nope"}"#),
        ]))
        let docker = try docker(replay)
        let error = await expectError { try await docker.send("GET", "/containers/nope/json") }
        XCTAssertEqual(error as? DockerError, .notFound(message: "No such container: nope"))
    }

    func testReplayedHijackKeepsInput() async throws {
        let replay = ReplayTransport(fixture: fixture([
            .init(kind: .hijack, request: .init(method: "POST", path: "/containers/c/attach", apiVersion: "1.41"),
                  response: .init(status: 101, headers: [:], body: .base64(Data([1, 0, 0, 0, 0, 0, 0, 2, 104, 105]))))
        ]), chunkSize: 3)
        let connection = try await docker(replay).openHijacked("POST", "/containers/c/attach")
        try await connection.write(Data("stdin".utf8))
        var output = Data()
        for try await chunk in connection.output { output.append(chunk) }
        XCTAssertEqual(output, Data([1, 0, 0, 0, 0, 0, 0, 2, 104, 105]))
        XCTAssertEqual(replay.hijackInputs, [Data("stdin".utf8)])
    }

    // MARK: - Redactor

    func testRedactsSensitiveEnvironmentAndArguments() {
        let redactor = Redactor()
        XCTAssertEqual(redactor.scrub("MYSQL_ROOT_PASSWORD=hunter2"), "MYSQL_ROOT_PASSWORD=<redacted>")
        XCTAssertEqual(redactor.scrub("POSTGRES_PASSWORD=x=y"), "POSTGRES_PASSWORD=<redacted>")
        XCTAssertEqual(redactor.scrub("GITHUB_TOKEN=ghp_abc"), "GITHUB_TOKEN=<redacted>")
        XCTAssertEqual(redactor.scrub("-pSECRET"), "-p<redacted>")
        XCTAssertEqual(redactor.scrub("--password=SECRET"), "--password=<redacted>")
        XCTAssertEqual(redactor.scrub("--requirepass=SECRET"), "--requirepass=<redacted>")
        XCTAssertEqual(redactor.scrub("MYSQL_DATABASE=app"), "MYSQL_DATABASE=app")
        XCTAssertEqual(redactor.scrub("PATH=/usr/bin"), "PATH=/usr/bin")
        XCTAssertEqual(redactor.scrub("-p"), "-p")
        XCTAssertEqual(redactor.scrub("echo a=b"), "echo a=b")
    }

    func testRedactsAuthHeaders() {
        let redactor = Redactor(secrets: ["s3cret"])
        let headers = redactor.scrub(headers: ["X-Registry-Auth": "eyJ1c2VybmFtZSI6ImEifQ==", "authorization": "Bearer t",
                                               "X-Registry-Config": "e30=", "Content-Type": "application/json",
                                               "X-Custom": "has s3cret inside"])
        XCTAssertEqual(headers["X-Registry-Auth"], "<redacted>")
        XCTAssertEqual(headers["authorization"], "<redacted>")
        XCTAssertEqual(headers["X-Registry-Config"], "<redacted>")
        XCTAssertEqual(headers["Content-Type"], "application/json")
        XCTAssertEqual(headers["X-Custom"], "has <redacted> inside")
    }

    func testRedactsExactSecretsInEveryBodyForm() {
        let secret = "pa55-W0rd!"
        let redactor = Redactor(secrets: [secret, ""])
        let json = Fixture.Body.json(.object([
            "Env": .array([.string("APP_KEY=\(secret)"), .string("MYSQL_ROOT_PASSWORD=whatever")]),
            "Cmd": .array([.string("mysql"), .string("-u"), .string("root"), .string("-pwhatever")]),
            "Nested": .object(["note": .string("the password is \(secret).")]),
            "Count": .int(3),
        ]))
        let scrubbedJSON = String(decoding: redactor.scrub(json)!.data, as: UTF8.self)
        XCTAssertFalse(scrubbedJSON.contains(secret), scrubbedJSON)
        XCTAssertFalse(scrubbedJSON.contains("whatever"), scrubbedJSON)
        XCTAssertTrue(scrubbedJSON.contains("APP_KEY=<redacted>"), scrubbedJSON)
        XCTAssertTrue(scrubbedJSON.contains("MYSQL_ROOT_PASSWORD=<redacted>"), scrubbedJSON)
        XCTAssertTrue(scrubbedJSON.contains("\"-p<redacted>\""), scrubbedJSON)
        XCTAssertTrue(scrubbedJSON.contains("the password is <redacted>."), scrubbedJSON)
        XCTAssertTrue(scrubbedJSON.contains("\"Count\":3"), scrubbedJSON)

        let text = redactor.scrub(.text("login ok\nuser=root pass=\(secret)\n"))
        XCTAssertEqual(text, .text("login ok\nuser=root pass=<redacted>\n"))

        let binary = Data([1, 0, 0, 0, 0, 0, 0, 20]) + Data("pw: \(secret)\n".utf8) + Data([0, 255])
        guard case .base64(let scrubbed)? = redactor.scrub(.base64(binary)) else { return XCTFail() }
        XCTAssertNil(scrubbed.range(of: Data(secret.utf8)))
        XCTAssertNotNil(scrubbed.range(of: Data("pw: <redacted>\n".utf8)))
        XCTAssertEqual(scrubbed.prefix(8), Data([1, 0, 0, 0, 0, 0, 0, 20]))

        let request = redactor.scrub(Fixture.Request(method: "POST", path: "/secrets/\(secret)", apiVersion: "1.41",
                                                     query: [QueryItem("password", secret)], headers: ["X-Registry-Auth": "abc"]))
        XCTAssertEqual(request.path, "/secrets/<redacted>")
        XCTAssertEqual(request.query, [QueryItem("password", "<redacted>")])
        XCTAssertEqual(request.headers?["X-Registry-Auth"], "<redacted>")
    }

    func testReplayComparesScrubbedRequests() async throws {
        // Recorded with the secret scrubbed; the replayed request carries the real secret and still matches.
        let replay = ReplayTransport(fixture: fixture([
            unary("POST", "/containers/create", body: .json(.object(["Env": .array([.string("TOKEN_X=<redacted>"), .string("A=<redacted>")])])),
                  headers: ["Content-Type": "application/json"]),
        ]), secrets: ["topsecret"])
        _ = try await docker(replay).send("POST", "/containers/create",
                                          body: .data(Data(#"{"Env":["TOKEN_X=abc","A=topsecret"]}"#.utf8), contentType: "application/json"))
        XCTAssertNoThrow(try replay.assertFinished())
    }
}

/// Header lookup ignores ASCII case only.
final class HTTPHeadersTests: XCTestCase {
    func testLookupIgnoresCase() {
        let headers = HTTPHeaders([("Api-Version", "1.41"), ("OSType", "linux"), ("X-[", "a")])
        XCTAssertEqual(headers["api-version"], "1.41")
        XCTAssertEqual(headers["API-VERSION"], "1.41")
        XCTAssertEqual(headers["Ostype"], "linux")
        XCTAssertNil(headers["Api-Versio"])
        XCTAssertNil(headers["X-{"], "only letters fold")
        XCTAssertEqual(headers["x-["], "a")
    }

    func testStatusAndHeadersAreParsedFromTheWire() async throws {
        let fake = try fakeDaemon { _, c in
            c.send("HTTP/1.1 201 Created\r\nApi-Version:1.41\r\nX-Spaces:   padded value  \r\nX-Empty:\r\nContent-Length: 2\r\n\r\n{}")
        }
        let response = try await CurlTransport(host: .unix(path: fake.path)).execute(DockerRequest(method: "GET", path: "/x"))
        XCTAssertEqual(response.status, 201)
        XCTAssertEqual(response.headers["api-version"], "1.41")
        XCTAssertEqual(response.headers["X-Spaces"], "padded value")
        XCTAssertEqual(response.headers["X-Empty"], "")
        XCTAssertEqual(response.body, Data("{}".utf8))
    }
}
