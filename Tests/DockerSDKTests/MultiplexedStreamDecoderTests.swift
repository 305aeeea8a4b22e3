@testable import DockerSDK
import Foundation
import XCTest

final class MultiplexedStreamDecoderTests: XCTestCase {
    /// One frame: `[type, 0, 0, 0, size(4, big-endian)]` then the payload.
    static func frame(_ type: UInt8, _ payload: Data) -> Data {
        let size = UInt32(payload.count)
        var data = Data([type, 0, 0, 0, UInt8(size >> 24), UInt8((size >> 16) & 0xFF), UInt8((size >> 8) & 0xFF),
                         UInt8(size & 0xFF)])
        data.append(payload)
        return data
    }

    static func frame(_ type: UInt8, _ text: String) -> Data { frame(type, Data(text.utf8)) }

    /// Joins chunks per stream, in order.
    private func split(_ chunks: [OutputChunk]) -> (stdout: Data, stderr: Data) {
        var out = Data()
        var err = Data()
        for chunk in chunks {
            if chunk.stream == .stderr { err.append(chunk.data) } else { out.append(chunk.data) }
        }
        return (out, err)
    }

    func testWholeFramesDecodeInOrder() throws {
        var decoder = MultiplexedStreamDecoder()
        let input = Self.frame(1, "out 1\n") + Self.frame(2, "err 1\n") + Self.frame(1, "out 2\n")
        let chunks = try decoder.feed(input)
        XCTAssertEqual(chunks, [
            OutputChunk(stream: .stdout, data: Data("out 1\n".utf8)),
            OutputChunk(stream: .stderr, data: Data("err 1\n".utf8)),
            OutputChunk(stream: .stdout, data: Data("out 2\n".utf8)),
        ])
        XCTAssertNoThrow(try decoder.finish())
    }

    func testFramesSplitAtEveryByteBoundary() throws {
        var input = Data()
        var expectedOut = Data()
        var expectedErr = Data()
        for i in 0..<40 {
            let out = Data("stdout line \(i) \(String(repeating: "x", count: i))\n".utf8)
            let err = Data("stderr \(i)\n".utf8)
            input += Self.frame(1, out)
            expectedOut += out
            if i % 3 == 0 {
                input += Self.frame(2, err)
                expectedErr += err
            }
        }
        // A binary payload with bytes that look like headers.
        let binary = Data((0..<600).map { UInt8(truncatingIfNeeded: $0 * 7) }) + Data([1, 0, 0, 0, 0, 0, 0, 9])
        input += Self.frame(1, binary)
        expectedOut += binary

        // 1-byte chunks.
        var decoder = MultiplexedStreamDecoder()
        var chunks: [OutputChunk] = []
        for byte in input { chunks += try decoder.feed(Data([byte])) }
        XCTAssertNoThrow(try decoder.finish())
        let (out, err) = split(chunks)
        XCTAssertEqual(out, expectedOut)
        XCTAssertEqual(err, expectedErr)

        // Every single split point into two chunks.
        for cut in 0...input.count {
            var decoder = MultiplexedStreamDecoder()
            var chunks = try decoder.feed(input.subdata(in: 0..<cut))
            chunks += try decoder.feed(input.subdata(in: cut..<input.count))
            XCTAssertNoThrow(try decoder.finish())
            let (out, err) = split(chunks)
            XCTAssertEqual(out, expectedOut, "cut at \(cut)")
            XCTAssertEqual(err, expectedErr, "cut at \(cut)")
        }
    }

    func testLargeFrameInSmallReads() throws {
        let payload = Data((0..<(8 << 20)).map { UInt8(truncatingIfNeeded: $0 &* 31) })
        let input = Self.frame(2, payload) + Self.frame(1, "tail")
        var decoder = MultiplexedStreamDecoder()
        var chunks: [OutputChunk] = []
        var offset = 0
        while offset < input.count {
            let end = min(offset + 16 << 10, input.count)
            chunks += try decoder.feed(input.subdata(in: offset..<end))
            offset = end
        }
        try decoder.finish()
        XCTAssertEqual(chunks.count, 2)
        XCTAssertEqual(chunks.first?.stream, .stderr)
        XCTAssertTrue(chunks.first?.data == payload)
        XCTAssertEqual(chunks.last, OutputChunk(stream: .stdout, data: Data("tail".utf8)))
    }

    func testEachStreamKeepsItsOwnOrder() throws {
        var input = Data()
        for i in 0..<100 {
            input += Self.frame(i % 2 == 0 ? 1 : 2, "\(i % 2 == 0 ? "o" : "e")\(i)\n")
        }
        var decoder = MultiplexedStreamDecoder()
        var chunks: [OutputChunk] = []
        var offset = 0
        var size = 1
        while offset < input.count {
            let end = min(offset + size, input.count)
            chunks += try decoder.feed(input.subdata(in: offset..<end))
            offset = end
            size = size % 13 + 1
        }
        try decoder.finish()
        let out = String(decoding: split(chunks).stdout, as: UTF8.self).split(separator: "\n")
        let err = String(decoding: split(chunks).stderr, as: UTF8.self).split(separator: "\n")
        XCTAssertEqual(out, stride(from: 0, to: 100, by: 2).map { "o\($0)"[...] })
        XCTAssertEqual(err, stride(from: 1, to: 100, by: 2).map { "e\($0)"[...] })
        // Interleaving between streams is kept too.
        XCTAssertEqual(chunks.count, 100)
        XCTAssertEqual(chunks.map(\.stream), (0..<100).map { $0 % 2 == 0 ? StdStream.stdout : .stderr })
    }

    func testEmptyFramesAreSkipped() throws {
        var decoder = MultiplexedStreamDecoder()
        let input = Self.frame(1, Data()) + Self.frame(2, Data()) + Self.frame(1, "a") + Self.frame(1, Data())
        XCTAssertEqual(try decoder.feed(input), [OutputChunk(stream: .stdout, data: Data("a".utf8))])
        XCTAssertNoThrow(try decoder.finish())

        var only = MultiplexedStreamDecoder()
        XCTAssertEqual(try only.feed(Self.frame(1, Data())), [])
        XCTAssertNoThrow(try only.finish())
    }

    func testStdinFramesAreKeptAsStdin() throws {
        var decoder = MultiplexedStreamDecoder()
        XCTAssertEqual(try decoder.feed(Self.frame(0, "in")), [OutputChunk(stream: .stdin, data: Data("in".utf8))])
    }

    func testTypeThreeIsAStreamErrorWithThePayload() throws {
        var decoder = MultiplexedStreamDecoder()
        let input = Self.frame(1, "before\n") + Self.frame(3, "exec failed: oci runtime error")
        XCTAssertThrowsError(try decoder.feed(input)) { error in
            XCTAssertEqual(error as? DockerError, .streamError(message: "exec failed: oci runtime error"))
        }

        // Also when the error frame arrives byte by byte.
        var slow = MultiplexedStreamDecoder()
        let errorFrame = Self.frame(3, "boom")
        var thrown: (any Error)?
        for byte in errorFrame {
            do { _ = try slow.feed(Data([byte])) } catch {
                thrown = error
                break
            }
        }
        XCTAssertEqual(thrown as? DockerError, .streamError(message: "boom"))
    }

    func testUnknownTypeIsMalformed() throws {
        for type: UInt8 in [4, 9, 0x7B, 0xFF] {
            var decoder = MultiplexedStreamDecoder()
            XCTAssertThrowsError(try decoder.feed(Self.frame(type, "x"))) { error in
                guard case .malformedResponse? = error as? DockerError else {
                    return XCTFail("type \(type): expected malformedResponse, got \(error)")
                }
            }
        }
    }

    func testNonZeroPaddingIsMalformed() throws {
        var decoder = MultiplexedStreamDecoder()
        // Raw TTY text ("{"status"...) read as if it were multiplexed.
        XCTAssertThrowsError(try decoder.feed(Data("hello world, not multiplexed\n".utf8))) { error in
            guard case .malformedResponse? = error as? DockerError else {
                return XCTFail("expected malformedResponse, got \(error)")
            }
        }
    }

    func testOversizedFrameIsMalformed() throws {
        var decoder = MultiplexedStreamDecoder()
        decoder.maxFrameSize = 16
        XCTAssertThrowsError(try decoder.feed(Data([1, 0, 0, 0, 0, 0, 0, 17]))) { error in
            guard case .malformedResponse? = error as? DockerError else {
                return XCTFail("expected malformedResponse, got \(error)")
            }
        }
    }

    func testStreamEndingMidFrameFailsOnFinish() throws {
        let full = Self.frame(1, "complete\n")
        let partial = Self.frame(2, "0123456789")

        // Header only.
        var headerOnly = MultiplexedStreamDecoder()
        XCTAssertEqual(try headerOnly.feed(full + partial.prefix(8)).count, 1)
        assertMalformed { try headerOnly.finish() }

        // Header and part of the payload.
        var someBody = MultiplexedStreamDecoder()
        XCTAssertEqual(try someBody.feed(full + partial.prefix(12)).count, 1)
        assertMalformed { try someBody.finish() }

        // Part of a header.
        var someHeader = MultiplexedStreamDecoder()
        XCTAssertEqual(try someHeader.feed(full + partial.prefix(3)).count, 1)
        assertMalformed { try someHeader.finish() }
    }

    private func assertMalformed(_ body: () throws -> Void, line: UInt = #line) {
        XCTAssertThrowsError(try body(), line: line) { error in
            guard case .malformedResponse? = error as? DockerError else {
                return XCTFail("expected malformedResponse, got \(error)", line: line)
            }
        }
    }

    // MARK: ContainerOutput

    func testOutputStreamDemultiplexesChunkedBytes() async throws {
        let input = Self.frame(1, "out 1\n") + Self.frame(2, "err 1\n") + Self.frame(1, "out 2\n")
            + Self.frame(2, "err 2\n")
        let chunks = stride(from: 0, to: input.count, by: 3).map { input.subdata(in: $0..<min($0 + 3, input.count)) }
        let stream = ContainerOutput(bytes: .chunks(chunks), multiplexed: true)
        let (out, err) = try await stream.collect()
        XCTAssertEqual(String(decoding: out, as: UTF8.self), "out 1\nout 2\n")
        XCTAssertEqual(String(decoding: err, as: UTF8.self), "err 1\nerr 2\n")

        var seen: [OutputChunk] = []
        for try await chunk in ContainerOutput(bytes: .chunks(chunks), multiplexed: true) { seen.append(chunk) }
        XCTAssertEqual(seen.map(\.stream), [.stdout, .stderr, .stdout, .stderr])
    }

    func testOutputStreamRawIsAllStdout() async throws {
        // TTY output: bytes that would be a bad header are plain stdout here.
        let raw = [Data([2, 0, 0, 0]), Data("hello\r\n".utf8), Data(), Data("world\r\n".utf8)]
        let stream = ContainerOutput(bytes: .chunks(raw), multiplexed: false)
        var seen: [OutputChunk] = []
        for try await chunk in stream { seen.append(chunk) }
        XCTAssertEqual(seen.count, 3, "empty chunks are skipped")
        XCTAssertTrue(seen.allSatisfy { $0.stream == .stdout })
        let (out, err) = try await ContainerOutput(bytes: .chunks(raw), multiplexed: false).collect()
        XCTAssertEqual(out, Data([2, 0, 0, 0]) + Data("hello\r\nworld\r\n".utf8))
        XCTAssertEqual(err, Data())
    }

    func testOutputStreamTruncatedFrameThrows() async throws {
        let input = Self.frame(1, "ok\n") + Self.frame(1, "cut short").prefix(10)
        let stream = ContainerOutput(bytes: .chunks([input]), multiplexed: true)
        var received = Data()
        do {
            for try await chunk in stream { received.append(chunk.data) }
            XCTFail("a stream ending mid-frame must throw")
        } catch let error as DockerError {
            guard case .malformedResponse = error else { return XCTFail("expected malformedResponse, got \(error)") }
        }
        XCTAssertEqual(received, Data("ok\n".utf8), "complete frames before the cut are delivered")
    }

    func testOutputStreamErrorFrameThrowsStreamError() async throws {
        let input = Self.frame(1, "partial output\n") + Self.frame(3, "the daemon failed")
        do {
            _ = try await ContainerOutput(bytes: .chunks([input]), multiplexed: true).collect()
            XCTFail("expected a stream error")
        } catch let error as DockerError {
            XCTAssertEqual(error, .streamError(message: "the daemon failed"))
        }
    }

    func testOutputStreamCollectLimit() async throws {
        let input = Self.frame(1, Data(count: 600)) + Self.frame(2, Data(count: 600))
        do {
            _ = try await ContainerOutput(bytes: .chunks([input]), multiplexed: true).collect(limit: 1000)
            XCTFail("expected the limit to be enforced")
        } catch let error as DockerError {
            guard case .malformedResponse = error else { return XCTFail("expected malformedResponse, got \(error)") }
        }
    }
}
