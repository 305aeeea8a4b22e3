// Fuzzes TarArchive.read: any bytes give entries or a typed DockerError. Half the inputs get valid
// header checksums first (the harness walks the headers as the reader does), so the fuzzer reaches
// past the checksum gate; what reads back is written again and must read back the same.
import DockerSDK
import Foundation
import FuzzHarness

/// Rewrites the checksum of every header the reader will visit; stops where a size is not octal.
private func fixingChecksums(_ input: Data) -> Data {
    var bytes = [UInt8](input)
    var offset = 0
    while offset + 512 <= bytes.count {
        if bytes[offset..<offset + 512].allSatisfy({ $0 == 0 }) { break }
        for i in 148..<156 { bytes[offset + i] = UInt8(ascii: " ") }
        let sum = bytes[offset..<offset + 512].reduce(0) { $0 + Int($1) }
        let digits = Array(String(sum, radix: 8).utf8)
        let field = Array(repeating: UInt8(ascii: "0"), count: max(0, 6 - digits.count)) + digits.suffix(6)
        for (i, byte) in field.enumerated() { bytes[offset + 148 + i] = byte }
        bytes[offset + 154] = 0
        bytes[offset + 155] = UInt8(ascii: " ")
        let sizeField = bytes[(offset + 124)..<(offset + 136)].prefix { $0 != 0 }
        let sizeText = String(decoding: sizeField, as: UTF8.self).trimmingCharacters(in: .whitespaces)
        guard let size = sizeText.isEmpty ? 0 : Int(sizeText, radix: 8), size >= 0, size < 1 << 20 else { break }
        offset += 512 + size + (512 - size % 512) % 512
    }
    return Data(bytes)
}

private func read(_ data: Data) -> [TarArchive.Entry]? {
    do {
        return try TarArchive.read(data)
    } catch let error as DockerError {
        guard case .malformedResponse = error else { fatalError("unexpected DockerError case: \(error)") }
        return nil
    } catch {
        fatalError("untyped error: \(error)")
    }
}

/// The entry as `write` means it: directories end in "/".
private func normalized(_ entry: TarArchive.Entry) -> TarArchive.Entry {
    var entry = entry
    if case .directory = entry.kind, !entry.path.hasSuffix("/") { entry.path += "/" }
    return entry
}

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzOne(_ bytes: UnsafePointer<UInt8>?, _ size: Int) -> CInt {
    var input = Fuzz.data(bytes, size)
    if size > 0, bytes![0] & 1 == 1 { input = fixingChecksums(input) }
    guard let entries = read(input) else { return 0 }
    let writable = entries.filter { entry in
        if case .other = entry.kind { return false }
        return true
    }
    let archive: Data
    do {
        archive = try TarArchive.write(writable, modificationTime: Date(timeIntervalSince1970: 0))
    } catch let error as DockerError {
        guard case .invalidArgument = error else { fatalError("unexpected DockerError case: \(error)") }
        return 0
    } catch {
        fatalError("untyped error: \(error)")
    }
    let again = read(archive)
    Fuzz.require(again != nil, "an archive written by TarArchive.write does not read back")
    Fuzz.require(again == writable.map(normalized), "entries changed in a write/read round trip: \(writable) -> \(again ?? [])")
    return 0
}

Fuzz.runDriver(fuzzOne)
