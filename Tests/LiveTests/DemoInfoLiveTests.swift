import DockerSDK
import Foundation
import XCTest

/// `dockersdk-demo info`: the negotiated API version matches the docker CLI's view; a missing socket
/// gives one clear line and a non-zero exit, fast.
final class DemoInfoLiveTests: XCTestCase {
    func testInfoJSONReportsTheSameAPIVersionAsTheDockerCLI() async throws {
        _ = try await Live.client()
        let demo = try Exec.run(try Exec.demo, ["info", "--json"])
        XCTAssertEqual(demo.status, 0, String(decoding: demo.stderr, as: UTF8.self))
        let report = try JSONSerialization.jsonObject(with: demo.stdout) as? [String: Any]
        let cli = try Exec.run(Exec.docker, ["version", "--format", "{{.Server.APIVersion}}"])
        XCTAssertEqual(cli.status, 0, String(decoding: cli.stderr, as: UTF8.self))
        let cliVersion = String(decoding: cli.stdout, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
        XCTAssertEqual(report?["apiVersion"] as? String, cliVersion)
        XCTAssertNotNil(report?["serverVersion"] as? String)
        // The daemon the run targets: DOCKER_HOST (Podman's socket under DOCKERSDK_ENGINE=podman), else the default.
        XCTAssertEqual(report?["host"] as? String, ProcessInfo.processInfo.environment["DOCKER_HOST"] ?? "unix:///var/run/docker.sock")
    }

    func testAMissingSocketGivesOneClearLineAndFails() throws {
        let demo = try Exec.demo
        let process = Process()
        process.executableURL = URL(fileURLWithPath: demo)
        process.arguments = ["info"]
        process.environment = ["DOCKER_HOST": "unix:///nonexistent.sock", "PATH": "/usr/bin:/bin"]
        let out = Pipe(), err = Pipe()
        process.standardOutput = out
        process.standardError = err
        let started = Date()
        try process.run()
        process.waitUntilExit()
        let stderr = String(decoding: err.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        let lines = stderr.split(separator: "\n")
        XCTAssertNotEqual(process.terminationStatus, 0)
        XCTAssertEqual(lines.count, 1, stderr)
        XCTAssertTrue(stderr.contains("/nonexistent.sock"), stderr)
        XCTAssertTrue(stderr.contains("Cannot connect to the Docker daemon"), stderr)
        XCTAssertLessThan(Date().timeIntervalSince(started), 10, "no hang")
        XCTAssertTrue(out.fileHandleForReading.readDataToEndOfFile().isEmpty)
    }
}
