import DockerSDK
import Foundation
import Logging
import Metrics
import Tracing
import XCTest

/// The code of the DocC articles in Sources/DockerSDK/DockerSDK.docc, compiled with the tests so that a
/// snippet that no longer matches the API breaks the build. None runs against a live daemon: the tests
/// below run the Getting Started, exec, logs and errors snippets against exchanges recorded from one
/// (`Fixtures/v1.41/system-info.json`, `doc-snippets.json`), and check that the articles show only this code.
///
/// Keep each function in step with the article named in its comment.
enum DocSnippets {
    // MARK: DockerSDK.md

    static func landing() async throws {
        let docker = try DockerClient()                  // finds the daemon like the docker CLI
        let result = try await docker.containers.run("dockersdk/busybox", ["echo", "hello"])
        print(result.stdoutText)                         // hello
    }

    // MARK: GettingStarted.md

    static func gettingStartedConnect() async throws {
        let docker = try DockerClient()                 // finds the daemon like the docker CLI
        let version = try await docker.apiVersion()     // negotiated from GET /_ping, e.g. 1.41
        print("API", version)
    }

    /// The Getting Started overview, printing through `print`.
    static func gettingStartedOverview(_ docker: DockerClient, print: (String) -> Void) async throws {
        let version = try await docker.system.version()
        let info = try await docker.system.info()
        let usage = try await docker.system.diskUsage()
        print("Docker \(version.version) on \(info.osType ?? "?"), API \(try await docker.apiVersion())")
        print("\(info.images) images, \(usage.images?.count ?? 0) in the disk usage report")
    }

    static func gettingStartedRun(_ docker: DockerClient) async throws {
        // docker run --rm
        let result = try await docker.containers.run("dockersdk/busybox", ["sh", "-c", "echo hi; exit 3"])
        print(result.exitCode, result.stdoutText)       // 3 hi

        // docker run -d -p 127.0.0.1::80
        let web = try await docker.containers.runDetached(
            "dockersdk/busybox", ["httpd", "-f", "-p", "80"],
            options: RunOptions(name: "web", labels: ["com.example.owner": "me"], ports: [try PortSpec("80")]))
        let port = try await web.mappedPort(80)
        print("listening on 127.0.0.1:\(port)")
        try await web.stop()
        try await web.remove()
    }

    static func gettingStartedLowLevel(_ docker: DockerClient) async throws {
        var host = HostConfig()
        host.publish(80, on: 8080, hostIP: "127.0.0.1")
        let id = try await docker.containers.create(
            ContainerCreate(image: "dockersdk/busybox", cmd: ["httpd", "-f"], env: ["MODE=demo"],
                            labels: ["com.example.owner": "me"], hostConfig: host),
            name: "web").id
        try await docker.containers.start(id)
        let info = try await docker.containers.inspect(id)
        print(info.state.containerStatus)               // running
        try await docker.containers.remove(id, force: true)
    }

    // MARK: ConnectingToADaemon.md

    static func connectExplicit() throws {
        let local = try DockerClient(host: .unix(path: "/run/user/1000/docker.sock"))
        let remote = try DockerClient(host: try DockerHost(url: "tcp://127.0.0.1:2375"))
        let tls = try DockerClient(host: .tls(host: "docker.example", port: 2376,
                                              TLSConfiguration(certDirectory: "/etc/docker-client", verify: true)))
        _ = (local, remote, tls)
    }

    static func connectDiscovery() throws {
        let found = try HostDiscovery().resolve()
        print(found.host, found.source, found.contextName ?? "-")

        // The same rules over an environment of your own, e.g. in tests:
        let docker = try DockerClient(environment: ["DOCKER_HOST": "tcp://127.0.0.1:2375",
                                                    "DOCKER_API_VERSION": "1.41"])
        print(docker.host, docker.hostSource)           // tcp://127.0.0.1:2375 environment
    }

    static func connectVersion(_ docker: DockerClient) async throws {
        let pinned = try DockerClient(apiVersion: APIVersion(1, 41))
        _ = pinned
        let negotiated = try await docker.apiVersion()
        if negotiated < APIVersion(1, 44) {
            print("an older daemon: options from API 1.44 on are refused before anything is sent")
        }
        do {
            let health = HealthConfig(test: ["CMD", "true"], interval: .seconds(5),
                                      startInterval: .seconds(1))   // startInterval: API 1.44
            var config = ContainerConfig(image: "dockersdk/busybox", cmd: ["sleep", "60"])
            config.healthcheck = health
            try await docker.containers.create(ContainerCreate(config: config))
        } catch DockerError.requiresAPIVersion(let feature, let minimum, let current) {
            print("\(feature) needs API \(minimum); this daemon speaks \(current)")
        }
    }

    // MARK: StreamsAndCancellation.md

    static func streamLogs(_ docker: DockerClient, id: String) async throws {
        for try await chunk in try await docker.containers.logs(id, options: LogsOptions(follow: true, tail: 10)) {
            let handle = chunk.stream == .stderr ? FileHandle.standardError : FileHandle.standardOutput
            handle.write(chunk.data)
        }
    }

    static func streamEvents(_ docker: DockerClient) async throws {
        let watcher = Task {
            for try await event in try await docker.system.events(filters: ["type": ["container"]]) {
                print(event.action, event.actor.id)
            }
        }
        try await Task.sleep(for: .seconds(5))
        watcher.cancel()                                // aborts the transfer; the loop ends
        _ = await watcher.result
    }

    static func streamBounded(_ docker: DockerClient) async throws {
        let until = Date().addingTimeInterval(2)
        for try await event in try await docker.system.events(until: until) {   // ends by itself
            print(event.eventType, event.action)
        }
        let stats = try await docker.containers.statsStream("web")
        var samples = 0
        for try await sample in stats {
            print(sample.memoryStats?.usage ?? 0)
            samples += 1
            if samples == 3 { break }                   // leaving the loop closes the stream
        }
    }

    static func streamCollect(_ docker: DockerClient, id: String, print: (Any...) -> Void) async throws {
        let output = try await docker.containers.logs(id)
        let (stdout, stderr) = try await output.collect(limit: 1 << 20)
        print(stdout.count, stderr.count)
    }

    static func streamDecoder(_ bytes: Data) throws {
        var decoder = MultiplexedStreamDecoder()
        for chunk in try decoder.feed(bytes) {
            print(chunk.stream, chunk.data.count)
        }
        try decoder.finish()                            // a truncated frame is .malformedResponse
    }

    // MARK: ExecAndAttach.md

    static func execRun(_ docker: DockerClient, id: String, print: (Any...) -> Void) async throws {
        let result = try await docker.exec.run(["sh", "-c", "cat; echo done >&2"], in: id,
                                               stdin: Data("hi".utf8))
        print(result.stdoutText, result.stderrText, result.exitCode)   // hi done 0
    }

    static func execSteps(_ docker: DockerClient, id: String, print: (Any...) -> Void) async throws {
        let exec = try await docker.exec.create(container: id, ExecConfig(cmd: ["ls", "-l", "/"], workingDir: "/"))
        for try await chunk in try await docker.exec.start(exec) {
            FileHandle.standardOutput.write(chunk.data)
        }
        let state = try await docker.exec.inspect(exec)
        print(state.exitCode ?? -1)
    }

    static func execInteractive(_ docker: DockerClient, id: String) async throws {
        var config = ExecConfig(cmd: ["sh"], tty: true)
        config.attachStdin = true
        let exec = try await docker.exec.create(container: id, config)
        let session = try await docker.exec.startAttached(exec, tty: true)
        try await docker.exec.resize(exec, height: 40, width: 120)
        async let echoed = session.output.collect()
        try await session.write(Data("echo hello; exit 7\n".utf8))
        try await session.closeStdin()
        let output = try await echoed
        session.close()
        print(String(decoding: output.stdout, as: UTF8.self), try await docker.exec.exitCode(exec))
    }

    static func attach(_ docker: DockerClient, id: String) async throws {
        let session = try await docker.containers.attach(id, stdin: true, logs: false)
        defer { session.close() }
        try await session.write(Data("PING\n".utf8))
        for try await chunk in session.output {
            print(chunk.stream, String(decoding: chunk.data, as: UTF8.self))
            break
        }
    }

    // MARK: ImagesBuildAndRegistries.md

    static func imagesPull(_ docker: DockerClient) async throws {
        for try await event in try await docker.images.pull("127.0.0.1:5000/team/app:1") {
            if let detail = event.progressDetail, let current = detail.current, let total = detail.total {
                print(event.id ?? "", event.status ?? "", "\(current)/\(total)")
            }
        }
        try await docker.images.importTarball(.file("rootfs.tar"), reference: "me/rootfs:1",
                                              changes: [#"CMD ["sh"]"#]).wait()
    }

    static func imagesBuild(_ docker: DockerClient) async throws {
        let build = try await docker.images.build(.directory("./ctx"), options: BuildOptions(
            tags: ["app:1"], buildArgs: ["WHO": "me"], target: "final"))
        for try await event in build {
            switch event {
            case .step(let step): print(step)                 // Step 2/5 : RUN make
            case .output(let line): print("  ", line)
            case .imageID(let id): print("built", id)
            case .progress: break
            }
        }
    }

    static func imagesBuildFailure(_ docker: DockerClient) async throws {
        do {
            _ = try await docker.images.build(.tarFile("ctx.tar")).wait()
        } catch DockerError.buildFailed(let step, let message, let code) {
            print(step?.description ?? "before the first step", message, code ?? 0)
        }
    }

    static func imagesPush(_ docker: DockerClient) async throws {
        let auth = try DockerConfigFile.load().credentials(forImage: "127.0.0.1:5443/team/app:1")
        try await docker.images.tag("app:1", as: "127.0.0.1:5443/team/app:1")
        let pushed = try await docker.images.push("127.0.0.1:5443/team/app:1", auth: auth).wait()
        print(pushed.map(\.digest))

        let login = RegistryAuth(username: "ci", password: "from-a-secret-store", serverAddress: "127.0.0.1:5443")
        let answer = try await docker.system.auth(login)   // POST /auth: .unauthorized when refused
        print(answer.status, login)                        // the password prints as <redacted>
    }

    static func imagesArchives(_ docker: DockerClient) async throws {
        let bytes = try await docker.images.save(["app:1"], to: "images.tar")
        let loaded = try await docker.images.load(.file("images.tar")).wait()
        print(bytes, loaded)
        let manifest = try await docker.distribution.inspect("127.0.0.1:5000/team/app:1")
        print(manifest.descriptor.digest, manifest.platforms?.count ?? 0)
    }

    // MARK: RecordAndReplay.md

    static func recordAndReplay(fixtures: String) async throws {
        // Record: the real daemon answers, every exchange is kept (secrets redacted).
        let recorder = RecordingTransport(recording: CurlTransport(host: .defaultSocket), scenario: "my-info",
                                          secrets: ["s3cret"])
        let live = try DockerClient(transport: recorder)
        _ = try await live.system.info()
        let path = try recorder.save(under: fixtures)   // <fixtures>/v1.41/my-info.json

        // Replay: no daemon; requests must match the recording, in order.
        let replay = try ReplayTransport(path: path)
        let docker = try DockerClient(host: .unix(path: "/replay"), transport: replay, environment: [:])
        _ = try await docker.system.info()
        try replay.assertFinished()                     // every exchange used, every request matched
    }

    static func fixtureSession(fixtures: String) async throws {
        let record = ProcessInfo.processInfo.environment["DOCKERSDK_RECORD"] == "1"
        let session = try FixtureSession(scenario: "system-info", directory: fixtures, record: record)
        let info = try await session.docker.system.info()
        try session.finish()                            // writes when recording, checks when replaying
        print(info.serverVersion ?? "")
    }

    // MARK: Errors.md

    static func errors(_ docker: DockerClient, print: (Any...) -> Void) async {
        do {
            try await docker.containers.start("no-such-container")
        } catch DockerError.notFound(let message) {
            print("missing:", message)                  // the daemon's own message
        } catch DockerError.cannotConnect(let host, let reason, _) where reason == .socketMissing {
            print("no daemon at \(host)")
        } catch let error as DockerError {
            print(error)                                // a one-line account, never a body or a secret
        } catch {
            print("not from the SDK:", error)
        }
    }

    // MARK: Observability.md

    static func observability(myMetrics: any MetricsFactory, myTracer: any Tracer) throws {
        var logger = Logger(label: "my-tool.docker")
        logger.logLevel = .debug
        let docker = try DockerClient(logger: logger,
                                      telemetry: DockerTelemetry(metricsFactory: myMetrics, tracer: myTracer))
        _ = docker
    }

    static func describe(_ error: DockerError) -> String {
        switch error {
        case .conflict: "retry later"
        case .cancelled, .timedOut: "gave up"
        case .streamError(let message): "failed while streaming: \(message)"
        default: error.message ?? error.description
        }
    }
}

final class DocSnippetsTests: XCTestCase {
    /// Every line of a Swift code block in the two catalogs' articles is a line of the snippet functions
    /// (whitespace and trailing comments aside; `static` dropped), so the articles show compiled code.
    func testArticlesShowOnlySnippetCode() throws {
        let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent()
        func normalized(_ line: Substring) -> String {
            var code = line.components(separatedBy: "//")[0]
            code = code.split(whereSeparator: \.isWhitespace).joined(separator: " ")
            return code.hasPrefix("static ") ? String(code.dropFirst("static ".count)) : code
        }
        var known = Set<String>()
        for file in ["Tests/DockerSDKTests/DocSnippetsTests.swift", "Tests/DockerRecipesTests/DocSnippetsTests.swift"] {
            let text = try String(contentsOf: root.appendingPathComponent(file), encoding: .utf8)
            known.formUnion(text.split(separator: "\n").map(normalized))
        }
        var checked = 0
        for catalog in ["Sources/DockerSDK/DockerSDK.docc", "Sources/DockerRecipes/DockerRecipes.docc"] {
            let folder = root.appendingPathComponent(catalog)
            let articles = try FileManager.default.contentsOfDirectory(atPath: folder.path).filter { $0.hasSuffix(".md") }
            XCTAssertFalse(articles.isEmpty, catalog)
            for article in articles.sorted() {
                let text = try String(contentsOf: folder.appendingPathComponent(article), encoding: .utf8)
                var inSwift = false, manifest = false
                for line in text.split(separator: "\n", omittingEmptySubsequences: false) {
                    if line.hasPrefix("```") {
                        inSwift = !inSwift && line.hasPrefix("```swift")
                        manifest = false
                        continue
                    }
                    guard inSwift else { continue }
                    if line.contains("Package.swift") { manifest = true }
                    let code = normalized(line)
                    guard !manifest, !code.isEmpty else { continue }
                    checked += 1
                    XCTAssertTrue(known.contains(code), "\(catalog)/\(article): not in the snippet functions: \(line)")
                }
            }
        }
        XCTAssertGreaterThan(checked, 100)
    }

    /// The Getting Started overview against the recorded `system-info` exchanges.
    func testGettingStartedOverviewReplays() async throws {
        let session = try FixtureSession(scenario: "system-info", directory: fixturesDirectory, record: false)
        var lines: [String] = []
        try await DocSnippets.gettingStartedOverview(session.docker) { lines.append($0) }
        try session.finish()
        XCTAssertEqual(lines.count, 2)
        XCTAssertTrue(lines[0].hasPrefix("Docker 20.10"), lines[0])
        XCTAssertTrue(lines[0].hasSuffix("API 1.41"), lines[0])
    }

    /// The exec, logs and errors snippets against exchanges recorded from the real daemon
    /// (`DOCKERSDK_RECORD=1` re-records them, like the other fixture tests).
    func testSnippetsReplayRecordedExchanges() async throws {
        let session = try fixture("doc-snippets", chunkSize: 5)
        let docker = session.docker
        let name = "dockersdk-fx-docsnippets"
        var printed: [String] = []
        let capture: (Any...) -> Void = { items in printed.append(items.map { "\($0)" }.joined(separator: " ")) }
        let id = try await docker.containers.create(
            ContainerCreate(image: "dockersdk/busybox:latest", cmd: ["sh", "-c", "echo ready; echo oops >&2; sleep 300"],
                            labels: ["com.dockersdk.fixture": "doc-snippets"]),
            name: name).id
        do {
            try await docker.containers.start(id)
            // The container has written both lines before the logs are read (bounded wait).
            var lines = 0
            for _ in 0..<50 where lines < 2 {
                let (out, err) = try await docker.containers.logs(id).collect(limit: 1 << 16)
                lines = String(decoding: out + err, as: UTF8.self).split(separator: "\n").count
                if lines < 2 { try await Task.sleep(for: .milliseconds(100)) }
            }
            XCTAssertEqual(lines, 2)
            try await DocSnippets.execRun(docker, id: name, print: capture)
            try await DocSnippets.execSteps(docker, id: name, print: capture)
            try await DocSnippets.streamCollect(docker, id: name, print: capture)
            await DocSnippets.errors(docker, print: capture)
        } catch {
            try? await docker.containers.remove(id, force: true)
            throw error
        }
        try await docker.containers.remove(id, force: true)
        try session.finish()

        XCTAssertEqual(printed.count, 4, "\(printed)")
        guard printed.count == 4 else { return }
        XCTAssertEqual(printed[0], "hi done\n 0")             // stdoutText, stderrText, exitCode
        XCTAssertEqual(printed[1], "0")                        // ls -l / exited with 0
        XCTAssertEqual(printed[2], "6 5")                      // "ready\n" on stdout, "oops\n" on stderr
        XCTAssertTrue(printed[3].hasPrefix("missing: "), printed[3])
        XCTAssertTrue(printed[3].contains("no-such-container"), printed[3])
    }

    /// The Errors article's mapping, on values.
    func testErrorsSnippetMapsCases() {
        XCTAssertEqual(DocSnippets.describe(.conflict(message: "in use")), "retry later")
        XCTAssertEqual(DocSnippets.describe(.timedOut(seconds: 1)), "gave up")
        XCTAssertEqual(DocSnippets.describe(.notFound(message: "No such container: x")), "No such container: x")
    }

    /// The decoder snippet on a two-frame stream.
    func testDecoderSnippetRuns() throws {
        var frames = Data([1, 0, 0, 0, 0, 0, 0, 2]) + Data("hi".utf8)
        frames += Data([2, 0, 0, 0, 0, 0, 0, 1]) + Data("!".utf8)
        XCTAssertNoThrow(try DocSnippets.streamDecoder(frames))
        XCTAssertThrowsError(try DocSnippets.streamDecoder(Data([1, 0, 0, 0, 0, 0, 0, 9, 65])))
    }
}
