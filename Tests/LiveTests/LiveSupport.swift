import DockerSDK
import Foundation
import XCTest

/// The live daemon gate: under CI=true a missing daemon fails the test; elsewhere it skips with the reason.
enum Live {
    static let isCI = ProcessInfo.processInfo.environment["CI"] == "true"

    /// A client for the real daemon, after a successful ping.
    static func client(file: StaticString = #filePath, line: UInt = #line) async throws -> DockerClient {
        do {
            let docker = try DockerClient()
            _ = try await docker.system.ping()
            try await checkEngine(docker, file: file, line: line)
            return docker
        } catch {
            if isCI {
                XCTFail("CI=true requires a live daemon: \(error)", file: file, line: line)
                throw error
            }
            throw XCTSkip("no Docker daemon answers (\(error)); live tests skip outside CI")
        }
    }

    /// Something a live test needs is missing: a failure under CI, a skip elsewhere.
    static func unavailable(_ reason: String, file: StaticString = #filePath, line: UInt = #line) throws -> Never {
        if isCI { XCTFail(reason, file: file, line: line) }
        throw XCTSkip(reason)
    }

    /// A unique name for something a test creates.
    static func name(_ prefix: String) -> String {
        "dockersdk-test-\(prefix)-\(UInt32.random(in: 0...UInt32.max))"
    }

    /// Labels for everything a test creates.
    static func labels(_ test: String) -> [String: String] {
        ["com.dockersdk.recipe": "live-test", "com.dockersdk.instance": test]
    }
}
