import DockerSDK
import Foundation
import XCTest

/// The System area against exchanges recorded from dockerd 20.10 (API 1.41) and synthesized for Docker 29 (API 1.52).
final class SystemFixtureTests: XCTestCase {
    func testPingVersionInfoDiskUsage() async throws {
        let session = try fixture("system-info")
        let docker = session.docker
        let version = try await docker.system.version()
        let negotiated = try await docker.apiVersion()
        let info = try await docker.system.info()
        let df = try await docker.system.diskUsage()
        try session.finish()

        XCTAssertEqual(negotiated, APIVersion(1, 41))
        XCTAssertEqual(version.apiVersion, "1.41")
        XCTAssertEqual(version.minAPIVersion, "1.12")
        XCTAssertEqual(version.os, "linux")
        XCTAssertTrue(version.components?.contains { $0.name == "Engine" } ?? false)
        XCTAssertEqual(info.serverVersion, version.version)
        XCTAssertEqual(info.osType, "linux")
        XCTAssertGreaterThanOrEqual(info.images, 1)
        XCTAssertNotNil(df.layersSize)
        XCTAssertTrue(df.images?.contains { $0.repoTags?.contains("dockersdk/busybox:latest") == true } ?? false)
        if let replay = session.replay {
            // Requests went to /v1.41 after one unversioned ping.
            XCTAssertEqual(replay.fixture.exchanges.first?.request.path, "/_ping")
            XCTAssertNil(replay.fixture.exchanges.first?.request.apiVersion)
            XCTAssertTrue(replay.fixture.exchanges.dropFirst().allSatisfy { $0.request.apiVersion == "1.41" })
        }
    }

    func testEventsBetweenTwoTimesAreTyped() async throws {
        let session = try fixture("system-events", chunkSize: 7)
        let docker = session.docker
        let name = "dockersdk-fx-events"
        // The window is the recording's own: replays take it from the recorded query.
        let recorded = session.replay?.fixture.exchanges.first { $0.request.path == "/events" }?.request.query
        func recordedTime(_ name: String) -> Date? {
            recorded?.first { $0.name == name }.flatMap { Double($0.value) }.map { Date(timeIntervalSince1970: $0) }
        }
        let start = recordedTime("since") ?? Date(timeIntervalSince1970: Date().timeIntervalSince1970.rounded(.down) - 1)
        let id = try await docker.containers.create(
            ContainerCreate(image: "dockersdk/busybox:latest", cmd: ["true"], labels: ["com.dockersdk.recipe": "fixture"]),
            name: name).id
        try await docker.containers.start(id)
        _ = try await docker.containers.wait(id)
        try await docker.containers.remove(id)
        let end = recordedTime("until") ?? Date(timeIntervalSince1970: Date().timeIntervalSince1970.rounded(.up) + 1)
        var actions: [String] = []
        for try await event in try await docker.system.events(since: start, until: end,
                                                              filters: ["container": [name], "type": ["container"]]) {
            XCTAssertEqual(event.type, "container")
            XCTAssertEqual(event.actor.id, id)
            XCTAssertEqual(event.actor.attributes?["name"], name)
            actions.append(event.action)
        }
        try session.finish()
        XCTAssertEqual(actions.filter { ["create", "start", "die", "destroy"].contains($0) }, ["create", "start", "die", "destroy"])
    }

    func testDocker29NegotiatesAPI152() async throws {
        let session = try fixture("docker29-negotiate", apiVersion: "1.52")
        let version = try await session.docker.system.version()
        let negotiated = try await session.docker.apiVersion()
        try session.finish()
        XCTAssertEqual(negotiated, APIVersion(1, 52))
        XCTAssertEqual(version.apiVersion, "1.52")
        XCTAssertEqual(version.minAPIVersion, "1.44")
        XCTAssertEqual(session.replay?.fixture.synthesized, true)
    }

    func testDocker29RefusesAClientForcedTo141() async throws {
        let replay = try ReplayTransport(path: "\(fixturesDirectory)/v1.52/docker29-too-old.json")
        let docker = try DockerClient(host: .unix(path: "/replay"), transport: replay, environment: ["DOCKER_API_VERSION": "1.41"])
        do {
            _ = try await docker.system.info()
            XCTFail("a Docker 29 daemon refuses API 1.41")
        } catch DockerError.unsupportedAPIVersion(let requested, let message) {
            XCTAssertEqual(requested, APIVersion(1, 41))
            XCTAssertTrue(message.contains("client version 1.41 is too old"), message)
            XCTAssertTrue(message.contains("Minimum supported API version is 1.44"), message)
        }
        try replay.assertFinished()
        XCTAssertTrue(replay.fixture.synthesized)
    }
}
