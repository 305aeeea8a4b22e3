import Foundation

/// Wraps a real transport and writes down every exchange, to save as a fixture.
///
/// ```swift
/// let recorder = RecordingTransport(recording: CurlTransport(host: .defaultSocket), scenario: "system-info")
/// let docker = try DockerClient(transport: recorder)
/// _ = try await docker.system.info()
/// try recorder.save(under: "Fixtures")      // Fixtures/v1.41/system-info.json
/// ```
public final class RecordingTransport: DockerTransport, @unchecked Sendable {
    /// The transport that really talks to the daemon.
    public let base: any DockerTransport
    /// The scenario's name.
    public let scenario: String
    /// What is scrubbed before anything is kept.
    public let redactor: Redactor
    private let lock = NSLock()
    private var exchanges: [Fixture.Exchange?] = []
    private var server: String?

    /// Records what goes through `base`; `secrets` are scrubbed from everything kept.
    public init(recording base: any DockerTransport, scenario: String, secrets: [String] = []) {
        self.base = base
        self.scenario = scenario
        redactor = Redactor(secrets: secrets)
    }

    public var hostDescription: String { base.hostDescription }

    /// The fixture recorded so far.
    public var fixture: Fixture {
        lock.lock()
        defer { lock.unlock() }
        let done = exchanges.compactMap { $0 }
        let version = done.lazy.compactMap(\.request.apiVersion).first
        return Fixture(scenario: scenario, apiVersion: version, server: server, exchanges: done)
    }

    /// Writes the fixture to `<directory>/v<version>/<scenario>.json` and returns the path.
    @discardableResult
    public func save(under directory: String) throws -> String {
        let fixture = self.fixture
        let path = "\(directory)/v\(fixture.apiVersion ?? "unversioned")/\(scenario).json"
        try fixture.save(path: path)
        return path
    }

    public func execute(_ request: DockerRequest) async throws -> DockerResponse {
        let slot = reserve()
        let response = try await base.execute(request)
        fill(slot, Fixture.Exchange(kind: .unary, request: record(request),
                                    response: record(response.status, response.headers, response.body)))
        return response
    }

    public func stream(_ request: DockerRequest) async throws -> DockerStreamResponse {
        let slot = reserve()
        let response = try await base.stream(request)
        let channel = ByteChannel(limit: .max)
        let recorded = record(request)
        let pump = Task { [self] in
            var body = Data()
            var failure: (any Error)?
            do {
                for try await chunk in response.body {
                    body.append(chunk)
                    channel.produce(chunk)
                }
            } catch {
                failure = error
            }
            fill(slot, Fixture.Exchange(kind: .stream, request: recorded,
                                        response: record(response.status, response.headers, body)))
            channel.finish(failure)
        }
        channel.setOnCancel {
            pump.cancel()
            response.body.cancel()
        }
        return DockerStreamResponse(status: response.status, headers: response.headers, body: ByteStream(channel: channel))
    }

    public func hijack(_ request: DockerRequest) async throws -> any HijackedConnection {
        let slot = reserve()
        let connection = try await base.hijack(request)
        let recorded = record(request)
        let tap = RecordingConnection(base: connection) { [self] input, output in
            var exchange = Fixture.Exchange(kind: .hijack, request: recorded,
                                            response: record(connection.status, connection.headers, output))
            exchange.input = redactor.scrub(Fixture.Body.base64(input))
            fill(slot, exchange)
        }
        return tap
    }

    private func reserve() -> Int {
        lock.lock()
        defer { lock.unlock() }
        exchanges.append(nil)
        return exchanges.count - 1
    }

    private func fill(_ slot: Int, _ exchange: Fixture.Exchange) {
        lock.lock()
        exchanges[slot] = exchange
        if server == nil { server = exchange.response.headers["Server"] }
        lock.unlock()
    }

    private func record(_ request: DockerRequest) -> Fixture.Request {
        var headers = request.headers
        if let body = request.body { headers["Content-Type"] = body.contentType }
        var body: Fixture.Body?
        switch request.body {
        case .data(let data, let type)?: body = Fixture.Body(data, contentType: type)
        case .file(let path, _)?: body = .text("<file \(URL(fileURLWithPath: path).lastPathComponent)>")
        case nil: break
        }
        return redactor.scrub(Fixture.Request(
            method: request.method, path: request.path, apiVersion: request.apiVersion?.description,
            query: request.query, headers: headers.isEmpty ? nil : headers, body: body))
    }

    private static let keptHeaders = ["Api-Version", "Content-Type", "Server", "Ostype", "Docker-Experimental",
                                      "Libpod-Api-Version", "Content-Length",
                                      "X-Docker-Container-Path-Stat"]

    private func record(_ status: Int, _ headers: HTTPHeaders, _ body: Data) -> Fixture.Response {
        var kept: [String: String] = [:]
        for name in Self.keptHeaders { if let value = headers[name] { kept[name] = value } }
        return Fixture.Response(status: status, headers: redactor.scrub(headers: kept),
                                body: body.isEmpty ? nil : redactor.scrub(Fixture.Body(body, contentType: headers["Content-Type"])))
    }
}

/// A hijacked connection that remembers what went in and out.
final class RecordingConnection: HijackedConnection, @unchecked Sendable {
    let base: any HijackedConnection
    let output: ByteStream
    private let channel = ByteChannel(limit: .max)
    private let lock = NSLock()
    private var input = Data()

    var status: Int { base.status }
    var headers: HTTPHeaders { base.headers }

    init(base: any HijackedConnection, done: @escaping @Sendable (Data, Data) -> Void) {
        self.base = base
        output = ByteStream(channel: channel)
        let pump = Task { [self] in
            var out = Data()
            var failure: (any Error)?
            do {
                for try await chunk in base.output {
                    out.append(chunk)
                    channel.produce(chunk)
                }
            } catch {
                failure = error
            }
            done(takeInput(), out)
            channel.finish(failure)
        }
        channel.setOnCancel {
            pump.cancel()
            base.close()
        }
    }

    private func takeInput() -> Data {
        lock.lock()
        defer { lock.unlock() }
        return input
    }

    func write(_ data: Data) async throws {
        lock.withLock { input.append(data) }
        try await base.write(data)
    }

    func closeWrite() async throws { try await base.closeWrite() }
    func close() { base.close() }
}
