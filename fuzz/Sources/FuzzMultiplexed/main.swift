// Fuzzes MultiplexedStreamDecoder: any bytes, fed whole or split at any point, give the same frames
// or a typed DockerError; the payload never exceeds the input.
import DockerSDK
import Foundation
import FuzzHarness

private enum Outcome: Equatable {
    case chunks([OutputChunk])
    case failed(String)
}

private func decode(_ pieces: [Data]) -> Outcome {
    var decoder = MultiplexedStreamDecoder()
    decoder.maxFrameSize = 1 << 16
    var chunks: [OutputChunk] = []
    do {
        for piece in pieces { chunks += try decoder.feed(piece) }
        try decoder.finish()
        return .chunks(chunks)
    } catch let error as DockerError {
        switch error {
        case .malformedResponse, .streamError: return .failed(String(describing: error))
        default: fatalError("unexpected DockerError case: \(error)")
        }
    } catch {
        fatalError("untyped error: \(error)")
    }
}

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzOne(_ bytes: UnsafePointer<UInt8>?, _ size: Int) -> CInt {
    let input = Fuzz.data(bytes, size)
    let whole = decode([input])
    let cut = input.isEmpty ? 0 : Int(input[input.startIndex]) % (input.count + 1)
    let split = decode([input.prefix(cut), input.dropFirst(cut)])
    let bytewise = input.count <= 64 ? decode(input.map { Data([$0]) }) : whole
    // The error text names a byte offset relative to the buffer, which may differ between splits;
    // what must agree is whether it failed and every frame before.
    switch (whole, split, bytewise) {
    case (.chunks(let a), .chunks(let b), .chunks(let c)):
        Fuzz.require(a == b && b == c, "splitting the input changed the frames")
        Fuzz.require(a.reduce(0) { $0 + $1.data.count } <= input.count, "more payload than input")
    case (.failed, .failed, .failed):
        break
    default:
        Fuzz.require(false, "splitting the input changed success into failure: \(whole) / \(split) / \(bytewise)")
    }
    return 0
}

Fuzz.runDriver(fuzzOne)
