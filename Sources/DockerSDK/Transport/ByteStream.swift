import Foundation

/// A response body that arrives in chunks, as an `AsyncSequence` of `Data`.
///
/// At most a bounded number of bytes wait between the transfer and the consumer: when the consumer
/// is slow, the transfer stops reading from the socket. Cancelling the consuming task, or dropping
/// the iterator, aborts the transfer; iteration then throws `DockerError.cancelled`.
public struct ByteStream: AsyncSequence, Sendable {
    /// A chunk of the body, as it arrived.
    public typealias Element = Data

    /// Aborts the transfer when the last copy of the stream and its iterators are gone,
    /// also when nobody ever iterated it.
    final class Owner: Sendable {
        let channel: ByteChannel
        init(channel: ByteChannel) { self.channel = channel }
        deinit { channel.detach() }
    }

    let owner: Owner
    var channel: ByteChannel { owner.channel }

    init(channel: ByteChannel) {
        owner = Owner(channel: channel)
    }

    /// A stream that yields the given chunks and ends (for replays and tests).
    public static func chunks(_ chunks: [Data]) -> ByteStream {
        let channel = ByteChannel(limit: .max)
        for chunk in chunks { _ = channel.produce(chunk) }
        channel.finish(nil)
        return ByteStream(channel: channel)
    }

    /// Aborts the transfer; a waiting consumer gets `DockerError.cancelled`.
    public func cancel() {
        channel.cancel()
    }

    /// Iterates the chunks; dropping the iterator aborts the transfer.
    public func makeAsyncIterator() -> Iterator {
        Iterator(owner: owner)
    }

    /// Iterates the chunks; dropping it aborts the transfer.
    public final class Iterator: AsyncIteratorProtocol {
        let owner: Owner
        var channel: ByteChannel { owner.channel }

        init(owner: Owner) {
            self.owner = owner
        }

        deinit {
            channel.detach()
        }

        /// The next chunk; nil at the end; `DockerError.cancelled` once the transfer was aborted.
        public func next() async throws -> Data? {
            try await channel.next()
        }
    }
}

/// The bounded hand-over between a producer thread and an async consumer.
///
/// The producer (a transfer's own thread, never the cooperative pool) blocks in `produce` while
/// more than `limit` bytes wait. The consumer awaits in `next`.
final class ByteChannel: @unchecked Sendable {
    private let condition = NSCondition()
    private var chunks: [Data] = []
    private var head = 0
    private var buffered = 0
    private let limit: Int
    private var ended = false
    private var failure: (any Error)?
    private var cancelled = false
    private var waiter: CheckedContinuation<Data?, any Error>?
    private var onCancel: (@Sendable () -> Void)?

    init(limit: Int) {
        self.limit = limit
    }

    /// Registers what aborts the transfer when the consumer goes away.
    func setOnCancel(_ action: @escaping @Sendable () -> Void) {
        condition.lock()
        let alreadyCancelled = cancelled
        if !alreadyCancelled { onCancel = action }
        condition.unlock()
        if alreadyCancelled { action() }
    }

    /// Whether the consumer has gone away.
    var isCancelled: Bool {
        condition.lock()
        defer { condition.unlock() }
        return cancelled
    }

    /// Hands a chunk over, blocking while the buffer is full. Returns false once cancelled.
    @discardableResult
    func produce(_ data: Data) -> Bool {
        condition.lock()
        if cancelled {
            condition.unlock()
            return false
        }
        if let waiter {
            self.waiter = nil
            condition.unlock()
            waiter.resume(returning: data)
            return true
        }
        chunks.append(data)
        buffered += data.count
        while buffered > limit && !cancelled {
            condition.wait()
        }
        let ok = !cancelled
        condition.unlock()
        return ok
    }

    /// Ends the stream, with an error or normally.
    func finish(_ error: (any Error)?) {
        condition.lock()
        if ended {
            condition.unlock()
            return
        }
        ended = true
        failure = error
        let waiter = self.waiter
        self.waiter = nil
        condition.unlock()
        if let waiter {
            if let error { waiter.resume(throwing: error) } else { waiter.resume(returning: nil) }
        }
    }

    /// The consumer is gone: wake the producer and abort the transfer.
    func cancel() {
        condition.lock()
        if cancelled {
            condition.unlock()
            return
        }
        cancelled = true
        let waiter = self.waiter
        self.waiter = nil
        let action = onCancel
        onCancel = nil
        chunks.removeAll()
        head = 0
        buffered = 0
        condition.broadcast()
        condition.unlock()
        waiter?.resume(throwing: DockerError.cancelled)
        action?()
    }

    /// The iterator was dropped: abort unless the stream already ended.
    func detach() {
        condition.lock()
        let done = ended && head >= chunks.count
        condition.unlock()
        if !done { cancel() }
    }

    func next() async throws -> Data? {
        try await withTaskCancellationHandler {
            try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<Data?, any Error>) in
                condition.lock()
                if head < chunks.count {
                    let data = chunks[head]
                    head += 1
                    buffered -= data.count
                    if head == chunks.count {
                        chunks.removeAll(keepingCapacity: true)
                        head = 0
                    }
                    condition.broadcast()
                    condition.unlock()
                    continuation.resume(returning: data)
                } else if cancelled {
                    condition.unlock()
                    continuation.resume(throwing: DockerError.cancelled)
                } else if ended {
                    let failure = self.failure
                    condition.unlock()
                    if let failure { continuation.resume(throwing: failure) } else { continuation.resume(returning: nil) }
                } else {
                    waiter = continuation
                    condition.unlock()
                }
            }
        } onCancel: {
            self.cancel()
        }
    }
}
