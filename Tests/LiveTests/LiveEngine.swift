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
}
