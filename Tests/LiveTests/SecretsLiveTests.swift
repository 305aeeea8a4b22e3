import DockerRecipes
import DockerSDK
import Foundation
import Logging
import SecretScanSupport
import XCTest

/// Issue 12, item 7, live: the MySQL replication recipe run with planted passwords, every log line
/// (trace), the recorded exchanges, the demo's output, every process's command line in the
/// containers (`docker top`, sampled while the recipe's commands run) and the containers'
/// environment: none holds a password; the recipe's status commands work without reading one.
final class SecretsLiveTests: RecipeLiveTestCase {
    func testMySQLReplicationShowsNoPasswordAnywhere() async throws {
        _ = try await Live.client()
        let root = "Root-PLANT-\(UInt32.random(in: 0...UInt32.max))"
        let repl = "Repl-PLANT-\(UInt32.random(in: 0...UInt32.max))"
        let secrets = [root, repl]
        let log = CapturedLog()
        let logger = log.logger(label: "secrets-live")
        let recorder = RecordingTransport(recording: CurlTransport(host: try HostDiscovery().resolve().host),
                                          scenario: "secrets-mysql", secrets: secrets)
        let docker = try DockerClient(transport: recorder, logger: logger)
        let prefix = tracked("lt-secrets-\(UInt16.random(in: 0...UInt16.max))")
        let options = MySQLReplicationOptions(replicas: 1, rootPassword: Secret(root), replicationPassword: Secret(repl),
                                              sourcePort: nil, namePrefix: prefix)
        let replication = try await MySQLReplication(docker: docker, options: options)
        let progress = CapturedLog()
        defer { Task.detached { _ = try? await replication.down() } }

        // Sample every process's command line in every server while up, status and verify run.
        let sampler = Task.detached { () -> [String] in
            var lines: [String] = []
            for _ in 0..<600 where !Task.isCancelled {  // at most ~5 minutes
                for server in replication.plan.servers {
                    if let top = try? await docker.containers.top(server.name, psArgs: "-eo pid,args") {
                        lines += top.processes.map { $0.joined(separator: " ") }
                    }
                }
                try? await Task.sleep(for: .milliseconds(200))
            }
            return lines
        }
        try await replication.up(progress: RecipeProgress { progress.append("\($0)") })
        let status = try await replication.status()
        XCTAssertEqual(status.replicas.first?.status?.isReplicating, true, "status logs in without reading a password back")
        let report = try await replication.verify()
        XCTAssertTrue(report.passed)
        sampler.cancel()
        let commandLines = await sampler.value
        XCTAssertTrue(commandLines.contains { $0.contains("mariadbd") || $0.contains("mysqld") }, "ps saw the servers")
        assertNoSecret(commandLines.joined(separator: "\n"), secrets, "a command line in a container")
        // The recipe's clients live for milliseconds and `top` samples every 200 ms at best (on Podman each
        // `top` is an exec of ps in the container, slower still), so it may miss them all. To know the check
        // above looks at the recipe's own client command lines, a watcher in every server reads every
        // /proc/PID/cmdline in a tight loop (bounded: 4000 rounds, 60 s) while status runs again and
        // again (bounded: 200 rounds), and prints the first snapshot holding the client.
        var clientLines: [String] = commandLines.filter { $0.contains("--defaults-extra-file") }
        if clientLines.isEmpty {
            let stop = StopFlag()
            let statusLoop = Task {
                for _ in 0..<200 where await !stop.isSet { _ = try await replication.status() }
            }
            let watchers = replication.plan.servers.map { server in
                Task { try await docker.exec.run(["timeout", "60", "sh", "-c", Self.clientWatcher], in: server.name) }
            }
            var results: [ExecResult] = []
            do {
                for watcher in watchers { results.append(try await watcher.value) }
            } catch {
                await stop.set()
                throw error
            }
            await stop.set()
            try await statusLoop.value
            for result in results {
                assertNoSecret(result.stdoutText + result.stderrText, secrets, "a command line in a container (watcher)")
                if result.exitCode == 0 {
                    clientLines += result.stdoutText.split(separator: "\n").map(String.init).filter { $0.contains("--defaults-extra-file") }
                }
            }
        }
        XCTAssertFalse(clientLines.isEmpty, "ps or /proc saw the recipe's own client at work (\(commandLines.count) lines sampled)")
        assertNoSecret(clientLines.joined(separator: "\n"), secrets, "the recipe's client command line")

        for server in replication.plan.servers {
            let inspect = try await docker.containers.inspect(server.name)
            assertNoSecret((inspect.config?.env ?? []).joined(separator: " "), secrets, "the environment of \(server.name)")
            assertNoSecret((inspect.config?.cmd ?? []).joined(separator: " "), secrets, "the command of \(server.name)")
            let environ = try await docker.exec.run(["sh", "-c", "cat /proc/1/environ | tr '\\0' '\\n'"], in: server.name)
            assertNoSecret(environ.stdoutText, secrets, "the server process's environment in \(server.name)")
            let file = try await docker.exec.run(["test", "-e", MySQLReplicationPlan.rootPasswordFile], in: server.name)
            XCTAssertEqual(file.exitCode, 1, "the entrypoint's password file is gone after up")
        }

        // The demo's own output for the same deployment.
        let demo = try Exec.demo
        for command in [["status"], ["status", "--json"], ["verify"], ["verify", "--json"]] {
            let run = try Exec.run(demo, ["mysql-replication"] + command + ["--replicas", "1", "--name-prefix", prefix], timeout: 120)
            XCTAssertEqual(run.status, 0, String(decoding: run.stderr, as: UTF8.self))
            assertNoSecret(String(decoding: run.stdout + run.stderr, as: UTF8.self), secrets, "demo \(command)")
        }

        _ = try await replication.down()
        let folder = NSTemporaryDirectory() + "dockersdk-secrets-\(UUID().uuidString)"
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let fixture = try String(contentsOfFile: try recorder.save(under: folder), encoding: .utf8)
        XCTAssertFalse(log.lines.isEmpty)
        assertNoSecret(log.lines.joined(separator: "\n"), secrets, "the client's trace log")
        assertNoSecret(progress.lines.joined(separator: "\n"), secrets, "the recipe's progress")
        assertNoSecret("\(status) \(report)", secrets, "the status and verify reports")
        assertNoSecret(fixture, secrets, "the recorded exchanges")
        // The recorded exchanges, decoded (tar uploads, exec stdin and output), carry no password either.
        let decoded = SecretScan.decodedBodies(try JSONSerialization.jsonObject(with: Data(fixture.utf8)))
        XCTAssertFalse(decoded.isEmpty, "the recording holds binary bodies")
        assertNoSecret(decoded.joined(separator: "\n"), secrets, "a decoded body of the recording")
    }

    /// Reads every process's command line (`/proc/PID/cmdline`, NULs as spaces, one process a line) in a
    /// loop of at most 4000 rounds and prints the first round's lines that hold the recipe's client (its
    /// `--defaults-extra-file` option; spelled in two halves here so that this script's own command line
    /// never holds it); exit 3 when no round did.
    static let clientWatcher = """
        p=--defaults-extra; p="$p-file"; i=0
        while [ $i -lt 4000 ]; do
          i=$((i+1))
          out=$(for f in /proc/[0-9]*/cmdline; do tr '\\0' ' ' <"$f" 2>/dev/null; echo; done)
          case "$out" in *"$p"*) printf '%s\\n' "$out"; exit 0 ;; esac
        done
        exit 3
        """
}

/// Tells a bounded loop in another task to stop after its current round.
private actor StopFlag {
    private(set) var isSet = false
    func set() { isSet = true }
}
