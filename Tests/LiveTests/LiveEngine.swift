import DockerSDK
import Foundation
import XCTest

/// Which engine the live tests run against: Docker by default, Podman under `DOCKERSDK_ENGINE=podman`
/// (scripts/test.sh sets it, with DOCKER_HOST on Podman's socket).
extension Live {
    /// The engine the run asked for (`DOCKERSDK_ENGINE`), docker when unset.
    static let expectedEngine: Engine.Kind = ProcessInfo.processInfo.environment["DOCKERSDK_ENGINE"] == "podman" ? .podman : .docker

    /// Whether this run targets Podman.
    static var isPodman: Bool { expectedEngine == .podman }

    /// Fails when the daemon found is not the engine the run asked for (a Podman leg that reached dockerd
    /// would prove nothing).
    static func checkEngine(_ docker: DockerClient, file: StaticString = #filePath, line: UInt = #line) async throws {
        guard ProcessInfo.processInfo.environment["DOCKERSDK_ENGINE"] != nil else { return }
        let engine = try await docker.engine()
        if engine.kind != expectedEngine {
            XCTFail("DOCKERSDK_ENGINE=\(expectedEngine.rawValue) but \(docker.host) is \(engine)", file: file, line: line)
            throw DockerError.invalidArgument("wrong engine: \(engine)")
        }
    }

    /// Skips (also under CI) a test that needs something only dockerd has, when the run targets Podman.
    /// Every use is listed in the README's Podman section.
    static func requireDockerEngine(_ reason: String) throws {
        if isPodman { throw XCTSkip("not on Podman: \(reason)") }
    }

    /// For a test of Swarm mode (which Podman 4.3 does not have): on Podman, checks that the engine under
    /// test refuses Swarm calls with the typed `.swarm(reason: .notInSwarm)` (`GET /swarm`, `GET /services`)
    /// and then skips; on Docker it does nothing. Every use is listed in the README's Podman section.
    static func requireSwarmMode(_ reason: String, file: StaticString = #filePath, line: UInt = #line) async throws {
        guard isPodman else { return }
        let docker = try await client(file: file, line: line)
        let calls: [(String, @Sendable () async throws -> Void)] = [
            ("GET /swarm", { _ = try await docker.swarm.inspect() }), ("GET /services", { _ = try await docker.services.list() }),
        ]
        for (route, call) in calls {
            do {
                try await call()
                XCTFail("Podman answered \(route), a Swarm call", file: file, line: line)
            } catch DockerError.swarm(reason: .notInSwarm, let message) {
                XCTAssertTrue(message.contains("Podman"), message, file: file, line: line)
            } catch {
                XCTFail("\(route) on Podman: expected .swarm(.notInSwarm), got \(error)", file: file, line: line)
            }
        }
        throw XCTSkip("not on Podman (its typed Swarm refusal was checked): \(reason)")
    }
}

