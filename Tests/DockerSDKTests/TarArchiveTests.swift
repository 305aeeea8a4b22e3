@testable import DockerSDK
import Foundation
import XCTest

final class TarArchiveTests: XCTestCase {
    static let fixedDate = Date(timeIntervalSince1970: 1_700_000_000)

    /// Deterministic pseudo-random bytes.
    static func bytes(_ count: Int, seed: UInt64 = 42) -> Data {
        var state = seed
        var out = Data(capacity: count)
        for _ in 0..<count {
            state = state &* 6364136223846793005 &+ 1442695040888963407
            out.append(UInt8(truncatingIfNeeded: state >> 33))
        }
        return out
    }

    static let longPath = "deep/" + String(repeating: "abcdefghij/", count: 13) + "file-with-a-long-name.bin"

    static var sampleEntries: [TarArchive.Entry] {
        [
            .directory("conf/"),
            .file("conf/app.conf", text: "port = 8080\nname = \"demo\"\n"),
            .directory("conf/nested/", mode: 0o700),
            .file("conf/nested/script.sh", Data("#!/bin/sh\necho hi\n".utf8), mode: 0o755),
            .file("empty", Data()),
            .file("binary.bin", bytes(70_000)),
            .file("zeros-and-ff", Data([0, 0, 0, 0xFF, 0, 0x80, 0x7F]) + Data(count: 1000)),
            .file("block-511", bytes(511, seed: 1)),
            .file("block-512", bytes(512, seed: 2)),
            .file("block-513", bytes(513, seed: 3)),
            .file("block-1024", bytes(1024, seed: 4)),
            .symlink("link-to-conf", to: "conf/app.conf"),
            .symlink("long-link", to: longPath),
            .file(longPath, bytes(3000, seed: 5)),
            .file("owned", Data("x".utf8), mode: 0o600, uid: 1000, gid: 1001),
            .file("ünïcode-名前.txt", text: "utf-8 name\n"),
        ]
    }

    func testRoundTripKeepsEveryEntry() throws {
        let entries = Self.sampleEntries
        XCTAssertGreaterThan(Self.longPath.utf8.count, 150)
        let archive = try TarArchive.write(entries)
        XCTAssertEqual(archive.count % 512, 0, "archives are whole blocks")
        XCTAssertEqual(archive.suffix(1024), Data(count: 1024), "two zero blocks end the archive")
        let read = try TarArchive.read(archive)
        XCTAssertEqual(read.count, entries.count)
        for (written, back) in zip(entries, read) {
            XCTAssertEqual(back, written, "entry \(written.path)")
        }
    }

    func testDirectoryNamesGetATrailingSlash() throws {
        let read = try TarArchive.read(try TarArchive.write([.directory("plain")]))
        XCTAssertEqual(read.map(\.path), ["plain/"])
        XCTAssertEqual(read.first?.kind, .directory)
        XCTAssertEqual(read.first?.mode, 0o755)
    }

    func testSizesAroundBlockBoundaries() throws {
        for size in [0, 1, 511, 512, 513, 1023, 1024, 1025, 4096, 10_000] {
            let entry = TarArchive.Entry.file("f", Self.bytes(size, seed: UInt64(size)))
            let archive = try TarArchive.write([entry, .file("after", text: "next")])
            let headerAndBody = 512 + (size + 511) / 512 * 512
            XCTAssertEqual(archive.count, headerAndBody + 512 + 512 + 1024, "size \(size)")
            let read = try TarArchive.read(archive)
            XCTAssertEqual(read.first, entry, "size \(size)")
            XCTAssertEqual(read.last?.data, Data("next".utf8), "size \(size): the next header is found")
        }
    }

    func testFixedModificationTimeMakesArchivesIdentical() throws {
        let a = try TarArchive.write(Self.sampleEntries, modificationTime: Self.fixedDate)
        let b = try TarArchive.write(Self.sampleEntries, modificationTime: Self.fixedDate)
        XCTAssertEqual(a, b)
        // The mtime field (offset 136) holds the date in octal.
        let field = String(decoding: a[136..<147], as: UTF8.self)
        XCTAssertEqual(Int(field, radix: 8), 1_700_000_000)
    }

    func testEmptyArchive() throws {
        XCTAssertEqual(try TarArchive.read(try TarArchive.write([])), [])
        XCTAssertEqual(try TarArchive.read(Data()), [])
        XCTAssertEqual(try TarArchive.read(Data(count: 1024)), [])
    }

    func testTruncatedArchivesAreMalformed() throws {
        let archive = try TarArchive.write([.file("a", Self.bytes(2000)), .file("b", Self.bytes(100, seed: 9))])
        // Inside a file's data.
        assertMalformed(archive.prefix(512 + 1000))
        // Inside the second header (after the first entry's padded body).
        let secondHeader = 512 + 2048
        assertMalformed(archive.prefix(secondHeader + 100))
        // Inside the first header.
        assertMalformed(archive.prefix(300))
        // A pax header whose entry is cut off.
        let long = try TarArchive.write([.file(Self.longPath, Self.bytes(700))])
        assertMalformed(long.prefix(512 + 512 + 512 + 10))
    }

    func testChecksumCorruptionIsDetected() throws {
        var archive = try TarArchive.write([.file("name.txt", text: "content\n")])
        archive[3] ^= 0x20 // flips a letter of the name
        assertMalformed(archive)

        var size = try TarArchive.write([.file("name.txt", text: "content\n")])
        size[130] = UInt8(ascii: "7") // changes the size field
        assertMalformed(size)

        var checksum = try TarArchive.write([.file("name.txt", text: "content\n")])
        checksum[150] = checksum[150] == UInt8(ascii: "1") ? UInt8(ascii: "2") : UInt8(ascii: "1")
        assertMalformed(checksum)
    }

    func testPaxRecordsWithMultibyteAndNewlineValues() throws {
        // Record lengths count bytes; a value may even hold a newline.
        let path = String(repeating: "é", count: 60) + "/line\nbreak/" + String(repeating: "名", count: 20)
        XCTAssertGreaterThan(path.utf8.count, 100)
        let entries: [TarArchive.Entry] = [.file(path, text: "x"), .symlink("l", to: path)]
        XCTAssertEqual(try TarArchive.read(try TarArchive.write(entries)), entries)
    }

    func testOtherEntryKindsCannotBeWritten() {
        let entry = TarArchive.Entry(path: "dev", kind: .other, data: Data(), mode: 0, uid: 0, gid: 0)
        XCTAssertThrowsError(try TarArchive.write([entry])) { error in
            guard case .invalidArgument? = error as? DockerError else { return XCTFail("got \(error)") }
        }
    }

    private func assertMalformed(_ data: Data, line: UInt = #line) {
        XCTAssertThrowsError(try TarArchive.read(data), line: line) { error in
            guard case .malformedResponse? = error as? DockerError else {
                return XCTFail("expected malformedResponse, got \(error)", line: line)
            }
        }
    }

    // MARK: Cross-checks with /bin/tar

    private func temporaryFolder() throws -> URL {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("dockersdk-tar-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
        return url
    }

    @discardableResult
    private func tar(_ arguments: [String], in directory: URL) throws -> String {
        let tarPath = "/bin/tar"
        guard FileManager.default.isExecutableFile(atPath: tarPath) else { throw XCTSkip("no /bin/tar") }
        let process = Process()
        process.executableURL = URL(fileURLWithPath: tarPath)
        process.arguments = arguments
        process.currentDirectoryURL = directory
        let errors = Pipe()
        process.standardError = errors
        process.standardOutput = FileHandle.nullDevice
        try process.run()
        let message = errors.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        let text = String(decoding: message, as: UTF8.self)
        XCTAssertEqual(process.terminationStatus, 0, "tar \(arguments.joined(separator: " ")): \(text)")
        return text
    }

    func testReadsWhatGNUTarWrites() throws {
        for format in ["gnu", "pax", "ustar"] {
            let root = try temporaryFolder()
            defer { try? FileManager.default.removeItem(at: root) }
            let source = root.appendingPathComponent("src")
            let fm = FileManager.default
            try fm.createDirectory(at: source.appendingPathComponent("dir/sub"), withIntermediateDirectories: true)
            let binary = Self.bytes(5000, seed: 77)
            try binary.write(to: source.appendingPathComponent("dir/sub/binary.bin"))
            try Data("hello\n".utf8).write(to: source.appendingPathComponent("dir/hello.txt"))
            try Data().write(to: source.appendingPathComponent("dir/empty"))
            try fm.createSymbolicLink(atPath: source.appendingPathComponent("dir/link").path, withDestinationPath: "hello.txt")
            let longTarget = String(repeating: "t", count: 80) + "/" + String(repeating: "u", count: 80)
            if format != "ustar" { // ustar cannot hold a link target over 100 bytes
                try fm.createSymbolicLink(atPath: source.appendingPathComponent("dir/long-link").path,
                                          withDestinationPath: longTarget)
            }
            // ustar splits names up to 255 bytes into prefix and name; gnu uses ././@LongLink, pax a pax header.
            let longDir = String(repeating: "q", count: 80) + "/" + String(repeating: "r", count: 80)
            try fm.createDirectory(at: source.appendingPathComponent("dir/\(longDir)"), withIntermediateDirectories: true)
            let longFile = "dir/\(longDir)/long-file.txt"
            try Data("long\n".utf8).write(to: source.appendingPathComponent(longFile))

            let archivePath = root.appendingPathComponent("out.tar").path
            try tar(["--format=\(format)", "--sort=name", "-cf", archivePath, "dir"], in: source)
            let entries = try TarArchive.read(try Data(contentsOf: URL(fileURLWithPath: archivePath)))
            let byPath = Dictionary(entries.map { ($0.path, $0) }, uniquingKeysWith: { a, _ in a })
            XCTAssertEqual(byPath["dir/sub/binary.bin"]?.data, binary, format)
            XCTAssertEqual(byPath["dir/sub/binary.bin"]?.kind, .file, format)
            XCTAssertEqual(byPath["dir/hello.txt"]?.data, Data("hello\n".utf8), format)
            XCTAssertEqual(byPath["dir/empty"]?.data, Data(), format)
            XCTAssertEqual(byPath["dir/empty"]?.kind, .file, format)
            XCTAssertEqual(byPath["dir/link"]?.kind, .symlink(target: "hello.txt"), format)
            if format != "ustar" {
                XCTAssertEqual(byPath["dir/long-link"]?.kind, .symlink(target: longTarget), format)
            }
            XCTAssertEqual(byPath["dir/sub/"]?.kind, .directory, format)
            XCTAssertEqual(byPath[longFile]?.data, Data("long\n".utf8), "\(format): \(entries.map(\.path))")
            XCTAssertFalse(entries.contains { $0.kind == .other }, "\(format): \(entries.map(\.path))")
        }
    }

    func testGNUTarExtractsWhatWeWrite() throws {
        let root = try temporaryFolder()
        defer { try? FileManager.default.removeItem(at: root) }
        let entries = Self.sampleEntries
        let archiveURL = root.appendingPathComponent("ours.tar")
        try TarArchive.write(entries, modificationTime: Self.fixedDate).write(to: archiveURL)
        let out = root.appendingPathComponent("out")
        try FileManager.default.createDirectory(at: out, withIntermediateDirectories: true)
        let warnings = try tar(["-xf", archiveURL.path, "--no-same-owner"], in: out)
        XCTAssertEqual(warnings, "", "GNU tar has nothing to complain about")

        let fm = FileManager.default
        for entry in entries {
            let path = out.appendingPathComponent(entry.path).path
            switch entry.kind {
            case .file:
                XCTAssertEqual(FileContents.read(path), entry.data, entry.path)  // not fm.contents(atPath:): it leaks 4 KB per empty file
                let attributes = try fm.attributesOfItem(atPath: path)
                XCTAssertEqual(((attributes[.posixPermissions] as? NSNumber)?.intValue ?? -1) & 0o777, entry.mode & 0o777,
                               entry.path)
                XCTAssertEqual((attributes[.modificationDate] as? Date)?.timeIntervalSince1970, 1_700_000_000, entry.path)
            case .directory:
                var isDirectory: ObjCBool = false
                XCTAssertTrue(fm.fileExists(atPath: path, isDirectory: &isDirectory) && isDirectory.boolValue, entry.path)
            case .symlink(let target):
                XCTAssertEqual(try fm.destinationOfSymbolicLink(atPath: path), target)
            case .other:
                break
            }
        }
        // GNU tar lists the same paths.
        let listing = Process()
        listing.executableURL = URL(fileURLWithPath: "/bin/tar")
        listing.arguments = ["-tf", archiveURL.path]
        let pipe = Pipe()
        listing.standardOutput = pipe
        try listing.run()
        let listed = String(decoding: pipe.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        listing.waitUntilExit()
        let ascii = entries.map(\.path).filter { $0.utf8.allSatisfy { $0 < 0x80 } }
        XCTAssertEqual(listed.split(separator: "\n").map(String.init).filter { $0.utf8.allSatisfy { $0 < 0x80 } && !$0.contains("\\") }, ascii)
    }

    func testGNUTarRejectsNothingInAStreamOfManyFiles() throws {
        // 300 small files: many headers, checks the checksums GNU tar computes agree with ours.
        let entries = (0..<300).map { TarArchive.Entry.file("many/f\($0)", Self.bytes($0 * 3, seed: UInt64($0))) }
        let root = try temporaryFolder()
        defer { try? FileManager.default.removeItem(at: root) }
        let archiveURL = root.appendingPathComponent("many.tar")
        try TarArchive.write(entries).write(to: archiveURL)
        try tar(["-xf", archiveURL.path, "--no-same-owner"], in: root)
        for entry in entries.prefix(300) where entry.path.hasSuffix("7") {
            XCTAssertEqual(FileContents.read(root.appendingPathComponent(entry.path).path), entry.data)
        }
    }
}
