import Foundation

/// One line of pull, push, import or build progress.
public struct ProgressEvent: Codable, Sendable, Equatable {
    /// e.g. `Downloading`, `Pull complete`, or an image ID for import.
    public var status: String?
    /// The layer the line is about.
    public var id: String?
    /// A progress bar as text.
    public var progress: String?
    /// Bytes done and total.
    public var progressDetail: Detail?
    /// An error: the operation failed although the status was 200.
    public var error: String?
    /// The error's details.
    public var errorDetail: ErrorDetail?
    /// Build output.
    public var stream: String?

    /// Bytes done of a total.
    public struct Detail: Codable, Sendable, Equatable {
        /// Bytes done.
        public var current: Int64?
        /// Bytes in all.
        public var total: Int64?
    }

    /// An error's code and message.
    public struct ErrorDetail: Codable, Sendable, Equatable {
        /// The code, when there is one.
        public var code: Int?
        /// The message.
        public var message: String?
    }
}

/// Progress events of a long operation; an `error` line ends it with `DockerError.streamError`
/// (`.unauthorized` when it relays a registry's refusal of the credentials).
public struct ProgressStream: AsyncSequence, Sendable {
    /// One line of progress.
    public typealias Element = ProgressEvent
    let lines: JSONLineStream<ProgressEvent>

    init(_ lines: JSONLineStream<ProgressEvent>) {
        self.lines = lines
    }

    /// Stops the operation's transfer.
    public func cancel() {
        lines.cancel()
    }

    /// Reads to the end and returns every event; throws on an error line.
    @discardableResult
    public func wait() async throws -> [ProgressEvent] {
        var events: [ProgressEvent] = []
        for try await event in self { events.append(event) }
        return events
    }

    /// Iterates the progress events.
    public func makeAsyncIterator() -> Iterator {
        Iterator(base: lines.makeAsyncIterator())
    }

    /// Yields events until the end or an error line.
    public struct Iterator: AsyncIteratorProtocol {
        var base: JSONLineStream<ProgressEvent>.Iterator

        /// The next event; nil at the end; throws on an error line.
        public mutating func next() async throws -> ProgressEvent? {
            guard let event = try await base.next() else { return nil }
            if let message = event.errorDetail?.message ?? event.error {
                throw RegistryErrors.refine(.streamError(message: message))
            }
            return event
        }
    }
}
