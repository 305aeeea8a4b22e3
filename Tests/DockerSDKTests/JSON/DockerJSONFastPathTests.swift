@_spi(Benchmarks) @testable import DockerSDK
import Foundation
import XCTest

/// The hot models' fast paths (FastDecoding.swift) against their `init(from:)` over the same tape and
/// against Foundation's `JSONDecoder`: same values, same errors, on every fixture and on fuzzed edits.
final class DockerJSONFastPathTests: XCTestCase {
    /// What one decode came to: the value, or the error's full description.
    enum Result<T: Equatable>: Equatable {
        case value(T)
        case failure(String)
    }

    static func decode<T: Decodable & Equatable>(_ type: T.Type, _ data: Data, fast: Bool) -> Result<T> {
        var decoder = DockerJSONDecoder()
        decoder.fastPaths = fast
        do { return .value(try decoder.decode(type, from: data)) } catch { return .failure("\(error)") }
    }

    /// Fast path on and off must agree exactly (values, or errors with their coding paths), and agree
    /// with Foundation on whether there is a value and which. Returns whether the fast path itself
    /// gave the value (no fallback).
    @discardableResult
    func agree<T: Decodable & Equatable>(_ type: T.Type, _ data: Data, _ label: @autoclosure () -> String,
                                         file: StaticString = #filePath, line: UInt = #line) -> Bool {
        let fast = Self.decode(type, data, fast: true)
        let codable = Self.decode(type, data, fast: false)
        XCTAssertEqual(fast, codable, "\(T.self) \(label()): fast path and init(from:) differ", file: file, line: line)
        let foundation = try? JSONDecoder().decode(type, from: data)
        switch codable {
        case .value(let value): XCTAssertEqual(foundation, value, "\(T.self) \(label()): JSONDecoder differs", file: file, line: line)
        case .failure: XCTAssertNil(foundation, "\(T.self) \(label()): JSONDecoder decodes what DockerJSONDecoder rejects", file: file, line: line)
        }
        guard let taken = DockerJSONDecoder().fastOnly(type, from: data) else { return false }
        // A fast value is always the one init(from:) gives.
        XCTAssertEqual(.value(taken), codable, "\(T.self) \(label()): fast-only value differs", file: file, line: line)
        return true
    }

    /// Every model with a fast path, nested ones included; counts the bodies each took the fast path on.
    func agreeForEveryFastModel(_ data: Data, _ label: String, _ taken: inout [String: Int]) {
        func check<T: Decodable & Equatable>(_ type: T.Type) {
            if agree(type, data, label) { taken["\(T.self)", default: 0] += 1 }
        }
        check(ContainerInspect.self)
        check([ContainerInspect].self)
        check(ContainerSummary.self)
        check([ContainerSummary].self)
        check(ImageSummary.self)
        check([ImageSummary].self)
        check(DockerEvent.self)
        check(SystemVersion.self)
        check(HostConfig.self)
        check(ContainerConfig.self)
        check(ContainerState.self)
        check(NetworkSettings.self)
        check(EndpointSettings.self)
        check(MountPoint.self)
        check([MountPoint].self)
        check(HealthConfig.self)
        check([String: String].self)
        check([String].self)
    }

    func fixtureBodies() throws -> [(String, Data)] {
        let root = URL(fileURLWithPath: fixturesDirectory)
        let files = FileManager.default.enumerator(at: root, includingPropertiesForKeys: nil)?
            .compactMap { ($0 as? URL)?.path }.filter { $0.hasSuffix(".json") }.sorted() ?? []
        XCTAssertGreaterThan(files.count, 10, "fixtures not found under \(root.path)")
        var bodies: [(String, Data)] = []
        for path in files {
            let fixture = try Fixture.load(path: path)
            let name = URL(fileURLWithPath: path).lastPathComponent
            for (n, exchange) in fixture.exchanges.enumerated() {
                guard let body = exchange.response.body else { continue }
                let label = "\(name) #\(n) \(exchange.request.method) \(exchange.request.path)"
                switch body {
                case .json: bodies.append((label, body.data))
                case .text(let text):
                    bodies.append((label, Data(text.utf8)))
                    bodies += text.split(separator: "\n").map { (label + " (line)", Data($0.utf8)) }
                case .base64: continue
                }
            }
        }
        return bodies
    }

    func testEveryFixtureBodyDecodesAlikeWithAndWithoutFastPaths() throws {
        var taken: [String: Int] = [:]
        let bodies = try fixtureBodies()
        XCTAssertGreaterThan(bodies.count, 50)
        for (label, data) in bodies { agreeForEveryFastModel(data, label, &taken) }
        // The fast paths are really used on the recorded answers, not only falling back.
        for model in ["ContainerInspect", "Array<ContainerSummary>", "Array<ImageSummary>", "DockerEvent",
                      "SystemVersion", "HostConfig", "ContainerConfig"] {
            XCTAssertGreaterThan(taken[model, default: 0], 0, "the fast path of \(model) never gave a value: \(taken)")
        }
    }

    /// A recorded body (status 200, JSON) of a GET whose path matches `pattern`.
    func recorded(_ pattern: String) throws -> Data {
        let root = URL(fileURLWithPath: fixturesDirectory)
        let files = FileManager.default.enumerator(at: root, includingPropertiesForKeys: nil)?
            .compactMap { ($0 as? URL)?.path }.filter { $0.hasSuffix(".json") }.sorted() ?? []
        for path in files {
            let fixture = try Fixture.load(path: path)
            for exchange in fixture.exchanges where exchange.request.method == "GET" && exchange.response.status == 200 {
                if exchange.request.path.range(of: pattern, options: .regularExpression) != nil,
                   case .json = exchange.response.body, exchange.response.body!.data.count > 100 {
                    return exchange.response.body!.data
                }
            }
        }
        throw BenchFixtureMissing(pattern: pattern)
    }

    func testRecordedHotBodiesTakeTheFastPath() throws {
        let inspect = try recorded("^/containers/[0-9a-f]+/json$")
        let list = try recorded("^/containers/json")
        let images = try recorded("^/images/json")
        let version = try recorded("^/version$")
        let decoder = DockerJSONDecoder()
        XCTAssertEqual(decoder.fastOnly(ContainerInspect.self, from: inspect), try JSONDecoder().decode(ContainerInspect.self, from: inspect))
        XCTAssertNotNil(decoder.fastOnly(ContainerInspect.self, from: inspect)?.hostConfig)
        XCTAssertNotNil(decoder.fastOnly(ContainerInspect.self, from: inspect)?.networkSettings)
        XCTAssertEqual(decoder.fastOnly([ContainerSummary].self, from: list), try JSONDecoder().decode([ContainerSummary].self, from: list))
        XCTAssertEqual(decoder.fastOnly([ImageSummary].self, from: images), try JSONDecoder().decode([ImageSummary].self, from: images))
        XCTAssertEqual(decoder.fastOnly(SystemVersion.self, from: version), try JSONDecoder().decode(SystemVersion.self, from: version))
    }

    /// Edits the fast paths must not read differently: duplicate, escaped, renamed and removed keys,
    /// values of every other JSON type, out-of-range numbers, bad escapes, nulls for required fields.
    func testFuzzedEditsDecodeAlikeWithAndWithoutFastPaths() throws {
        let bodies: [(Data, (Data, String) -> Bool)] = [
            (try recorded("^/containers/[0-9a-f]+/json$"), { self.agree(ContainerInspect.self, $0, $1) }),
            (try recorded("^/containers/json"), { self.agree([ContainerSummary].self, $0, $1) }),
            (try recorded("^/images/json"), { self.agree([ImageSummary].self, $0, $1) }),
            (try recorded("^/version$"), { self.agree(SystemVersion.self, $0, $1) }),
        ]
        let replacements = ["null", "0", "-1", "1.5", "1e2", "99999999999999999999", "\"x\"", "\"\\u00e9\"", "\"\\ud800\"",
                            "true", "{}", "[]", "[null]", "{\"\":1}", "\"a\\\"b\"", "\"\\q\""]
        var random = SeededRandom(seed: 7)
        var fallbacks = 0, fast = 0
        for (body, check) in bodies {
            let tokens = JSONTokens(body)
            XCTAssertGreaterThan(tokens.keys.count, 3)
            for round in 0..<250 {
                var bytes = [UInt8](body)
                // Edits from the end backwards keep the earlier ranges valid.
                var edits: [(Range<Int>, [UInt8])] = []
                for _ in 0..<(1 + Int(random.next() % 2)) {
                    switch random.next() % 6 {
                    case 0: // a value of another type
                        let value = tokens.values[Int(random.next() % UInt64(tokens.values.count))]
                        edits.append((value, Array(replacements[Int(random.next() % UInt64(replacements.count))].utf8)))
                    case 1: // a key renamed (unknown, or another model key's name)
                        let key = tokens.keys[Int(random.next() % UInt64(tokens.keys.count))]
                        let other = tokens.keys[Int(random.next() % UInt64(tokens.keys.count))]
                        edits.append((key.name, random.next() % 2 == 0 ? Array("\"Zz\"".utf8) : Array(body[other.name])))
                    case 2: // a key spelled with an escape (the same string)
                        let key = tokens.keys[Int(random.next() % UInt64(tokens.keys.count))]
                        let name = Array(body[key.name])
                        guard name.count > 2 else { continue }
                        edits.append((key.name, [0x22] + Array(String(format: "\\u%04x", name[1]).utf8) + name[2...]))
                    case 3: // a member duplicated (first wins)
                        let key = tokens.keys[Int(random.next() % UInt64(tokens.keys.count))]
                        let other = tokens.values[Int(random.next() % UInt64(tokens.values.count))]
                        edits.append((key.name.lowerBound..<key.name.lowerBound, Array(body[key.name]) + [0x3A] + Array(body[other]) + [0x2C]))
                    case 4: // a member removed (a trailing comma may stay: accepted by both)
                        let key = tokens.keys[Int(random.next() % UInt64(tokens.keys.count))]
                        var end = key.value.upperBound
                        if end < body.count && body[end] == 0x2C { end += 1 }
                        edits.append((key.name.lowerBound..<end, []))
                    default: // a non-ASCII value
                        let value = tokens.values[Int(random.next() % UInt64(tokens.values.count))]
                        edits.append((value, Array("\"é\u{301}\"".utf8)))
                    }
                }
                edits.sort { $0.0.lowerBound > $1.0.lowerBound }
                var last = Int.max
                for (range, text) in edits where range.upperBound <= last {
                    bytes.replaceSubrange(range, with: text)
                    last = range.lowerBound
                }
                if check(Data(bytes), "edit \(round)") { fast += 1 } else { fallbacks += 1 }
            }
        }
        // Both the fast reading of edited bodies and the fallbacks were exercised.
        XCTAssertGreaterThan(fast, 100)
        XCTAssertGreaterThan(fallbacks, 100)
    }
}

/// Byte ranges of a JSON document's keys (with their quotes) and values (scalars and containers).
struct JSONTokens {
    var keys: [(name: Range<Int>, value: Range<Int>)] = []
    var values: [Range<Int>] = []

    init(_ data: Data) {
        let b = [UInt8](data)
        var i = 0
        /// Parses one value at i; returns its range.
        func skipSpace() { while i < b.count, b[i] == 0x20 || b[i] == 0x0A || b[i] == 0x0D || b[i] == 0x09 { i += 1 } }
        func string() -> Range<Int> {
            let start = i
            i += 1
            while i < b.count && b[i] != 0x22 { i += b[i] == 0x5C ? 2 : 1 }
            i += 1
            return start..<i
        }
        func value() -> Range<Int> {
            skipSpace()
            let start = i
            guard i < b.count else { return i..<i }
            switch b[i] {
            case 0x22: _ = string()
            case 0x7B, 0x5B:
                let object = b[i] == 0x7B
                i += 1
                skipSpace()
                while i < b.count && b[i] != (object ? 0x7D : 0x5D) {
                    if object {
                        skipSpace()
                        let name = string()
                        skipSpace()
                        i += 1 // :
                        let v = value()
                        keys.append((name, v))
                    } else {
                        _ = value()
                    }
                    skipSpace()
                    if i < b.count && b[i] == 0x2C { i += 1; skipSpace() }
                }
                i += 1
            default:
                while i < b.count, !(b[i] == 0x2C || b[i] == 0x7D || b[i] == 0x5D || b[i] == 0x20 || b[i] == 0x0A) { i += 1 }
            }
            let range = start..<i
            values.append(range)
            return range
        }
        _ = value()
    }
}
