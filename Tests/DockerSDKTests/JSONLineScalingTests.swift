@testable import DockerSDK
import Foundation
import XCTest

/// The fuzz seed corpus of a target, as `scripts/fuzz.sh` builds it: every request/response body,
/// input and output of Fixtures/** (at most 256 KB each) and fuzz/seeds/<target>/.
func fuzzSeedCorpus(_ target: String) throws -> [Data] {
    let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent()
    var seeds: [Data] = []
    func body(_ value: Any?) {
        guard let body = value as? [String: Any] else { return }
        var data: Data?
        if let base64 = body["base64"] as? String { data = Data(base64Encoded: base64) }
        else if let text = body["text"] as? String { data = Data(text.utf8) }
        else if let json = body["json"] { data = try? JSONSerialization.data(withJSONObject: json, options: [.fragmentsAllowed]) }
        if let data, !data.isEmpty, data.count <= 256 * 1024 { seeds.append(data) }
    }
    let fixtures = root.appendingPathComponent("Fixtures")
    let files = FileManager.default.enumerator(at: fixtures, includingPropertiesForKeys: nil)?
        .compactMap { $0 as? URL }.filter { $0.pathExtension == "json" } ?? []
    XCTAssertFalse(files.isEmpty, "no fixtures under \(fixtures.path)")
    for file in files {
        guard let object = try JSONSerialization.jsonObject(with: Data(contentsOf: file)) as? [String: Any] else { continue }
        for exchange in object["exchanges"] as? [[String: Any]] ?? [] {
            body((exchange["request"] as? [String: Any])?["body"])
            body((exchange["response"] as? [String: Any])?["body"])
            body(exchange["input"])
        }
    }
    let own = root.appendingPathComponent("fuzz/seeds/\(target)")
    let names = try FileManager.default.contentsOfDirectory(atPath: own.path).sorted()
    XCTAssertFalse(names.isEmpty, "no seeds in \(own.path)")
    for name in names { seeds.append(try Data(contentsOf: own.appendingPathComponent(name))) }
    return seeds
}

/// JSONLineStream's line splitting is linear (issue 12, item 3: FuzzJSONLines ran ~70 inputs/s on
/// 8 KB inputs). Before, every line copied the rest of the buffer, so a body of many short or blank
/// lines arriving in one large chunk cost the square of its size. The old splitting is kept below as
/// the oracle: on the seed corpus, in several chunkings, the new one gives the same elements and errors.
final class JSONLineScalingTests: XCTestCase {
    /// The elements decoded before the end or the first error, and that error's description.
    struct Outcome<T: Equatable>: Equatable {
        var elements: [T] = []
        var error: String?
    }

    /// JSONLineStream.Iterator as it was before (each line: `buffer = Data(buffer[after newline...])`).
    static func reference<T: Decodable & Sendable & Equatable>(_ type: T.Type, _ pieces: [Data], what: String) -> Outcome<T> {
        var outcome = Outcome<T>()
        var buffer = Data()
        var next = 0
        var ended = false
        func blank(_ bytes: Data) -> Bool { bytes.allSatisfy { $0 == UInt8(ascii: " ") || $0 == UInt8(ascii: "\r") } }
        do {
            while true {
                if let newline = buffer.firstIndex(of: UInt8(ascii: "\n")) {
                    let line = buffer[buffer.startIndex..<newline]
                    buffer = Data(buffer[buffer.index(after: newline)...])
                    if blank(Data(line)) { continue }
                    outcome.elements.append(try JSONCoding.decode(T.self, from: Data(line), what: what))
                    continue
                }
                if ended {
                    if !blank(buffer) {
                        outcome.elements.append(try JSONCoding.decode(T.self, from: buffer, what: "\(what) (last line)"))
                    }
                    return outcome
                }
                if next < pieces.count {
                    buffer.append(pieces[next])
                    next += 1
                    if buffer.count > JSONLineStream<T>.maxLineLength {
                        throw DockerError.malformedResponse("\(what): a line longer than \(JSONLineStream<T>.maxLineLength) bytes")
                    }
                } else {
                    ended = true
                }
            }
        } catch {
            outcome.error = String(describing: error)
        }
        return outcome
    }

    static func decoded<T: Decodable & Sendable & Equatable>(_ type: T.Type, _ pieces: [Data], what: String) async -> Outcome<T> {
        var outcome = Outcome<T>()
        do {
            for try await element in JSONLineStream<T>(bytes: .chunks(pieces), what: what) { outcome.elements.append(element) }
        } catch {
            outcome.error = String(describing: error)
        }
        return outcome
    }

    /// Whole, cut in two at several places, the first 256 bytes one by one (like FuzzJSONLines), and
    /// in 7-byte pieces.
    static func chunkings(_ input: Data) -> [[Data]] {
        var result: [[Data]] = [[input], input.isEmpty ? [] : [Data(input.prefix(1)), Data(input.dropFirst(1))]]
        for cut in [input.count / 3, input.count / 2, input.count - 1] where cut > 0 && cut < input.count {
            result.append([Data(input.prefix(cut)), Data(input.dropFirst(cut))])
        }
        result.append(input.prefix(256).map { Data([$0]) } + [Data(input.dropFirst(256))])
        if input.count <= 4096 {
            result.append(stride(from: 0, to: input.count, by: 7).map { Data(input[$0..<min($0 + 7, input.count)]) })
        }
        return result
    }

    func assertSameAsBefore<T: Decodable & Sendable & Equatable>(_ type: T.Type, _ input: Data,
                                                                   file: StaticString = #filePath, line: UInt = #line) async {
        for pieces in Self.chunkings(input) {
            let before = Self.reference(type, pieces, what: "seed")
            let now = await Self.decoded(type, pieces, what: "seed")
            XCTAssertEqual(now, before, "\(type) from \(input.count) bytes in \(pieces.count) pieces", file: file, line: line)
        }
    }

    /// Every seed of FuzzJSONLines, alone, with blank and CR lines added, and all of them joined:
    /// events, progress and stats come out as before (elements and errors).
    func testSeedCorpusDecodesAsBefore() async throws {
        // Seeds up to 16 KB (the oracle is quadratic; the larger fixture bodies are single JSON documents).
        let seeds = try fuzzSeedCorpus("FuzzJSONLines").filter { $0.count <= 16 * 1024 }
        var inputs = seeds
        inputs += seeds.map { Data("\n \r\n".utf8) + $0 + Data("\n\n\r\n  ".utf8) }
        inputs += seeds.map { Data($0.split(separator: UInt8(ascii: "\n")).joined(separator: Data("\n\n".utf8))) }
        inputs.append(Data(seeds.filter { $0.count < 4096 }.joined(separator: Data("\n".utf8))))
        var lines = 0
        var decoded = 0
        for input in inputs {
            await assertSameAsBefore(DockerEvent.self, input)
            await assertSameAsBefore(ProgressEvent.self, input)
            await assertSameAsBefore(ContainerStats.self, input)
            lines += input.split(separator: UInt8(ascii: "\n")).count
            decoded += await Self.decoded(ProgressEvent.self, [input], what: "seed").elements.count
        }
        XCTAssertGreaterThan(inputs.count, 100)
        XCTAssertGreaterThan(lines, 1000)
        // The corpus holds lines that decode, not only errors.
        XCTAssertGreaterThan(decoded, 100)
    }

    /// 20,000 progress lines and 20,000 blank lines in one 1.7 MB chunk (the old splitting copied
    /// about 40,000 times 0.85 MB here): every element, in order, and the last line without a newline taken.
    func testALargeBodyInOneChunkDecodesEveryLine() async throws {
        var body = Data()
        let count = 20_000
        for index in 0..<count {
            body.append(Data(#"{"status":"Downloading","progressDetail":{"current":\#(index),"total":\#(count)},"id":"l\#(index)"}"#.utf8))
            body.append(Data(index == count - 1 ? "\r\n  ".utf8 : "\r\n\n".utf8))
        }
        XCTAssertGreaterThan(body.count, 1_600_000)
        for pieces in [[body], [Data(body.prefix(3)), Data(body.dropFirst(3))]] {
            let outcome = await Self.decoded(ProgressEvent.self, pieces, what: "large")
            XCTAssertNil(outcome.error)
            XCTAssertEqual(outcome.elements.count, count)
            XCTAssertEqual(outcome.elements.map(\.id), (0..<count).map { "l\($0)" })
            XCTAssertEqual(outcome.elements.last?.progressDetail?.current, Int64(count - 1))
        }
        // Without the last newline, a complete object is still taken; an incomplete one is an error.
        let cut = Data(body.dropLast(4))
        let lastTaken = await Self.decoded(ProgressEvent.self, [cut], what: "large")
        XCTAssertEqual(lastTaken.elements.count, count)
        let incomplete = await Self.decoded(ProgressEvent.self, [Data(body.dropLast(6))], what: "large")
        XCTAssertEqual(incomplete.elements.count, count - 1)
        XCTAssertTrue(incomplete.error?.contains("large (last line)") == true, incomplete.error ?? "no error")
    }
}
