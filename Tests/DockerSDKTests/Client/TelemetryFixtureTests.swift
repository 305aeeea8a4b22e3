@testable import DockerSDK
import Foundation
import InMemoryLogging
import InMemoryTracing
import Logging
import MetricsTestKit
import Tracing
import XCTest

/// Logs, metrics and spans of real calls (replayed fixtures and failing transports), captured by in-memory
/// backends passed through `DockerTelemetry` (no process-global bootstrap), with no secret in any record.
final class TelemetryFixtureTests: XCTestCase {
    static let password = "fx-Telemetry-Pa55word!"
    static let registryPassword = "fx-Secret-Pa55word!"

    /// The in-memory backends of one test.
    struct Capture {
        let logs = InMemoryLogHandler()
        let metrics = TestMetrics()
        let tracer = InMemoryTracer()

        var logger: Logger {
            var logger = Logger(label: "dockersdk-test") { _ in logs }
            logger.logLevel = .trace
            return logger
        }

        var telemetry: DockerTelemetry { DockerTelemetry(metricsFactory: metrics, tracer: tracer) }

        /// Every text the backends hold: log messages and metadata, metric labels and dimensions, span names,
        /// attributes, events and recorded errors.
        func everything() -> String {
            var parts: [String] = []
            for entry in logs.entries {
                parts.append("\(entry.level) \(entry.message) \(entry.metadata)")
            }
            for counter in metrics.counters { parts.append("\(counter.label) \(counter.dimensions) \(counter.values)") }
            for timer in metrics.timers { parts.append("\(timer.label) \(timer.dimensions)") }
            for span in tracer.finishedSpans {
                parts.append("\(span.operationName) \(span.attributes) \(span.events) \(span.status.map { "\($0)" } ?? "")")
                parts.append(contentsOf: span.errors.map { "\($0.error) \($0.attributes)" })
            }
            return parts.joined(separator: "\n")
        }

        func spans(named name: String) -> [FinishedInMemorySpan] {
            tracer.finishedSpans.filter { $0.operationName == name }
        }

        func count(_ method: String, _ path: String, status: String) -> Int64 {
            metrics.counterTotal(label: DockerTelemetry.Names.requests,
                                 dimensions: [("method", method), ("path", path), ("status", status)])
        }
    }

    /// A client on a replayed (or, with DOCKERSDK_RECORD=1, recorded) scenario, reporting to `capture`.
    private func client(_ scenario: String, secrets: [String], capture: Capture)
        throws -> (DockerClient, finish: () throws -> Void)
    {
        if recordingFixtures {
            let recorder = RecordingTransport(recording: CurlTransport(host: try HostDiscovery().resolve().host),
                                              scenario: scenario, secrets: secrets)
            let docker = try DockerClient(transport: recorder, logger: capture.logger, telemetry: capture.telemetry)
            return (docker, { _ = try recorder.save(under: fixturesDirectory) })
        }
        let replay = try ReplayTransport(path: "\(fixturesDirectory)/v1.41/\(scenario).json", secrets: secrets)
        let docker = try DockerClient(host: .unix(path: "/replay/\(scenario)"), transport: replay, environment: [:],
                                      logger: capture.logger, telemetry: capture.telemetry)
        return (docker, { try replay.assertFinished() })
    }

    func testCallsAreLoggedCountedTimedAndTracedWithoutSecrets() async throws {
        let name = "dockersdk-fx-telemetry"
        await FixtureCleanup.containers([name])
        let capture = Capture()
        let (docker, finish) = try client("telemetry", secrets: [Self.password], capture: capture)
        do {
            let config = ContainerConfig(image: "dockersdk/busybox", cmd: ["sh", "-c", "echo hello"],
                                         env: ["MYSQL_ROOT_PASSWORD=\(Self.password)"],
                                         labels: fixtureLabels("telemetry"))
            _ = try await docker.containers.create(ContainerCreate(config: config), name: name)
            _ = try await docker.containers.inspect(name)
            try await docker.containers.start(name)
            _ = try await docker.containers.wait(name)
            let output = try await docker.containers.logs(name).collect()
            XCTAssertEqual(String(decoding: output.stdout, as: UTF8.self), "hello\n")
            let missing = await dockerError { try await docker.containers.inspect("\(name)-missing") }
            XCTAssertEqual(missing?.isNotFound, true)
            try await docker.containers.remove(name, force: true)
        } catch {
            await FixtureCleanup.containers([name])
            throw error
        }
        try finish()

        // Metrics: one count per call, by method, template and status; a timer per call; one error.
        XCTAssertEqual(capture.count("GET", "/_ping", status: "200"), 1, "the negotiation is a call of its own")
        XCTAssertEqual(capture.count("POST", "/containers/create", status: "201"), 1)
        XCTAssertEqual(capture.count("POST", "/containers/{id}/start", status: "204"), 1)
        XCTAssertEqual(capture.count("POST", "/containers/{id}/wait", status: "200"), 1)
        XCTAssertEqual(capture.count("GET", "/containers/{id}/logs", status: "200"), 1)
        XCTAssertEqual(capture.count("DELETE", "/containers/{id}", status: "204"), 1)
        XCTAssertEqual(capture.count("GET", "/containers/{id}/json", status: "404"), 1)
        let inspected = capture.count("GET", "/containers/{id}/json", status: "200")
        XCTAssertGreaterThanOrEqual(inspected, 1, "inspect, and any inspect logs makes")
        let calls = capture.metrics.counterTotal(label: DockerTelemetry.Names.requests)
        XCTAssertEqual(calls, 7 + inspected, "decode nested in send is one call, not two")
        XCTAssertEqual(Int64(capture.metrics.timers(label: DockerTelemetry.Names.duration).map(\.values.count)
                .reduce(0, +)), calls)
        XCTAssertEqual(capture.metrics.counterTotal(label: DockerTelemetry.Names.errors), 1)
        XCTAssertEqual(capture.metrics.counterTotal(label: DockerTelemetry.Names.errors, dimensions: [
            ("method", "GET"), ("path", "/containers/{id}/json"), ("error", "notFound"),
        ]), 1)
        XCTAssertTrue(capture.metrics.counters.allSatisfy { counter in
            counter.dimensions.allSatisfy { !$0.1.contains(name) }
        }, "no container name in any dimension")

        // Spans: one client span per call with the HTTP attributes; the failure is an error span.
        XCTAssertEqual(Int64(capture.tracer.finishedSpans.count), calls)
        let create = try XCTUnwrap(capture.spans(named: "POST /containers/create").first)
        XCTAssertEqual(create.kind, .client)
        XCTAssertEqual(create.attributes["http.request.method"]?.toSpanAttribute(), "POST")
        XCTAssertEqual(create.attributes["url.path"]?.toSpanAttribute(), "/containers/create")
        XCTAssertEqual(create.attributes["http.response.status_code"]?.toSpanAttribute(), 201)
        XCTAssertNil(create.status)
        XCTAssertTrue(create.errors.isEmpty)
        let failed = try XCTUnwrap(capture.spans(named: "GET /containers/{id}/json").first {
            $0.attributes["http.response.status_code"]?.toSpanAttribute() == 404
        })
        XCTAssertEqual(failed.status?.code, .error)
        XCTAssertEqual(failed.attributes["error.type"]?.toSpanAttribute(), "notFound")
        XCTAssertEqual(failed.errors.count, 1)
        XCTAssertEqual("\(failed.errors.first?.error ?? RedactedCallError(kind: "-", status: nil))",
                       "DockerError.notFound (HTTP 404)")
        // The negotiation ping is a span of its own: `containers.create` checks its fields against the
        // negotiated version before it sends, so the ping runs before the create span opens.
        let ping = try XCTUnwrap(capture.spans(named: "GET /_ping").first)
        XCTAssertNil(ping.spanContext.parentSpanID)
        XCTAssertNotEqual(ping.traceID, create.traceID)

        // Logs: a debug line per call with id, method, template, status and duration; a trace line per start.
        let done = capture.logs.entries.filter { $0.level == .debug }
        XCTAssertEqual(Int64(done.count), calls)
        XCTAssertEqual(Int64(capture.logs.entries.filter { $0.level == .trace }.count), calls)
        let createLog = try XCTUnwrap(done.first { $0.metadata["url.path"] == "/containers/create" })
        XCTAssertEqual(createLog.message, "docker request")
        XCTAssertEqual(createLog.metadata["http.request.method"], "POST")
        XCTAssertEqual(createLog.metadata["http.response.status_code"], "201")
        XCTAssertNotNil(createLog.metadata["duration_ms"].flatMap { Double("\($0)") })
        let ids = Set(done.compactMap { $0.metadata["dockersdk.request_id"].map { "\($0)" } })
        XCTAssertEqual(Int64(ids.count), calls, "a distinct request id per call")
        let failedLog = try XCTUnwrap(done.first { $0.message == "docker request failed" })
        XCTAssertEqual(failedLog.metadata["error.type"], "notFound")
        XCTAssertEqual(failedLog.metadata["http.response.status_code"], "404")

        // No secret, and no container name, anywhere.
        let all = capture.everything()
        XCTAssertFalse(all.contains(Self.password), all)
        XCTAssertFalse(all.contains(name), all)
    }

    func testTheRecordedFixtureHoldsThePasswordRedacted() throws {
        let text = try String(contentsOfFile: "\(fixturesDirectory)/v1.41/telemetry.json", encoding: .utf8)
        XCTAssertFalse(text.contains(Self.password))
        XCTAssertTrue(text.contains("MYSQL_ROOT_PASSWORD=<redacted>"))
    }

    func testRegistryCredentialsNeverReachARecord() async throws {
        let capture = Capture()
        let (docker, finish) = try client("images-pull-unreachable", secrets: [Self.registryPassword],
                                          capture: capture)
        let auth = RegistryAuth(username: "fixture-user", password: Self.registryPassword, serverAddress: "127.0.0.1:9")
        let error = await dockerError {
            try await docker.images.pull("127.0.0.1:9/dockersdk-fx/unreachable:1", auth: auth).wait()
        }
        XCTAssertNotNil(error)
        _ = await dockerError { try await docker.images.pull("127.0.0.1:9/dockersdk-fx/unreachable:1").wait() }
        try finish()

        XCTAssertEqual(capture.count("POST", "/images/create", status: "500"), 2)
        XCTAssertEqual(capture.metrics.counterTotal(label: DockerTelemetry.Names.errors, dimensions: [
            ("method", "POST"), ("path", "/images/create"), ("error", "serverError"),
        ]), 2)
        let all = capture.everything()
        let header = try auth.headerValue()
        for secret in [Self.registryPassword, header, "127.0.0.1:9/dockersdk-fx"] {
            XCTAssertFalse(all.contains(secret), "\(secret) in \(all)")
        }
    }

    func testATransportFailureIsAnErrorWithoutStatus() async throws {
        let capture = Capture()
        let docker = try DockerClient(host: .unix(path: "/failing"), apiVersion: APIVersion(1, 41),
                                      transport: FailingTransport(), environment: [:],
                                      logger: capture.logger, telemetry: capture.telemetry)
        let error = await dockerError { try await docker.containers.inspect("abc123") }
        guard case .cannotConnect? = error else { return XCTFail("\(String(describing: error))") }

        XCTAssertEqual(capture.count("GET", "/containers/{id}/json", status: "none"), 1)
        XCTAssertEqual(capture.metrics.counterTotal(label: DockerTelemetry.Names.errors, dimensions: [
            ("method", "GET"), ("path", "/containers/{id}/json"), ("error", "cannotConnect"),
        ]), 1)
        let span = try XCTUnwrap(capture.tracer.finishedSpans.first)
        XCTAssertEqual(capture.tracer.finishedSpans.count, 1)
        XCTAssertEqual(span.status?.code, .error)
        XCTAssertNil(span.attributes["http.response.status_code"])
        XCTAssertEqual(span.attributes["error.type"]?.toSpanAttribute(), "cannotConnect")
        let log = try XCTUnwrap(capture.logs.entries.first { $0.level == .debug })
        XCTAssertEqual(log.message, "docker request failed")
        XCTAssertEqual(log.metadata["http.response.status_code"], "none")
        XCTAssertFalse(capture.everything().contains(FailingTransport.detail), "the error's text stays in the error")
    }

    func testHijackedAndStreamedCallsCarryTheirStatus() async throws {
        let capture = Capture()
        let docker = try DockerClient(host: .unix(path: "/scripted"), apiVersion: APIVersion(1, 41),
                                      transport: ScriptedTransport(), environment: [:],
                                      logger: capture.logger, telemetry: capture.telemetry)
        let connection = try await docker.openHijacked("POST", "/exec/0123abcd/start")
        connection.close()
        _ = try await docker.openStream("GET", "/events")
        XCTAssertEqual(capture.count("POST", "/exec/{id}/start", status: "101"), 1)
        XCTAssertEqual(capture.count("GET", "/events", status: "200"), 1)
        XCTAssertEqual(capture.spans(named: "POST /exec/{id}/start").first?
            .attributes["http.response.status_code"]?.toSpanAttribute(), 101)
    }

    func testNothingIsRecordedWithoutBackendsAndBelowDebug() async throws {
        let logs = InMemoryLogHandler()
        var logger = Logger(label: "quiet") { _ in logs }
        logger.logLevel = .info
        let docker = try DockerClient(host: .unix(path: "/scripted"), apiVersion: APIVersion(1, 41),
                                      transport: ScriptedTransport(), environment: [:], logger: logger)
        _ = try await docker.openStream("GET", "/events")
        XCTAssertTrue(logs.entries.isEmpty)
    }

    func testPathTemplates() {
        let cases: [(String, String)] = [
            ("/_ping", "/_ping"),
            ("/containers/json", "/containers/json"),
            ("/containers/create", "/containers/create"),
            ("/containers/0123abcd/json", "/containers/{id}/json"),
            ("/containers/my-db", "/containers/{id}"),
            ("/containers/my-db/logs", "/containers/{id}/logs"),
            ("/exec/e1/start", "/exec/{id}/start"),
            ("/images/dockersdk/busybox:latest/json", "/images/{name}/json"),
            ("/images/127.0.0.1:5000/team/app:1/push", "/images/{name}/push"),
            ("/images/redis:7", "/images/{name}"),
            ("/images/json", "/images/json"),
            ("/networks/n1/connect", "/networks/{id}/connect"),
            ("/volumes/data", "/volumes/{name}"),
            ("/distribution/dockersdk/busybox/json", "/distribution/{name}/json"),
            ("/plugins/vieux/sshfs:latest/enable", "/plugins/{name}/enable"),
            ("/not-an-endpoint/secret-value", "/not-an-endpoint/..."),
            ("/", "/"),
        ]
        for (path, template) in cases {
            XCTAssertEqual(PathTemplate.of(path), template, path)
        }
    }
}

/// A transport whose every call fails as a missing socket would, with a detail that must stay in the error.
private struct FailingTransport: DockerTransport {
    static let detail = "connect to /failing: secret-detail-9f2"
    var hostDescription: String { "failing" }

    func execute(_ request: DockerRequest) async throws -> DockerResponse { throw failure }
    func stream(_ request: DockerRequest) async throws -> DockerStreamResponse { throw failure }
    func hijack(_ request: DockerRequest) async throws -> any HijackedConnection { throw failure }

    private var failure: DockerError {
        .cannotConnect(host: "unix:///failing", reason: .socketMissing, detail: Self.detail)
    }
}

/// A transport answering streams with 200 and hijacks with a 101 upgrade and no output.
private struct ScriptedTransport: DockerTransport {
    var hostDescription: String { "scripted" }

    func execute(_ request: DockerRequest) async throws -> DockerResponse {
        DockerResponse(status: 200, headers: HTTPHeaders(), body: Data("{}".utf8))
    }

    func stream(_ request: DockerRequest) async throws -> DockerStreamResponse {
        DockerStreamResponse(status: 200, headers: HTTPHeaders(), body: .chunks([]))
    }

    func hijack(_ request: DockerRequest) async throws -> any HijackedConnection {
        Upgraded()
    }

    struct Upgraded: HijackedConnection {
        var status: Int { 101 }
        var headers: HTTPHeaders { HTTPHeaders() }
        var output: ByteStream { .chunks([]) }
        func write(_ data: Data) async throws {}
        func closeWrite() async throws {}
        func close() {}
    }
}
