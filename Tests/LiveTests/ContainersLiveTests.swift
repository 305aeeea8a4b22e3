import DockerSDK
import Foundation
import XCTest

/// Helpers for live tests that create containers: unique names, labels, removal on every path.
enum LiveContainers {
    static let image = "dockersdk/busybox"

    /// Creates (and by default starts) a labelled busybox container, runs `body`, then removes it,
    /// whether `body` returned or threw.
    static func with<T>(_ docker: DockerClient, _ test: String, cmd: [String] = ["sleep", "300"],
                        configure: (inout ContainerConfig, inout HostConfig) -> Void = { _, _ in },
                        start: Bool = true, _ body: (_ id: String, _ name: String) async throws -> T) async throws -> T {
        let name = Live.name(test)
        var config = ContainerConfig(image: image, cmd: cmd, labels: Live.labels(test))
        var host = HostConfig()
        configure(&config, &host)
        let id = try await docker.containers.create(ContainerCreate(config: config, hostConfig: host), name: name).id
        do {
            if start { try await docker.containers.start(id) }
            let result = try await body(id, name)
            await remove(docker, id)
            return result
        } catch {
            await remove(docker, id)
            throw error
        }
    }

    /// Force-removes a container, from a fresh task so a cancelled test still cleans up.
    static func remove(_ docker: DockerClient, _ id: String) async {
        await Task.detached { try? await docker.containers.remove(id, force: true, volumes: true) }.value
    }
}

/// Running executables with pipes, bounded in time.
enum Exec {
    struct Result {
        var stdout: Data
        var stderr: Data
        var status: Int32
    }

    /// Runs `path` with `arguments`, feeding `stdin` (then EOF), killing it after `timeout` seconds.
    static func run(_ path: String, _ arguments: [String], stdin: Data? = nil, timeout: TimeInterval = 60) throws -> Result {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: path)
        process.arguments = arguments
        let outPipe = Pipe()
        let errPipe = Pipe()
        let inPipe = Pipe()
        process.standardOutput = outPipe
        process.standardError = errPipe
        process.standardInput = stdin == nil ? FileHandle.nullDevice : inPipe
        try process.run()
        let group = DispatchGroup()
        final class Box: @unchecked Sendable { var data = Data() }
        let out = Box()
        let err = Box()
        DispatchQueue.global().async(group: group) { out.data = outPipe.fileHandleForReading.readDataToEndOfFile() }
        DispatchQueue.global().async(group: group) { err.data = errPipe.fileHandleForReading.readDataToEndOfFile() }
        if let stdin {
            DispatchQueue.global().async(group: group) {
                let handle = inPipe.fileHandleForWriting
                try? handle.write(contentsOf: stdin)
                try? handle.close()
            }
        }
        let timer = DispatchWorkItem { if process.isRunning { process.terminate() } }
        DispatchQueue.global().asyncAfter(deadline: .now() + timeout, execute: timer)
        group.wait()
        process.waitUntilExit()
        timer.cancel()
        return Result(stdout: out.data, stderr: err.data, status: process.terminationStatus)
    }

    /// The built demo binary: `.build/debug/dockersdk-demo` under the package root.
    static var demo: String {
        get throws {
            let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
                .deletingLastPathComponent()
            let path = root.appendingPathComponent(".build/debug/dockersdk-demo").path
            guard FileManager.default.isExecutableFile(atPath: path) else {
                XCTFail("no demo binary at \(path): run `swift build` first")
                throw XCTSkip("no demo binary")
            }
            return path
        }
    }

    static let docker = "/usr/bin/docker"
}

/// Resident memory of this process in bytes, from /proc/self/status.
func residentMemory() -> Int? {
    guard let status = try? String(contentsOfFile: "/proc/self/status", encoding: .utf8) else { return nil }
    for line in status.split(separator: "\n") where line.hasPrefix("VmRSS:") {
        let digits = line.split(separator: " ").dropFirst().first.flatMap { Int($0) }
        return digits.map { $0 * 1024 }
    }
    return nil
}

/// Random bytes.
func randomBytes(_ count: Int) -> Data {
    var generator = SystemRandomNumberGenerator()
    var bytes = [UInt8](repeating: 0, count: count)
    for i in stride(from: 0, to: count, by: 8) {
        let word = generator.next() as UInt64
        for j in 0..<min(8, count - i) { bytes[i + j] = UInt8(truncatingIfNeeded: word >> (8 * UInt64(j))) }
    }
    return Data(bytes)
}

final class ContainersLiveTests: XCTestCase {
    /// (a) `dockersdk-demo run --rm`: exact stdout, stderr and exit status, and no container left.
    func testDemoRunRemovesTheContainerAndKeepsStreamsAndStatus() async throws {
        let docker = try await Live.client()
        let demo = try Exec.demo
        let demoRun = Filters.label("com.dockersdk.recipe", "demo-run")
        let before = Set(try await docker.containers.list(all: true, filters: demoRun).map(\.id))
        let result = try Exec.run(demo, ["run", "--rm", "dockersdk/busybox", "--", "sh", "-c",
                                         "echo out; echo err >&2; exit 3"], timeout: 60)
        XCTAssertEqual(String(decoding: result.stdout, as: UTF8.self), "out\n")
        XCTAssertEqual(String(decoding: result.stderr, as: UTF8.self), "err\n")
        XCTAssertEqual(result.status, 3)
        let after = Set(try await docker.containers.list(all: true, filters: demoRun).map(\.id))
        XCTAssertEqual(after.subtracting(before), [], "run --rm left a container behind")
        // Leave nothing even if --rm failed.
        for id in after.subtracting(before) { await LiveContainers.remove(docker, id) }
    }

    /// (c) 20 MB of interleaved stdout and stderr: SDK logs equal `docker logs`, per stream, byte for byte.
    func testLargeInterleavedLogsMatchTheDockerCLI() async throws {
        let docker = try await Live.client()
        // Two od processes write ~10.7 MB each at the same time, one to stdout, one to stderr.
        let script = "head -c 3000000 /dev/urandom | od -A d -t x1 -v & head -c 3000000 /dev/urandom | od -A d -t x1 -v >&2; wait"
        try await LiveContainers.with(docker, "logs-20mb", cmd: ["sh", "-c", script]) { id, _ in
            let exit = try await docker.containers.wait(id)
            XCTAssertEqual(exit.statusCode, 0)
            let sdk = try await docker.containers.logs(id).collect()
            XCTAssertGreaterThan(sdk.stdout.count + sdk.stderr.count, 20_000_000)
            let cli = try Exec.run(Exec.docker, ["logs", id], timeout: 120)
            XCTAssertEqual(cli.status, 0)
            XCTAssertEqual(sdk.stdout.count, cli.stdout.count)
            XCTAssertEqual(sdk.stderr.count, cli.stderr.count)
            XCTAssertTrue(sdk.stdout == cli.stdout, "stdout differs from docker logs")
            XCTAssertTrue(sdk.stderr == cli.stderr, "stderr differs from docker logs")
            // Each stream is whole and in order: od's offsets count up line by line.
            for (name, data) in [("stdout", sdk.stdout), ("stderr", sdk.stderr)] {
                let lines = String(decoding: data, as: UTF8.self).split(separator: "\n")
                XCTAssertEqual(lines.count, 3_000_000 / 16 + 1, name)
                XCTAssertEqual(lines.last.map(String.init), "3000000", name)
                XCTAssertTrue(lines.dropFirst().first?.hasPrefix("0000016 ") ?? false, name)
            }
        }
    }

    /// (d) Uploaded files (binary, nested folder) read back identical through exec and getArchive.
    func testUploadedFilesReadBackThroughExecAndGetArchive() async throws {
        let docker = try await Live.client()
        let binary = randomBytes(300_000)
        let small = randomBytes(777)
        let text = Data("plain text\n".utf8)
        try await LiveContainers.with(docker, "archive") { id, _ in
            try await docker.containers.upload(id, files: [
                .directory("up/"), .file("up/binary.bin", binary), .directory("up/a/"), .directory("up/a/b/"),
                .file("up/a/b/small.bin", small, mode: 0o600), .file("up/a/text.txt", text),
            ], to: "/tmp")
            for (path, data) in [("/tmp/up/binary.bin", binary), ("/tmp/up/a/b/small.bin", small), ("/tmp/up/a/text.txt", text)] {
                let cat = try await docker.exec.run(["cat", path], in: id)
                XCTAssertEqual(cat.exitCode, 0)
                XCTAssertTrue(cat.stdout == data, "cat \(path)")
                let sum = try await docker.exec.run(["md5sum", path], in: id)
                let host = try Exec.run("/usr/bin/md5sum", [], stdin: data)
                XCTAssertEqual(sum.stdoutText.split(separator: " ").first, String(decoding: host.stdout, as: UTF8.self)
                    .split(separator: " ").first, path)
                let read = try await docker.containers.readFile(id, path: path)
                XCTAssertTrue(read == data, "readFile \(path)")
            }
            let mode = try await docker.exec.run(["stat", "-c", "%a", "/tmp/up/a/b/small.bin"], in: id)
            XCTAssertEqual(mode.stdoutText, "600\n")
            let entries = try TarArchive.read(try await docker.containers.getArchive(id, path: "/tmp/up"))
            let byPath = Dictionary(entries.map { ($0.path, $0) }, uniquingKeysWith: { a, _ in a })
            XCTAssertTrue(byPath["up/binary.bin"]?.data == binary)
            XCTAssertTrue(byPath["up/a/b/small.bin"]?.data == small)
            XCTAssertEqual(byPath["up/a/text.txt"]?.data, text)
            XCTAssertEqual(byPath["up/a/b/"]?.kind, .directory)
            // The CLI agrees.
            let cli = try Exec.run(Exec.docker, ["cp", "\(id):/tmp/up/binary.bin", "-"], timeout: 60)
            XCTAssertEqual(cli.status, 0)
            XCTAssertTrue(try TarArchive.read(cli.stdout).first?.data == binary)
        }
    }

    /// (e) Events filtered by label: typed `start` and `die` for the container, then a clean cancel.
    func testEventsStreamSeesStartAndDieAndCancelsCleanly() async throws {
        let docker = try await Live.client()
        let test = "events-\(UInt32.random(in: 0...UInt32.max))"
        let filters = Filters(["label": ["com.dockersdk.instance=\(test)"], "type": ["container"]])
        let events = try await docker.system.events(filters: filters)
        let collector = Task { () -> [DockerEvent] in
            var seen: [DockerEvent] = []
            do {
                for try await event in events {
                    seen.append(event)
                    let actions = Set(seen.map(\.action))
                    if actions.contains("start") && actions.contains("die") { break }
                }
            } catch {}
            return seen
        }
        let watchdog = Task {
            try await Task.sleep(for: .seconds(20))
            events.cancel()
        }
        let id: String
        do {
            id = try await LiveContainers.with(docker, test) { id, _ in
                try await docker.containers.stop(id, timeout: 1)
                return id
            }
        } catch {
            collector.cancel()
            watchdog.cancel()
            throw error
        }
        let seen = await collector.value
        watchdog.cancel()
        let mine = seen.filter { $0.actor.id == id }
        XCTAssertEqual(mine.count, seen.count, "the label filter lets only this container's events through")
        let start = mine.first { $0.action == "start" }
        let die = mine.first { $0.action == "die" }
        XCTAssertNotNil(start, "actions: \(seen.map(\.action))")
        XCTAssertNotNil(die, "actions: \(seen.map(\.action))")
        XCTAssertEqual(start?.type, "container")
        XCTAssertEqual(die?.actor.attributes?["com.dockersdk.instance"], test)
        XCTAssertNotNil(die?.actor.attributes?["exitCode"])
        XCTAssertLessThanOrEqual(start?.timeNano ?? 0, die?.timeNano ?? 0)

        // An endless stream: cancelling the consuming task ends it promptly.
        let endless = try await docker.system.events(filters: filters)
        let consumer = Task { () -> Int in
            var count = 0
            do { for try await _ in endless { count += 1 } } catch {}
            return count
        }
        try await Task.sleep(for: .milliseconds(200))
        let cancelled = Date()
        consumer.cancel()
        let guardTask = Task {
            try await Task.sleep(for: .seconds(10))
            endless.cancel()
        }
        _ = await consumer.value
        guardTask.cancel()
        XCTAssertLessThan(Date().timeIntervalSince(cancelled), 5, "the consuming task ends when cancelled")
    }

    /// (f) logs --follow yields lines as they are written and ends when the container stops.
    func testFollowStreamsLinesAsWrittenAndEndsWithTheContainer() async throws {
        let docker = try await Live.client()
        let script = "for i in 1 2 3 4 5; do echo line $i; sleep 0.5; done; echo done >&2"
        try await LiveContainers.with(docker, "follow", cmd: ["sh", "-c", script]) { id, _ in
            let stream = try await docker.containers.logs(id, options: LogsOptions(follow: true))
            let watchdog = Task {
                try await Task.sleep(for: .seconds(30))
                stream.cancel()
            }
            defer { watchdog.cancel() }
            var arrivals: [(String, Date)] = []
            var stderr = Data()
            var runningAtFirstLine: Bool?
            for try await chunk in stream {
                if chunk.stream == .stderr {
                    stderr.append(chunk.data)
                    continue
                }
                for line in String(decoding: chunk.data, as: UTF8.self).split(separator: "\n") {
                    arrivals.append((String(line), Date()))
                }
                if runningAtFirstLine == nil {
                    runningAtFirstLine = try await docker.containers.inspect(id).state.running
                }
            }
            let ended = Date()
            XCTAssertEqual(arrivals.map(\.0), (1...5).map { "line \($0)" })
            XCTAssertEqual(String(decoding: stderr, as: UTF8.self), "done\n")
            XCTAssertEqual(runningAtFirstLine, true, "the first line came while the container still ran")
            if let first = arrivals.first?.1, let last = arrivals.last?.1 {
                XCTAssertGreaterThan(last.timeIntervalSince(first), 1.5, "lines came as they were written, not at the end")
            }
            let state = try await docker.containers.inspect(id).state
            XCTAssertFalse(state.running, "the stream ended because the container stopped")
            XCTAssertLessThan(ended.timeIntervalSince(arrivals.last?.1 ?? ended), 5)
        }
    }

    /// (g) A fast producer and a slow consumer: memory stays bounded, the producer is held back.
    func testSlowConsumerKeepsMemoryBounded() async throws {
        let docker = try await Live.client()
        try await LiveContainers.with(docker, "backpressure") { id, _ in
            let execID = try await docker.exec.create(container: id, ExecConfig(cmd: ["cat", "/dev/zero"]))
            let output = try await docker.exec.start(execID)
            let baseline = residentMemory() ?? 0
            var received = 0
            var peak = baseline
            let started = Date()
            var iterator = output.makeAsyncIterator()
            while Date().timeIntervalSince(started) < 3, received < 2_000_000_000 {
                guard let chunk = try await iterator.next() else { break }
                received += chunk.data.count
                try await Task.sleep(for: .milliseconds(20))
                peak = max(peak, residentMemory() ?? 0)
            }
            let state = try await docker.exec.inspect(execID)
            output.cancel()
            print("backpressure: consumed \(received >> 10) KB in 3 s, resident memory +\((peak - baseline) >> 20) MB")
            XCTAssertTrue(state.running, "the producer is still there, held back")
            XCTAssertGreaterThan(received, 0)
            // cat /dev/zero writes gigabytes a second; unbounded buffering would show here.
            XCTAssertLessThan(peak - baseline, 64 << 20,
                              "resident memory grew by \((peak - baseline) >> 20) MB while \(received >> 10) KB were consumed")
        }
    }

    /// Attach to a running container with stdin, as the demo's run does without stdin.
    func testAttachWithStdinRoundTrip() async throws {
        let docker = try await Live.client()
        try await LiveContainers.with(docker, "attach", cmd: ["sh", "-c", "read a; echo \"got $a\"; read b; echo \"got $b\" >&2"],
                                      configure: { config, _ in
                                          config.openStdin = true
                                          config.stdinOnce = true
                                          config.attachStdin = true
                                      }, start: false) { id, _ in
            let session = try await docker.containers.attach(id)
            try await docker.containers.start(id)
            try await session.write(Data("one\n".utf8))
            try await session.write(Data("two\n".utf8))
            let watchdog = Task {
                try await Task.sleep(for: .seconds(20))
                session.close()
            }
            let (out, err) = try await session.output.collect()
            watchdog.cancel()
            session.close()
            XCTAssertEqual(String(decoding: out, as: UTF8.self), "got one\n")
            XCTAssertEqual(String(decoding: err, as: UTF8.self), "got two\n")
            let exit = try await docker.containers.wait(id)
            XCTAssertEqual(exit.statusCode, 0)
        }
    }

    /// tail, since and until select the lines the CLI would.
    func testLogsTailSinceAndUntil() async throws {
        let docker = try await Live.client()
        let script = "echo early; echo early-err >&2; sleep 2; echo late; echo late-err >&2"
        try await LiveContainers.with(docker, "logs-since", cmd: ["sh", "-c", script]) { id, _ in
            _ = try await docker.containers.wait(id)
            let stamped = try await docker.containers.logs(id, options: LogsOptions(stderr: false, timestamps: true)).collect()
            let lines = String(decoding: stamped.stdout, as: UTF8.self).split(separator: "\n")
            XCTAssertEqual(lines.count, 2)
            // The instant between the two lines, from the daemon's own timestamps.
            let formatter = ISO8601DateFormatter()
            formatter.formatOptions = [.withInternetDateTime, .withFractionalSeconds]
            func date(_ line: Substring) -> Date? {
                let stamp = String(line.split(separator: " ").first ?? "")
                // RFC 3339 with nanoseconds: keep milliseconds for the formatter. Podman stamps whole seconds.
                if !stamp.contains("."), stamp.hasSuffix("Z") {
                    return ISO8601DateFormatter().date(from: stamp)
                }
                guard let dot = stamp.firstIndex(of: "."), let zone = stamp.lastIndex(of: "Z") else { return nil }
                let fraction = stamp[stamp.index(after: dot)..<zone].prefix(3)
                return formatter.date(from: stamp[..<dot] + "." + fraction + "Z")
            }
            let early = try XCTUnwrap(lines.first.flatMap(date))
            let late = try XCTUnwrap(lines.last.flatMap(date))
            XCTAssertGreaterThan(late.timeIntervalSince(early), 1.5)
            let middle = early.addingTimeInterval(late.timeIntervalSince(early) / 2)

            let since = try await docker.containers.logs(id, options: LogsOptions(since: middle)).collect()
            XCTAssertEqual(String(decoding: since.stdout, as: UTF8.self), "late\n")
            XCTAssertEqual(String(decoding: since.stderr, as: UTF8.self), "late-err\n")
            let until = try await docker.containers.logs(id, options: LogsOptions(until: middle)).collect()
            XCTAssertEqual(String(decoding: until.stdout, as: UTF8.self), "early\n")
            XCTAssertEqual(String(decoding: until.stderr, as: UTF8.self), "early-err\n")
            let all = try await docker.containers.logs(id, options: LogsOptions(tail: 2)).collect()
            let cliAll = try Exec.run(Exec.docker, ["logs", "--tail", "2", id])
            XCTAssertEqual(all.stdout, cliAll.stdout)
            XCTAssertEqual(all.stderr, cliAll.stderr)
        }
    }

    /// Inspect agrees with the CLI on the essentials.
    func testInspectAgreesWithTheCLI() async throws {
        let docker = try await Live.client()
        try await LiveContainers.with(docker, "inspect", configure: { config, host in
            config.env = ["A=1"]
            host.memory = 32 << 20
            host.publish(80, hostIP: "127.0.0.1")
            config.exposedPorts = ["80/tcp"]
        }) { id, name in
            let inspected = try await docker.containers.inspect(id)
            let cli = try Exec.run(Exec.docker, ["inspect", "--format",
                                                 "{{.Name}} {{.State.Pid}} {{.HostConfig.Memory}} {{(index (index .NetworkSettings.Ports \"80/tcp\") 0).HostPort}}",
                                                 id])
            let fields = String(decoding: cli.stdout, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
                .split(separator: " ").map(String.init)
            XCTAssertEqual(fields.count, 4)
            XCTAssertEqual(fields.first, "/\(name)")
            XCTAssertEqual(fields.dropFirst().first, inspected.state.pid.map(String.init))
            XCTAssertEqual(fields.dropFirst(2).first, String(32 << 20))
            let ports = inspected.networkSettings?.ports?["80/tcp"] ?? nil
            XCTAssertEqual(fields.last, ports?.first?.hostPort)
        }
    }
}
