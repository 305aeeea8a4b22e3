import Foundation

/// A response body that arrives in chunks, as an `AsyncSequence` of `Data`.
///
/// At most a bounded number of bytes wait between the transfer and the consumer: when the consumer
/// is slow, the transfer is paused (no thread waits) and resumes once the consumer has drained
/// half of it. Cancelling the consuming task, dropping the iterator, or dropping every copy of the
/// stream before iterating it, aborts the transfer; iteration then throws `DockerError.cancelled`.
/// A stream has one consumer: a second iterator throws `DockerError.invalidArgument` at its first
/// `next()` and leaves the first one alone.
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
        Iterator(owner: owner, isFirst: owner.channel.claimIterator())
    }

    /// Iterates the chunks; dropping it aborts the transfer.
    public final class Iterator: AsyncIteratorProtocol {
        let owner: Owner
        /// Only the first iterator of a stream reads it.
        let isFirst: Bool
        var channel: ByteChannel { owner.channel }

        init(owner: Owner, isFirst: Bool) {
            self.owner = owner
            self.isFirst = isFirst
        }

        deinit {
            if isFirst { channel.detach() }
        }

        /// The next chunk; nil at the end; `DockerError.cancelled` once the transfer was aborted.
        public func next() async throws -> Data? {
            guard isFirst else {
                throw DockerError.invalidArgument(
                    "a response stream has one consumer: it was already iterated (keep one iterator, or collect it once)")
            }
            return try await channel.next()
        }
    }
}

/// The bounded, non-blocking hand-over between a transfer (on the event loop) and an async consumer.
///
/// The producer never waits: `offer` refuses a chunk while more than `limit` bytes wait (the
/// transfer then pauses and offers the same bytes again after `onResume`), `produce` always takes
/// it (for producers that check `hasRoom` first, or have no limit). The consumer awaits in `next`.
final class ByteChannel: @unchecked Sendable {
    /// What `offer` did with a chunk.
    enum Offer {
        case accepted
        /// The buffer is full: pause, and offer the chunk again after `onResume`.
        case full
        /// The consumer is gone: abort.
        case cancelled
    }

    private let lock = NSLock()
    private var chunks: [Data] = []
    private var head = 0
    private var buffered = 0
    let limit: Int
    private var ended = false
    private var failure: (any Error)?
    private var cancelled = false
    private var iteratorClaimed = false
    private var producerWaiting = false
    private var waiter: CheckedContinuation<Data?, any Error>?
    private var onCancel: (@Sendable () -> Void)?
    private var onResume: (@Sendable () -> Void)?

    init(limit: Int) {
        self.limit = max(1, limit)
    }

    /// Registers what aborts the transfer when the consumer goes away.
    func setOnCancel(_ action: @escaping @Sendable () -> Void) {
        lock.lock()
        let alreadyCancelled = cancelled
        if !alreadyCancelled { onCancel = action }
        lock.unlock()
        if alreadyCancelled { action() }
    }

    /// Registers what resumes a paused producer once the consumer has drained the buffer.
    func setOnResume(_ action: @escaping @Sendable () -> Void) {
        lock.withLock { onResume = action }
    }

    /// True for the first caller only.
    func claimIterator() -> Bool {
        lock.withLock {
            defer { iteratorClaimed = true }
            return !iteratorClaimed
        }
    }

    /// Whether the consumer has gone away.
    var isCancelled: Bool {
        lock.withLock { cancelled }
    }

    /// Whether fewer than `limit` bytes wait; when not, the producer is marked waiting for `onResume`.
    var hasRoom: Bool {
        lock.withLock {
            if buffered < limit { return true }
            producerWaiting = true
            return false
        }
    }

    /// Hands a chunk over unless the buffer is full or the consumer gone; never waits.
    func offer(_ data: Data) -> Offer {
        lock.lock()
        if cancelled {
            lock.unlock()
            return .cancelled
        }
        if let waiter {
            self.waiter = nil
            lock.unlock()
            waiter.resume(returning: data)
            return .accepted
        }
        if buffered >= limit {
            producerWaiting = true
            lock.unlock()
            return .full
        }
        chunks.append(data)
        buffered += data.count
        lock.unlock()
        return .accepted
    }

    /// Hands a chunk over whatever the buffer holds; returns false once cancelled.
    @discardableResult
    func produce(_ data: Data) -> Bool {
        lock.lock()
        if cancelled {
            lock.unlock()
            return false
        }
        if let waiter {
            self.waiter = nil
            lock.unlock()
            waiter.resume(returning: data)
            return true
        }
        chunks.append(data)
        buffered += data.count
        lock.unlock()
        return true
    }

    /// Ends the stream, with an error or normally.
    func finish(_ error: (any Error)?) {
        lock.lock()
        if ended {
            lock.unlock()
            return
        }
        ended = true
        failure = error
        onResume = nil
        onCancel = nil   // nothing left to abort (and no cycle through the closure)
        let waiter = self.waiter
        self.waiter = nil
        lock.unlock()
        if let waiter {
            if let error { waiter.resume(throwing: error) } else { waiter.resume(returning: nil) }
        }
    }

    /// The consumer is gone: drop the buffer and abort the transfer.
    func cancel() {
        lock.lock()
        if cancelled {
            lock.unlock()
            return
        }
        cancelled = true
        let waiter = self.waiter
        self.waiter = nil
        let action = onCancel
        onCancel = nil
        onResume = nil
        chunks.removeAll()
        head = 0
        buffered = 0
        lock.unlock()
        waiter?.resume(throwing: DockerError.cancelled)
        action?()
    }

    /// The iterator was dropped: abort unless the stream already ended and was read.
    func detach() {
        let done = lock.withLock { ended && head >= chunks.count }
        if !done { cancel() }
    }

    /// The oldest buffered chunk, or nil when none waits (the producer is resumed when it was
    /// paused and the buffer is down to half).
    private func takeBuffered() -> Data? {
        lock.lock()
        guard head < chunks.count, !cancelled else {
            lock.unlock()
            return nil
        }
        let (data, resume) = popLocked()
        lock.unlock()
        resume?()
        return data
    }

    /// Takes the oldest chunk (lock held; `head < chunks.count`); returns the producer's resume
    /// action when it is due.
    private func popLocked() -> (Data, (@Sendable () -> Void)?) {
        let data = chunks[head]
        chunks[head] = Data()
        head += 1
        buffered -= data.count
        if head == chunks.count {
            chunks.removeAll(keepingCapacity: true)
            head = 0
        }
        var resume: (@Sendable () -> Void)?
        if producerWaiting && buffered <= limit / 2 {
            producerWaiting = false
            resume = onResume
        }
        return (data, resume)
    }

    func next() async throws -> Data? {
        // A chunk already waits (the consumer is behind): take it without a continuation and a
        // cancellation handler, which are the cost of every chunk otherwise. A cancelled task
        // takes the path below, which ends it.
        if !Task.isCancelled, let data = takeBuffered() { return data }
        return try await withTaskCancellationHandler {
            try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<Data?, any Error>) in
                lock.lock()
                if head < chunks.count {
                    let (data, resume) = popLocked()
                    lock.unlock()
                    resume?()
                    continuation.resume(returning: data)
                } else if cancelled {
                    lock.unlock()
                    continuation.resume(throwing: DockerError.cancelled)
                } else if ended {
                    let failure = self.failure
                    lock.unlock()
                    if let failure { continuation.resume(throwing: failure) } else { continuation.resume(returning: nil) }
                } else {
                    waiter = continuation
                    var resume: (@Sendable () -> Void)?
                    if producerWaiting {
                        producerWaiting = false
                        resume = onResume
                    }
                    lock.unlock()
                    resume?()
                }
            }
        } onCancel: {
            self.cancel()
        }
    }
}
