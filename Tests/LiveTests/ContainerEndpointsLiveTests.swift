import DockerSDK
import Foundation
import XCTest

/// commit, export, changes, stat, archives streamed both ways, resize and the 304 outcomes, against the real daemon.
final class ContainerEndpointsLiveTests: XCTestCase {
    private var scratch: URL!

    override func setUpWithError() throws {
        scratch = FileManager.default.temporaryDirectory.appendingPathComponent("dockersdk-ctr-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: scratch, withIntermediateDirectories: true)
    }

    override func tearDownWithError() throws {
        try? FileManager.default.removeItem(at: scratch)
    }

    /// Force-removes an image from a fresh task, so that a cancelled test still cleans up.
    private func removeImage(_ docker: DockerClient, _ reference: String) async {
        await Task.detached { _ = try? await docker.images.remove(reference, force: true) }.value
    }

    func testCommitAChangedContainerAndRunTheResult() async throws {
        let docker = try await Live.client()
        let reference = "dockersdk-test-commit-\(UInt32.random(in: 0...UInt32.max)):v1"
        let labels = Live.labels("commit")
        try await LiveContainers.with(docker, "commit") { id, _ in
            let wrote = try await docker.exec.run(["sh", "-c", "echo committed content > /greeting.txt"], in: id)
            XCTAssertEqual(wrote.exitCode, 0)
            do {
                let imageID = try await docker.containers.commit(id, as: reference, options: CommitOptions(
                    comment: "made by a live test", author: "DockerSDK tests <tests@example.invalid>",
                    changes: [#"CMD ["cat", "/greeting.txt"]"#, "ENV COMMITTED=yes",
                              "LABEL com.dockersdk.recipe=live-test com.dockersdk.instance=commit"]))
                XCTAssertTrue(imageID.hasPrefix("sha256:"), imageID)
                let image = try await docker.images.inspect(reference)
                XCTAssertEqual(image.id, imageID)
                XCTAssertEqual(image.comment, "made by a live test")
                XCTAssertEqual(image.config?.cmd, ["cat", "/greeting.txt"])
                XCTAssertTrue(image.config?.env?.contains("COMMITTED=yes") ?? false, "\(String(describing: image.config?.env))")
                XCTAssertEqual(image.config?.labels?["com.dockersdk.instance"], "commit")

                // The committed image runs its new CMD and reads the changed file.
                let result = try await docker.containers.run(reference, options: RunOptions(labels: labels,
                                                                                           timeout: .seconds(60)))
                XCTAssertEqual(result.exitCode, 0)
                XCTAssertEqual(result.stdoutText, "committed content\n")
                let env = try await docker.containers.run(reference, ["sh", "-c", "echo $COMMITTED"],
                                                          options: RunOptions(labels: labels, timeout: .seconds(60)))
                XCTAssertEqual(env.stdoutText, "yes\n")
            } catch {
                await removeImage(docker, reference)
                throw error
            }
            await removeImage(docker, reference)
            let gone = try await docker.images.exists(reference)
            XCTAssertFalse(gone)
        }
    }

    func testCommitWithoutPauseAndUntagged() async throws {
        let docker = try await Live.client()
        try await LiveContainers.with(docker, "commit-untagged") { id, _ in
            let imageID = try await docker.containers.commit(id, options: CommitOptions(pause: false))
            await removeImage(docker, imageID)
            XCTAssertTrue(imageID.hasPrefix("sha256:"))
            let missing = await liveError { try await docker.containers.commit("dockersdk-test-no-such-container") }
            guard case .notFound? = missing else { return XCTFail("expected notFound, got \(String(describing: missing))") }
            let bad = await liveError { try await docker.containers.commit(id, as: "has space") }
            guard case .invalidArgument? = bad else { return XCTFail("expected invalidArgument, got \(String(describing: bad))") }
        }
    }

    func testExportIsAValidTarToAFileAndAsAStream() async throws {
        let docker = try await Live.client()
        try await LiveContainers.with(docker, "export") { id, _ in
            let marker = "exported at \(UUID().uuidString)\n"
            try await docker.containers.upload(id, files: [.file("export-marker.txt", text: marker)], to: "/tmp")

            let file = scratch.appendingPathComponent("rootfs.tar").path
            let written = try await docker.containers.export(id, to: file)
            let data = try Data(contentsOf: URL(fileURLWithPath: file))
            XCTAssertEqual(Int64(data.count), written)
            let entries = try TarArchive.read(data)
            let byPath = Dictionary(entries.map { ($0.path, $0) }, uniquingKeysWith: { a, _ in a })
            XCTAssertEqual(byPath["tmp/export-marker.txt"]?.data, Data(marker.utf8))
            XCTAssertEqual(byPath["bin/busybox"]?.kind, .file)
            XCTAssertGreaterThan(byPath["bin/busybox"]?.data.count ?? 0, 100_000)
            XCTAssertNotNil(byPath["etc/passwd"])
            let leftovers = try FileManager.default.contentsOfDirectory(atPath: scratch.path)
            XCTAssertEqual(leftovers, ["rootfs.tar"], "no partial file beside it")

            // As a stream of chunks: the same kind of archive, read as it comes.
            var streamed = Data()
            var chunks = 0
            for try await chunk in try await docker.containers.export(id) {
                streamed.append(chunk)
                chunks += 1
            }
            XCTAssertGreaterThan(chunks, 1, "it arrives in pieces")
            let streamedEntries = try TarArchive.read(streamed)
            XCTAssertEqual(streamedEntries.first { $0.path == "tmp/export-marker.txt" }?.data, Data(marker.utf8))

            // A missing container leaves no file; an unwritable place is a typed error.
            let target = scratch.appendingPathComponent("missing.tar").path
            let missing = await liveError { try await docker.containers.export("dockersdk-test-no-such-container", to: target) }
            guard case .notFound? = missing else { return XCTFail("expected notFound, got \(String(describing: missing))") }
            XCTAssertFalse(FileManager.default.fileExists(atPath: target))
            let nowhere = await liveError { try await docker.containers.export(id, to: "/no/such/dir/rootfs.tar") }
            guard case .invalidArgument? = nowhere else { return XCTFail("expected invalidArgument, got \(String(describing: nowhere))") }
            let after = try FileManager.default.contentsOfDirectory(atPath: scratch.path)
            XCTAssertEqual(after, ["rootfs.tar"])
        }
    }

    func testChangesListAddedModifiedAndDeleted() async throws {
        let docker = try await Live.client()
        try await LiveContainers.with(docker, "changes") { id, _ in
            let none = try await docker.containers.changes(id)
            XCTAssertFalse(none.contains { $0.path.hasPrefix("/root") || $0.path.hasPrefix("/etc/group") }, "\(none)")
            let edit = try await docker.exec.run(
                ["sh", "-c", "echo new > /root/added.txt && echo more >> /etc/group"], in: id)
            XCTAssertEqual(edit.exitCode, 0, edit.stderrText)
            let changes = try await docker.containers.changes(id)
            let byPath = Dictionary(changes.map { ($0.path, $0.kind) }, uniquingKeysWith: { a, _ in a })
            XCTAssertEqual(byPath["/root/added.txt"], .added, "\(changes)")
            XCTAssertEqual(byPath["/root"], .modified, "\(changes)")
            XCTAssertEqual(byPath["/etc/group"], .modified, "\(changes)")
            XCTAssertEqual(ContainerChange.Kind.added.description, "A")
            XCTAssertEqual(ContainerChange.Kind(rawValue: 2), .deleted)
            XCTAssertEqual(ContainerChange.Kind(rawValue: 9), .other(9))
        }
        // A deletion of a file that the image has.
        try await LiveContainers.with(docker, "changes-deleted") { id, _ in
            let edit = try await docker.exec.run(["rm", "/etc/group"], in: id)
            XCTAssertEqual(edit.exitCode, 0, edit.stderrText)
            let changes = try await docker.containers.changes(id)
            XCTAssertTrue(changes.contains(ContainerChange(path: "/etc/group", kind: .deleted)), "\(changes)")
        }
    }

    func testStatOfAFileAFolderALinkAndAMissingPath() async throws {
        let docker = try await Live.client()
        try await LiveContainers.with(docker, "stat") { id, _ in
            let made = try await docker.exec.run(
                ["sh", "-c", "printf 12345 > /tmp/five && chmod 640 /tmp/five && ln -s /tmp/five /tmp/link && mkdir -m 750 /tmp/dir"],
                in: id)
            XCTAssertEqual(made.exitCode, 0, made.stderrText)
            let file = try await docker.containers.stat(id, path: "/tmp/five")
            XCTAssertEqual(file.name, "five")
            XCTAssertEqual(file.size, 5)
            XCTAssertEqual(file.kind, .file)
            XCTAssertEqual(file.permissions, 0o640)
            XCTAssertEqual(file.linkTarget ?? "", "")
            let modified = try XCTUnwrap(file.modificationDate, file.mtime)
            XCTAssertLessThan(abs(modified.timeIntervalSinceNow), 24 * 3600, "a recent date: \(file.mtime)")

            let link = try await docker.containers.stat(id, path: "/tmp/link")
            XCTAssertEqual(link.kind, .symlink)
            XCTAssertEqual(link.linkTarget, "/tmp/five")

            let dir = try await docker.containers.stat(id, path: "/tmp/dir")
            XCTAssertEqual(dir.kind, .directory)
            XCTAssertEqual(dir.permissions, 0o750)

            let missing = await liveError { try await docker.containers.stat(id, path: "/no/such/path") }
            guard case .notFound(let message)? = missing else { return XCTFail("expected notFound, got \(String(describing: missing))") }
            XCTAssertTrue(message.contains("/no/such/path"), message)
        }
    }

    func testArchivesStreamBothWays() async throws {
        let docker = try await Live.client()
        try await LiveContainers.with(docker, "archive-source") { source, _ in
            try await LiveContainers.with(docker, "archive-target") { target, _ in
                // Upload from a file on disk.
                let payload = randomBytes(3 << 20)
                let tar = scratch.appendingPathComponent("upload.tar").path
                try TarArchive.write([.directory("data/"), .file("data/big.bin", payload),
                                      .file("data/small.txt", text: "small\n")]).write(to: URL(fileURLWithPath: tar))
                try await docker.containers.putArchive(source, path: "/tmp", file: tar)
                let size = try await docker.exec.run(["wc", "-c", "/tmp/data/big.bin"], in: source)
                XCTAssertEqual(size.stdoutText.split(separator: " ").first, "\(payload.count)")

                // Download as a stream, with the path's stat from the header.
                let download = try await docker.containers.archive(source, path: "/tmp/data")
                XCTAssertEqual(download.stat?.name, "data")
                XCTAssertEqual(download.stat?.kind, .directory)
                // Straight from one container into another, spooled through a temporary file.
                try await docker.containers.putArchive(target, path: "/root", stream: download)
                let copied = try await docker.containers.readFile(target, path: "/root/data/big.bin")
                XCTAssertEqual(copied, payload)
                let small = try await docker.containers.readFile(target, path: "/root/data/small.txt")
                XCTAssertEqual(small, Data("small\n".utf8))

                // Download to a file.
                let out = scratch.appendingPathComponent("download.tar").path
                let stat = try await docker.containers.getArchive(target, path: "/root/data/small.txt", to: out)
                XCTAssertEqual(stat?.size, 6)
                let entries = try TarArchive.read(try Data(contentsOf: URL(fileURLWithPath: out)))
                XCTAssertEqual(entries.map(\.path), ["small.txt"])
                XCTAssertEqual(entries.first?.data, Data("small\n".utf8))

                // copyUIDGID / noOverwriteDirNonDir are sent: a file may not replace a folder.
                let clash = scratch.appendingPathComponent("clash.tar").path
                try TarArchive.write([.file("data", text: "not a folder")]).write(to: URL(fileURLWithPath: clash))
                let refused = await liveError {
                    try await docker.containers.putArchive(target, path: "/root", file: clash,
                                                           options: PutArchiveOptions(noOverwriteDirNonDir: true))
                }
                XCTAssertNotNil(refused, "a file over a folder is refused")
                let missing = await liveError {
                    try await docker.containers.putArchive(target, path: "/root", file: "/no/such/archive.tar")
                }
                guard case .invalidArgument? = missing else { return XCTFail("expected invalidArgument, got \(String(describing: missing))") }
                let spools = try FileManager.default.contentsOfDirectory(atPath: NSTemporaryDirectory())
                    .filter { $0.hasPrefix("dockersdk-spool-") }
                XCTAssertEqual(spools, [], "the spool folder is removed")
            }
        }
    }

    func testResizeTheTTYOfAContainerAndOfAnExec() async throws {
        let docker = try await Live.client()
        try await LiveContainers.with(docker, "resize", configure: { config, _ in config.tty = true }) { id, _ in
            try await docker.containers.resize(id, height: 33, width: 101)
            let size = try await docker.exec.run(["sh", "-c", "stty size < /dev/console"], in: id)
            XCTAssertEqual(size.stdoutText, "33 101\n", size.stderrText)
            try await docker.containers.resize(id, TerminalSize(height: 40, width: 132))
            let resized = try await docker.exec.run(["sh", "-c", "stty size < /dev/console"], in: id)
            XCTAssertEqual(resized.stdoutText, "40 132\n")

            // An exec with a TTY: resized while it waits for a line, it then reports the new size.
            let exec = try await docker.exec.create(container: id, ExecConfig(cmd: ["sh", "-c", "read line; stty size"],
                                                                             tty: true, attachStdin: true))
            let session = try await docker.exec.startAttached(exec, tty: true)
            defer { session.close() }
            // The upgrade answer can come just before the process runs: wait (bounded) until it does.
            for _ in 0..<100 where !(try await docker.exec.inspect(exec).running) {
                try await Task.sleep(for: .milliseconds(20))
            }
            try await docker.exec.resize(exec, TerminalSize(height: 21, width: 77))
            try await session.write(Data("go\n".utf8))
            let (out, _) = try await session.output.collect(limit: 1 << 20)
            XCTAssertTrue(String(decoding: out, as: UTF8.self).contains("21 77"), String(decoding: out, as: UTF8.self))

            for (h, w) in [(0, 80), (24, 0), (-1, 80), (24, 70_000)] {
                let bad = await liveError { try await docker.containers.resize(id, height: h, width: w) }
                guard case .invalidArgument? = bad else { return XCTFail("\(h)x\(w): \(String(describing: bad))") }
            }
        }
        // Attached with a TTY, as `docker attach` does: resized, the process sees the new size.
        try await LiveContainers.with(docker, "resize-attach", cmd: ["sh", "-c", "read line; stty size"], configure: { config, _ in
            config.tty = true
            config.openStdin = true
            config.attachStdin = true
            config.attachStdout = true
        }, start: false) { id, _ in
            let session = try await docker.containers.attach(id, stderr: false)
            defer { session.close() }
            XCTAssertFalse(session.output.multiplexed, "a TTY's output is raw")
            try await docker.containers.start(id)
            try await docker.containers.resize(id, TerminalSize(height: 19, width: 93))
            try await session.write(Data("go\n".utf8))
            let (out, _) = try await session.output.collect(limit: 1 << 20)
            XCTAssertTrue(String(decoding: out, as: UTF8.self).contains("19 93"), String(decoding: out, as: UTF8.self))
            let exit = try await docker.containers.wait(id)
            XCTAssertEqual(exit.statusCode, 0)
        }
        try await LiveContainers.with(docker, "resize-stopped", start: false) { id, _ in
            let stopped = await liveError { try await docker.containers.resize(id, height: 24, width: 80) }
            guard case .conflict? = stopped else { return XCTFail("expected conflict, got \(String(describing: stopped))") }
        }
    }

    /// `dockersdk-demo commit CONTAINER REF` and `export -o FILE CONTAINER`, with the docker CLI's spelling.
    func testDemoCommitAndExport() async throws {
        let docker = try await Live.client()
        let demo = try Exec.demo
        let reference = "dockersdk-test-demo-commit-\(UInt32.random(in: 0...UInt32.max)):1"
        try await LiveContainers.with(docker, "demo-commit") { id, _ in
            let wrote = try await docker.exec.run(["sh", "-c", "echo from the demo > /demo.txt"], in: id)
            XCTAssertEqual(wrote.exitCode, 0)
            let commit = try Exec.run(demo, ["commit", "-m", "demo commit", "-a", "tests", "-c", #"CMD ["cat", "/demo.txt"]"#,
                                             "-c", "LABEL com.dockersdk.recipe=live-test", id, reference], timeout: 60)
            let printed = String(decoding: commit.stdout, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
            do {
                XCTAssertEqual(commit.status, 0, String(decoding: commit.stderr, as: UTF8.self))
                let image = try await docker.images.inspect(reference)
                XCTAssertEqual(printed, image.id, "prints the image ID")
                XCTAssertEqual(image.comment, "demo commit")
                let ran = try await docker.containers.run(reference, options: RunOptions(labels: Live.labels("demo-commit"),
                                                                                         timeout: .seconds(60)))
                XCTAssertEqual(ran.stdoutText, "from the demo\n")
            } catch {
                await removeImage(docker, reference)
                throw error
            }
            await removeImage(docker, reference)

            let file = scratch.appendingPathComponent("demo-export.tar").path
            let export = try Exec.run(demo, ["export", "-o", file, id], timeout: 60)
            XCTAssertEqual(export.status, 0, String(decoding: export.stderr, as: UTF8.self))
            XCTAssertEqual(export.stdout, Data(), "the archive goes to the file only")
            XCTAssertTrue(String(decoding: export.stderr, as: UTF8.self).contains("bytes"), "a line when done")
            let entries = try TarArchive.read(try Data(contentsOf: URL(fileURLWithPath: file)))
            XCTAssertEqual(entries.first { $0.path == "demo.txt" }?.data, Data("from the demo\n".utf8))

            let missing = try Exec.run(demo, ["export", "-o", scratch.appendingPathComponent("none.tar").path,
                                              "dockersdk-test-no-such-container"], timeout: 60)
            XCTAssertNotEqual(missing.status, 0)
            // Docker: "No such container: x"; Podman: "no container with name or ID ... found: no such container".
            XCTAssertTrue(String(decoding: missing.stderr, as: UTF8.self).localizedCaseInsensitiveContains("No such container"))
            XCTAssertFalse(FileManager.default.fileExists(atPath: scratch.appendingPathComponent("none.tar").path))
        }
    }

    func testStartAndStopReportWhatTheyDid() async throws {
        let docker = try await Live.client()
        try await LiveContainers.with(docker, "outcomes", start: false) { id, _ in
            let first = try await docker.containers.start(id)
            XCTAssertEqual(first, .started)
            let again = try await docker.containers.start(id)
            XCTAssertEqual(again, .alreadyStarted)
            let stopped = try await docker.containers.stop(id, timeout: 1)
            XCTAssertEqual(stopped, .stopped)
            let stoppedAgain = try await docker.containers.stop(id, timeout: 1)
            XCTAssertEqual(stoppedAgain, .alreadyStopped)
            let handle = docker.containers.container(id)
            let viaHandle = try await handle.start()
            XCTAssertEqual(viaHandle, .started)
            let stopViaHandle = try await handle.stop(timeout: 1)
            XCTAssertEqual(stopViaHandle, .stopped)
        }
    }
}

/// Runs `body`, returning the `DockerError` it throws (nil, with a failure, when it throws nothing or something else).
func liveError<T>(_ body: () async throws -> T, file: StaticString = #filePath, line: UInt = #line) async -> DockerError? {
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
