import Foundation

/// Decodes a stream of JSON objects, one per line (events, pull and import progress).
public struct JSONLineStream<Element: Decodable & Sendable>: AsyncSequence, Sendable {
    let bytes: ByteStream
    let what: String

    /// Decodes the lines of `bytes` as `Element`s; `what` names the source in errors.
    public init(bytes: ByteStream, what: String) {
        self.bytes = bytes
        self.what = what
    }

    /// The longest line accepted; a daemon sending more without a newline is broken.
    public static var maxLineLength: Int { 16 << 20 }

    /// Stops the underlying transfer.
    public func cancel() {
        bytes.cancel()
    }

    /// Iterates the decoded lines.
    public func makeAsyncIterator() -> Iterator {
        Iterator(bytes: bytes.makeAsyncIterator(), what: what)
    }

    /// Yields one decoded object per line; an incomplete last line is a malformed-response error.
    public struct Iterator: AsyncIteratorProtocol {
        var bytes: ByteStream.Iterator
        let what: String
        /// Received bytes; those before `start` are already consumed.
        var buffer = Data()
        /// Offset in `buffer` of the first byte not yet returned.
        var start = 0
        /// How many bytes from `start` on are known to hold no newline (not searched again).
        var scanned = 0
        var ended = false

        /// The next decoded line; nil at the end.
        public mutating func next() async throws -> Element? {
            while true {
                // Each byte is searched once and copied at most twice (into the line, and when the
                // consumed bytes are dropped before an append), so the work is linear in the stream.
                if let newline = buffer[(start + scanned)...].firstIndex(of: UInt8(ascii: "\n")) {
                    let line = buffer[start..<newline]
                    start = newline + 1
                    scanned = 0
                    if line.allSatisfy({ $0 == UInt8(ascii: " ") || $0 == UInt8(ascii: "\r") }) { continue }
                    return try JSONCoding.decode(Element.self, from: Data(line), what: what)
                }
                scanned = buffer.count - start
                if ended {
                    let last = buffer[start...]
                    guard !last.allSatisfy({ $0 == UInt8(ascii: " ") || $0 == UInt8(ascii: "\r") }) else { return nil }
                    // The daemon ends some streams without a final newline: take a complete object.
                    let object = Data(last)
                    buffer = Data()
                    start = 0
                    scanned = 0
                    return try JSONCoding.decode(Element.self, from: object, what: "\(what) (last line)")
                }
                if let chunk = try await bytes.next() {
                    if start > 0 {
                        // Only the unfinished line is kept (buffer indices stay zero-based).
                        buffer = Data(buffer[start...])
                        start = 0
                    }
                    buffer.append(chunk)
                    if buffer.count > JSONLineStream.maxLineLength {
                        bytes.channel.cancel()
                        throw DockerError.malformedResponse("\(what): a line longer than \(JSONLineStream.maxLineLength) bytes")
                    }
                } else {
                    ended = true
                }
            }
        }
    }
}
