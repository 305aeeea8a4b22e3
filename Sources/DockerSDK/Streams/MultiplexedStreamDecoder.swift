import Foundation

/// Which standard stream a piece of output belongs to.
public enum StdStream: UInt8, Sendable, Codable, Equatable {
    /// Standard input (frame type 0).
    case stdin = 0
    /// Standard output (frame type 1).
    case stdout = 1
    /// Standard error (frame type 2).
    case stderr = 2
}

/// A piece of a container's or exec's output, from one stream.
public struct OutputChunk: Sendable, Equatable {
    /// stdout or stderr (stdout for TTY output, which has no streams).
    public var stream: StdStream
    /// The bytes.
    public var data: Data

    /// Creates a chunk.
    public init(stream: StdStream, data: Data) {
        self.stream = stream
        self.data = data
    }
}

/// Splits Docker's multiplexed stream into frames: an 8-byte header `[type, 0, 0, 0, size(4, big-endian)]`
/// then `size` bytes. Frames may be split across reads at any byte.
///
/// Type 3 carries an error from the daemon and throws `DockerError.streamError`; any other unknown
/// type is a protocol error. `finish()` reports a stream that ended mid-frame.
public struct MultiplexedStreamDecoder: Sendable {
    private var buffer = Data()
    /// The largest frame accepted; larger sizes mean the stream is not multiplexed.
    public var maxFrameSize = 64 << 20

    /// Creates a decoder.
    public init() {}

    /// Adds bytes and returns every frame now complete, in order.
    public mutating func feed(_ bytes: Data) throws -> [OutputChunk] {
        buffer.append(bytes)
        var chunks: [OutputChunk] = []
        var offset = buffer.startIndex
        while buffer.endIndex - offset >= 8 {
            let type = buffer[offset]
            let size = Int(buffer[offset + 4]) << 24 | Int(buffer[offset + 5]) << 16
                | Int(buffer[offset + 6]) << 8 | Int(buffer[offset + 7])
            guard buffer[offset + 1] == 0, buffer[offset + 2] == 0, buffer[offset + 3] == 0, size <= maxFrameSize else {
                throw DockerError.malformedResponse("bad multiplexed-stream header at byte \(offset - buffer.startIndex)")
            }
            guard buffer.endIndex - offset - 8 >= size else { break }
            let payload = buffer.subdata(in: (offset + 8)..<(offset + 8 + size))
            offset += 8 + size
            switch type {
            case 0, 1, 2:
                if !payload.isEmpty, let stream = StdStream(rawValue: type) {
                    chunks.append(OutputChunk(stream: stream, data: payload))
                }
            case 3:
                throw DockerError.streamError(message: String(decoding: payload, as: UTF8.self))
            default:
                throw DockerError.malformedResponse("unknown multiplexed-stream type \(type)")
            }
        }
        buffer = Data(buffer[offset...])
        return chunks
    }

    /// Checks the stream ended on a frame boundary.
    public func finish() throws {
        if !buffer.isEmpty {
            throw DockerError.malformedResponse(
                "the output stream ended inside a frame (\(buffer.count) bytes of an incomplete frame were left)")
        }
    }
}
