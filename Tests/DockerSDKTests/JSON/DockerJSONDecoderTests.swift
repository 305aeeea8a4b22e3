@testable import DockerSDK
import Foundation
import XCTest

/// `DockerJSONDecoder` against Foundation's `JSONDecoder`: same values, same failures, same coding paths.
final class DockerJSONDecoderTests: XCTestCase {
    // MARK: - Comparing the two decoders

    /// What a decode came to, comparable across decoders.
    enum Outcome: Equatable, CustomStringConvertible {
        case value(String)
        case failure(DecodingFailure)

        var description: String {
            switch self {
            case .value(let v): "value \(v.prefix(300))"
            case .failure(let f): "\(f)"
            }
        }
    }

    /// A `DecodingError` reduced to what both decoders must agree on.
    struct DecodingFailure: Equatable, CustomStringConvertible {
        var kind: String
        /// nil for dataCorrupted: Foundation reports those at the top level, this decoder at the value.
        var path: [String]?
        var detail: String

        init(_ error: any Error) {
            guard let error = error as? DecodingError else {
                // Inside init(from:), Foundation throws its internal JSONError for a number out of range
                // or a bad string; it becomes dataCorrupted at the top. DockerJSONDecoder throws
                // dataCorrupted at once.
                if "\(type(of: error))" == "JSONError" { kind = "dataCorrupted"; path = nil; detail = ""; return }
                kind = "not a DecodingError: \(type(of: error))"; path = nil; detail = "\(error)"; return
            }
            func keys(_ c: DecodingError.Context) -> [String] {
                c.codingPath.map { $0.intValue.map { "[\($0)]" } ?? $0.stringValue }
            }
            switch error {
            case .typeMismatch(let type, let c): kind = "typeMismatch"; path = keys(c); detail = "\(type)"
            case .valueNotFound(let type, let c): kind = "valueNotFound"; path = keys(c); detail = "\(type)"
            case .keyNotFound(let key, let c): kind = "keyNotFound"; path = keys(c); detail = key.stringValue
            case .dataCorrupted: kind = "dataCorrupted"; path = nil; detail = ""
            @unknown default: kind = "unknown"; path = nil; detail = "\(error)"
            }
        }

        var description: String { "\(kind) at \(path.map { $0.joined(separator: ".") } ?? "-") \(detail)" }
    }

    static func outcome<T: Decodable>(_ type: T.Type, _ data: Data, foundation: Bool) -> Outcome {
        do {
            let value = foundation ? try JSONDecoder().decode(type, from: data) : try DockerJSONDecoder().decode(type, from: data)
            return .value(render(value))
        } catch {
            return .failure(DecodingFailure(error))
        }
    }

    /// A value's canonical form: re-encoded with sorted keys when it can be, else its dump.
    static func render<T>(_ value: T) -> String {
        if let encodable = value as? any Encodable {
            let encoder = JSONEncoder()
            encoder.outputFormatting = [.sortedKeys]
            encoder.nonConformingFloatEncodingStrategy = .convertToString(positiveInfinity: "+inf", negativeInfinity: "-inf", nan: "nan")
            if let data = try? encoder.encode(encodable) { return String(decoding: data, as: UTF8.self) }
        }
        var text = ""
        dump(value, to: &text)
        return text
    }

    /// Decodes with both and fails the test when they disagree; returns the shared outcome.
    @discardableResult
    func same<T: Decodable>(_ type: T.Type, _ data: Data, _ label: @autoclosure () -> String = "",
                            file: StaticString = #filePath, line: UInt = #line) -> Outcome {
        let foundation = Self.outcome(type, data, foundation: true)
        let ours = Self.outcome(type, data, foundation: false)
        if foundation != ours, case .value(let a) = foundation, case .value(let b) = ours {
            let common = zip(a, b).prefix { $0 == $1 }.count
            let from = a.index(a.startIndex, offsetBy: max(0, common - 80))
            let fromB = b.index(b.startIndex, offsetBy: max(0, common - 80))
            XCTFail("\(T.self) \(label()) from \(String(decoding: data.prefix(200), as: UTF8.self)), values differ after \(common) characters:\n  JSONDecoder: ...\(a[from...].prefix(300))\n  DockerJSONDecoder: ...\(b[fromB...].prefix(300))",
                    file: file, line: line)
        } else if foundation != ours {
            if let dump = ProcessInfo.processInfo.environment["DOCKERSDK_JSON_DUMP"] {
                try? data.write(to: URL(fileURLWithPath: dump + "/\(T.self)-\(line)-\(data.count).json"))
            }
            XCTFail("\(T.self) \(label()) from \(String(decoding: data.prefix(200), as: UTF8.self)):\n  JSONDecoder: \(foundation)\n  DockerJSONDecoder: \(ours)",
                    file: file, line: line)
        }
        // An Equatable value must also compare equal itself, not only its rendering.
        if case .value = ours, let a = try? JSONDecoder().decode(type, from: data), let b = try? DockerJSONDecoder().decode(type, from: data),
           let ea = a as? any Equatable {
            XCTAssertTrue(foundation != ours || Self.isEqual(ea, b), "\(T.self) \(label()): values differ", file: file, line: line)
        }
        return ours
    }

    @discardableResult
    func same<T: Decodable>(_ type: T.Type, _ json: String, _ label: @autoclosure () -> String = "",
                            file: StaticString = #filePath, line: UInt = #line) -> Outcome {
        same(type, Data(json.utf8), label(), file: file, line: line)
    }

    static func isEqual<A: Equatable>(_ a: A, _ b: Any) -> Bool { (b as? A) == a }

    // MARK: - Fixtures: every JSON body, every model

    /// Every top-level model the SDK decodes from an answer or a stream line.
    func decodeEveryModel(_ data: Data, _ label: String) {
        same(ContainerInspect.self, data, label)
        same([ContainerSummary].self, data, label)
        same(ContainerSummary.self, data, label)
        same(ContainerCreateResponse.self, data, label)
        same(ContainerPruneResult.self, data, label)
        same(ContainerStats.self, data, label)
        same(ContainerTop.self, data, label)
        same(ContainerUpdateResult.self, data, label)
        same(ContainerWaitResult.self, data, label)
        same(ContainerConfig.self, data, label)
        same(HostConfig.self, data, label)
        same(DiskUsage.self, data, label)
        same(ExecInspect.self, data, label)
        same(ImageInspect.self, data, label)
        same([ImageSummary].self, data, label)
        same(ImagePruneResult.self, data, label)
        same([ImageDeleteItem].self, data, label)
        same(ProgressEvent.self, data, label)
        same(Network.self, data, label)
        same([Network].self, data, label)
        same(NetworkCreateResponse.self, data, label)
        same(SystemInfo.self, data, label)
        same(SystemVersion.self, data, label)
        same(DockerEvent.self, data, label)
        same(Volume.self, data, label)
        same(VolumePruneResult.self, data, label)
        same(JSONValue.self, data, label)
        same([String: JSONValue].self, data, label)
        same([JSONValue].self, data, label)
        same(Fixture.self, data, label)
    }

    func fixtureFiles() throws -> [String] {
        let root = URL(fileURLWithPath: fixturesDirectory)
        let files = FileManager.default.enumerator(at: root, includingPropertiesForKeys: nil)?
            .compactMap { ($0 as? URL)?.path }.filter { $0.hasSuffix(".json") }.sorted() ?? []
        XCTAssertGreaterThan(files.count, 10, "fixtures not found under \(root.path)")
        return files
    }

    func testEveryFixtureBodyDecodesAlikeForEveryModel() throws {
        var bodies = 0
        for path in try fixtureFiles() {
            let file = try Data(contentsOf: URL(fileURLWithPath: path))
            let name = URL(fileURLWithPath: path).lastPathComponent
            // The file itself (Fixture, with JSONValue bodies: recursive, every JSON type).
            XCTAssertEqual(try DockerJSONDecoder().decode(Fixture.self, from: file), try JSONDecoder().decode(Fixture.self, from: file), name)
            let fixture = try JSONDecoder().decode(Fixture.self, from: file)
            for (n, exchange) in fixture.exchanges.enumerated() {
                guard let body = exchange.response.body else { continue }
                var pieces: [Data] = []
                switch body {
                case .json: pieces = [body.data]
                case .text(let text):
                    // Streams of JSON lines (events, progress, stats) and error texts.
                    pieces = [Data(text.utf8)] + text.split(separator: "\n").map { Data($0.utf8) }
                case .base64: continue
                }
                for piece in pieces {
                    bodies += 1
                    decodeEveryModel(piece, "\(name) #\(n) \(exchange.request.method) \(exchange.request.path)")
                }
            }
        }
        XCTAssertGreaterThan(bodies, 50)
    }

    /// A recorded container-inspect body (the hot one) and a list of containers.
    func recordedBody(path pattern: String, method: String = "GET") throws -> Data {
        for path in try fixtureFiles() {
            let fixture = try Fixture.load(path: path)
            for exchange in fixture.exchanges where exchange.request.method == method && exchange.response.status == 200 {
                if exchange.request.path.range(of: pattern, options: .regularExpression) != nil, case .json = exchange.response.body {
                    return exchange.response.body!.data
                }
            }
        }
        throw BenchFixtureMissing(pattern: pattern)
    }

    func testTruncatedInspectBodiesFailAlike() throws {
        let body = try recordedBody(path: "^/containers/[0-9a-f]+/json$")
        XCTAssertGreaterThan(body.count, 1000)
        for length in 0..<body.count {
            same(ContainerInspect.self, body.prefix(length), "first \(length) bytes")
        }
        same(ContainerInspect.self, body, "whole")
    }

    func testMutatedBodiesDecodeAlike() throws {
        let bodies = [try recordedBody(path: "^/containers/[0-9a-f]+/json$"), try recordedBody(path: "^/containers/json$")]
        var random = SeededRandom(seed: 42)
        // Structural mutations in ASCII (invalid UTF-8 has its own test): with several bad values in
        // one object, which error Foundation reports depends on its dictionary's hash order.
        let alphabet = Array(#"{}[]:,"\ 0123456789.eE+-tfnul/ux"#.utf8) + [0x09, 0x1F, 0x7F]
        for (b, body) in bodies.enumerated() {
            for round in 0..<300 {
                var bytes = [UInt8](body)
                for _ in 0..<(1 + Int(random.next() % 2)) {
                    let at = Int(random.next() % UInt64(bytes.count))
                    switch random.next() % 3 {
                    case 0: bytes[at] = alphabet[Int(random.next() % UInt64(alphabet.count))]
                    case 1: bytes.remove(at: at)
                    default: bytes.insert(alphabet[Int(random.next() % UInt64(alphabet.count))], at: at)
                    }
                }
                let data = Data(bytes)
                if b == 0 {
                    same(ContainerInspect.self, data, "mutation \(round)")
                } else {
                    same([ContainerSummary].self, data, "mutation \(round)")
                }
                same(JSONValue.self, data, "mutation \(round)")
            }
        }
    }

    // MARK: - Syntax

    func testMalformedAndLenientSyntaxLikeFoundation() {
        let documents = [
            "", " ", "{", "}", "[", "]", "{]", "[}", "{\"a\":1", "{\"a\":1,}", "[1,]", "[1,,]", "[,1]", "{,}", "{\"a\" 1}",
            "{\"a\":1 \"b\":2}", "[1 2]", "{\"a\":1}x", "{\"a\":1} {}", "nul", "tru", "truex", "[true false]", "NaN",
            "Infinity", "-", "01", "1.", ".5", "+1", "0x10", "1e", "1e+", "--1", "1.2.3", "[-]", "[01]", "{\"a\":01}",
            "\"abc", "\"\\\"", "\"\\u12\"", "\"\\u12\"x\"", "\"\\uGGGG\"", "[\"\\x\"]", "{\"a\":1,\"b\":\"\\x\"}",
            "{\"a\":1,\"b\":\"\\u12G4\"}", "{\"a\":1,\"b\":01}", "{\"a\":1,\"b\":1.2.3}", "{\"a\":1,\"b\":-}",
            "{1:2}", "{\"a\"}", "{\"a\":}", "[1,2]]", "\u{FEFF}{\"a\":1}", " \n\t\r{\"a\" : 1 } \r\n", "{\"a\":1,\"b\":\"\t\"}",
            "{\"a\":\"\t\"}", "{\"a\":\"x\u{01}y\"}", "{\"a\":1,\"b\":\"\u{01}\"}", "{\"\u{01}\":1,\"a\":1}",
            "{\"a\\u0000\":1,\"a\":2}", "{\"\\x\":1,\"a\":2}", "[1,2,{\"x\":[]},]", "{\"a\":[{},],}",
        ]
        for document in documents {
            same(JSONValue.self, document)
            same(Flat.self, document)
            same([Int].self, document)
            same(Int.self, document)
            same([String: Int].self, document)
        }
    }

    func testDeepNestingIsBoundedLikeFoundation() {
        for depth in [1, 2, 100, 511, 512, 513, 600] {
            let arrays = String(repeating: "[", count: depth) + String(repeating: "]", count: depth)
            same(Nest.self, arrays, "arrays \(depth)")
            let objects = String(repeating: "{\"a\":", count: depth) + "1" + String(repeating: "}", count: depth)
            same(KeyNest.self, objects, "objects \(depth)")
            // JSONValue tries four types before the right one at every level: quadratic in error paths.
            if depth <= 100 || depth > 512 {
                same(JSONValue.self, arrays, "arrays \(depth)")
                same(JSONValue.self, objects, "objects \(depth)")
            }
        }
        // Far beyond the limit: a clean error, no stack overflow, no unbounded work.
        let huge = Data(repeating: UInt8(ascii: "["), count: 1_000_000)
        XCTAssertThrowsError(try DockerJSONDecoder().decode(JSONValue.self, from: huge)) { error in
            guard case DecodingError.dataCorrupted = error else { return XCTFail("\(error)") }
        }
        let unclosed = String(repeating: "{\"a\":[", count: 300_000)
        XCTAssertThrowsError(try DockerJSONDecoder().decode(JSONValue.self, from: Data(unclosed.utf8)))
    }

    // MARK: - Strings

    func testEscapesSurrogatesAndUTF8LikeFoundation() {
        let strings = [
            #""plain""#, #""\"\\\/\b\f\n\r\t""#, #""\u0041\u00e9\u20AC""#, #""\ud83d\ude00""#, #""\uD83D\uDE00x""#,
            #""\ud800""#, #""\ud800x""#, #""\ud800\u0041""#, #""\udc00""#, #""\udc00\ud800""#, #""\ud800\ud800""#,
            #""\u0000""#, #""\u""#, #""\u12""#, #""\u12345""#, #""\x""#, #""\'""#, "\"é€😀\"", "\"e\u{301}\"",
            #""\uDBFF\uDFFF""#, #""\uD800\uDC00""#,
        ]
        for s in strings {
            same(String.self, s)
            same([String].self, "[\(s)]")
            same(Flat.self, "{\"s\":\(s)}")
            same(Flat.self, "{\"i\":1,\"unused\":\(s)}")
            same([String: Int].self, "{\(s):1}")
        }
        let invalidUTF8: [[UInt8]] = [[0xFF], [0xC0, 0x80], [0xC3], [0xE2, 0x82], [0xED, 0xA0, 0x80], [0xF4, 0x90, 0x80, 0x80],
                                      [0xF0, 0x82, 0x82, 0xAC], [0x80], [0xC3, 0xA9], [0xF0, 0x9F, 0x98, 0x80], [0xE0, 0x9F, 0x80]]
        for bytes in invalidUTF8 {
            let quoted = Array("\"".utf8) + bytes + Array("\"".utf8)
            same(String.self, Data(quoted), "\(bytes)")
            same(Flat.self, Data(Array(#"{"s":"#.utf8) + quoted + Array("}".utf8)), "\(bytes) used")
            same(Flat.self, Data(Array(#"{"i":1,"x":"#.utf8) + quoted + Array("}".utf8)), "\(bytes) unused")
            same(Flat.self, Data(Array(#"{"i":1,"#.utf8) + quoted + Array(":2}".utf8)), "\(bytes) key")
            same(Flat.self, Data(Array(#"{"i":"#.utf8) + bytes + Array("}".utf8)), "\(bytes) bare")
        }
        // UTF-16 goes to Foundation and decodes too.
        let utf16 = "{\"s\":\"hé\"}".data(using: .utf16LittleEndian)!
        same(Flat.self, utf16)
    }

    func testKeysDuplicatesAndCanonicalEquivalenceLikeFoundation() {
        let documents = [
            #"{"i":1,"i":2}"#, #"{"s":"a","i":1,"s":"b"}"#, #"{"a":1,"a":2,"b":3}"#, #"{"i":null,"i":2}"#,
            "{\"\u{e9}\":1,\"e\u{301}\":2}", "{\"e\u{301}\":2}", "{\"\u{e9}\":2}", #"{"\u00e9":3}"#, #"{"K":1}"#,
            "{\"\u{212A}\":1}", #"{"i\u0000":1,"i":2}"#,
            "{" + (0..<40).map { "\"k\($0 % 30)\":\($0)" }.joined(separator: ",") + "}",
            "{" + (0..<40).map { "\"k\($0)\":\($0)" }.joined(separator: ",") + "}",
        ]
        for document in documents {
            same(Flat.self, document)
            same([String: Int].self, document)
            same([String: Int?].self, document)
            same(JSONValue.self, document)
            same(Accented.self, document)
            same(Kelvin.self, document)
        }
    }

    // MARK: - Numbers

    func testNumbersEveryWidthAndRangeLikeFoundation() {
        let numbers = [
            "0", "-0", "1", "-1", "127", "128", "-128", "-129", "255", "256", "32767", "32768", "-32769", "65535", "65536",
            "2147483647", "2147483648", "-2147483649", "4294967295", "4294967296", "9223372036854775807",
            "9223372036854775808", "-9223372036854775808", "-9223372036854775809", "18446744073709551615",
            "18446744073709551616", "99999999999999999999999999999999999999999", "1.0", "1.5", "-1.5", "1e2", "1E2",
            "1e+2", "2.55e2", "2.56e2", "1e-2", "100e-2", "0.0", "-0.0", "0e400", "1e400", "-1e400", "1e-400", "1e-310",
            "5e-324", "2e-324", "1.7976931348623157e308", "1.7976931348623159e308", "3.4028235e38", "3.4028236e38", "1e-45",
            "1e-46", "0.1", "123456789012345678901234567890", "12345678901234567890.0", "1.0e0", "0.0001e4",
            "170141183460469231731687303715884105727", "170141183460469231731687303715884105728",
            "340282366920938463463374607431768211455", "-170141183460469231731687303715884105728", "1e38", "1e39",
            "01", "-01", "1.", "-", "1e", "--1", "1.2.3", "\"1\"", "true", "null", "[1]", "{}",
        ]
        for number in numbers {
            same(Widths.self, "{\"v\":\(number)}", file: #filePath, line: #line)
            same([Int8].self, "[\(number)]"); same([Int16].self, "[\(number)]"); same([Int32].self, "[\(number)]")
            same([Int64].self, "[\(number)]"); same([Int].self, "[\(number)]"); same([UInt8].self, "[\(number)]")
            same([UInt16].self, "[\(number)]"); same([UInt32].self, "[\(number)]"); same([UInt64].self, "[\(number)]")
            same([UInt].self, "[\(number)]"); same([Double].self, "[\(number)]"); same([Float].self, "[\(number)]")
            same(Int.self, number); same(UInt8.self, number); same(Double.self, number); same(Float.self, number)
            same([Decimal].self, "[\(number)]")
            same(Int128.self, number); same(UInt128.self, number)
            same(JSONValue.self, number)
        }
    }

    // MARK: - Containers, errors and coding paths

    func testTypeMismatchesNameTheRightCodingPath() {
        let documents = [
            #"{"Id":1,"Name":"/x","State":{"Status":"running","Running":true}}"#,
            #"{"Id":"x","Name":"/x","State":{"Status":"running","Running":"yes"}}"#,
            #"{"Id":"x","Name":"/x","State":{"Status":"running"}}"#,
            #"{"Id":"x","Name":"/x","State":null}"#,
            #"{"Id":"x","Name":"/x","State":[]}"#,
            #"{"Id":"x","Name":"/x","State":{"Status":"running","Running":true,"Pid":1.5}}"#,
            #"{"Id":"x","Name":"/x","State":{"Status":"running","Running":true},"Args":["a",2]}"#,
            #"{"Id":"x","Name":"/x","State":{"Status":"running","Running":true},"Args":"a"}"#,
            #"{"Id":"x","Name":"/x","State":{"Status":"running","Running":true},"Mounts":[{"Destination":"/a"},{"Type":"bind"}]}"#,
            #"{"Id":"x","Name":"/x","State":{"Status":"running","Running":true},"Config":{"Labels":{"a":"b","c":3}}}"#,
            #"{"Id":"x","Name":"/x","State":{"Status":"running","Running":true},"NetworkSettings":{"Ports":{"80/tcp":null,"81/tcp":[{"HostPort":1}]}}}"#,
            #"{"Id":"x","Name":"/x","State":{"Status":"running","Running":true,"Health":{"Status":"ok","FailingStreak":"1"}}}"#,
            #"{"Id":null}"#, "[]", "null", "1", "\"x\"",
        ]
        for document in documents {
            same(ContainerInspect.self, document)
            same([ContainerInspect].self, "[\(document)]")
            same([String: ContainerInspect].self, "{\"k\":\(document)}")
        }
        // The path must be the real one, not only the same as Foundation's.
        let outcome = same(ContainerInspect.self, documents[5])
        XCTAssertEqual(outcome, .failure(DockerJSONDecoderTests.DecodingFailure(DecodingError.dataCorrupted(.init(codingPath: [], debugDescription: "")))))
        do {
            _ = try DockerJSONDecoder().decode(ContainerInspect.self, from: Data(documents[8].utf8))
            XCTFail("decoded")
        } catch DecodingError.keyNotFound(let key, let context) {
            XCTAssertEqual(key.stringValue, "Destination")
            XCTAssertEqual(context.codingPath.map(\.stringValue), ["Mounts", "Index 1"])
            XCTAssertEqual(context.codingPath.last?.intValue, 1)
        } catch {
            XCTFail("\(error)")
        }
        do {
            _ = try DockerJSONDecoder().decode(ContainerInspect.self, from: Data(documents[5].utf8))
            XCTFail("decoded")
        } catch DecodingError.dataCorrupted(let context) {
            XCTAssertEqual(context.codingPath.map(\.stringValue), ["State", "Pid"])
        } catch {
            XCTFail("\(error)")
        }
        // And DockerError.malformedResponse says where.
        XCTAssertThrowsError(try JSONCoding.decode(ContainerInspect.self, from: Data(documents[9].utf8), what: "GET /containers/x/json")) { error in
            guard case DockerError.malformedResponse(let message) = error else { return XCTFail("\(error)") }
            XCTAssertTrue(message.contains("Config.Labels.c"), message)
        }
    }

    func testEveryContainerOperationLikeFoundation() {
        let documents = [
            #"{"a":1,"b":[1,null,"x",{"c":true}],"c":{"d":[[1,2],[]],"e":null},"super":{"a":2},"s":"t"}"#,
            #"{"a":null,"b":[],"c":{"d":[],"e":1}}"#, #"{"b":null,"c":[]}"#, #"{"c":{"d":{}}}"#, #"{}"#, "[]", "[1,2,3]",
            "[null,1,\"x\",[2],{\"a\":1}]", "null", "1", "\"s\"", "true", #"{"a":"1","b":{"x":1},"c":1}"#,
        ]
        for document in documents {
            same(Probe.self, document)
            same([Probe].self, "[\(document),\(document)]")
            same(ArrayProbe.self, document)
            same(SingleProbe.self, document)
            same(Choice.self, document)
            same(Dated.self, document)
        }
        for document in [#"{"d":1.5,"b":"aGk=","u":"http://x/a%20b","m":1.25}"#, #"{"d":"x"}"#, #"{"b":"aGk"}"#, #"{"b":1}"#,
                         #"{"u":""}"#, #"{"u":"a b"}"#, #"{"m":"1.5"}"#, #"{"m":1e2}"#, #"{"d":null}"#, #"{}"#] {
            same(Dated.self, document)
        }
        for document in [#"{"cat":{}}"#, #"{"dog":{"name":"x","age":3}}"#, #"{"dog":{"_0":"x"}}"#, #"{"fish":{"_0":"x"}}"#,
                         #"{"cat":{},"dog":{}}"#, #"{}"#, #""cat""#, #"{"bird":{"_0":1,"_1":"y"}}"#] {
            same(Pet.self, document)
            same(Choice.self, document)
        }
    }

    func testOtherDictionaryAndSpecialTypesLikeFoundation() {
        for document in [#"{"1":"a","2":"b"}"#, #"{"1":"a","x":"b"}"#, #"{"-3":"a","03":"b"}"#, #"{}"#, #"[]"#, #"{"1":1}"#] {
            same([Int: String].self, document)
            same([String: String].self, document)
            same([String: String?].self, document)
        }
        for document in [#"["aGk=",null]"#, #"["aGk="]"#, "[1]", "[true]", "[[]]", "[{}]", #"["!"]"#, #"{"a":"aGk="}"#, #"{"a":"http://x"}"#, #"["http://x/y z", ""]"#] {
            same([Data?].self, document)
            same([String: Data].self, document)
            same([URL].self, document)
            same([String: URL].self, document)
            same([Date].self, document)
        }
        same([Date].self, "[0, 1.5, -1e9]")
        same([String: Decimal].self, #"{"a":1.25,"b":-0,"c":1e-3}"#)
    }

    func testDecoderUserInfoAndAPIVersion() throws {
        let key = CodingUserInfoKey(rawValue: "k")!
        struct Reads: Decodable { var seen: String?
            init(from decoder: Decoder) throws { seen = decoder.userInfo[CodingUserInfoKey(rawValue: "k")!] as? String } }
        XCTAssertEqual(try DockerJSONDecoder(userInfo: [key: "v"]).decode(Reads.self, from: Data("{}".utf8)).seen, "v")
        same(APIVersion.self, #""1.41""#)
        same(APIVersion.self, #""x""#)
        same([APIVersion].self, #"["1.44", 1]"#)
    }
}

// MARK: - Test models

/// A flat model with the common scalar fields.
struct Flat: Codable, Equatable {
    var i: Int?
    var s: String?
    var b: Bool?
    var d: Double?
}

/// Every integer width, Float and Double from one value, each tried on its own.
struct Widths: Decodable, Equatable, Encodable {
    var results: [String]
    init(from decoder: Decoder) throws {
        let c = try decoder.container(keyedBy: K.self)
        func attempt<T>(_ name: String, _ body: () throws -> T) -> String {
            do { return "\(name)=\(try body())" } catch { return "\(name)!\(DockerJSONDecoderTests.DecodingFailure(error))" }
        }
        results = [
            attempt("Int8") { try c.decode(Int8.self, forKey: .v) }, attempt("Int16") { try c.decode(Int16.self, forKey: .v) },
            attempt("Int32") { try c.decode(Int32.self, forKey: .v) }, attempt("Int64") { try c.decode(Int64.self, forKey: .v) },
            attempt("Int") { try c.decode(Int.self, forKey: .v) }, attempt("UInt8") { try c.decode(UInt8.self, forKey: .v) },
            attempt("UInt16") { try c.decode(UInt16.self, forKey: .v) }, attempt("UInt32") { try c.decode(UInt32.self, forKey: .v) },
            attempt("UInt64") { try c.decode(UInt64.self, forKey: .v) }, attempt("UInt") { try c.decode(UInt.self, forKey: .v) },
            attempt("Int128") { try c.decode(Int128.self, forKey: .v) }, attempt("UInt128") { try c.decode(UInt128.self, forKey: .v) },
            attempt("Float") { try c.decode(Float.self, forKey: .v) }, attempt("Double") { try c.decode(Double.self, forKey: .v) },
            attempt("Bool") { try c.decode(Bool.self, forKey: .v) }, attempt("String") { try c.decode(String.self, forKey: .v) },
            attempt("Int?") { try c.decodeIfPresent(Int.self, forKey: .v) as Any },
            attempt("UInt8?") { try c.decodeIfPresent(UInt8.self, forKey: .v) as Any },
            attempt("Double?") { try c.decodeIfPresent(Double.self, forKey: .v) as Any },
            attempt("Float?") { try c.decodeIfPresent(Float.self, forKey: .v) as Any },
            attempt("Decimal") { try c.decode(Decimal.self, forKey: .v) },
            attempt("Int64 generic") { try c.decode(Wrap<Int64>.self, forKey: .v).value },
            attempt("Int generic") { try c.decode(Wrap<Int>.self, forKey: .v).value },
            attempt("UInt16 generic") { try c.decode(Wrap<UInt16>.self, forKey: .v).value },
        ]
    }
    enum K: String, CodingKey { case v }
}

/// A value decoded through a generic, single-value path.
struct Wrap<T: Decodable>: Decodable {
    var value: T
    init(from decoder: Decoder) throws { value = try decoder.singleValueContainer().decode(T.self) }
}

/// Arrays of arrays, to any depth.
struct Nest: Decodable, Equatable, Encodable {
    var children: [Nest]
    func encode(to encoder: Encoder) throws { try children.encode(to: encoder) }
    init(from decoder: Decoder) throws {
        var c = try decoder.unkeyedContainer()
        children = []
        while !c.isAtEnd { children.append(try c.decode(Nest.self)) }
    }
}

/// Objects in objects, to any depth, ending in a number.
indirect enum KeyNest: Decodable, Equatable, Encodable {
    case leaf(Int)
    case node(KeyNest)
    init(from decoder: Decoder) throws {
        if let leaf = try? decoder.singleValueContainer().decode(Int.self) { self = .leaf(leaf); return }
        self = .node(try decoder.container(keyedBy: Key.self).decode(KeyNest.self, forKey: .a))
    }
    enum Key: CodingKey { case a }
}

/// A key written precomposed; matches a decomposed key in the JSON as Swift strings do.
struct Accented: Decodable, Equatable, Encodable {
    var value: Int?
    enum CodingKeys: String, CodingKey { case value = "\u{e9}" }
}

/// An ASCII key that the Kelvin sign is canonically equivalent to.
struct Kelvin: Decodable, Equatable, Encodable {
    var value: Int?
    enum CodingKeys: String, CodingKey { case value = "K" }
}

/// A synthesized enum with associated values (nested keyed containers).
enum Pet: Codable, Equatable {
    case cat
    case dog(name: String, age: Int)
    case fish(String)
    case bird(Int, String)
}

/// A raw-value enum and a few optionals.
enum Choice: String, Codable, Equatable { case s, t, cat }

/// Foundation's special types: Date (deferred), Data (base64), URL, Decimal.
struct Dated: Codable, Equatable {
    var d: Date?
    var b: Data?
    var u: URL?
    var m: Decimal?
}

/// A trace entry for a value: JSON values with sorted keys (dictionary order is not stable), else the value.
func canon(_ value: Any) -> String {
    if let json = value as? JSONValue { return String(decoding: json.data(), as: UTF8.self) }
    if let json = value as? JSONValue? { return json.map { String(decoding: $0.data(), as: UTF8.self) } ?? "nil" }
    if let list = value as? [String] { return "\(list)" }
    return "\(value)"
}

/// Walks a document with every keyed operation, recording each answer or error.
struct Probe: Decodable, Equatable, Encodable {
    var trace: [String] = []

    struct Key: CodingKey {
        var stringValue: String
        var intValue: Int?
        init(_ s: String) { stringValue = s }
        init?(stringValue: String) { self.stringValue = stringValue }
        init?(intValue: Int) { stringValue = "\(intValue)"; self.intValue = intValue }
    }

    init(from decoder: Decoder) throws {
        func note(_ label: String, _ body: () throws -> Any) {
            do { trace.append("\(label)=\(canon(try body()))") } catch { trace.append("\(label)!\(DockerJSONDecoderTests.DecodingFailure(error))") }
        }
        trace.append("path \(decoder.codingPath.map(\.stringValue))")
        let c: KeyedDecodingContainer<Key>
        do { c = try decoder.container(keyedBy: Key.self) } catch {
            trace.append("container!\(DockerJSONDecoderTests.DecodingFailure(error))")
            note("single") { try decoder.singleValueContainer().decodeNil() }
            return
        }
        trace.append("keys \(c.allKeys.map(\.stringValue).sorted())")
        for name in ["a", "b", "c", "missing", "super", "s"] {
            let key = Key(name)
            note("contains \(name)") { c.contains(key) }
            note("nil \(name)") { try c.decodeNil(forKey: key) }
            note("int \(name)") { try c.decode(Int.self, forKey: key) }
            note("int? \(name)") { try c.decodeIfPresent(Int.self, forKey: key) as Any }
            note("string \(name)") { try c.decode(String.self, forKey: key) }
            note("string? \(name)") { try c.decodeIfPresent(String.self, forKey: key) as Any }
            note("bool \(name)") { try c.decode(Bool.self, forKey: key) }
            note("json \(name)") { try c.decode(JSONValue.self, forKey: key) }
            note("json? \(name)") { try c.decodeIfPresent(JSONValue.self, forKey: key) as Any }
            note("[int?] \(name)") { try c.decode([Int?].self, forKey: key) }
            note("[String:JSONValue] \(name)") { try c.decode([String: JSONValue].self, forKey: key).sorted { $0.key < $1.key }.map { "\($0.key): \(canon($0.value))" } }
            note("nested keyed \(name)") {
                let n = try c.nestedContainer(keyedBy: Key.self, forKey: key)
                return "\(n.codingPath.map(\.stringValue)) \(n.allKeys.map(\.stringValue).sorted())"
                    + ((try? n.decode(Int.self, forKey: Key("e"))).map { " e=\($0)" } ?? "")
                    + " " + ((try? n.nestedUnkeyedContainer(forKey: Key("d"))).map { "d count \($0.count ?? -1)" } ?? "no d")
            }
            note("nested unkeyed \(name)") {
                var n = try c.nestedUnkeyedContainer(forKey: key)
                var items: [String] = ["\(n.codingPath.map(\.stringValue)) count \(n.count ?? -1)"]
                while !n.isAtEnd {
                    if try n.decodeNil() { items.append("nil"); continue }
                    if let i = try? n.decode(Int.self) { items.append("i\(i)"); continue }
                    if let s = try? n.decode(String.self) { items.append("s\(s)"); continue }
                    if let inner = try? n.nestedContainer(keyedBy: Key.self) { items.append("keyed \(inner.codingPath.map(\.stringValue))"); continue }
                    if var inner = try? n.nestedUnkeyedContainer() { items.append("unkeyed \(inner.count ?? -1) \((try? inner.decode(Int.self)) as Any)"); continue }
                    items.append("other \(canon(try n.decode(JSONValue.self)))")
                }
                note("past end \(name)") { try n.decode(Int.self) }
                note("past end nil \(name)") { try n.decodeNil() }
                note("past end nested \(name)") { try n.nestedContainer(keyedBy: Key.self) }
                note("past end super \(name)") { try n.superDecoder() }
                return items
            }
            note("super for \(name)") {
                let d = try c.superDecoder(forKey: key)
                return "\(d.codingPath.map(\.stringValue)) nil=\(try d.singleValueContainer().decodeNil()) \(canon((try? JSONValue(from: d)) as Any))"
            }
        }
        note("super") {
            let d = try c.superDecoder()
            return "\(d.codingPath.map(\.stringValue)) \(canon((try? JSONValue(from: d)) as Any)) \((try? Int(from: d)) as Any)"
        }
        note("probe b") { try c.decode(Probe.self, forKey: Key("c")).trace }
    }
}

/// Walks a top-level array with every unkeyed operation.
struct ArrayProbe: Decodable, Equatable, Encodable {
    var trace: [String] = []
    init(from decoder: Decoder) throws {
        do {
            var c = try decoder.unkeyedContainer()
            trace.append("count \(c.count ?? -1) \(c.codingPath.map(\.stringValue))")
            while !c.isAtEnd {
                let at = c.currentIndex
                if let v = try? c.decode(Bool.self) { trace.append("\(at) bool \(v)"); continue }
                if let v = try? c.decode(Double.self) { trace.append("\(at) double \(v)"); continue }
                if let v = try? c.decode(Float.self) { trace.append("\(at) float \(v)"); continue }
                if let v = try? c.decode(UInt8.self) { trace.append("\(at) uint8 \(v)"); continue }
                if let v = try? c.decodeIfPresent(String.self) { trace.append("\(at) string? \(v as Any)"); continue }
                do { let d = try c.superDecoder(); trace.append("\(at) super \(d.codingPath.map(\.stringValue)) \(canon(try JSONValue(from: d)))") }
                catch { trace.append("\(at) ! \(DockerJSONDecoderTests.DecodingFailure(error))") }
            }
        } catch {
            trace.append("! \(DockerJSONDecoderTests.DecodingFailure(error))")
        }
    }
}

/// Every single-value read of the top-level value.
struct SingleProbe: Decodable, Equatable, Encodable {
    var trace: [String] = []
    init(from decoder: Decoder) throws {
        let c = try decoder.singleValueContainer()
        func note(_ label: String, _ body: () throws -> Any) {
            do { trace.append("\(label)=\(canon(try body()))") } catch { trace.append("\(label)!\(DockerJSONDecoderTests.DecodingFailure(error))") }
        }
        note("nil") { c.decodeNil() }
        note("bool") { try c.decode(Bool.self) }
        note("string") { try c.decode(String.self) }
        note("int") { try c.decode(Int.self) }
        note("int32") { try c.decode(Int32.self) }
        note("uint") { try c.decode(UInt.self) }
        note("double") { try c.decode(Double.self) }
        note("float") { try c.decode(Float.self) }
        note("array") { try c.decode([JSONValue].self) }
        note("dict") { try c.decode([String: JSONValue].self).sorted { $0.key < $1.key }.map { "\($0.key): \(canon($0.value))" } }
        note("optional") { try c.decode(Int?.self) as Any }
        note("path") { c.codingPath.map(\.stringValue) }
    }
}

/// A tiny deterministic generator for the mutation test.
struct SeededRandom {
    var state: UInt64
    init(seed: UInt64) { state = seed }
    mutating func next() -> UInt64 {
        state = state &* 6364136223846793005 &+ 1442695040888963407
        return state >> 33
    }
}

/// A recorded body the tests need is missing from Fixtures/.
struct BenchFixtureMissing: Error { var pattern: String }
