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
        var buffer = Data()
        var ended = false

        /// The next decoded line; nil at the end.
        public mutating func next() async throws -> Element? {
            while true {
                if let newline = buffer.firstIndex(of: UInt8(ascii: "\n")) {
                    let line = buffer[buffer.startIndex..<newline]
                    buffer = Data(buffer[buffer.index(after: newline)...])
                    if line.allSatisfy({ $0 == UInt8(ascii: " ") || $0 == UInt8(ascii: "\r") }) { continue }
                    return try JSONCoding.decode(Element.self, from: Data(line), what: what)
                }
                if ended {
                    guard !buffer.allSatisfy({ $0 == UInt8(ascii: " ") || $0 == UInt8(ascii: "\r") }) else { return nil }
                    // The daemon ends some streams without a final newline: take a complete object.
                    let last = buffer
                    buffer = Data()
                    return try JSONCoding.decode(Element.self, from: last, what: "\(what) (last line)")
                }
                if let chunk = try await bytes.next() {
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
