import DockerSDK
import Foundation
import XCTest

final class SystemLiveTests: XCTestCase {
    func testPingVersionInfoAndDiskUsage() async throws {
        let docker = try await Live.client()
        let ping = try await docker.system.ping()
        let version = try await docker.system.version()
        let info = try await docker.system.info()
        let df = try await docker.system.diskUsage()
        XCTAssertEqual(ping.apiVersion?.description, version.apiVersion)
        let negotiated = try await docker.apiVersion()
        XCTAssertEqual(negotiated, min(ping.apiVersion ?? APIVersion.oldestSupported, APIVersion.newestSupported))
        XCTAssertEqual(info.serverVersion, version.version)
        XCTAssertGreaterThanOrEqual(info.images, 1, "setup imports dockersdk/busybox")
        XCTAssertTrue(df.images?.contains { $0.repoTags?.contains("dockersdk/busybox:latest") == true } ?? false)
    }

    func testThousandSequentialRequestsReuseOneConnection() async throws {
        _ = try await Live.client()
        let transport = CurlTransport(host: try HostDiscovery().resolve().host)
        let docker = try DockerClient(transport: transport)
        _ = try await docker.system.ping()
        let before = transport.statistics
        for _ in 0..<1000 { _ = try await docker.system.ping() }
        let after = transport.statistics
        XCTAssertEqual(after.requests - before.requests, 1000)
        XCTAssertEqual(after.connectionsOpened - before.connectionsOpened, 0,
                       "1000 sequential pings after the first must reuse its connection")
        XCTAssertEqual(after.connectionsOpened, 1)
    }

    func testConcurrentFirstCallsNegotiateOnce() async throws {
        _ = try await Live.client()
        let transport = CurlTransport(host: try HostDiscovery().resolve().host)
        let docker = try DockerClient(transport: transport)
        let versions = try await withThrowingTaskGroup(of: APIVersion.self) { group in
            for _ in 0..<20 { group.addTask { try await docker.apiVersion() } }
            return try await group.reduce(into: Set<APIVersion>()) { $0.insert($1) }
        }
        XCTAssertEqual(versions.count, 1)
        XCTAssertEqual(transport.statistics.requests, 1, "one ping for twenty concurrent first calls")
    }
}
