import CCurl
import Foundation

/// libcurl's process-wide initialisation, done once before the first handle.
let curlGlobalInit: Void = {
    curl_global_init(Int(CURL_GLOBAL_ALL))
}()

/// A dedicated thread that owns one curl easy handle and runs transfers on it.
///
/// Transfers block this thread, never Swift's cooperative pool. The handle keeps its connection
/// cache between transfers, so consecutive requests reuse one connection.
final class CurlWorker: @unchecked Sendable {
    let handle: UnsafeMutableRawPointer
    let errorBuffer: UnsafeMutablePointer<CChar>
    private let condition = NSCondition()
    private var job: ((CurlWorker) -> Void)?
    private var stopping = false

    init(name: String) throws {
        _ = curlGlobalInit
        guard let handle = curl_easy_init() else {
            throw DockerError.transport(code: -1, message: "curl_easy_init failed")
        }
        self.handle = handle
        errorBuffer = .allocate(capacity: Int(CURL_ERROR_SIZE) + 1)
        errorBuffer.initialize(repeating: 0, count: Int(CURL_ERROR_SIZE) + 1)
        let thread = Thread { [self] in run() }
        thread.name = name
        thread.stackSize = 512 << 10
        thread.start()
    }

    /// Runs `job` on the worker's thread.
    func submit(_ job: @escaping (CurlWorker) -> Void) {
        condition.lock()
        precondition(self.job == nil, "a CurlWorker runs one transfer at a time")
        self.job = job
        condition.signal()
        condition.unlock()
    }

    /// Ends the thread after the current job and frees the handle.
    func stop() {
        condition.lock()
        stopping = true
        condition.signal()
        condition.unlock()
    }

    private func run() {
        while true {
            condition.lock()
            while job == nil && !stopping { condition.wait() }
            let next = job
            job = nil
            let stop = stopping && next == nil
            condition.unlock()
            if stop { break }
            next?(self)
        }
        curl_easy_cleanup(handle)
        errorBuffer.deallocate()
    }
}

/// Marks one queued request; guarded by the pool's lock.
final class WaiterTicket: @unchecked Sendable {
    var cancelled = false
}

/// Lends workers to unary requests: the most recently used first, so sequential requests share
/// one connection; at most `limit` at once, the rest wait in order.
final class CurlWorkerPool: @unchecked Sendable {
    private let lock = NSLock()
    private var idle: [CurlWorker] = []
    private var created = 0
    private let limit: Int
    private var waiting: [(ticket: WaiterTicket, continuation: CheckedContinuation<CurlWorker, any Error>)] = []

    init(limit: Int) {
        self.limit = max(1, limit)
    }

    deinit {
        for worker in idle { worker.stop() }
    }

    func acquire() async throws -> CurlWorker {
        switch reserve() {
        case .worker(let worker):
            return worker
        case .create(let number):
            do {
                return try CurlWorker(name: "dockersdk-curl-\(number)")
            } catch {
                unreserve()
                throw error
            }
        case .full:
            let ticket = WaiterTicket()
            return try await withTaskCancellationHandler {
                try await withCheckedThrowingContinuation { enqueue($0, ticket: ticket) }
            } onCancel: {
                cancelWaiter(ticket)
            }
        }
    }

    private enum Reservation {
        case worker(CurlWorker)
        case create(Int)
        case full
    }

    private func reserve() -> Reservation {
        lock.lock()
        defer { lock.unlock() }
        if let worker = idle.popLast() { return .worker(worker) }
        guard created < limit else { return .full }
        created += 1
        return .create(created)
    }

    private func unreserve() {
        lock.lock()
        created -= 1
        lock.unlock()
    }

    private func enqueue(_ continuation: CheckedContinuation<CurlWorker, any Error>, ticket: WaiterTicket) {
        lock.lock()
        if ticket.cancelled {
            lock.unlock()
            continuation.resume(throwing: DockerError.cancelled)
            return
        }
        if let worker = idle.popLast() {
            lock.unlock()
            continuation.resume(returning: worker)
            return
        }
        waiting.append((ticket, continuation))
        lock.unlock()
    }

    /// A request waiting for a worker was cancelled: it stops waiting at once.
    private func cancelWaiter(_ ticket: WaiterTicket) {
        lock.lock()
        ticket.cancelled = true
        let index = waiting.firstIndex { $0.ticket === ticket }
        let entry = index.map { waiting.remove(at: $0) }
        lock.unlock()
        entry?.continuation.resume(throwing: DockerError.cancelled)
    }

    func release(_ worker: CurlWorker) {
        lock.lock()
        if !waiting.isEmpty {
            let next = waiting.removeFirst()
            lock.unlock()
            next.continuation.resume(returning: worker)
            return
        }
        idle.append(worker)
        lock.unlock()
    }
}
