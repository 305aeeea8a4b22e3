import DockerSDK
import Foundation
import XCTest

/// commit, export, changes, archive stat and streams, resize, the 304 outcomes and `containers.run`,
/// replayed from exchanges recorded with the real daemon (`DOCKERSDK_RECORD=1` records them again).
final class ContainerEndpointsFixtureTests: XCTestCase {
    private var scratch: URL!

    override func setUpWithError() throws {
        scratch = FileManager.default.temporaryDirectory.appendingPathComponent("dockersdk-fx-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: scratch, withIntermediateDirectories: true)
    }

    override func tearDownWithError() throws {
        try? FileManager.default.removeItem(at: scratch)
    }

    /// Runs a scenario: cleans leftovers before recording, and again when it fails.
    private func scenario(_ name: String, containers: [String], images: [String] = [], chunkSize: Int = 1024,
                          _ body: (FixtureSession) async throws -> Void) async throws {
        await FixtureCleanup.containers(containers)
        await FixtureCleanup.images(images)
        let session = try fixture(name, chunkSize: chunkSize)
        do {
            try await body(session)
        } catch {
            await FixtureCleanup.containers(containers)
            await FixtureCleanup.images(images)
            throw error
        }
        try session.finish()
    }

    /// A tiny image made from an archive: a container of it is never started, so its rootfs stays small.
    func testCommitExportChangesStatAndArchiveStreams() async throws {
        let name = "dockersdk-fx-commit"
        let tiny = "dockersdk-fx-tiny:1"
        let committed = "dockersdk-fx-committed:v1"
        try await scenario("containers-commit-export", containers: [name], images: [tiny, committed]) { session in
            let docker = session.docker
            let rootfs = try TarArchive.write([.directory("etc/"), .file("etc/hello.txt", text: "hello from the image\n")],
                                              modificationTime: fixtureDate)
            try await docker.images.importTarball(.data(rootfs), reference: tiny,
                                                  changes: [#"CMD ["/bin/never-run"]"#]).wait()
            try await docker.containers.create(
                ContainerCreate(image: tiny, labels: fixtureLabels("containers-commit-export")), name: name)

            // Nothing changed yet: the daemon's null reads as empty.
            let none = try await docker.containers.changes(name)
            XCTAssertEqual(none, [])

            // Upload from a file (streamed from disk), then see it in changes.
            let upload = scratch.appendingPathComponent("upload.tar")
            try TarArchive.write([.file("added.txt", text: "added by putArchive\n", mode: 0o640)],
                                 modificationTime: fixtureDate).write(to: upload)
            try await docker.containers.putArchive(name, path: "/etc", file: upload.path)
            let changes = try await docker.containers.changes(name)
            XCTAssertTrue(changes.contains(ContainerChange(path: "/etc/added.txt", kind: .added)), "\(changes)")
            XCTAssertTrue(changes.contains(ContainerChange(path: "/etc", kind: .modified)), "\(changes)")

            // stat, from the header of HEAD
            let stat = try await docker.containers.stat(name, path: "/etc/added.txt")
            XCTAssertEqual(stat.name, "added.txt")
            XCTAssertEqual(stat.size, 20)
            XCTAssertEqual(stat.kind, .file)
            XCTAssertEqual(stat.permissions, 0o640)
            XCTAssertEqual(stat.modificationDate, fixtureDate)
            let folder = try await docker.containers.stat(name, path: "/etc")
            XCTAssertEqual(folder.kind, .directory)
            let missing = await dockerError { try await docker.containers.stat(name, path: "/etc/none") }
            XCTAssertEqual(missing?.isNotFound, true, "\(String(describing: missing))")
            XCTAssertTrue(missing?.message?.contains("/etc/none") ?? false, "\(String(describing: missing))")

            // archive as a stream, with its stat; into the container again from that stream
            let download = try await docker.containers.archive(name, path: "/etc/hello.txt")
            XCTAssertEqual(download.stat?.name, "hello.txt")
            XCTAssertEqual(download.stat?.size, 21)
            var tar = Data()
            for try await chunk in download { tar.append(chunk) }
            let entries = try TarArchive.read(tar)
            XCTAssertEqual(entries.map(\.path), ["hello.txt"])
            XCTAssertEqual(entries.first?.data, Data("hello from the image\n".utf8))
            try await docker.containers.putArchive(name, path: "/", stream: ByteStream.chunks([tar]))
            let copy = try await docker.containers.stat(name, path: "/hello.txt")
            XCTAssertEqual(copy.size, 21)

            // export as a stream and to a file: a tar with the image's and the added files
            var exported = Data()
            for try await chunk in try await docker.containers.export(name) { exported.append(chunk) }
            let paths = Set(try TarArchive.read(exported).map(\.path))
            XCTAssertTrue(paths.isSuperset(of: ["etc/hello.txt", "etc/added.txt", "hello.txt"]), "\(paths.sorted())")
            let file = scratch.appendingPathComponent("export.tar").path
            let written = try await docker.containers.export(name, to: file)
            XCTAssertEqual(written, Int64(exported.count))
            let onDisk = try TarArchive.read(try Data(contentsOf: URL(fileURLWithPath: file)))
            XCTAssertEqual(onDisk.first { $0.path == "etc/added.txt" }?.data, Data("added by putArchive\n".utf8))

            // commit with a message, an author and Dockerfile changes
            let imageID = try await docker.containers.commit(name, as: committed, options: CommitOptions(
                comment: "fixture commit", author: "DockerSDK fixtures", changes: ["ENV COMMITTED=yes", "LABEL fixture=commit"]))
            XCTAssertTrue(imageID.hasPrefix("sha256:"))
            let image = try await docker.images.inspect(committed)
            XCTAssertEqual(image.id, imageID)
            XCTAssertEqual(image.comment, "fixture commit")
            XCTAssertEqual(image.config?.env, ["COMMITTED=yes"])
            XCTAssertEqual(image.config?.labels?["fixture"], "commit")
            XCTAssertEqual(image.config?.cmd, ["/bin/never-run"])

            try await docker.containers.remove(name)
            try await docker.images.remove(committed)
            try await docker.images.remove(tiny)
        }
        if let left = try? FileManager.default.contentsOfDirectory(atPath: NSTemporaryDirectory()) {
            XCTAssertEqual(left.filter { $0.hasPrefix("dockersdk-spool-") }, [], "the spool folder is removed")
        }
    }

    func testResizeAndStartStopOutcomes() async throws {
        let name = "dockersdk-fx-resize"
        try await scenario("containers-resize-outcomes", containers: [name]) { session in
            let docker = session.docker
            var config = ContainerConfig(image: "dockersdk/busybox", cmd: ["sleep", "300"],
                                         labels: fixtureLabels("containers-resize-outcomes"), tty: true)
            config.stopTimeout = 1
            try await docker.containers.create(ContainerCreate(config: config), name: name)
            let notRunning = await dockerError { try await docker.containers.resize(name, height: 24, width: 80) }
            XCTAssertEqual(notRunning?.isConflict, true, "\(String(describing: notRunning))")

            let started = try await docker.containers.start(name)
            XCTAssertEqual(started, .started)
            let again = try await docker.containers.start(name)
            XCTAssertEqual(again, .alreadyStarted)

            try await docker.containers.resize(name, TerminalSize(height: 33, width: 101))
            let size = try await docker.exec.run(["sh", "-c", "stty size < /dev/console"], in: name)
            XCTAssertEqual(size.stdoutText, "33 101\n")
            // Bad sizes are refused before anything is sent.
            let bad = await dockerError { try await docker.containers.resize(name, height: 0, width: 80) }
            guard case .invalidArgument? = bad else { return XCTFail("\(String(describing: bad))") }
            let badExec = await dockerError { try await docker.exec.resize("any", height: 24, width: 65536) }
            guard case .invalidArgument? = badExec else { return XCTFail("\(String(describing: badExec))") }

            let stopped = try await docker.containers.stop(name, timeout: 1)
            XCTAssertEqual(stopped, .stopped)
            let stoppedAgain = try await docker.containers.stop(name, timeout: 1)
            XCTAssertEqual(stoppedAgain, .alreadyStopped)
            try await docker.containers.remove(name)
        }
    }

    func testRunAttachedAndDetached() async throws {
        let attached = "dockersdk-fx-run"
        let detached = "dockersdk-fx-run-detached"
        try await scenario("containers-run", containers: [attached, detached]) { session in
            let docker = session.docker
            let labels = fixtureLabels("containers-run")
            let result = try await docker.containers.run(
                "dockersdk/busybox", ["sh", "-c", "echo hi; echo oops >&2; exit 3"],
                options: RunOptions(name: attached, labels: labels))
            XCTAssertEqual(result.exitCode, 3)
            XCTAssertEqual(result.stdoutText, "hi\n")
            XCTAssertEqual(result.stderrText, "oops\n")
            let gone = await dockerError { try await docker.containers.inspect(attached) }
            XCTAssertEqual(gone?.isNotFound, true, "removed after the run")

            let container = try await docker.containers.runDetached(
                "dockersdk/busybox", ["sleep", "300"],
                options: RunOptions(name: detached, labels: labels, ports: [try PortSpec("8080"), try PortSpec("[::1]::9090/udp")],
                                    config: ContainerConfig(workingDir: "/tmp")))
            let info = try await container.inspect()
            XCTAssertEqual(info.config?.exposedPorts, ["8080/tcp", "9090/udp"])
            XCTAssertEqual(info.config?.workingDir, "/tmp")
            XCTAssertEqual(info.config?.labels?["com.dockersdk.fixture"], "containers-run")
            XCTAssertEqual(info.hostConfig?.portBindings?["8080/tcp"], [PortBinding(hostIP: "127.0.0.1", hostPort: "")])
            XCTAssertEqual(info.hostConfig?.portBindings?["9090/udp"], [PortBinding(hostIP: "::1", hostPort: "")])
            let port = try await container.mappedPort(8080)
            XCTAssertGreaterThan(port, 1024)
            let stop = try await container.stop(timeout: 1)
            XCTAssertEqual(stop, .stopped)
            try await container.remove()

            // `.never` does not pull: the daemon's not-found names the image.
            let never = await dockerError {
                try await docker.containers.run("dockersdk/no-such-image:1", ["true"], options: RunOptions(pull: .never))
            }
            XCTAssertEqual(never?.isNotFound, true, "\(String(describing: never))")
            XCTAssertTrue(never?.message?.contains("dockersdk/no-such-image") ?? false, "\(String(describing: never))")
        }
    }
}
