import DockerSDK
import Foundation
import XCTest

/// `dockersdk-demo image import`: a redrawn progress display on a terminal (under script(1)), plain lines into
/// a pipe, no colour with NO_COLOR, and `--json` with nothing but JSON on stdout.
final class DemoProgressLiveTests: XCTestCase {
    private static let esc = "\u{1B}"

    /// A tarball of `megabytes` of deterministic bytes, in a fresh temporary folder.
    private func tarball(megabytes: Int) throws -> String {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("dockersdk-progress-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        addTeardownBlock { try? FileManager.default.removeItem(at: dir) }
        var bytes = Data(count: megabytes << 20)
        var state: UInt64 = 7
        bytes.withUnsafeMutableBytes { raw in
            for i in 0..<raw.count {
                state = state &* 6364136223846793005 &+ 1442695040888963407
                raw[i] = UInt8(truncatingIfNeeded: state >> 33)
            }
        }
        try bytes.write(to: dir.appendingPathComponent("blob"))
        let tar = try Exec.run("/bin/tar", ["-C", dir.path, "-cf", dir.appendingPathComponent("blob.tar").path, "blob"])
        XCTAssertEqual(tar.status, 0, String(decoding: tar.stderr, as: UTF8.self))
        return dir.appendingPathComponent("blob.tar").path
    }

    /// A unique reference, removed after the test.
    private func reference(_ docker: DockerClient, _ tag: String) -> String {
        let reference = "dockersdk-test/progress-\(UInt32.random(in: 0...UInt32.max)):\(tag)"
        addTeardownBlock { _ = try? await docker.images.remove(reference, force: true) }
        return reference
    }

    private func script() throws -> String {
        let path = "/usr/bin/script"
        guard FileManager.default.isExecutableFile(atPath: path) else { try Live.unavailable("script(1) (bsdutils) is missing") }
        return path
    }

    /// Runs `command` on a pseudo-terminal through script(1); returns what the terminal received and the exit code.
    private func onTerminal(_ command: String, environment: String = "") throws -> (output: String, status: Int32) {
        let log = FileManager.default.temporaryDirectory.appendingPathComponent("dockersdk-tty-\(UUID().uuidString).log")
        defer { try? FileManager.default.removeItem(at: log) }
        // -e: script exits with the command's status; COLUMNS for a terminal that reports no size.
        // The test runner may set NO_COLOR itself: each test says what it wants.
        let run = try Exec.run(try script(), ["-q", "-e", "-c", "env -u NO_COLOR TERM=xterm COLUMNS=100 \(environment) \(command)", log.path],
                               timeout: 60)
        let output = (try? String(contentsOf: log, encoding: .utf8)) ?? ""
        return (output, run.status)
    }

    func testImportDrawsAProgressDisplayOnATerminal() async throws {
        let docker = try await Live.client()
        let demo = try Exec.demo
        let tar = try tarball(megabytes: 24)
        let reference = reference(docker, "tty")
        let (output, status) = try onTerminal("\(demo) image import \(tar) \(reference)")
        XCTAssertEqual(status, 0, output)
        // ConsoleKit redraws its frame in place: cursor up, erase line, then the next frame.
        XCTAssertTrue(output.contains("\(Self.esc)[1A\(Self.esc)[2K"), output)
        XCTAssertTrue(output.contains("importing \(reference)"), output)
        XCTAssertTrue(output.contains("25.2 MB of 25.2 MB"), "the whole upload, with its size: \(output)")
        XCTAssertTrue(output.contains("\(Self.esc)[0;32mdone"), "the success frame, in colour: \(output)")
        XCTAssertTrue(output.contains("imported \(reference) (sha256:"), output)
        let exists = try await docker.images.exists(reference)
        XCTAssertTrue(exists)
    }

    func testNoColorKeepsTheDisplayButDropsColour() async throws {
        let docker = try await Live.client()
        let demo = try Exec.demo
        let tar = try tarball(megabytes: 16)
        let reference = reference(docker, "nocolor")
        let (output, status) = try onTerminal("\(demo) image import \(tar) \(reference)", environment: "NO_COLOR=1")
        XCTAssertEqual(status, 0, output)
        XCTAssertTrue(output.contains("\(Self.esc)[1A\(Self.esc)[2K"), "still redrawn: \(output)")
        XCTAssertTrue(output.contains("done"), output)
        XCTAssertFalse(output.contains("\(Self.esc)[0;"), "no colour sequence: \(output)")
    }

    func testImportIntoAPipeWritesPlainLines() async throws {
        let docker = try await Live.client()
        let demo = try Exec.demo
        let tar = try tarball(megabytes: 24)
        let reference = reference(docker, "pipe")
        let run = try Exec.run(demo, ["image", "import", tar, reference], timeout: 60)
        let stdout = String(decoding: run.stdout, as: UTF8.self)
        let stderr = String(decoding: run.stderr, as: UTF8.self)
        XCTAssertEqual(run.status, 0, stderr)
        XCTAssertFalse(stdout.contains(Self.esc) || stderr.contains(Self.esc), "no escape sequences in a pipe")
        let lines = stderr.split(separator: "\n").map(String.init)
        XCTAssertTrue(lines.contains { $0.hasPrefix("importing \(reference): 100% 25.2 MB of 25.2 MB") }, stderr)
        XCTAssertTrue(lines.last?.hasPrefix("importing \(reference): done 25.2 MB of 25.2 MB, in ") == true, stderr)
        XCTAssertTrue(lines.allSatisfy { $0.hasPrefix("importing \(reference): ") }, stderr)
        XCTAssertTrue(stdout.hasPrefix("imported \(reference) (sha256:"), stdout)
        XCTAssertEqual(stdout.split(separator: "\n").count, 1, "stdout holds the result only")
    }

    func testImportJSONPrintsOnlyJSON() async throws {
        let docker = try await Live.client()
        let demo = try Exec.demo
        let tar = try tarball(megabytes: 1)
        let reference = reference(docker, "json")
        let run = try Exec.run(demo, ["image", "import", "--json", tar, reference], timeout: 60)
        XCTAssertEqual(run.status, 0, String(decoding: run.stderr, as: UTF8.self))
        XCTAssertTrue(run.stderr.isEmpty, String(decoding: run.stderr, as: UTF8.self))
        let object = try JSONSerialization.jsonObject(with: run.stdout) as? [String: Any]
        XCTAssertEqual(object?["reference"] as? String, reference)
        XCTAssertTrue((object?["id"] as? String)?.hasPrefix("sha256:") == true, "\(String(describing: object))")
        let inspected = try await docker.images.inspect(reference)
        XCTAssertEqual(inspected.id, object?["id"] as? String)
    }

    /// A recipe step is a spinner on a terminal that settles into a `==>` line before the result is printed;
    /// into a pipe it is a plain timestamped line on stderr. (`down` of a deployment that does not exist: quick.)
    func testRecipeStepsSpinOnATerminalAndArePlainLinesInAPipe() async throws {
        _ = try await Live.client()
        let demo = try Exec.demo
        let prefix = "dsdkspin\(UInt16.random(in: 0...UInt16.max))"
        let (output, status) = try onTerminal("\(demo) redis-cluster down --name-prefix \(prefix)")
        XCTAssertEqual(status, 0, output)
        let settled = output.range(of: "==>\(Self.esc)[0m removing \(prefix) (")
        // The result line itself (the same words can be the spinner's detail, a frame that ends with its time).
        let result = output.range(of: "removed 0 containers, 0 networks, 0 volumes\r\n")
        XCTAssertNotNil(settled, output)
        XCTAssertNotNil(result, output)
        if let settled, let result { XCTAssertLessThan(settled.lowerBound, result.lowerBound, "the step settles first: \(output)") }
        // (Whether a spinner frame was drawn before the step ended depends on timing: not asserted.)

        let piped = try Exec.run(demo, ["redis-cluster", "down", "--name-prefix", prefix])
        XCTAssertEqual(piped.status, 0)
        let stderr = String(decoding: piped.stderr, as: UTF8.self)
        XCTAssertFalse(stderr.contains(Self.esc), stderr)
        XCTAssertTrue(stderr.contains("s] ==> removing \(prefix)"), stderr)
        XCTAssertEqual(String(decoding: piped.stdout, as: UTF8.self), "removed 0 containers, 0 networks, 0 volumes\n")
    }
}
