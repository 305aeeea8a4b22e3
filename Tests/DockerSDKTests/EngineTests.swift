import DockerSDK
import XCTest

/// Engine detection from the ping headers Docker and Podman send (values as seen here).
final class EngineTests: XCTestCase {
    func testDockerdIsDocker() {
        let ping = PingResult(headers: HTTPHeaders([("Api-Version", "1.41"), ("Server", "Docker/20.10.24+dfsg1 (linux)")]))
        XCTAssertEqual(ping.engine, Engine(kind: .docker, version: "20.10.24+dfsg1", apiVersion: APIVersion(1, 41)))
        XCTAssertTrue(ping.engine.isDocker)
        XCTAssertFalse(ping.engine.isPodman)
    }

    func testPodmanIsPodmanByItsLibpodHeader() {
        let ping = PingResult(headers: HTTPHeaders([("Api-Version", "1.41"), ("Libpod-Api-Version", "4.3.1"),
                                                    ("Server", "Libpod/4.3.1 (linux)")]))
        XCTAssertEqual(ping.engine, Engine(kind: .podman, version: "4.3.1", apiVersion: APIVersion(1, 41)))
        XCTAssertEqual(ping.engine.description, "podman 4.3.1")
    }

    func testPodmanIsPodmanByItsServerHeaderAlone() {
        let ping = PingResult(headers: HTTPHeaders([("Api-Version", "1.40"), ("Server", "Libpod/3.4.4 (linux)")]))
        XCTAssertEqual(ping.engine.kind, .podman)
        XCTAssertEqual(ping.engine.version, "3.4.4")
    }

    func testNoHeadersIsUnknown() {
        let ping = PingResult(headers: HTTPHeaders([("Api-Version", "1.41")]))
        XCTAssertEqual(ping.engine.kind, .unknown)
        XCTAssertNil(ping.engine.version)
        XCTAssertEqual(ping.engine.apiVersion, APIVersion(1, 41))
    }
}
