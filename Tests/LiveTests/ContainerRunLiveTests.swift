import DockerSDK
import Foundation
import XCTest

/// The high-level `containers.run` / `runDetached` and the `Container` handle, against the real daemon.
final class ContainerRunLiveTests: XCTestCase {
    private func leftovers(_ docker: DockerClient, _ instance: String) async throws -> [ContainerSummary] {
        try await docker.containers.list(all: true, filters: .label("com.dockersdk.instance", instance))
    }

    func testRunWaitsAndReturnsTheExitCodeAndOutputAndLeavesNothing() async throws {
        let docker = try await Live.client()
        // Exactly as a user writes it.
        let result = try await docker.containers.run("dockersdk/busybox", ["sh", "-c", "echo hi; exit 3"])
        XCTAssertEqual(result.exitCode, 3)
        XCTAssertEqual(result.stdoutText, "hi\n")
        XCTAssertEqual(result.stderrText, "")
        let gone = await liveError { try await docker.containers.inspect(result.id) }
        guard case .notFound? = gone else { return XCTFail("the container is left behind: \(String(describing: gone))") }

        // stdout and stderr apart, labels and a name.
        let instance = "run-\(UInt32.random(in: 0...UInt32.max))"
        let name = Live.name("run")
        let both = try await docker.containers.run(
            "dockersdk/busybox", ["sh", "-c", "echo out; echo err >&2; echo $GREETING"],
            options: RunOptions(name: name, env: ["GREETING=hello"], labels: Live.labels(instance), timeout: .seconds(60)))
        XCTAssertEqual(both.exitCode, 0)
        XCTAssertEqual(both.stdoutText, "out\nhello\n")
        XCTAssertEqual(both.stderrText, "err\n")
        let left = try await leftovers(docker, instance)
        XCTAssertEqual(left, [])
    }

    func testEightRunsInParallelEachGetTheirOwnOutput() async throws {
        let docker = try await Live.client()
        let instance = "run-parallel-\(UInt32.random(in: 0...UInt32.max))"
        let results = try await withThrowingTaskGroup(of: (Int, ContainerRunResult).self) { group in
            for i in 0..<8 {
                group.addTask {
                    let result = try await docker.containers.run(
                        "dockersdk/busybox", ["sh", "-c", "echo out-\(i); echo err-\(i) >&2; exit \(i)"],
                        options: RunOptions(labels: Live.labels(instance), timeout: .seconds(60)))
                    return (i, result)
                }
            }
            var all: [(Int, ContainerRunResult)] = []
            for try await pair in group { all.append(pair) }
            return all
        }
        XCTAssertEqual(results.count, 8)
        for (i, result) in results {
            XCTAssertEqual(result.exitCode, i)
            XCTAssertEqual(result.stdoutText, "out-\(i)\n")
            XCTAssertEqual(result.stderrText, "err-\(i)\n")
        }
        let left = try await leftovers(docker, instance)
        XCTAssertEqual(left, [])
    }

    func testRunWithATTYAndKeep() async throws {
        let docker = try await Live.client()
        let instance = "run-keep-\(UInt32.random(in: 0...UInt32.max))"
        let result = try await docker.containers.run(
            "dockersdk/busybox", ["sh", "-c", "echo out; echo err >&2"],
            options: RunOptions(labels: Live.labels(instance), tty: true, keep: true, timeout: .seconds(60)))
        do {
            XCTAssertEqual(result.stdoutText, "out\r\nerr\r\n", "a TTY merges the streams and writes CR LF")
            XCTAssertEqual(result.stderrText, "")
            let kept = try await docker.containers.inspect(result.id)
            XCTAssertEqual(kept.state.status, "exited")
            XCTAssertEqual(kept.config?.tty, true)
        } catch {
            await LiveContainers.remove(docker, result.id)
            throw error
        }
        try await docker.containers.remove(result.id)
        // The TTY asked for through the base config is read the same way.
        var config = ContainerConfig()
        config.tty = true
        let viaConfig = try await docker.containers.run(
            "dockersdk/busybox", ["sh", "-c", "echo out; echo err >&2"],
            options: RunOptions(labels: Live.labels(instance), timeout: .seconds(60), config: config))
        XCTAssertEqual(viaConfig.stdoutText, "out\r\nerr\r\n")
        let left = try await leftovers(docker, instance)
        XCTAssertEqual(left, [])
    }

    func testRunTimeoutKillsAndRemovesTheContainer() async throws {
        let docker = try await Live.client()
        let instance = "run-timeout-\(UInt32.random(in: 0...UInt32.max))"
        let error = await liveError {
            try await docker.containers.run("dockersdk/busybox", ["sleep", "300"],
                                            options: RunOptions(labels: Live.labels(instance), timeout: .seconds(1)))
        }
        guard case .timedOut(let seconds, _)? = error else { return XCTFail("expected timedOut, got \(String(describing: error))") }
        XCTAssertEqual(seconds, 1)
        let left = try await leftovers(docker, instance)
        XCTAssertEqual(left, [], "the container was removed")
    }

    func testRunFailuresCleanUp() async throws {
        let docker = try await Live.client()
        let instance = "run-fail-\(UInt32.random(in: 0...UInt32.max))"
        // A command that does not exist: start fails, nothing is left.
        let missingCommand = await liveError {
            try await docker.containers.run("dockersdk/busybox", ["/no/such/command"],
                                            options: RunOptions(labels: Live.labels(instance), timeout: .seconds(60)))
        }
        XCTAssertNotNil(missingCommand)
        XCTAssertTrue(missingCommand?.message?.contains("/no/such/command") ?? false, "\(String(describing: missingCommand))")
        let detached = await liveError {
            try await docker.containers.runDetached("dockersdk/busybox", ["/no/such/command"],
                                                    options: RunOptions(labels: Live.labels(instance)))
        }
        XCTAssertNotNil(detached)
        let left = try await leftovers(docker, instance)
        XCTAssertEqual(left, [])

        // An image that is neither here nor pullable: with `.never`, not found; else the pull's error.
        let never = await liveError {
            try await docker.containers.run("dockersdk/no-such-image:1", ["true"], options: RunOptions(pull: .never))
        }
        guard case .notFound? = never else { return XCTFail("expected notFound, got \(String(describing: never))") }
        let unreachable = await liveError {
            try await docker.containers.run("127.0.0.1:1/dockersdk/no-such-image:1", ["true"])
        }
        XCTAssertTrue(unreachable?.message?.contains("127.0.0.1:1") ?? false, "\(String(describing: unreachable))")
    }

    func testDetachedRunPublishesARandomLoopbackPortAndTheHandleWorks() async throws {
        let docker = try await Live.client()
        let name = Live.name("run-detached")
        let marker = "hello from \(name)"
        let container = try await docker.containers.runDetached(
            "dockersdk/busybox",
            ["sh", "-c", "mkdir -p /www && echo '\(marker)' > /www/index.html && echo serving && exec httpd -f -p 8080 -h /www"],
            options: RunOptions(name: name, labels: Live.labels("run-detached"), ports: [try PortSpec("8080")]))
        do {
            XCTAssertEqual(container.name, name)
            let info = try await container.inspect()
            XCTAssertEqual(info.shortName, name)
            XCTAssertEqual(info.config?.exposedPorts, ["8080/tcp"])
            let binding = (info.networkSettings?.ports?["8080/tcp"] ?? nil)?.first
            XCTAssertEqual(binding?.hostIP, "127.0.0.1", "published on loopback by default")

            let port = try await container.mappedPort(8080)
            XCTAssertGreaterThan(port, 0)
            let endpoint = try await container.mappedEndpoint(8080)
            XCTAssertEqual(endpoint.host, "127.0.0.1")
            XCTAssertEqual(endpoint.port, port)
            let response = try await LiveHTTP.get(port: port, path: "/index.html")
            XCTAssertTrue(response.hasPrefix("HTTP/1.") && response.contains(" 200 "), response)
            XCTAssertTrue(response.contains(marker), response)
            let unpublished = await liveError { try await container.mappedPort(9999) }
            guard case .invalidArgument? = unpublished else { return XCTFail("\(String(describing: unpublished))") }

            let exec = try await container.exec(["cat", "/www/index.html"])
            XCTAssertEqual(exec.stdoutText, marker + "\n")
            let tty = try await container.exec(["sh", "-c", "echo a; echo b >&2"], tty: true)
            XCTAssertEqual(tty.stdoutText, "a\r\nb\r\n", "one TTY setting: merged output")
            let logs = try await container.logs().collect()
            XCTAssertEqual(String(decoding: logs.stdout, as: UTF8.self), "serving\n")

            let stopped = try await container.stop(timeout: 1)
            XCTAssertEqual(stopped, .stopped)
            let stoppedAgain = try await container.stop(timeout: 1)
            XCTAssertEqual(stoppedAgain, .alreadyStopped)
            let exit = try await container.wait()
            XCTAssertNotNil(exit.statusCode)
            let notRunning = await liveError { try await container.mappedPort(8080) }
            guard case .invalidArgument(let message)? = notRunning else { return XCTFail("\(String(describing: notRunning))") }
            XCTAssertTrue(message.contains("not running"), message)
            let killStopped = await liveError { try await container.kill() }
            guard case .conflict? = killStopped else { return XCTFail("\(String(describing: killStopped))") }

            let started = try await container.start()
            XCTAssertEqual(started, .started)
            try await container.kill()
            let killed = try await container.wait()
            XCTAssertEqual(killed.statusCode, 137)
            try await container.remove()
            let gone = await liveError { try await container.inspect() }
            guard case .notFound? = gone else { return XCTFail("\(String(describing: gone))") }
        } catch {
            await LiveContainers.remove(docker, container.id)
            throw error
        }
    }

    func testMissingImageIsPulledFromARegistryFirstWithAuth() async throws {
        try Live.requireDockerEngine("the test registry is plain HTTP on a random port and Podman 4.3's POST /auth (docker login) always speaks HTTPS there, whatever registries.conf says")
        let docker = try await Live.client()
        let registry = try RunTestRegistry.start(user: "dockersdk-run", password: "pw-\(UUID().uuidString)")
        defer { registry.stop() }
        let reference = "127.0.0.1:\(registry.port)/dockersdk-test/busybox:run-\(UInt32.random(in: 0...UInt32.max))"
        try registry.push("dockersdk/busybox", as: reference)
        do {
            try await pullAndRun(docker, registry, reference)
        } catch {
            await Task.detached { _ = try? await docker.images.remove(reference, force: true) }.value
            throw error
        }
        await Task.detached { _ = try? await docker.images.remove(reference, force: true) }.value
    }

    private func pullAndRun(_ docker: DockerClient, _ registry: RunTestRegistry, _ reference: String) async throws {
        let before = try await docker.images.exists(reference)
        XCTAssertFalse(before, "pushed, then removed locally")

        // Without credentials the pull is refused and nothing is created.
        let instance = "run-pull-\(UInt32.random(in: 0...UInt32.max))"
        let refused = await liveError {
            try await docker.containers.run(reference, ["echo", "pulled"], options: RunOptions(labels: Live.labels(instance)))
        }
        let refusal = refused?.message?.lowercased() ?? ""
        XCTAssertTrue(refusal.contains("auth") || refusal.contains("unauthorized"), "\(String(describing: refused))")
        XCTAssertFalse("\(String(describing: refused))".contains(registry.password), "no password in errors")
        let afterRefusal = try await leftovers(docker, instance)
        XCTAssertEqual(afterRefusal, [])

        let auth = RegistryAuth(username: registry.user, password: registry.password,
                                serverAddress: "127.0.0.1:\(registry.port)")
        let result = try await docker.containers.run(reference, ["echo", "pulled"],
                                                     options: RunOptions(labels: Live.labels(instance), auth: auth,
                                                                         timeout: .seconds(60)))
        XCTAssertEqual(result.exitCode, 0)
        XCTAssertEqual(result.stdoutText, "pulled\n")
        let after = try await docker.images.exists(reference)
        XCTAssertTrue(after, "the image was pulled")
        let left = try await leftovers(docker, instance)
        XCTAssertEqual(left, [])
    }
}

/// A plain HTTP GET to 127.0.0.1:`port`, retried (bounded: 50 tries over about 5 s) until it answers.
enum LiveHTTP {
    static func get(port: Int, path: String) async throws -> String {
        var last = "no answer"
        for _ in 0..<50 {
            if let answer = try? once(port: port, path: path), !answer.isEmpty { return answer }
            last = "no answer from 127.0.0.1:\(port)"
            try await Task.sleep(for: .milliseconds(100))
        }
        throw DockerError.invalidArgument(last)
    }

    private static func once(port: Int, path: String) throws -> String {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard fd >= 0 else { throw DockerError.invalidArgument("socket failed") }
        defer { close(fd) }
        var timeout = timeval(tv_sec: 2, tv_usec: 0)
        setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &timeout, socklen_t(MemoryLayout<timeval>.size))
        setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &timeout, socklen_t(MemoryLayout<timeval>.size))
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = in_port_t(UInt16(port).bigEndian)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        let connected = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) == 0 }
        }
        guard connected else { throw DockerError.invalidArgument("connect failed") }
        let request = Array("GET \(path) HTTP/1.0\r\nHost: 127.0.0.1\r\n\r\n".utf8)
        guard send(fd, request, request.count, 0) == request.count else { throw DockerError.invalidArgument("send failed") }
        var answer = [UInt8]()
        var buffer = [UInt8](repeating: 0, count: 4096)
        while answer.count < 1 << 20 {
            let n = recv(fd, &buffer, buffer.count, 0)
            if n <= 0 { break }
            answer += buffer[0..<n]
        }
        return String(decoding: answer, as: UTF8.self)
    }
}

/// A registry of our own on a free loopback port, with htpasswd basic auth (Debian's docker-registry).
///
/// Images get in with the docker CLI (`login --password-stdin`, `push`), under a DOCKER_CONFIG of its
/// own: the user's config file is never touched and the password is never on a command line.
final class RunTestRegistry {
    let port: Int
    let user: String
    let password: String
    private let process: Process
    private let folder: String

    private init(port: Int, user: String, password: String, process: Process, folder: String) {
        self.port = port
        self.user = user
        self.password = password
        self.process = process
        self.folder = folder
    }

    static func start(user: String, password: String) throws -> RunTestRegistry {
        let binary = "/usr/bin/docker-registry", htpasswd = "/usr/bin/htpasswd"
        guard FileManager.default.isExecutableFile(atPath: binary), FileManager.default.isExecutableFile(atPath: htpasswd) else {
            try Live.unavailable("docker-registry and htpasswd are needed (apt-get install docker-registry apache2-utils)")
        }
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("dockersdk-registry-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: "\(folder)/data", withIntermediateDirectories: true)
        let hashed = try Exec.run(htpasswd, ["-niB", user], stdin: Data(password.utf8), timeout: 30)
        guard hashed.status == 0 else { throw DockerError.invalidArgument("htpasswd failed") }
        try hashed.stdout.write(to: URL(fileURLWithPath: "\(folder)/htpasswd"))
        for _ in 0..<10 {
            let port = Int.random(in: 20000...29999)
            guard RedisClusterLiveTests.isFreeOnLoopback(port) else { continue }
            let config = """
            version: 0.1
            log:
              level: error
            storage:
              filesystem:
                rootdirectory: \(folder)/data
            http:
              addr: 127.0.0.1:\(port)
            auth:
              htpasswd:
                realm: dockersdk-test
                path: \(folder)/htpasswd
            """
            try config.write(toFile: "\(folder)/config.yml", atomically: true, encoding: .utf8)
            let process = Process()
            process.executableURL = URL(fileURLWithPath: binary)
            process.arguments = ["serve", "\(folder)/config.yml"]
            process.standardOutput = FileHandle.nullDevice
            process.standardError = FileHandle.nullDevice
            try process.run()
            for _ in 0..<100 where process.isRunning {
                if !RedisClusterLiveTests.isFreeOnLoopback(port) {
                    return RunTestRegistry(port: port, user: user, password: password, process: process, folder: folder)
                }
                Thread.sleep(forTimeInterval: 0.05)
            }
            if process.isRunning { process.terminate() }
            process.waitUntilExit()
        }
        try? FileManager.default.removeItem(atPath: folder)
        try Live.unavailable("the test registry did not start on a free loopback port")
    }

    /// Tags `image` as `reference` in this registry, pushes it, and removes the local tag.
    func push(_ image: String, as reference: String) throws {
        let docker = Exec.docker
        let config = "\(folder)/docker-config"
        try FileManager.default.createDirectory(atPath: config, withIntermediateDirectories: true)
        func run(_ arguments: [String], stdin: Data? = nil) throws {
            let result = try Exec.run("/usr/bin/env", ["DOCKER_CONFIG=\(config)", docker] + arguments, stdin: stdin,
                                      timeout: 120)
            guard result.status == 0 else {
                throw DockerError.invalidArgument("docker \(arguments.first ?? ""): \(String(decoding: result.stderr, as: UTF8.self))")
            }
        }
        try run(["login", "127.0.0.1:\(port)", "-u", user, "--password-stdin"], stdin: Data(password.utf8))
        try run(["tag", image, reference])
        do {
            try run(["push", reference])
        } catch {
            try? run(["rmi", reference])
            throw error
        }
        try run(["rmi", reference])
    }

    func stop() {
        if process.isRunning {
            process.terminate()
            process.waitUntilExit()
        }
        try? FileManager.default.removeItem(atPath: folder)
    }
}
