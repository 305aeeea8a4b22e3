import DockerSDK
import Foundation
import XCTest

/// `dockersdk-demo image import`: a redrawn progress display on a terminal (under script(1)), plain lines into
/// a pipe, no colour with NO_COLOR, and `--json` with nothing but JSON on stdout.
final class DemoProgressLiveTests: XCTestCase {
    private static let esc = "\u{1B}"

    /// A tarball of `megabytes` of deterministic bytes (from `seed`), in a fresh temporary folder.
    private func tarball(megabytes: Int, seed: UInt64 = 7) throws -> String {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("dockersdk-progress-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        addTeardownBlock { try? FileManager.default.removeItem(at: dir) }
        var bytes = Data(count: megabytes << 20)
        var state: UInt64 = seed
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

    // MARK: - push and build (a registry of our own on 127.0.0.1:5000)

    /// An image of one layer of `megabytes` random bytes named `reference`, removed after the test. Random per
    /// run: dockerd skips (or mounts) a layer a registry already has, and shows no transfer then.
    private func randomImage(_ docker: DockerClient, _ reference: String, megabytes: Int) async throws {
        let tar = try tarball(megabytes: megabytes, seed: UInt64.random(in: 1...UInt64.max))
        addTeardownBlock { _ = try? await docker.images.remove(reference, force: true) }
        _ = try await docker.images.importTarball(.file(tar), reference: reference).wait()
    }

    /// The frames a redrawn display drew (each frame follows an erase-line sequence), without colour sequences.
    private func frames(_ output: String) -> [String] {
        output.components(separatedBy: "\(Self.esc)[2K").map {
            $0.replacingOccurrences(of: "\(Self.esc)\\[[0-9;]*[A-Za-z]", with: "", options: .regularExpression)
        }
    }

    /// A frame of a bar with its percentage and bytes (`[=====>     ]  42% 12.3 MB of 29.1 MB`), and whether
    /// one of those also shows the rate (`, 5.1 MB/s`).
    private func bars(_ frames: [String], title: String) -> (bars: [String], withRate: [String]) {
        let bar = "\\[=*>? *\\] +[0-9]{1,3}% [0-9.]+ [kMG]?B of [0-9.]+ [kMG]?B"
        let escapedTitle = NSRegularExpression.escapedPattern(for: title)
        let bars = frames.filter { $0.range(of: "\(escapedTitle) \(bar)", options: .regularExpression) != nil }
        let withRate = bars.filter { $0.range(of: "\(bar)(, [0-9]+ layers)?, [0-9.]+ [kMG]?B/s", options: .regularExpression) != nil }
        return (bars, withRate)
    }

    func testPushDrawsABarWithRateOnATerminalAndPlainLinesInAPipe() async throws {
        try Live.requireDockerEngine("Podman 4.3 sends no per-layer push progress, so there is no bar to draw (README, Podman)")
        let docker = try await Live.client()
        try LiveRegistry.requireRunning()
        let demo = try Exec.demo
        // 64 MB of random bytes: compressing and sending them takes dockerd well over the display's 100 ms frame.
        let tty = "\(LiveRegistry.plain)/\(Live.name("progress-push")):tty"
        try await randomImage(docker, tty, megabytes: 64)
        // A wide terminal: a frame is cut at its width, and these long names would push the numbers out of it.
        let (output, status) = try onTerminal("\(demo) image push \(tty)", environment: "COLUMNS=160")
        XCTAssertEqual(status, 0, output)
        let (bars, withRate) = bars(frames(output), title: "pushing \(tty)")
        XCTAssertFalse(bars.isEmpty, "a bar with its percentage was drawn: \(output)")
        XCTAssertFalse(withRate.isEmpty, "and the rate: \(bars)")
        XCTAssertTrue(output.contains("\(Self.esc)[0;32mdone"), "the success frame: \(output)")
        XCTAssertTrue(output.contains("tty: digest: sha256:"), "the daemon's summary after the display: \(output)")

        let piped = "\(LiveRegistry.plain)/\(Live.name("progress-push")):pipe"
        try await randomImage(docker, piped, megabytes: 16)
        let run = try Exec.run(demo, ["image", "push", piped], timeout: 120)
        let stdout = String(decoding: run.stdout, as: UTF8.self), stderr = String(decoding: run.stderr, as: UTF8.self)
        XCTAssertEqual(run.status, 0, stderr)
        XCTAssertFalse(stdout.contains(Self.esc) || stderr.contains(Self.esc), "no escape sequences in a pipe")
        let lines = stderr.split(separator: "\n").map(String.init)
        XCTAssertTrue(lines.allSatisfy { $0.hasPrefix("pushing \(piped): ") }, stderr)
        XCTAssertTrue(lines.contains { $0.range(of: ": [0-9]{1,3}% [0-9.]+ [kMG]?B of ", options: .regularExpression) != nil },
                      "percentage lines: \(stderr)")
        XCTAssertTrue(lines.last?.hasPrefix("pushing \(piped): done ") == true, stderr)
        XCTAssertTrue(stdout.contains("pipe: digest: sha256:"), stdout)
    }

    func testBuildDrawsTheBaseImagePullAsABarOnATerminalAndPlainLinesInAPipe() async throws {
        try Live.requireDockerEngine("Podman's builder (Buildah) streams no pull progress during a build (README, Podman)")
        let docker = try await Live.client()
        try LiveRegistry.requireRunning()
        let demo = try Exec.demo
        let base = "\(LiveRegistry.plain)/\(Live.name("progress-base")):1"
        let derived = "\(Live.name("progress-built")):1"
        addTeardownBlock { _ = try? await docker.images.remove(derived, force: true) }
        try await randomImage(docker, base, megabytes: 64)
        _ = try await docker.images.push(base).wait()
        // The base is only in the registry: the build's FROM pulls it, with layer progress.
        func forget() async throws {
            _ = try? await docker.images.remove(derived, force: true)
            _ = try await docker.images.remove(base, force: true)
            let present = try await docker.images.exists(base)
            XCTAssertFalse(present)
        }
        try await forget()
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("dockersdk-progress-build-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        addTeardownBlock { try? FileManager.default.removeItem(at: folder) }
        // No RUN step: nothing but the pull and the image's config.
        try "FROM \(base)\nLABEL com.dockersdk.recipe=live-test\nCMD [\"true\"]\n"
            .write(to: folder.appendingPathComponent("Dockerfile"), atomically: true, encoding: .utf8)
        let step = "Step 1/3 : FROM \(base)"

        let (output, status) = try onTerminal("\(demo) image build -t \(derived) \(folder.path)", environment: "COLUMNS=160")
        XCTAssertEqual(status, 0, output)
        XCTAssertTrue(output.contains("\(step)\r\n"), "the step line: \(output)")
        let (bars, _) = bars(frames(output), title: step)
        XCTAssertFalse(bars.isEmpty, "the pull drawn as a bar with its percentage: \(output)")
        XCTAssertTrue(output.contains("Successfully tagged \(derived)"), output)
        let built = try await docker.images.exists(derived)
        XCTAssertTrue(built)

        try await forget()
        let run = try Exec.run(demo, ["image", "build", "-t", derived, folder.path], timeout: 120)
        let stdout = String(decoding: run.stdout, as: UTF8.self), stderr = String(decoding: run.stderr, as: UTF8.self)
        XCTAssertEqual(run.status, 0, stderr)
        XCTAssertFalse(stdout.contains(Self.esc) || stderr.contains(Self.esc), "no escape sequences in a pipe")
        let progress = stderr.split(separator: "\n").map(String.init)
        XCTAssertTrue(progress.allSatisfy { $0.hasPrefix("\(step): ") }, stderr)
        XCTAssertTrue(progress.contains { $0.range(of: ": [0-9]{1,3}% [0-9.]+ [kMG]?B of ", options: .regularExpression) != nil },
                      "percentage lines: \(stderr)")
        XCTAssertTrue(progress.last?.hasPrefix("\(step): done ") == true, stderr)
        XCTAssertTrue(stdout.hasPrefix("\(step)\n"), stdout)
        XCTAssertTrue(stdout.contains("Successfully tagged \(derived)"), stdout)
    }
}
