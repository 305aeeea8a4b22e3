@testable import DockerSDK
import XCTest

/// Inputs the fuzzers (fuzz/, scripts/fuzz.sh) found, reduced to what triggers each bug.
final class FuzzRegressionTests: XCTestCase {
    /// A ustar header block with `gid` in its 8-byte field, checksum set.
    private func header(gidField: String) -> Data {
        var block = [UInt8](repeating: 0, count: 512)
        func put(_ text: String, _ at: Int) { for (i, b) in text.utf8.enumerated() { block[at + i] = b } }
        put("f", 0)
        put("0000644", 100)
        put("0000000", 108)
        put(gidField, 116)
        put("00000000000", 124)
        put("00000000000", 136)
        block[156] = UInt8(ascii: "0")
        put("ustar", 257)
        put("00", 263)
        for i in 148..<156 { block[i] = 32 }
        let sum = block.reduce(0) { $0 + Int($1) }
        let digits = String(sum, radix: 8)
        put(String(repeating: "0", count: 6 - digits.count) + digits, 148)
        block[154] = 0
        return Data(block) + Data(count: 1024)
    }

    /// FuzzTar, crash-9a6cce83: a gid of 8 octal digits (no terminator, as GNU tar writes them) read
    /// as 9785284 was written back cut to its last 7 digits (1396676), silently. Now `write` refuses
    /// a number that does not fit its field, and 7 digits still round-trip.
    func testTarNumbersThatDoNotFitAreRefusedNotTruncated() throws {
        let entries = try TarArchive.read(header(gidField: "45247704"))
        XCTAssertEqual(entries.map(\.gid), [9785284])
        XCTAssertThrowsError(try TarArchive.write(entries)) { error in
            guard case DockerError.invalidArgument(let message) = error else { return XCTFail("\(error)") }
            XCTAssertTrue(message.contains("gid 9785284"), message)
        }
        let fits = TarArchive.Entry.file("f", Data(), uid: 0o7777777, gid: 0o7777777)
        XCTAssertEqual(try TarArchive.read(TarArchive.write([fits])).first?.gid, 0o7777777)
        for bad in [TarArchive.Entry.file("f", Data(), uid: 0o10000000), TarArchive.Entry.file("f", Data(), mode: -1)] {
            XCTAssertThrowsError(try TarArchive.write([bad]))
        }
    }
}
