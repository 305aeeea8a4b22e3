import Foundation

/// Answers requests from a fixture, in order; a request other than the recorded one fails with a diff.
///
/// ```swift
/// let replay = try ReplayTransport(fixture: Fixture.load(path: "Fixtures/v1.41/system-info.json"))
/// let docker = try DockerClient(host: .defaultSocket, transport: replay)
/// let info = try await docker.system.info()     // the recorded answer, typed
/// try replay.assertFinished()                   // every exchange was used
/// ```
public final class ReplayTransport: DockerTransport, @unchecked Sendable {
    /// The fixture being replayed.
    public let fixture: Fixture
    /// Stream bodies are handed out in chunks of this many bytes, to exercise reassembly.
    public let chunkSize: Int
    private let redactor: Redactor
    private let lock = NSLock()
    private var next = 0
    private var failures: [FixtureError] = []
    private var inputs: [Data] = []

    /// Replays `fixture`; `secrets` are scrubbed from requests before comparing, as when recorded.
    public init(fixture: Fixture, chunkSize: Int = 1024, secrets: [String] = []) {
        self.fixture = fixture
        self.chunkSize = max(1, chunkSize)
        redactor = Redactor(secrets: secrets)
    }

    /// Loads and replays the fixture at `path`.
    public convenience init(path: String, chunkSize: Int = 1024, secrets: [String] = []) throws {
        self.init(fixture: try Fixture.load(path: path), chunkSize: chunkSize, secrets: secrets)
    }

    public var hostDescription: String { "replay of \(fixture.scenario)" }

    /// Mismatches seen so far (each was also thrown to the caller).
    public var mismatches: [FixtureError] {
        lock.lock()
        defer { lock.unlock() }
        return failures
    }

    /// How many recorded exchanges have not been asked for yet.
    public var remaining: Int {
        lock.lock()
        defer { lock.unlock() }
        return fixture.exchanges.count - next
    }

    /// Bytes written to hijacked connections, per connection.
    public var hijackInputs: [Data] {
        lock.lock()
        defer { lock.unlock() }
        return inputs
    }

    /// Throws when a request mismatched or recorded exchanges were left unused.
    public func assertFinished() throws {
        if let first = mismatches.first { throw first }
        let left = remaining
        if left > 0 {
            let request = fixture.exchanges[fixture.exchanges.count - left].request.summary
            throw FixtureError.mismatch(scenario: fixture.scenario, index: fixture.exchanges.count - left,
                                        diff: "\(left) recorded exchange(s) were never requested, first: \(request)")
        }
    }

    public func execute(_ request: DockerRequest) async throws -> DockerResponse {
        let exchange = try take(request)
        return DockerResponse(status: exchange.response.status, headers: headers(exchange),
                              body: exchange.response.body?.data ?? Data())
    }

    public func stream(_ request: DockerRequest) async throws -> DockerStreamResponse {
        let exchange = try take(request)
        return DockerStreamResponse(status: exchange.response.status, headers: headers(exchange),
                                    body: .chunks(chunks(exchange.response.body?.data ?? Data())))
    }

    public func hijack(_ request: DockerRequest) async throws -> any HijackedConnection {
        let exchange = try take(request)
        if exchange.response.status != 101 && exchange.response.status != 200 {
            throw DockerError.from(status: exchange.response.status, body: exchange.response.body?.data ?? Data(),
                                   requested: request.apiVersion)
        }
        let slot: Int = {
            lock.lock()
            defer { lock.unlock() }
            inputs.append(Data())
            return inputs.count - 1
        }()
        return ReplayConnection(status: exchange.response.status, headers: headers(exchange),
                                output: .chunks(chunks(exchange.response.body?.data ?? Data()))) { [self] data in
            lock.lock()
            inputs[slot].append(data)
            lock.unlock()
        }
    }

    private func chunks(_ data: Data) -> [Data] {
        stride(from: 0, to: data.count, by: chunkSize).map { data.subdata(in: $0..<min($0 + chunkSize, data.count)) }
    }

    private func headers(_ exchange: Fixture.Exchange) -> HTTPHeaders {
        HTTPHeaders(exchange.response.headers.sorted { $0.key < $1.key }.map { ($0.key, $0.value) })
    }

    private func take(_ request: DockerRequest) throws -> Fixture.Exchange {
        lock.lock()
        defer { lock.unlock() }
        var body: Fixture.Body?
        var headers = request.headers
        switch request.body {
        case .data(let data, let type)?:
            body = Fixture.Body(data, contentType: type)
            headers["Content-Type"] = type
        case .file(let path, let type)?:
            body = .text("<file \(URL(fileURLWithPath: path).lastPathComponent)>")
            headers["Content-Type"] = type
        case nil: break
        }
        let sent = redactor.scrub(Fixture.Request(
            method: request.method, path: request.path, apiVersion: request.apiVersion?.description,
            query: request.query, headers: headers.isEmpty ? nil : headers, body: body))
        guard next < fixture.exchanges.count else {
            let error = FixtureError.exhausted(scenario: fixture.scenario, request: sent.summary)
            failures.append(error)
            throw error
        }
        let exchange = fixture.exchanges[next]
        let diff = Self.diff(expected: exchange.request, actual: sent)
        if !diff.isEmpty {
            let error = FixtureError.mismatch(scenario: fixture.scenario, index: next, diff: diff)
            failures.append(error)
            throw error
        }
        next += 1
        return exchange
    }

    /// Line-by-line differences between two requests; empty when they match.
    static func diff(expected: Fixture.Request, actual: Fixture.Request) -> String {
        var lines: [String] = []
        if expected.summary != actual.summary {
            lines.append("- \(expected.summary)\n+ \(actual.summary)")
        }
        let expectedHeaders = expected.headers ?? [:]
        let actualHeaders = actual.headers ?? [:]
        for name in Set(expectedHeaders.keys).union(actualHeaders.keys).sorted()
        where expectedHeaders[name] != actualHeaders[name] {
            lines.append("  header \(name): - \(expectedHeaders[name] ?? "(none)")  + \(actualHeaders[name] ?? "(none)")")
        }
        if !bodiesMatch(expected.body, actual.body) {
            lines.append("  body:\n  - \(describe(expected.body))\n  + \(describe(actual.body))")
        }
        return lines.joined(separator: "\n")
    }

    private static func bodiesMatch(_ a: Fixture.Body?, _ b: Fixture.Body?) -> Bool {
        switch (a, b) {
        case (nil, nil): return true
        case let (.json(x)?, .json(y)?): return x == y
        case let (x?, y?): return x.data == y.data
        default: return false
        }
    }

    private static func describe(_ body: Fixture.Body?) -> String {
        guard let body else { return "(none)" }
        let text: String = switch body {
        case .json(let value): String(decoding: value.data(), as: UTF8.self)
        case .text(let text): text
        case .base64(let data): "\(data.count) bytes"
        }
        return text.count > 400 ? String(text.prefix(400)) + "…" : text
    }
}

/// A hijacked connection that plays recorded output and keeps what is written.
final class ReplayConnection: HijackedConnection, @unchecked Sendable {
    let status: Int
    let headers: HTTPHeaders
    let output: ByteStream
    private let onWrite: @Sendable (Data) -> Void

    init(status: Int, headers: HTTPHeaders, output: ByteStream, onWrite: @escaping @Sendable (Data) -> Void) {
        self.status = status
        self.headers = headers
        self.output = output
        self.onWrite = onWrite
    }

    func write(_ data: Data) async throws { onWrite(data) }
    func closeWrite() async throws {}
    func close() { output.cancel() }
}
