import DockerSDK
import Foundation
import XCTest

final class ExecFixtureTests: XCTestCase {
    func testExecCreateStartInspectAttachedAndRun() async throws {
        let name = "dockersdk-fx-exec"
        await FixtureCleanup.containers([name])
        let session = try fixture("exec", chunkSize: 3)
        do {
            try await exec(session, container: name)
        } catch {
            await FixtureCleanup.containers([name])
            throw error
        }
        try session.finish()
    }

    private func exec(_ session: FixtureSession, container name: String) async throws {
        let docker = session.docker
        try await docker.containers.create(
            ContainerCreate(image: "dockersdk/busybox", cmd: ["sleep", "300"], labels: fixtureLabels("exec")), name: name)
        try await docker.containers.start(name)

        // create + start: output collected with stdout and stderr apart, exit code via inspect
        let id = try await docker.exec.create(
            container: name, ExecConfig(cmd: ["sh", "-c", "echo out 1; echo err 1 >&2; echo out 2; echo err 2 >&2; exit 7"]))
        XCTAssertEqual(id.count, 64)
        let fresh = try await docker.exec.inspect(id)
        XCTAssertFalse(fresh.running)
        XCTAssertNil(fresh.exitCode, "not started yet")
        let (out, err) = try await docker.exec.start(id).collect()
        XCTAssertEqual(String(decoding: out, as: UTF8.self), "out 1\nout 2\n")
        XCTAssertEqual(String(decoding: err, as: UTF8.self), "err 1\nerr 2\n")
        var state = try await docker.exec.inspect(id)
        for _ in 0..<50 where state.running {
            try await Task.sleep(for: .milliseconds(20))
            state = try await docker.exec.inspect(id)
        }
        XCTAssertFalse(state.running)
        XCTAssertEqual(state.exitCode, 7)
        XCTAssertEqual(state.id, id)
        XCTAssertEqual(state.containerID?.count, 64)

        // stdin over a hijacked connection, EOF by closing stdin
        let catID = try await docker.exec.create(container: name, ExecConfig(cmd: ["sh", "-c", "cat; echo eof >&2"],
                                                                             attachStdin: true))
        let attached = try await docker.exec.startAttached(catID)
        let input = Data("line one\nline two\n".utf8) + fixtureBytes(2000)
        try await attached.write(input)
        try await attached.closeStdin()
        let echoed = try await attached.output.collect()
        attached.close()
        XCTAssertEqual(echoed.stdout, input)
        XCTAssertEqual(String(decoding: echoed.stderr, as: UTF8.self), "eof\n")
        if let replay = session.replay {
            XCTAssertEqual(replay.hijackInputs, [input])
        }

        // run(...): env, working directory, user
        let env = try await docker.exec.run(["sh", "-c", "echo $GREETING; pwd; id -u; echo warn >&2"], in: name,
                                            env: ["GREETING=hi there"], workingDir: "/etc", user: "65534")
        XCTAssertEqual(env.stdoutText, "hi there\n/etc\n65534\n")
        XCTAssertEqual(env.stderrText, "warn\n")
        XCTAssertEqual(env.exitCode, 0)

        // run(...) with stdin
        let counted = try await docker.exec.run(["wc", "-c"], in: name, stdin: fixtureBytes(10_000, seed: 3))
        XCTAssertEqual(counted.stdoutText.trimmingCharacters(in: .whitespacesAndNewlines), "10000")
        XCTAssertEqual(counted.exitCode, 0)

        // a failing command keeps its exit code; a missing one is 126/127 with the daemon's message
        let failing = try await docker.exec.run(["sh", "-c", "exit 42"], in: name)
        XCTAssertEqual(failing.exitCode, 42)
        let missing = try await docker.exec.run(["/no/such/binary"], in: name)
        XCTAssertTrue([126, 127].contains(missing.exitCode), "exit code \(missing.exitCode)")
        XCTAssertTrue((missing.stdoutText + missing.stderrText).contains("no such file"),
                      "\(missing.stdoutText) \(missing.stderrText)")

        // TTY exec: raw output
        let ttyID = try await docker.exec.create(container: name, ExecConfig(cmd: ["sh", "-c", "echo tty; echo e >&2"],
                                                                             tty: true))
        let tty = try await docker.exec.start(ttyID, tty: true)
        XCTAssertFalse(tty.multiplexed)
        let ttyOutput = try await tty.collect()
        XCTAssertEqual(String(decoding: ttyOutput.stdout, as: UTF8.self), "tty\r\ne\r\n")
        XCTAssertEqual(ttyOutput.stderr, Data())

        // an exec in a stopped container: conflict
        try await docker.containers.stop(name, timeout: 0)
        let stopped = await dockerError {
            try await docker.exec.create(container: name, ExecConfig(cmd: ["true"]))
        }
        XCTAssertEqual(stopped?.isConflict, true, "\(String(describing: stopped))")
        XCTAssertTrue(stopped?.message?.contains("is not running") ?? false, "\(String(describing: stopped))")

        // an unknown exec ID: notFound
        let unknown = await dockerError { try await docker.exec.inspect("0000000000000000000000000000000000000000000000000000000000000000") }
        XCTAssertEqual(unknown?.isNotFound, true, "\(String(describing: unknown))")

        try await docker.containers.remove(name)
    }
}
