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
///
/// Whole frames are cut straight out of each read (one copy per payload); only a frame split
/// across reads is gathered in a buffer, which grows with that frame alone.
public struct MultiplexedStreamDecoder: Sendable {
    /// The start of a frame that a read ended inside: its header bytes, then its payload so far.
    private var partial = Data()
    /// The payload size of the frame in `partial`, once its header is complete.
    private var partialSize: Int?
    /// Bytes of the stream taken so far (for error messages).
    private var consumed = 0
    /// The largest frame accepted; larger sizes mean the stream is not multiplexed.
    public var maxFrameSize = 64 << 20

    /// Creates a decoder.
    public init() {}

    /// Adds bytes and returns every frame now complete, in order.
    public mutating func feed(_ bytes: Data) throws -> [OutputChunk] {
        var chunks: [OutputChunk] = []
        try bytes.withUnsafeBytes { (raw: UnsafeRawBufferPointer) in
            guard let base = raw.baseAddress, !raw.isEmpty else { return }
            try feed(base, count: raw.count, into: &chunks)
        }
        return chunks
    }

    private mutating func feed(_ base: UnsafeRawPointer, count: Int, into chunks: inout [OutputChunk]) throws {
        var at = 0
        // The end of the frame an earlier read ended inside.
        if !partial.isEmpty {
            if partial.count < 8 {
                let take = min(8 - partial.count, count)
                partial.append(base.assumingMemoryBound(to: UInt8.self), count: take)
                at = take
                guard partial.count == 8 else { return finishRead(count) }
                let size = try partial.withUnsafeBytes { try frameSize($0, at: consumed) }
                partialSize = size
                partial.reserveCapacity(8 + min(size, 1 << 20))
            }
            guard let size = partialSize else { return finishRead(count) }
            let take = min(8 + size - partial.count, count - at)
            partial.append((base + at).assumingMemoryBound(to: UInt8.self), count: take)
            at += take
            guard partial.count == 8 + size else { return finishRead(count) }
            let frame = partial
            partial = Data()
            partialSize = nil
            try frame.withUnsafeBytes { raw in
                guard let start = raw.baseAddress else { return }
                try emit(start.load(as: UInt8.self), UnsafeRawBufferPointer(start: start + 8, count: size), into: &chunks)
            }
        }
        // Whole frames, straight from this read.
        while count - at >= 8 {
            let header = base + at
            let size = try frameSize(UnsafeRawBufferPointer(start: header, count: 8), at: consumed + at)
            guard count - at - 8 >= size else { break }
            try emit(header.load(as: UInt8.self), UnsafeRawBufferPointer(start: header + 8, count: size), into: &chunks)
            at += 8 + size
        }
        // The start of a frame the read ends inside (its header, when complete, was checked above).
        if at < count {
            let left = count - at
            var kept = Data()
            if left >= 8 {
                let size = try frameSize(UnsafeRawBufferPointer(start: base + at, count: 8), at: consumed + at)
                partialSize = size
                kept.reserveCapacity(8 + min(size, 1 << 20))
            }
            kept.append((base + at).assumingMemoryBound(to: UInt8.self), count: left)
            partial = kept
        }
        finishRead(count)
    }

    private mutating func finishRead(_ count: Int) {
        consumed += count
    }

    /// The payload size a header announces, after checking the header.
    private func frameSize(_ header: UnsafeRawBufferPointer, at offset: Int) throws -> Int {
        let size = Int(header[4]) << 24 | Int(header[5]) << 16 | Int(header[6]) << 8 | Int(header[7])
        guard header[1] == 0, header[2] == 0, header[3] == 0, size <= maxFrameSize else {
            throw DockerError.malformedResponse("bad multiplexed-stream header at byte \(offset)")
        }
        return size
    }

    private func emit(_ type: UInt8, _ payload: UnsafeRawBufferPointer, into chunks: inout [OutputChunk]) throws {
        switch type {
        case 0, 1, 2:
            if !payload.isEmpty, let stream = StdStream(rawValue: type), let start = payload.baseAddress {
                chunks.append(OutputChunk(stream: stream, data: Data(bytes: start, count: payload.count)))
            }
        case 3:
            throw DockerError.streamError(message: String(decoding: payload, as: UTF8.self))
        default:
            throw DockerError.malformedResponse("unknown multiplexed-stream type \(type)")
        }
    }

    /// Checks the stream ended on a frame boundary.
    public func finish() throws {
        if !partial.isEmpty {
            throw DockerError.malformedResponse(
                "the output stream ended inside a frame (\(partial.count) bytes of an incomplete frame were left)")
        }
    }
}
