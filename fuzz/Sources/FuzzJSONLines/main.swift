// Fuzzes JSONLineStream (events, pull progress, stats): any bytes, in any chunking, give the same
// decoded elements or a typed DockerError, and never hang.
import DockerSDK
import Foundation
import FuzzHarness

private func decode<T: Decodable & Sendable & Equatable>(_ type: T.Type, _ pieces: [Data]) async -> [T]? {
    do {
        var out: [T] = []
        for try await element in JSONLineStream<T>(bytes: .chunks(pieces), what: "fuzz") { out.append(element) }
        return out
    } catch let error as DockerError {
        guard case .malformedResponse = error else { fatalError("unexpected DockerError case: \(error)") }
        return nil
    } catch {
        fatalError("untyped error: \(error)")
    }
}

private func check<T: Decodable & Sendable & Equatable>(_ type: T.Type, _ input: Data, cut: Int) async {
    let whole = await decode(type, [input])
    let split = await decode(type, [input.prefix(cut), input.dropFirst(cut)])
    Fuzz.require(whole == split, "chunking changed the \(type) decoded")
}

private func progress(_ pieces: [Data]) async {
    // ProgressStream turns an error line into streamError; both are typed.
    do {
        for try await _ in JSONLineStream<ProgressEvent>(bytes: .chunks(pieces), what: "fuzz") {}
    } catch is DockerError {
    } catch {
        fatalError("untyped error: \(error)")
    }
}

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzOne(_ bytes: UnsafePointer<UInt8>?, _ size: Int) -> CInt {
    let input = Fuzz.data(bytes, size)
    let cut = input.isEmpty ? 0 : Int(input[input.startIndex]) % (input.count + 1)
    Fuzz.wait {
        await check(DockerEvent.self, input, cut: cut)
        await check(ProgressEvent.self, input, cut: cut)
        await check(ContainerStats.self, input, cut: cut)
        await progress(Array(input.prefix(256).map { Data([$0]) }) + [Data(input.dropFirst(256))])
    }
    return 0
}

Fuzz.runDriver(fuzzOne)
