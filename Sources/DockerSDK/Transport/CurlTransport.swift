import CCurl
import Foundation

/// The transport that talks HTTP to a daemon through libcurl.
///
/// Unary requests run on a small pool of dedicated threads, each owning a curl handle whose
/// connection is kept alive and reused. Streams and hijacked connections get a thread and a fresh
/// connection of their own, so a long `logs --follow` never holds up other requests.
public final class CurlTransport: DockerTransport, @unchecked Sendable {
    /// The daemon this transport talks to.
    public let host: DockerHost
    /// How many bytes a stream may hold for a slow consumer before the transfer pauses.
    public let streamBufferLimit: Int
    private let pool: CurlWorkerPool
    private let counters = Counters()

    /// Counts what the transport did, for tests and benchmarks.
    public struct Statistics: Sendable, Equatable {
        /// Requests sent (unary, streams and hijacks).
        public var requests: Int
        /// New connections opened to the daemon.
        public var connectionsOpened: Int
    }

    /// Creates a transport to `host`, with at most `maxConcurrentRequests` unary requests in flight.
    public init(host: DockerHost, maxConcurrentRequests: Int = 8, streamBufferLimit: Int = 1 << 20) {
        self.host = host
        self.streamBufferLimit = streamBufferLimit
        pool = CurlWorkerPool(limit: maxConcurrentRequests)
    }

    public var hostDescription: String { host.description }

    /// What the transport has done so far.
    public var statistics: Statistics { counters.snapshot }

    public func execute(_ request: DockerRequest) async throws -> DockerResponse {
        try Task.checkCancellation()
        let ctx = TransferContext()
        if let body = request.body { ctx.upload = try UploadSource(body) }
        let worker = try await pool.acquire()
        // Released on every path: a failed transfer must not take its worker out of the pool.
        defer { pool.release(worker) }
        let host = self.host
        let counters = self.counters
        let response: DockerResponse = try await withTaskCancellationHandler {
            try await withCheckedThrowingContinuation { continuation in
                worker.submit { worker in
                    let outcome = CurlTransfer.perform(request, host: host, worker: worker, context: ctx, fresh: false)
                    counters.add(requests: 1, connections: outcome.connects)
                    if outcome.code == CURLE_OK {
                        continuation.resume(returning: DockerResponse(status: ctx.status, headers: ctx.headers, body: ctx.body))
                    } else if let failure = ctx.upload?.failure {
                        continuation.resume(throwing: DockerError.invalidArgument("reading the request body failed: \(failure)"))
                    } else {
                        continuation.resume(throwing: CurlTransfer.error(
                            for: outcome, host: host, request: request, cancelled: ctx.isCancelled,
                            responseStarted: ctx.status != 0))
                    }
                }
            }
        } onCancel: {
            ctx.cancel()
        }
        return response
    }

    public func stream(_ request: DockerRequest) async throws -> DockerStreamResponse {
        try Task.checkCancellation()
        let ctx = TransferContext()
        if let body = request.body { ctx.upload = try UploadSource(body) }
        let channel = ByteChannel(limit: streamBufferLimit)
        ctx.channel = channel
        channel.setOnCancel { ctx.cancel() }
        let worker = try CurlWorker(name: "dockersdk-stream")
        let host = self.host
        let counters = self.counters
        return try await withTaskCancellationHandler {
            try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<DockerStreamResponse, any Error>) in
                ctx.onHead = { status, headers in
                    continuation.resume(returning: DockerStreamResponse(
                        status: status, headers: headers, body: ByteStream(channel: channel)))
                }
                worker.submit { worker in
                    let outcome = CurlTransfer.perform(request, host: host, worker: worker, context: ctx, fresh: true)
                    counters.add(requests: 1, connections: outcome.connects)
                    var error: DockerError? = outcome.code == CURLE_OK ? nil : CurlTransfer.error(
                        for: outcome, host: host, request: request, cancelled: ctx.isCancelled,
                            responseStarted: ctx.status != 0)
                    if outcome.code != CURLE_OK, let failure = ctx.upload?.failure {
                        error = .invalidArgument("reading the request body failed: \(failure)")
                    }
                    if let onHead = ctx.onHead {
                        // The transfer ended before any header: nothing was handed over yet.
                        ctx.onHead = nil
                        _ = onHead
                        continuation.resume(throwing: error ?? .malformedResponse("no response headers"))
                    }
                    channel.finish(error)
                    worker.stop()
                }
            }
        } onCancel: {
            ctx.cancel()
        }
    }

    public func hijack(_ request: DockerRequest) async throws -> any HijackedConnection {
        try Task.checkCancellation()
        counters.add(requests: 1, connections: 1)
        return try await CurlHijackedConnection.open(request, host: host, bufferLimit: 8 << 20)
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
