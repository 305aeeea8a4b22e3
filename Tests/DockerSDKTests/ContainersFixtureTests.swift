import DockerSDK
import Foundation
import XCTest

/// Removes what a recording scenario may have left behind, with a client that is not recorded.
///
/// Only acts while recording (DOCKERSDK_RECORD=1); a replay touches no daemon.
enum FixtureCleanup {
    static func containers(_ names: [String]) async {
        guard recordingFixtures, let docker = try? DockerClient() else { return }
        for name in names { try? await docker.containers.remove(name, force: true, volumes: true) }
    }

    static func volumes(_ names: [String]) async {
        guard recordingFixtures, let docker = try? DockerClient() else { return }
        for name in names { try? await docker.volumes.remove(name, force: true) }
    }

    static func images(_ references: [String]) async {
        guard recordingFixtures, let docker = try? DockerClient() else { return }
        for reference in references { _ = try? await docker.images.remove(reference, force: true) }
    }
}

/// Runs `body`, returning the `DockerError` it throws (failing when it throws nothing or something else).
func dockerError<T>(_ body: () async throws -> T, file: StaticString = #filePath, line: UInt = #line) async
    -> DockerError?
{
    do {
        _ = try await body()
        XCTFail("expected a DockerError, got a result", file: file, line: line)
        return nil
    } catch let error as DockerError {
        return error
    } catch {
        XCTFail("expected a DockerError, got \(error)", file: file, line: line)
        return nil
    }
}

extension DockerError {
    var isNotFound: Bool { if case .notFound = self { true } else { false } }
    var isConflict: Bool { if case .conflict = self { true } else { false } }
}

/// The labels every fixture scenario puts on what it creates.
func fixtureLabels(_ scenario: String, _ extra: [String: String] = [:]) -> [String: String] {
    ["com.dockersdk.recipe": "fixture", "com.dockersdk.fixture": scenario].merging(extra) { $1 }
}

/// A fixed date for archives, so recorded request bodies replay byte for byte.
let fixtureDate = Date(timeIntervalSince1970: 1_700_000_000)

/// Deterministic bytes, every value 0...255 appearing.
func fixtureBytes(_ count: Int, seed: UInt64 = 7) -> Data {
    var state = seed
    return Data((0..<count).map { _ in
        state = state &* 6364136223846793005 &+ 1442695040888963407
        return UInt8(truncatingIfNeeded: state >> 33)
    })
}

final class ContainersFixtureTests: XCTestCase {
    /// Runs a scenario: cleans leftovers before recording, and again when it fails.
    private func scenario(_ name: String, containers: [String], chunkSize: Int = 1024,
                          _ body: (FixtureSession) async throws -> Void) async throws {
        await FixtureCleanup.containers(containers)
        let session = try fixture(name, chunkSize: chunkSize)
        do {
            try await body(session)
        } catch {
            await FixtureCleanup.containers(containers)
            throw error
        }
        try session.finish()
    }

    func testLifecycle() async throws {
        let name = "dockersdk-fx-lifecycle"
        let renamed = "dockersdk-fx-lifecycle-renamed"
        let pruneMe = "dockersdk-fx-lifecycle-prune-me"
        try await scenario("containers-lifecycle", containers: [name, renamed, pruneMe]) { session in
            let docker = session.docker
            let labels = fixtureLabels("containers-lifecycle")
            var config = ContainerConfig(image: "dockersdk/busybox", cmd: ["sleep", "300"],
                                         env: ["GREETING=hello world", "MODE=fixture"], labels: labels,
                                         workingDir: "/tmp", hostname: "fx-host", exposedPorts: ["8080/tcp"])
            config.stopTimeout = 1
            var host = HostConfig(mounts: [.tmpfs(at: "/scratch", sizeBytes: 8 << 20)],
                                  restartPolicy: RestartPolicy(name: "on-failure", maximumRetryCount: 2),
                                  memory: 64 << 20, capDrop: ["NET_RAW", "MKNOD"])
            host.publish(8080, hostIP: "127.0.0.1")
            let created = try await docker.containers.create(ContainerCreate(config: config, hostConfig: host), name: name)
            XCTAssertEqual(created.id.count, 64)

            // list with a label filter
            let listed = try await docker.containers.list(all: true, filters: .label("com.dockersdk.fixture", "containers-lifecycle"))
            XCTAssertEqual(listed.map(\.id), [created.id])
            XCTAssertEqual(listed.first?.name, name)
            XCTAssertEqual(listed.first?.state, "created")
            XCTAssertEqual(listed.first?.image, "dockersdk/busybox")
            XCTAssertEqual(listed.first?.labels?["com.dockersdk.recipe"], "fixture")
            let running = try await docker.containers.list(filters: .label("com.dockersdk.fixture", "containers-lifecycle"))
            XCTAssertEqual(running, [], "not started yet: only listed with all")

            // inspect before start: typed config and host config
            let before = try await docker.containers.inspect(name)
            XCTAssertEqual(before.id, created.id)
            XCTAssertEqual(before.shortName, name)
            XCTAssertEqual(before.state.status, "created")
            XCTAssertFalse(before.state.running)
            XCTAssertEqual(before.config?.image, "dockersdk/busybox")
            XCTAssertEqual(before.config?.cmd, ["sleep", "300"])
            XCTAssertTrue(before.config?.env?.contains("GREETING=hello world") ?? false)
            XCTAssertTrue(before.config?.env?.contains("MODE=fixture") ?? false)
            XCTAssertEqual(before.config?.labels, labels)
            XCTAssertEqual(before.config?.workingDir, "/tmp")
            XCTAssertEqual(before.config?.hostname, "fx-host")
            XCTAssertEqual(before.config?.exposedPorts, ["8080/tcp"])
            XCTAssertEqual(before.config?.stopTimeout, 1)
            XCTAssertEqual(before.hostConfig?.memory, 64 << 20)
            XCTAssertEqual(before.hostConfig?.capDrop, ["NET_RAW", "MKNOD"])
            XCTAssertEqual(before.hostConfig?.restartPolicy, RestartPolicy(name: "on-failure", maximumRetryCount: 2))
            XCTAssertEqual(before.hostConfig?.mounts?.first?.type, "tmpfs")
            XCTAssertEqual(before.hostConfig?.mounts?.first?.target, "/scratch")
            XCTAssertEqual(before.hostConfig?.mounts?.first?.tmpfsOptions?.sizeBytes, 8 << 20)
            XCTAssertEqual(before.hostConfig?.portBindings?["8080/tcp"], [PortBinding(hostIP: "127.0.0.1", hostPort: "")])

            // start; starting again is not an error
            try await docker.containers.start(name)
            try await docker.containers.start(name)
            let started = try await docker.containers.inspect(name)
            XCTAssertEqual(started.state.status, "running")
            XCTAssertTrue(started.state.running)
            XCTAssertGreaterThan(started.state.pid ?? 0, 0)
            let bindings = started.networkSettings?.ports?["8080/tcp"] ?? nil
            XCTAssertEqual(bindings?.first?.hostIP, "127.0.0.1")
            XCTAssertGreaterThan(Int(bindings?.first?.hostPort ?? "") ?? 0, 0, "a free port was picked")
            XCTAssertFalse(started.networkSettings?.networks?["bridge"]?.ipAddress?.isEmpty ?? true)
            XCTAssertTrue(started.mounts?.contains { $0.type == "tmpfs" && $0.destination == "/scratch" } ?? false,
                          "mounts: \(String(describing: started.mounts))")
            let up = try await docker.containers.list(filters: .label("com.dockersdk.fixture", "containers-lifecycle"))
            XCTAssertEqual(up.first?.state, "running")
            XCTAssertEqual(up.first?.ports?.first?.ip, "127.0.0.1")
            XCTAssertEqual(up.first?.ports?.first?.privatePort, 8080)

            // top
            let top = try await docker.containers.top(name)
            XCTAssertTrue(top.titles.contains("PID"))
            let cmdColumn = try XCTUnwrap(top.titles.firstIndex(of: "CMD"))
            XCTAssertEqual(top.processes.map { $0[cmdColumn] }, ["sleep 300"])

            // stats, one sample
            let stats = try await docker.containers.stats(name)
            XCTAssertEqual(stats.name, "/\(name)")
            XCTAssertEqual(stats.id, created.id)
            XCTAssertEqual(stats.memoryStats?.limit, 64 << 20)
            XCTAssertGreaterThan(stats.memoryStats?.usage ?? 0, 0)
            XCTAssertEqual(stats.pidsStats?.current, 1)
            XCTAssertNotNil(stats.cpuStats?.cpuUsage?.totalUsage)

            // pause, unpause
            try await docker.containers.pause(name)
            let paused = try await docker.containers.inspect(name)
            XCTAssertEqual(paused.state.status, "paused")
            XCTAssertEqual(paused.state.paused, true)
            XCTAssertTrue(paused.state.running, "a paused container still runs")
            try await docker.containers.unpause(name)
            let value1 = try await docker.containers.inspect(name).state.status
            XCTAssertEqual(value1, "running")

            // rename
            try await docker.containers.rename(name, to: renamed)
            let value2 = try await docker.containers.inspect(renamed).shortName
            XCTAssertEqual(value2, renamed)
            let old = await dockerError { try await docker.containers.inspect(name) }
            XCTAssertEqual(old?.isNotFound, true, "\(String(describing: old))")

            // update limits and restart policy
            try await docker.containers.update(renamed, ContainerUpdate(memory: 96 << 20, memorySwap: 192 << 20,
                                                                        restartPolicy: .no))
            let updated = try await docker.containers.inspect(renamed)
            XCTAssertEqual(updated.hostConfig?.memory, 96 << 20)
            XCTAssertEqual(updated.hostConfig?.restartPolicy?.name, "no")

            // kill, wait for the exit code
            try await docker.containers.kill(renamed)
            let killed = try await docker.containers.wait(renamed)
            XCTAssertEqual(killed.statusCode, 137)
            let dead = try await docker.containers.inspect(renamed)
            XCTAssertEqual(dead.state.status, "exited")
            XCTAssertEqual(dead.state.exitCode, 137)
            XCTAssertFalse(dead.state.running)

            // restart, stop (sleep as PID 1 ignores SIGTERM: killed after the timeout)
            try await docker.containers.restart(renamed, timeout: 1)
            let value3 = try await docker.containers.inspect(renamed).state.status
            XCTAssertEqual(value3, "running")
            try await docker.containers.stop(renamed, timeout: 1)
            let stopped = try await docker.containers.inspect(renamed)
            XCTAssertEqual(stopped.state.status, "exited")
            XCTAssertEqual(stopped.state.exitCode, 137)
            try await docker.containers.stop(renamed, timeout: 1) // stopping a stopped container: 304, not an error
            let value4 = try await docker.containers.wait(renamed).statusCode
            XCTAssertEqual(value4, 137)

            // prune: only the exited container carrying the prune label
            let pruneLabels = fixtureLabels("containers-lifecycle", ["com.dockersdk.prune": "yes"])
            let victim = try await docker.containers.create(
                ContainerCreate(image: "dockersdk/busybox", cmd: ["true"], labels: pruneLabels), name: pruneMe)
            try await docker.containers.start(pruneMe)
            let value5 = try await docker.containers.wait(pruneMe).statusCode
            XCTAssertEqual(value5, 0)
            let pruned = try await docker.containers.prune(filters: Filters([
                "label": ["com.dockersdk.fixture=containers-lifecycle", "com.dockersdk.prune=yes"],
            ]))
            XCTAssertEqual(pruned.containersDeleted, [victim.id])
            let value6 = try await docker.containers.inspect(renamed).id
            XCTAssertEqual(value6, created.id, "the other one is kept")

            // remove
            try await docker.containers.remove(renamed, force: true, volumes: true)
            let gone = await dockerError { try await docker.containers.inspect(renamed) }
            XCTAssertEqual(gone?.isNotFound, true)
            let after = try await docker.containers.list(all: true, filters: .label("com.dockersdk.fixture", "containers-lifecycle"))
            XCTAssertEqual(after, [])
        }
    }

    func testLogsDemultiplexedAndRaw() async throws {
        let plain = "dockersdk-fx-logs"
        let tty = "dockersdk-fx-logs-tty"
        try await scenario("containers-logs", containers: [plain, tty], chunkSize: 5) { session in
            let docker = session.docker
            let labels = fixtureLabels("containers-logs")
            try await docker.containers.create(
                ContainerCreate(image: "dockersdk/busybox",
                                cmd: ["sh", "-c", "echo out1; echo err1 >&2; echo out2; printf 'err2 no newline' >&2"],
                                labels: labels),
                name: plain)
            try await docker.containers.start(plain)
            let value7 = try await docker.containers.wait(plain).statusCode
            XCTAssertEqual(value7, 0)

            let logs = try await docker.containers.logs(plain)
            XCTAssertTrue(logs.multiplexed)
            let (out, err) = try await logs.collect()
            XCTAssertEqual(String(decoding: out, as: UTF8.self), "out1\nout2\n")
            XCTAssertEqual(String(decoding: err, as: UTF8.self), "err1\nerr2 no newline")

            let onlyStdout = try await docker.containers.logs(plain, options: LogsOptions(stderr: false)).collect()
            XCTAssertEqual(String(decoding: onlyStdout.stdout, as: UTF8.self), "out1\nout2\n")
            XCTAssertEqual(onlyStdout.stderr, Data())

            let onlyStderr = try await docker.containers.logs(plain, options: LogsOptions(stdout: false)).collect()
            XCTAssertEqual(onlyStderr.stdout, Data())
            XCTAssertEqual(String(decoding: onlyStderr.stderr, as: UTF8.self), "err1\nerr2 no newline")

            // follow on an exited container ends by itself
            let followed = try await docker.containers.logs(plain, options: LogsOptions(follow: true)).collect()
            XCTAssertEqual(String(decoding: followed.stdout, as: UTF8.self), "out1\nout2\n")

            // timestamps prefix every line
            let stamped = try await docker.containers.logs(plain, options: LogsOptions(stderr: false, timestamps: true))
                .collect()
            let lines = String(decoding: stamped.stdout, as: UTF8.self).split(separator: "\n")
            XCTAssertEqual(lines.count, 2)
            XCTAssertTrue(lines.allSatisfy { $0.first?.isNumber == true && $0.contains("Z out") }, "\(lines)")

            // TTY: one raw stream, carriage returns included
            var ttyConfig = ContainerConfig(image: "dockersdk/busybox",
                                            cmd: ["sh", "-c", "echo tty out; echo tty err >&2"], labels: labels)
            ttyConfig.tty = true
            try await docker.containers.create(ContainerCreate(config: ttyConfig), name: tty)
            try await docker.containers.start(tty)
            let value8 = try await docker.containers.wait(tty).statusCode
            XCTAssertEqual(value8, 0)
            let raw = try await docker.containers.logs(tty)
            XCTAssertFalse(raw.multiplexed)
            var chunks: [OutputChunk] = []
            for try await chunk in raw { chunks.append(chunk) }
            XCTAssertTrue(chunks.allSatisfy { $0.stream == .stdout })
            XCTAssertEqual(String(decoding: chunks.reduce(Data()) { $0 + $1.data }, as: UTF8.self), "tty out\r\ntty err\r\n")

            try await docker.containers.remove(plain)
            try await docker.containers.remove(tty)
        }
    }

    func testAttachSendsStdinAndDemultiplexesOutput() async throws {
        let name = "dockersdk-fx-attach"
        try await scenario("containers-attach", containers: [name]) { session in
            let docker = session.docker
            var config = ContainerConfig(image: "dockersdk/busybox",
                                         cmd: ["sh", "-c", "read line; echo \"got $line\"; echo bye >&2"],
                                         labels: fixtureLabels("containers-attach"), openStdin: true)
            config.stdinOnce = true
            config.attachStdin = true
            config.attachStdout = true
            config.attachStderr = true
            try await docker.containers.create(ContainerCreate(config: config), name: name)
            let attached = try await docker.containers.attach(name)
            XCTAssertTrue(attached.output.multiplexed)
            try await docker.containers.start(name)
            try await attached.write(Data("hello attach\n".utf8))
            let (out, err) = try await attached.output.collect()
            attached.close()
            XCTAssertEqual(String(decoding: out, as: UTF8.self), "got hello attach\n")
            XCTAssertEqual(String(decoding: err, as: UTF8.self), "bye\n")
            let value9 = try await docker.containers.wait(name).statusCode
            XCTAssertEqual(value9, 0)
            if let replay = session.replay {
                XCTAssertEqual(replay.hijackInputs, [Data("hello attach\n".utf8)], "what was written to stdin")
            }
            try await docker.containers.remove(name)
        }
    }

    func testArchiveUploadReadFileAndGetArchive() async throws {
        let name = "dockersdk-fx-archive"
        try await scenario("containers-archive", containers: [name]) { session in
            let docker = session.docker
            try await docker.containers.create(
                ContainerCreate(image: "dockersdk/busybox", cmd: ["sleep", "300"], labels: fixtureLabels("containers-archive")),
                name: name)
            try await docker.containers.start(name)
            let binary = fixtureBytes(3000)
            let files: [TarArchive.Entry] = [
                .directory("data/"),
                .file("data/hello.txt", text: "hello from the archive\n"),
                .directory("data/nested/"),
                .directory("data/nested/deep/"),
                .file("data/nested/deep/binary.dat", binary, mode: 0o600),
                .file("data/empty", Data()),
            ]
            try await docker.containers.upload(name, files: files, to: "/tmp", modificationTime: fixtureDate)

            let value10 = try await docker.containers.readFile(name, path: "/tmp/data/hello.txt")
            XCTAssertEqual(value10,
                           Data("hello from the archive\n".utf8))
            let value11 = try await docker.containers.readFile(name, path: "/tmp/data/nested/deep/binary.dat")
            XCTAssertEqual(value11, binary)
            let value12 = try await docker.containers.readFile(name, path: "/tmp/data/empty")
            XCTAssertEqual(value12, Data())

            // A folder is not a file, even though its archive holds files.
            let folder = await dockerError { try await docker.containers.readFile(name, path: "/tmp/data") }
            guard case .invalidArgument? = folder else { return XCTFail("expected invalidArgument, got \(String(describing: folder))") }

            let entries = try TarArchive.read(try await docker.containers.getArchive(name, path: "/tmp/data"))
            let byPath = Dictionary(entries.map { ($0.path, $0) }, uniquingKeysWith: { a, _ in a })
            XCTAssertEqual(entries.first?.path, "data/")
            XCTAssertEqual(Set(byPath.keys), ["data/", "data/hello.txt", "data/nested/", "data/nested/deep/",
                                              "data/nested/deep/binary.dat", "data/empty"])
            XCTAssertEqual(byPath["data/nested/deep/binary.dat"]?.data, binary)
            XCTAssertEqual((byPath["data/nested/deep/binary.dat"]?.mode ?? 0) & 0o777, 0o600)
            XCTAssertEqual(byPath["data/hello.txt"]?.data, Data("hello from the archive\n".utf8))

            // the process in the container sees the same bytes
            let cat = try await docker.exec.run(["cat", "/tmp/data/hello.txt"], in: name)
            XCTAssertEqual(cat.stdoutText, "hello from the archive\n")
            let size = try await docker.exec.run(["wc", "-c", "/tmp/data/nested/deep/binary.dat"], in: name)
            XCTAssertEqual(size.stdoutText.split(separator: " ").first, "3000")

            // missing paths
            let missing = await dockerError { try await docker.containers.getArchive(name, path: "/no/such/file") }
            XCTAssertEqual(missing?.isNotFound, true, "\(String(describing: missing))")
            XCTAssertTrue(missing?.message?.contains("/no/such/file") ?? false, "\(String(describing: missing))")
            let missingRead = await dockerError { try await docker.containers.readFile(name, path: "/no/such/file") }
            XCTAssertEqual(missingRead?.isNotFound, true)
            let missingDir = await dockerError {
                try await docker.containers.upload(name, files: [.file("x", text: "x")], to: "/no/such/dir",
                                                   modificationTime: fixtureDate)
            }
            XCTAssertEqual(missingDir?.isNotFound, true, "\(String(describing: missingDir))")

            try await docker.containers.remove(name, force: true)
        }
    }

    func testTypedErrors() async throws {
        let name = "dockersdk-fx-errors"
        try await scenario("containers-errors", containers: [name]) { session in
            let docker = session.docker
            let labels = fixtureLabels("containers-errors")

            // a missing image: notFound naming it
            let missingImage = await dockerError {
                try await docker.containers.create(ContainerCreate(image: "dockersdk-fx/missing:1", labels: labels),
                                                   name: "dockersdk-fx-errors-never")
            }
            XCTAssertEqual(missingImage?.isNotFound, true, "\(String(describing: missingImage))")
            XCTAssertTrue(missingImage?.message?.contains("dockersdk-fx/missing") ?? false, "\(String(describing: missingImage))")

            // a name in use: conflict
            try await docker.containers.create(ContainerCreate(image: "dockersdk/busybox", cmd: ["true"], labels: labels),
                                               name: name)
            let inUse = await dockerError {
                try await docker.containers.create(ContainerCreate(image: "dockersdk/busybox", labels: labels), name: name)
            }
            XCTAssertEqual(inUse?.isConflict, true, "\(String(describing: inUse))")
            XCTAssertTrue(inUse?.message?.contains(name) ?? false)

            // a container that is not running: conflict
            let killStopped = await dockerError { try await docker.containers.kill(name) }
            XCTAssertEqual(killStopped?.isConflict, true, "\(String(describing: killStopped))")
            let pauseStopped = await dockerError { try await docker.containers.pause(name) }
            XCTAssertEqual(pauseStopped?.isConflict, true, "\(String(describing: pauseStopped))")

            try await docker.containers.start(name)
            let value13 = try await docker.containers.wait(name).statusCode
            XCTAssertEqual(value13, 0)
            try await docker.containers.remove(name)

            // a removed container: notFound everywhere
            let logs = await dockerError { try await docker.containers.logs(name) }
            XCTAssertEqual(logs?.isNotFound, true, "\(String(describing: logs))")
            XCTAssertTrue(logs?.message?.contains(name) ?? false)
            let start = await dockerError { try await docker.containers.start(name) }
            XCTAssertEqual(start?.isNotFound, true)
            let remove = await dockerError { try await docker.containers.remove(name) }
            XCTAssertEqual(remove?.isNotFound, true)
            let archive = await dockerError { try await docker.containers.getArchive(name, path: "/etc/hostname") }
            XCTAssertEqual(archive?.isNotFound, true)
            let stats = await dockerError { try await docker.containers.stats(name) }
            XCTAssertEqual(stats?.isNotFound, true)
        }
    }
}
