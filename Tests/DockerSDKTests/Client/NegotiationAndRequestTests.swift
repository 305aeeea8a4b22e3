@testable import DockerSDK
import Foundation
import XCTest

/// Version negotiation and the exact requests the daemon receives.
final class NegotiationAndRequestTests: XCTestCase {
    /// A fake that answers `/_ping` with `apiVersion` and everything else with `{}`.
    private func negotiatingFake(apiVersion: String) throws -> FakeDaemon {
        try fakeDaemon { request, c in
            c.send(request.path == "/_ping" ? Raw.ping(apiVersion: apiVersion) : Raw.json("{}"))
        }
    }

    func testNegotiatesTheDaemonsVersionOnce() async throws {
        let fake = try negotiatingFake(apiVersion: "1.45")
        let docker = try client(for: fake, apiVersion: nil)
        _ = try await docker.send("GET", "/info")
        _ = try await docker.send("GET", "/version")
        XCTAssertEqual(fake.requests.map(\.target), ["/_ping", "/v1.45/info", "/v1.45/version"])
        let version = try await docker.apiVersion()
        XCTAssertEqual(version, APIVersion(1, 45))
    }

    func testCapsANewerDaemonAtTheNewestSupported() async throws {
        let fake = try negotiatingFake(apiVersion: "1.60")
        let docker = try client(for: fake, apiVersion: nil)
        _ = try await docker.send("GET", "/info")
        XCTAssertEqual(fake.requests.map(\.target), ["/_ping", "/v\(APIVersion.newestSupported)/info"])
        XCTAssertEqual(APIVersion.newestSupported, APIVersion(1, 52))
    }

    func testEnvironmentVersionSkipsThePing() async throws {
        let fake = try negotiatingFake(apiVersion: "1.45")
        let docker = try client(for: fake, apiVersion: nil, environment: ["DOCKER_API_VERSION": "1.41"])
        _ = try await docker.send("GET", "/info")
        XCTAssertEqual(fake.requests.map(\.target), ["/v1.41/info"])
        XCTAssertThrowsError(try client(for: fake, apiVersion: nil, environment: ["DOCKER_API_VERSION": "latest"])) {
            guard case .invalidArgument? = $0 as? DockerError else { return XCTFail("got \($0)") }
        }
    }

    func testAFailedPingIsNotCached() async throws {
        let pings = Counter()
        let fake = try fakeDaemon { request, c in
            if request.path == "/_ping" {
                if pings.increment() == 1 {
                    c.send(Raw.response(500, reason: "Internal Server Error", body: #"{"message":"starting up"}"#))
                } else {
                    c.send(Raw.ping(apiVersion: "1.43"))
                }
            } else {
                c.send(Raw.json("{}"))
            }
        }
        let docker = try client(for: fake, apiVersion: nil)
        let error = dockerError(await expectError { try await docker.send("GET", "/info") })
        XCTAssertEqual(error, .serverError(status: 500, message: "starting up"))
        _ = try await docker.send("GET", "/info")
        XCTAssertEqual(fake.requests.map(\.target), ["/_ping", "/_ping", "/v1.43/info"])
    }

    func testConcurrentFirstCallsPingOnce() async throws {
        let fake = try negotiatingFake(apiVersion: "1.44")
        let docker = try client(for: fake, apiVersion: nil)
        try await withThrowingTaskGroup(of: Void.self) { group in
            for _ in 0..<6 { group.addTask { _ = try await docker.send("GET", "/info") } }
            try await group.waitForAll()
        }
        XCTAssertEqual(fake.requests.filter { $0.path == "/_ping" }.count, 1)
        XCTAssertEqual(fake.requests.filter { $0.target == "/v1.44/info" }.count, 6)
    }

    func testGETWithFiltersIsPercentEncoded() async throws {
        let fake = try fakeDaemon { _, c in c.send(Raw.json("[]")) }
        let docker = try client(for: fake)
        var query = [QueryItem("all", "1")]
        query.append(Filters.label("com.dockersdk.recipe", "x y").adding("status", "running").queryItem!)
        _ = try await docker.send("GET", "/containers/json", query: query)
        let request = try XCTUnwrap(fake.requests.first)
        XCTAssertEqual(request.method, "GET")
        XCTAssertEqual(request.target,
                       "/v1.41/containers/json?all=1&filters=%7B%22label%22%3A%5B%22com.dockersdk.recipe%3Dx%20y%22%5D%2C%22status%22%3A%5B%22running%22%5D%7D")
        let decoded = request.target.split(separator: "filters=").last!.removingPercentEncoding
        XCTAssertEqual(decoded, #"{"label":["com.dockersdk.recipe=x y"],"status":["running"]}"#)
        XCTAssertNil(request.header("Content-Type"))
        XCTAssertNil(request.header("Expect"))
        XCTAssertTrue(request.body.isEmpty)
    }

    func testPOSTSendsContentTypeAndBodyWithoutExpect() async throws {
        let fake = try fakeDaemon { _, c in c.send(Raw.response(201, reason: "Created", body: #"{"Id":"abc"}"#)) }
        let docker = try client(for: fake)
        struct Create: Encodable { let Image: String; let Cmd: [String] }
        _ = try await docker.send("POST", "/containers/create", query: [QueryItem("name", "a/b")],
                                  body: try .json(Create(Image: "busybox", Cmd: ["echo", "hi"])))
        // Large bodies are where curl would add `Expect: 100-continue` and wait for the daemon.
        let big = Data(repeating: UInt8(ascii: "a"), count: 2 << 20)
        _ = try await docker.send("POST", "/build", body: .data(big, contentType: "application/x-tar"))
        _ = try await docker.send("POST", "/containers/abc/start")
        _ = try await docker.send("DELETE", "/containers/abc", query: [QueryItem("force", "true")])
        let requests = fake.requests
        XCTAssertEqual(requests.count, 4)
        XCTAssertEqual(requests[0].method, "POST")
        XCTAssertEqual(requests[0].target, "/v1.41/containers/create?name=a%2Fb")
        XCTAssertEqual(requests[0].header("Content-Type"), "application/json")
        XCTAssertEqual(String(decoding: requests[0].body, as: UTF8.self), #"{"Cmd":["echo","hi"],"Image":"busybox"}"#)
        XCTAssertEqual(requests[0].header("Content-Length"), "\(requests[0].body.count)")
        XCTAssertEqual(requests[1].header("Content-Type"), "application/x-tar")
        XCTAssertEqual(requests[1].body, big)
        XCTAssertEqual(requests[2].method, "POST")
        XCTAssertEqual(requests[2].header("Content-Length"), "0")
        XCTAssertEqual(requests[3].method, "DELETE")
        XCTAssertEqual(requests[3].target, "/v1.41/containers/abc?force=true")
        for request in requests {
            XCTAssertNil(request.header("Expect"), "\(request.method) \(request.target) sent Expect")
        }
    }

    func testFileBodyIsUploaded() async throws {
        let dir = try temporaryDirectory()
        let path = dir + "/context.tar"
        let content = Data((0..<300_000).map { UInt8($0 % 251) })
        try content.write(to: URL(fileURLWithPath: path))
        let fake = try fakeDaemon { _, c in c.send(Raw.json("{}")) }
        let docker = try client(for: fake)
        _ = try await docker.send("POST", "/images/load", body: .file(path: path, contentType: "application/x-tar"))
        let request = try XCTUnwrap(fake.requests.first)
        XCTAssertEqual(request.body, content)
        XCTAssertEqual(request.header("Content-Type"), "application/x-tar")
        XCTAssertNil(request.header("Expect"))
    }

    func testSequentialRequestsShareOneConnection() async throws {
        let fake = try fakeDaemon { _, c in c.send(Raw.json(#"{"ok":true}"#)) }
        let transport = CurlTransport(host: .unix(path: fake.path))
        let docker = try client(for: fake, transport: transport)
        for i in 0..<25 { _ = try await docker.send("GET", "/containers/\(i)/json") }
        XCTAssertEqual(fake.requests.count, 25)
        XCTAssertEqual(fake.connectionsAccepted, 1)
        XCTAssertEqual(Set(fake.requests.map(\.connection)), [0])
        XCTAssertEqual(transport.statistics, CurlTransport.Statistics(requests: 25, connectionsOpened: 1))
    }

    func testConnectionClosedByDaemonIsReopened() async throws {
        let fake = try fakeDaemon { _, c in
            c.send(Raw.response(200, headers: ["Connection": "close"], body: "{}"))
            c.close()
        }
        let transport = CurlTransport(host: .unix(path: fake.path))
        let docker = try client(for: fake, transport: transport)
        for _ in 0..<3 { _ = try await docker.send("GET", "/info") }
        XCTAssertEqual(fake.connectionsAccepted, 3)
        XCTAssertEqual(transport.statistics.connectionsOpened, 3)
    }
}

/// A thread-safe counter for fake handlers.
final class Counter: @unchecked Sendable {
    private let lock = NSLock()
    private var value = 0

    @discardableResult
    func increment() -> Int {
        lock.lock()
        defer { lock.unlock() }
        value += 1
        return value
    }

    func add(_ n: Int) {
        lock.lock()
        value += n
        lock.unlock()
    }

    var current: Int {
        lock.lock()
        defer { lock.unlock() }
        return value
    }
}
