import DockerSDK
import Foundation
import XCTest

final class ExecLiveTests: XCTestCase {
    /// (b) 1 MB of random bytes piped into `dockersdk-demo exec C -- cat` come back byte-identical.
    func testDemoExecPipesOneMegabyteThroughCat() async throws {
        let docker = try await Live.client()
        let demo = try Exec.demo
        let input = randomBytes(1 << 20)
        try await LiveContainers.with(docker, "exec-demo-cat") { _, name in
            let result = try Exec.run(demo, ["exec", name, "--", "cat"], stdin: input, timeout: 60)
            XCTAssertEqual(result.status, 0, String(decoding: result.stderr, as: UTF8.self))
            XCTAssertEqual(result.stdout.count, input.count)
            XCTAssertTrue(result.stdout == input, "the bytes came back changed")
            XCTAssertEqual(result.stderr, Data())

            // The exit code and stderr pass through too.
            let failing = try Exec.run(demo, ["exec", name, "--", "sh", "-c", "cat >/dev/null; echo bad >&2; exit 5"],
                                       stdin: Data("ignored".utf8))
            XCTAssertEqual(failing.status, 5)
            XCTAssertEqual(String(decoding: failing.stderr, as: UTF8.self), "bad\n")
        }
    }

    /// (b) The same through the SDK's `exec.run(_:in:stdin:)`.
    func testRunWithStdinRoundTripsOneMegabyte() async throws {
        let docker = try await Live.client()
        let input = randomBytes(1 << 20)
        try await LiveContainers.with(docker, "exec-run-cat") { id, _ in
            let result = try await docker.exec.run(["cat"], in: id, stdin: input)
            XCTAssertEqual(result.exitCode, 0)
            XCTAssertEqual(result.stdout.count, input.count)
            XCTAssertTrue(result.stdout == input, "the bytes came back changed")
            XCTAssertEqual(result.stderr, Data())

            // stdin to stderr: the other stream carries it just as well.
            let toStderr = try await docker.exec.run(["sh", "-c", "cat >&2"], in: id, stdin: input)
            XCTAssertTrue(toStderr.stderr == input)
            XCTAssertEqual(toStderr.stdout, Data())

            // Empty stdin is an immediate EOF.
            let empty = try await docker.exec.run(["wc", "-c"], in: id, stdin: Data())
            XCTAssertEqual(empty.stdoutText.trimmingCharacters(in: .whitespacesAndNewlines), "0")
        }
    }

    func testExitCodesEnvironmentAndConcurrentExecs() async throws {
        let docker = try await Live.client()
        try await LiveContainers.with(docker, "exec-misc") { id, _ in
            let coded = try await docker.exec.run(["sh", "-c", "exit 9"], in: id)
            XCTAssertEqual(coded.exitCode, 9)
            let env = try await docker.exec.run(["sh", "-c", "echo \"$X:$(pwd):$(id -u)\""], in: id, env: ["X=y z"],
                                                workingDir: "/etc", user: "1234")
            XCTAssertEqual(env.stdoutText, "y z:/etc:1234\n")

            // Ten at once, each with its own output.
            let results = try await withThrowingTaskGroup(of: (Int, ExecResult).self) { group in
                for i in 0..<10 {
                    group.addTask { (i, try await docker.exec.run(["sh", "-c", "echo out\(i); echo err\(i) >&2; exit \(i)"], in: id)) }
                }
                return try await group.reduce(into: [Int: ExecResult]()) { $0[$1.0] = $1.1 }
            }
            for i in 0..<10 {
                XCTAssertEqual(results[i]?.stdoutText, "out\(i)\n")
                XCTAssertEqual(results[i]?.stderrText, "err\(i)\n")
                XCTAssertEqual(results[i]?.exitCode, i)
            }
        }
    }

    func testExecInAStoppedContainerIsAConflict() async throws {
        let docker = try await Live.client()
        try await LiveContainers.with(docker, "exec-stopped", cmd: ["true"]) { id, _ in
            _ = try await docker.containers.wait(id)
            do {
                _ = try await docker.exec.run(["true"], in: id)
                XCTFail("expected a conflict")
            } catch DockerError.conflict(let message) {
                // Docker: "Container x is not running"; Podman: "can only create exec sessions on running containers".
                XCTAssertTrue(message.contains("running"), message)
            }
        }
    }
}
