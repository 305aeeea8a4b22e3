import DockerSDK
import Foundation
import XCTest

/// Podman answers `GET /version` by running the package manager for each component (about 1 s, serialised
/// with the service's other processes): concurrent `version()` calls on Podman share one request; on
/// Docker each call sends its own.
final class PodmanVersionSharingTests: XCTestCase {
    func testConcurrentVersionCallsOnPodmanShareOneRequest() async throws {
        let transport = CountingTransport(podman: true)
        let docker = try DockerClient(host: .unix(path: "/counting"), transport: transport, environment: [:])
        let versions = try await Self.versions(docker, count: 20)
        XCTAssertEqual(versions, Array(repeating: "4.3.1", count: 20))
        XCTAssertEqual(transport.versionRequests, 1)
        // Once it answered, the next call asks again (nothing is cached beyond the call in flight).
        _ = try await docker.system.version()
        XCTAssertEqual(transport.versionRequests, 2)
    }

    func testConcurrentVersionCallsOnDockerEachSendTheirOwn() async throws {
        let transport = CountingTransport(podman: false)
        let docker = try DockerClient(host: .unix(path: "/counting"), transport: transport, environment: [:])
        let versions = try await Self.versions(docker, count: 20)
        XCTAssertEqual(versions.count, 20)
        XCTAssertEqual(transport.versionRequests, 20)
    }

    func testAFailedSharedRequestFailsEveryWaiterAndTheNextCallAsksAgain() async throws {
        let transport = CountingTransport(podman: true, failVersion: true)
        let docker = try DockerClient(host: .unix(path: "/counting"), transport: transport, environment: [:])
        let failures = await withTaskGroup(of: Bool.self) { group in
            for _ in 0..<10 { group.addTask { (try? await docker.system.version()) == nil } }
            return await group.reduce(0) { $0 + ($1 ? 1 : 0) }
        }
        XCTAssertEqual(failures, 10)
        XCTAssertEqual(transport.versionRequests, 1)
        _ = try? await docker.system.version()
        XCTAssertEqual(transport.versionRequests, 2)
    }

    private static func versions(_ docker: DockerClient, count: Int) async throws -> [String] {
        try await withThrowingTaskGroup(of: String.self) { group in
            for _ in 0..<count { group.addTask { try await docker.system.version().version } }
            return try await group.reduce(into: []) { $0.append($1) }
        }
    }
}

/// Answers `/_ping` as Podman 4.3 or dockerd 20.10 do (headers as seen here) and `/version` after 300 ms,
/// counting the `/version` requests.
private final class CountingTransport: DockerTransport, @unchecked Sendable {
    let podman: Bool
    let failVersion: Bool
    private let lock = NSLock()
    private var count = 0
    var versionRequests: Int { lock.withLock { count } }
    var hostDescription: String { "counting" }

    init(podman: Bool, failVersion: Bool = false) {
        self.podman = podman
        self.failVersion = failVersion
    }

    func execute(_ request: DockerRequest) async throws -> DockerResponse {
        if request.path == "/_ping" {
            let headers: [(String, String)] = podman
                ? [("Api-Version", "1.41"), ("Libpod-Api-Version", "4.3.1"), ("Server", "Libpod/4.3.1 (linux)")]
                : [("Api-Version", "1.41"), ("Server", "Docker/20.10.24+dfsg1 (linux)")]
            return DockerResponse(status: 200, headers: HTTPHeaders(headers), body: Data("OK".utf8))
        }
        guard request.path == "/version" else { return DockerResponse(status: 404, headers: HTTPHeaders(), body: Data()) }
        lock.withLock { count += 1 }
        try await Task.sleep(for: .milliseconds(300))
        if failVersion {
            return DockerResponse(status: 500, headers: HTTPHeaders(), body: Data(#"{"message":"dpkg failed"}"#.utf8))
        }
        return DockerResponse(status: 200, headers: HTTPHeaders(), body: Data(#"{"Version":"\#(podman ? "4.3.1" : "20.10.24")","ApiVersion":"1.41","Os":"linux","Arch":"amd64"}"#.utf8))
    }

    func stream(_ request: DockerRequest) async throws -> DockerStreamResponse {
        DockerStreamResponse(status: 200, headers: HTTPHeaders(), body: .chunks([]))
    }

    func hijack(_ request: DockerRequest) async throws -> any HijackedConnection {
        throw DockerError.invalidArgument("no hijack here")
    }
}
