import CCurl
import Foundation

/// The transport that talks HTTP to a daemon through libcurl.
///
/// A fixed, small set of event-loop threads per transport (one per core, at most 4) serves every
/// call, stream and hijacked connection, and a short call is answered on the calling task's own
/// thread when it can (see CurlEventLoop.swift for the design). Any number of calls may be in flight; connections are kept alive and reused.
public final class CurlTransport: DockerTransport, @unchecked Sendable {
    /// The daemon this transport talks to.
    public let host: DockerHost
    /// How many bytes a stream may hold for a slow consumer before the transfer pauses.
    public let streamBufferLimit: Int
    /// How many output bytes a hijacked connection holds for a consumer that does not read,
    /// before it stops reading the socket.
    public let hijackBufferLimit: Int
    /// The largest unary response body kept in memory; `DockerRequest.responseBodyLimit` overrides it.
    public let maxResponseBodySize: Int
    /// How long connecting to the daemon may take.
    public let connectTimeout: Duration
    /// The event loops, or why they could not be set up (no descriptor or memory left): every call then fails with it.
    private let loopOrError: Result<CurlLoopGroup, DockerError>
    private let gate: RequestGate?
    private let counters = Counters()

    /// Counts what the transport did, for tests and benchmarks.
    public struct Statistics: Sendable, Equatable {
        /// Requests sent (unary, streams and hijacks).
        public var requests: Int
        /// New connections opened to the daemon.
        public var connectionsOpened: Int
    }

    /// Creates a transport to `host`.
    ///
    /// - Parameters:
    ///   - host: the daemon's address.
    ///   - maxConcurrentRequests: at most this many unary calls in flight, the others wait their
    ///     turn (default nil: no limit; with a limit, calls the daemon holds, such as `wait`, count too).
    ///   - streamBufferLimit: bytes a stream buffers for a slow consumer before pausing.
    ///   - hijackBufferLimit: output bytes a hijacked connection buffers before it stops reading.
    ///   - maxResponseBodySize: the largest unary response body; larger is `DockerError.responseTooLarge`.
    ///   - connectTimeout: how long connecting may take.
    public init(host: DockerHost, maxConcurrentRequests: Int? = nil, streamBufferLimit: Int = 1 << 20,
                hijackBufferLimit: Int = 64 << 20, maxResponseBodySize: Int = 64 << 20,
                connectTimeout: Duration = .seconds(30)) {
        self.host = host
        self.streamBufferLimit = streamBufferLimit
        self.hijackBufferLimit = hijackBufferLimit
        self.maxResponseBodySize = maxResponseBodySize
        self.connectTimeout = connectTimeout
        gate = maxConcurrentRequests.map { RequestGate(limit: $0) }
        // An eventfd and a multi handle: failing to get them means the process is out of descriptors.
        do {
            loopOrError = .success(try CurlLoopGroup())
        } catch {
            loopOrError = .failure(error as? DockerError ?? .transport(code: -1, message: "\(error)"))
        }
    }

    deinit {
        if case .success(let loop) = loopOrError { loop.release() }
    }

    /// The event loop for the next call, in turn (throws when the loops could not be set up).
    var loop: CurlEventLoop {
        get throws { try loopOrError.get().next() }
    }

    public var hostDescription: String { host.description }

    /// What the transport has done so far.
    public var statistics: Statistics { counters.snapshot }

    public func execute(_ request: DockerRequest) async throws -> DockerResponse {
        try Task.checkCancellation()
        try await gate?.acquire()
        defer { gate?.release() }
        let limit = request.responseBodyLimit ?? maxResponseBodySize
        let loop = try self.loop
        if !request.longRunning, let lane = loop.takeInlineLane() {
            // The fast path: drive the lane on this thread for a moment.
            let call: CurlRequest
            do {
                call = try CurlRequest(easy: lane.easy, request: request, host: host, kind: .unary(limit: limit),
                                       connectTimeout: connectTimeout)
            } catch {
                loop.endInline()
                loop.putLane(lane)
                throw error
            }
            return try await withTaskCancellationHandler {
                if lane.multi.add(call) != CURLM_OK {
                    loop.endInline()
                    loop.putLane(lane)
                    throw DockerError.transport(code: -1, message: "curl_multi_add_handle failed")
                }
                call.multi = lane.multi
                let done = lane.multi.drive(until: monotonicNanos() + CurlEventLoop.inlineBudget) { call.isCancelled }
                loop.endInline()
                if let (_, code) = done.first {
                    call.multi = nil
                    // Read the outcome before the lane (and its easy handle) can serve another call.
                    let outcome = Result { try result(call, code) }
                    loop.putLane(lane)
                    return try outcome.get()
                }
                if call.isCancelled {
                    lane.multi.remove(call)
                    loop.putLane(lane)
                    throw DockerError.cancelled
                }
                // Longer than the budget: the loop takes the lane over as it is.
                return try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<DockerResponse, any Error>) in
                    call.onFinish = { [self] code in
                        let outcome = Result { try result(call, code) }
                        loop.detach(lane.multi)
                        loop.putLane(lane)
                        continuation.resume(with: outcome)
                    }
                    call.handOver(to: loop) { loop.attach(lane.multi) }
                }
            } onCancel: {
                call.cancel()
            }
        }
        let easy = try loop.takeEasy()
        let call = try CurlRequest(easy: easy, request: request, host: host, kind: .unary(limit: limit),
                                   connectTimeout: connectTimeout)
        return try await withTaskCancellationHandler {
            try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<DockerResponse, any Error>) in
                call.onFinish = { [self] code in
                    let outcome = Result { try result(call, code) }
                    loop.putEasy(easy)
                    continuation.resume(with: outcome)
                }
                call.handOver(to: loop) { loop.start(call) }
            }
        } onCancel: {
            call.cancel()
        }
    }

    private func result(_ call: CurlRequest, _ code: CURLcode) throws -> DockerResponse {
        var connects = 0
        let error = call.failure(code, connects: &connects)
        counters.add(requests: 1, connections: connects)
        if let error { throw error }
        let response = call.response
        if let tls = CurlTransfer.plainHTTPToTLS(host: host, status: response.status, body: response.body) { throw tls }
        return response
    }

    public func stream(_ request: DockerRequest) async throws -> DockerStreamResponse {
        try Task.checkCancellation()
        let channel = ByteChannel(limit: streamBufferLimit)
        let loop = try self.loop
        let easy = try loop.takeEasy()
        let call = try CurlRequest(easy: easy, request: request, host: host, kind: .stream(channel),
                                   connectTimeout: connectTimeout)
        // Larger reads than curl's 16 KB default: a bulk stream (logs, exports) then costs a quarter
        // of the recv calls and of curl's per-read work (its readiness poll) per MB; curl still
        // hands the body over in pieces of at most 16 KB (CURL_MAX_WRITE_SIZE). The buffer is
        // filled only as far as a read returns, so a follow stream of short lines touches one page
        // of it. (The next exchange on this handle starts with curl_easy_reset.)
        dsdk_setopt_long(easy.handle, CURLOPT_BUFFERSIZE, Self.streamReadSize)
        let counters = self.counters
        return try await withTaskCancellationHandler {
            try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<DockerStreamResponse, any Error>) in
                call.onHead = { status, headers in
                    continuation.resume(returning: DockerStreamResponse(
                        status: status, headers: headers, body: ByteStream(channel: channel)))
                }
                call.onFinish = { code in
                    var connects = 0
                    let error = call.failure(code, connects: &connects)
                    counters.add(requests: 1, connections: connects)
                    loop.putEasy(easy)
                    if call.onHead != nil {
                        // The transfer ended before any head: nothing was handed over yet.
                        call.onHead = nil
                        continuation.resume(throwing: error ?? .malformedResponse("no response headers"))
                    }
                    channel.finish(error)
                }
                channel.setOnCancel { call.cancel() }
                channel.setOnResume { loop.post { call.resumeOnLoop() } }
                call.handOver(to: loop) { loop.start(call) }
            }
        } onCancel: {
            call.cancel()
        }
    }

    /// The size of a stream transfer's read buffer (CURLOPT_BUFFERSIZE): the most one recv takes.
    static let streamReadSize = 64 << 10

    public func hijack(_ request: DockerRequest) async throws -> any HijackedConnection {
        try Task.checkCancellation()
        counters.add(requests: 1, connections: 1)
        return try await CurlHijackedConnection.open(request, host: host, loop: try loop, bufferLimit: hijackBufferLimit,
                                                     connectTimeout: connectTimeout)
    }
}

extension CurlEventLoop {
    /// Starts `call` on the main multi handle (loop thread).
    func start(_ call: CurlRequest) {
        if main.add(call) == CURLM_OK {
            call.multi = main
        } else {
            call.finished(CURLE_FAILED_INIT)
        }
    }
}

/// Holds unary calls back beyond a fixed number in flight (`CurlTransport(maxConcurrentRequests:)`).
final class RequestGate: @unchecked Sendable {
    private final class Ticket: @unchecked Sendable {
        var cancelled = false
    }

    private let lock = NSLock()
    private let limit: Int
    private var inFlight = 0
    private var waiting: [(ticket: Ticket, continuation: CheckedContinuation<Void, any Error>)] = []

    init(limit: Int) {
        self.limit = max(1, limit)
    }

    func acquire() async throws {
        let admitted = lock.withLock {
            guard inFlight < limit else { return false }
            inFlight += 1
            return true
        }
        if admitted { return }
        let ticket = Ticket()
        try await withTaskCancellationHandler {
            try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<Void, any Error>) in
                lock.lock()
                if ticket.cancelled {
                    lock.unlock()
                    continuation.resume(throwing: DockerError.cancelled)
                } else if inFlight < limit {
                    inFlight += 1
                    lock.unlock()
                    continuation.resume()
                } else {
                    waiting.append((ticket, continuation))
                    lock.unlock()
                }
            }
        } onCancel: {
            lock.lock()
            ticket.cancelled = true
            let index = waiting.firstIndex { $0.ticket === ticket }
            let entry = index.map { waiting.remove(at: $0) }
            lock.unlock()
            entry?.continuation.resume(throwing: DockerError.cancelled)
        }
    }

    func release() {
        lock.lock()
        if !waiting.isEmpty {
            let next = waiting.removeFirst()
            lock.unlock()
            next.continuation.resume()   // the slot passes on
            return
        }
        inFlight -= 1
        lock.unlock()
    }
}

/// Thread-safe counters behind `CurlTransport.statistics`.
final class Counters: @unchecked Sendable {
    private let lock = NSLock()
    private var value = CurlTransport.Statistics(requests: 0, connectionsOpened: 0)

    func add(requests: Int, connections: Int) {
        lock.lock()
        value.requests += requests
        value.connectionsOpened += connections
        lock.unlock()
    }

    var snapshot: CurlTransport.Statistics {
        lock.lock()
        defer { lock.unlock() }
        return value
    }
}
