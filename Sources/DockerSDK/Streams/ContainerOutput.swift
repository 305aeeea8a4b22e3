import Foundation

/// Output of a container or exec as an `AsyncSequence` of `OutputChunk`s, demultiplexed or raw (TTY).
public struct ContainerOutput: AsyncSequence, Sendable {
    /// A chunk of stdout or stderr.
    public typealias Element = OutputChunk
    let bytes: ByteStream
    /// Whether the bytes carry multiplexing headers (false for a TTY).
    public let multiplexed: Bool

    /// Reads `bytes` as multiplexed frames, or as raw stdout when `multiplexed` is false.
    public init(bytes: ByteStream, multiplexed: Bool) {
        self.bytes = bytes
        self.multiplexed = multiplexed
    }

    /// Stops the transfer.
    public func cancel() {
        bytes.cancel()
    }

    /// Iterates the output's chunks.
    public func makeAsyncIterator() -> Iterator {
        Iterator(bytes: bytes.makeAsyncIterator(), multiplexed: multiplexed)
    }

    /// Reads everything, keeping stdout and stderr apart (at most `limit` bytes in all).
    public func collect(limit: Int = 256 << 20) async throws -> (stdout: Data, stderr: Data) {
        var out = Data()
        var err = Data()
        for try await chunk in self {
            if chunk.stream == .stderr { err.append(chunk.data) } else { out.append(chunk.data) }
            if out.count + err.count > limit {
                cancel()
                throw DockerError.malformedResponse("output exceeds \(limit) bytes")
            }
        }
        return (out, err)
    }

    /// Yields chunks as they are decoded.
    public struct Iterator: AsyncIteratorProtocol {
        var bytes: ByteStream.Iterator
        let multiplexed: Bool
        var decoder = MultiplexedStreamDecoder()
        var pending: [OutputChunk] = []
        /// The next chunk of `pending` to hand out.
        var nextIndex = 0
        var done = false

        /// The next chunk; nil at the end of the output.
        public mutating func next() async throws -> OutputChunk? {
            while nextIndex == pending.count {
                if done { return nil }
                guard let data = try await bytes.next() else {
                    done = true
                    if multiplexed { try decoder.finish() }
                    return nil
                }
                nextIndex = 0
                if multiplexed {
                    pending = try decoder.feed(data)
                } else if !data.isEmpty {
                    pending = [OutputChunk(stream: .stdout, data: data)]
                } else {
                    pending = []
                }
            }
            defer { nextIndex += 1 }
            return pending[nextIndex]
        }
    }
}
