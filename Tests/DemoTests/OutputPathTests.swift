import Foundation
import XCTest

/// Every byte the demo writes goes through `Terminal` (which ends quietly on EPIPE): no command file writes
/// to the standard handles another way.
final class OutputPathTests: XCTestCase {
    func testNoDemoSourceBypassesTerminal() throws {
        let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().appendingPathComponent("Sources/dockersdk-demo")
        let files = try XCTUnwrap(FileManager.default.enumerator(atPath: root.path)).compactMap { $0 as? String }
            .filter { $0.hasSuffix(".swift") }
        XCTAssertGreaterThan(files.count, 10)
        let forbidden = ["FileHandle.standardOutput", "FileHandle.standardError", "Swift.print(", "fputs(", "fwrite(",
                         "putchar(", "FileHandle(fileDescriptor: 1", "FileHandle(fileDescriptor: 2"]
        for file in files {
            let text = try String(contentsOf: root.appendingPathComponent(file), encoding: .utf8)
            for needle in forbidden where text.contains(needle) {
                XCTFail("\(file) writes with \(needle): use print, Terminal.out/err/line or printJSON")
            }
        }
    }
}
