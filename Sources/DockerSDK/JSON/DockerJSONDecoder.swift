import Foundation

/// Decodes `Decodable` values from JSON like Foundation's `JSONDecoder` with its default options,
/// several times faster on the Engine API's answers.
///
/// Same results as `JSONDecoder()` for every `Decodable` type, checked against it in the tests: the
/// same values, the same accepted and rejected inputs (Foundation's leniencies included: trailing
/// commas, a UTF-8 byte order mark, unread strings and numbers not validated), nesting limited to
/// 512, the first of duplicate keys wins, keys compared as Swift strings (canonical equivalence),
/// `1e2` and `1.0` decode as integers, `Data` from base64, `URL` from a string, `Decimal` from the
/// number's text, `Date` through its own `Decodable` conformance (Foundation's `deferredToDate`),
/// and the same `DecodingError` cases with the same coding paths. Differences, by design:
/// - a number that does not fit its type, or a string with a bad escape, raw control character or
///   invalid UTF-8, is `DecodingError.dataCorrupted` naming the value's coding path, thrown as soon
///   as the value is read (Foundation throws an internal error there and reports the top level);
/// - when several values of one object are bad, the first in document order is reported
///   (Foundation's choice follows its dictionary's hash order);
/// - `allKeys` lists keys in document order.
/// Input in UTF-16 or UTF-32 is handed to `JSONDecoder`.
///
/// ## Why this design
/// What `JSONDecoder` spends its time on is not parsing but what it builds: a dictionary with a
/// `String` for every key of every object it enters and an allocation per nested decoder. This
/// decoder scans the document once into a flat tape of 16-byte nodes (document order; a container
/// records where its subtree ends, so skipping a value is one jump), then runs the model's
/// `init(from:)` over the tape: keys are compared as bytes with the `CodingKey`'s string, starting
/// after the last match (models read fields in about the document's order); strings and numbers
/// are converted only when asked for; arrays, string-keyed dictionaries and optionals are read
/// straight from the tape; subtrees no model reads are never looked at again.
///
/// The hot models (container inspect and list, image list, events, version) first try a one-pass,
/// non-generic reading of the tape that falls back to their `init(from:)` on anything unusual (see
/// FastDecoding.swift).
///
/// Measured (release, `dockersdk-bench --only decode`, medians, a loaded 2-core VM; bench/PROFILE.md):
/// the full `ContainerInspect` of a 4.6 KB answer in 9.5 us (24 us through `init(from:)` over the tape)
/// against 86 us for `JSONDecoder` and 56 us for `JSONSerialization` alone; 20 `ContainerSummary` in
/// 48 us against 395 us and 324 us; events, versions and image lists 2.2-2.7x faster than through
/// `init(from:)`.
///
/// simdjson (Debian's libsimdjson-dev) was the other candidate. The scan it would replace is about
/// 2.6 us of those 13 (profiled with perf: the rest is the Codable machinery, keyed-container
/// boxes, generic metadata, reference counting and the model's strings and dictionaries, which any
/// `Decoder` pays), so even a free parse would leave the total near 10 us, while every field read
/// would cross into C++ through a C header and every string be copied out again, and every user's
/// build would need a C++ target and the system package. The pure-Swift tape keeps DockerSDK a
/// plain Swift package.
public struct DockerJSONDecoder: Sendable {
    /// Values handed to `Decoder.userInfo`.
    public var userInfo: [CodingUserInfoKey: any Sendable]

    /// Whether the hot models' fast paths are tried first (see FastDecoding.swift); turned off only by
    /// the tests and `dockersdk-bench`, to compare both readings.
    @_spi(Benchmarks) public var fastPaths = true

    /// A decoder with Foundation's default options.
    public init(userInfo: [CodingUserInfoKey: any Sendable] = [:]) {
        self.userInfo = userInfo
    }

    /// Decodes a `T` from `data`; failures are `DecodingError`s.
    public func decode<T: Decodable>(_ type: T.Type, from data: Data) throws -> T {
        if Self.needsFoundation(data) {
            let decoder = JSONDecoder()
            decoder.userInfo = userInfo
            return try decoder.decode(type, from: data)
        }
        let tape: JSONTape
        do {
            tape = try JSONTape(data)
        } catch {
            throw DecodingError.dataCorrupted(DecodingError.Context(
                codingPath: [], debugDescription: "The given data was not valid JSON.", underlyingError: error))
        }
        // The hot models read the tape in one pass; anything unusual is decoded again below.
        if fastPaths, let fast = T.self as? any FastDecodable.Type, let value = fast.fastDocument(tape, as: T.self) {
            return value
        }
        let decoder = TapeDecoder(tape: tape, index: 0, path: .root, userInfo: userInfo)
        return try decoder.decodeValue(type, at: 0, parent: .root, step: .none)
    }

    /// The fast path's value, or nil when it falls back (for tests: the fast path must be taken on the
    /// recorded bodies).
    func fastOnly<T: Decodable>(_ type: T.Type, from data: Data) -> T? {
        guard !Self.needsFoundation(data), let tape = try? JSONTape(data),
              let fast = T.self as? any FastDecodable.Type else { return nil }
        return fast.fastDocument(tape, as: T.self)
    }

    /// UTF-16 and UTF-32 (a zero byte among the first two, or their byte order marks) go to Foundation.
    static func needsFoundation(_ data: Data) -> Bool {
        guard data.count >= 2 else { return false }
        let b0 = data[data.startIndex], b1 = data[data.startIndex + 1]
        return b0 == 0 || b1 == 0 || (b0 == 0xFE && b1 == 0xFF) || (b0 == 0xFF && b1 == 0xFE)
    }
}

/// Where a value is in the document, built only for nested values and only read for errors.
indirect enum CodingPathNode {
    case root
    case key(any CodingKey, CodingPathNode)
    case index(Int, CodingPathNode)

    var keys: [any CodingKey] {
        var result: [any CodingKey] = []
        var node = self
        while true {
            switch node {
            case .root: return result.reversed()
            case .key(let key, let parent): result.append(key); node = parent
            case .index(let index, let parent): result.append(JSONIndexKey(index)); node = parent
            }
        }
    }

    func appending(_ key: any CodingKey) -> [any CodingKey] { keys + [key] }

    /// The path with `step` added.
    @inline(__always)
    func appending(_ step: PathStep) -> CodingPathNode {
        switch step {
        case .none: self
        case .key(let key): .key(key, self)
        case .index(let index): .index(index, self)
        }
    }

    /// The keys with `step` added.
    func keys(_ step: PathStep) -> [any CodingKey] {
        switch step {
        case .none: keys
        case .key(let key): keys + [key]
        case .index(let index): keys + [JSONIndexKey(index)]
        }
    }
}

/// One more step in a coding path, kept unbuilt until a nested value or an error needs it.
enum PathStep {
    case none
    case key(any CodingKey)
    case index(Int)
}

/// A dictionary's key, as the standard library's `Dictionary.init(from:)` makes it (an integer
/// value when the string is one).
struct JSONDictionaryKey: CodingKey {
    var stringValue: String
    var intValue: Int? { Int(stringValue) }
    init(_ string: String) { stringValue = string }
    init?(stringValue: String) { self.init(stringValue) }
    init?(intValue: Int) { stringValue = "\(intValue)" }
}

/// Types decoded straight from the tape instead of through their `init(from:)`, with the same results.
protocol TapeDecodable {
    static func decode(from decoder: TapeDecoder, at node: Int, path: CodingPathNode) throws -> Self
}

extension Array: TapeDecodable where Element: Decodable {
    /// Like `Array.init(from:)`: the elements in order, errors at `Index n`.
    static func decode(from decoder: TapeDecoder, at node: Int, path: CodingPathNode) throws -> Self {
        let array = decoder.nodes[node]
        guard array.kind == .array else { throw UnkeyedContainer.wrongKind(array.kind, path) }
        var result: [Element] = []
        result.reserveCapacity(Int(array.count))
        var element = node + 1
        for index in 0..<Int(array.count) {
            result.append(try decoder.decodeValue(Element.self, at: element, parent: path, step: .index(index)))
            element = decoder.next(after: element)
        }
        return result
    }
}

extension Dictionary: TapeDecodable where Key == String, Value: Decodable {
    /// Like `Dictionary.init(from:)` for string keys: every distinct key (the first of duplicates),
    /// values decoded in document order.
    static func decode(from decoder: TapeDecoder, at node: Int, path: CodingPathNode) throws -> Self {
        let tape = decoder.tape
        let object = decoder.nodes[node]
        guard object.kind == .object else { throw KeyedContainer<JSONDictionaryKey>.wrongKind(object.kind, path) }
        let careful = try KeyedContainer<JSONDictionaryKey>.needsCare(tape, node, path)
        var result: [String: Value] = [:]
        result.reserveCapacity(Int(object.count))
        var key = node + 1
        for _ in 0..<Int(object.count) {
            let name = tape.isPlain(key) ? String(decoding: tape.raw(key), as: UTF8.self) : try tape.string(key)
            if !careful || result[name] == nil {
                if Value.self == String.self {
                    // Labels and the like: no path built unless the value is bad.
                    let text = try decoder.readString(key + 1, path.keys + [JSONDictionaryKey(name)])
                    result[name] = unsafeBitCast(text, to: Value.self)
                } else {
                    result[name] = try decoder.decodeValue(Value.self, at: key + 1, parent: path, step: .key(JSONDictionaryKey(name)))
                }
            }
            key = decoder.next(after: key + 1)
        }
        return result
    }
}

extension Optional: TapeDecodable where Wrapped: Decodable {
    /// Like `Optional.init(from:)`: nil for null, else the wrapped value at the same path.
    static func decode(from decoder: TapeDecoder, at node: Int, path: CodingPathNode) throws -> Self {
        if decoder.nodes[node].kind == .null { return nil }
        return try decoder.decodeValue(Wrapped.self, at: node, parent: path, step: .none)
    }
}

/// An array position in a coding path, named like Foundation's: `Index 3`.
struct JSONIndexKey: CodingKey {
    var intValue: Int?
    var stringValue: String
    init(_ index: Int) { intValue = index; stringValue = "Index \(index)" }
    init?(intValue: Int) { self.init(intValue) }
    init?(stringValue: String) { return nil }
}

/// Foundation's `super` key.
struct JSONSuperKey: CodingKey {
    var stringValue: String { "super" }
    var intValue: Int? { nil }
    init() {}
    init?(stringValue: String) { guard stringValue == "super" else { return nil } }
    init?(intValue: Int) { return nil }
}

/// The `Decoder` over a tape; one instance serves a whole document (containers keep their own place).
final class TapeDecoder: Decoder, SingleValueDecodingContainer {
    let tape: JSONTape
    /// The tape's nodes (the tape keeps them alive).
    let nodes: UnsafeMutablePointer<JSONNode>
    /// The document's bytes (the tape keeps them alive).
    let bytes: UnsafePointer<UInt8>
    /// The value `container`, `unkeyedContainer` and `singleValueContainer` open.
    var index: Int
    var path: CodingPathNode
    let info: [CodingUserInfoKey: any Sendable]

    init(tape: JSONTape, index: Int, path: CodingPathNode, userInfo: [CodingUserInfoKey: any Sendable]) {
        self.tape = tape
        nodes = tape.nodes
        bytes = UnsafePointer(tape.bytes.baseAddress!)
        self.index = index
        self.path = path
        self.info = userInfo
    }

    var codingPath: [any CodingKey] { path.keys }
    var userInfo: [CodingUserInfoKey: Any] { info }

    // MARK: Key lookup (not generic, so fully optimized whatever the CodingKey type)

    /// The tape index of the value of the member named `name` in the object at `object`, or nil.
    /// `careful`: the object has duplicate or non-ASCII keys (see `KeyedContainer.needsCare`).
    func find(_ name: String, in object: Int, careful: Bool) -> Int? {
        if !careful {
            var name = name
            let found: Int? = name.withUTF8 { findPlain($0, in: object) }
            if let found { return found }
            // A miss by bytes is a miss unless the name has non-ASCII characters (canonical equivalence).
            if name.utf8.allSatisfy({ $0 < 0x80 }) { return nil }
        }
        return findCarefully(name, in: object)
    }

    /// Byte comparison from just after the last match, wrapping around once.
    @inline(__always)
    private func findPlain(_ name: UnsafeBufferPointer<UInt8>, in object: Int) -> Int? {
        let node = nodes[object]
        let count = Int(node.count)
        if count == 0 { return nil }
        let end = Int(node.end)
        var key = Int(node.start)
        if key >= end { key = object + 1 }
        let wanted = name.count
        for _ in 0..<count {
            let k = nodes[key]
            let value = key + 1
            var after = next(after: value)
            if after >= end { after = object + 1 }
            if Int(k.end &- k.start) == wanted && (wanted == 0 || memcmp(bytes + Int(k.start), name.baseAddress!, wanted) == 0) {
                nodes[object].start = UInt32(after)
                return value
            }
            key = after
        }
        return nil
    }

    /// In document order (the first of duplicates wins), comparing as Swift strings.
    func findCarefully(_ name: String, in object: Int) -> Int? {
        let count = Int(nodes[object].count)
        var key = object + 1
        for _ in 0..<count {
            if let text = try? tape.string(key), text == name { return key + 1 }
            key = next(after: key + 1)
        }
        return nil
    }

    /// The tape index after the value at `index` and its descendants.
    @inline(__always)
    func next(after index: Int) -> Int {
        let node = nodes[index]
        return node.kind == .object || node.kind == .array ? Int(node.end) : index + 1
    }

    func container<Key: CodingKey>(keyedBy type: Key.Type) throws -> KeyedDecodingContainer<Key> {
        KeyedDecodingContainer(try KeyedContainer<Key>(decoder: self, object: index, path: path))
    }

    func unkeyedContainer() throws -> any UnkeyedDecodingContainer {
        try UnkeyedContainer(decoder: self, array: index, path: path)
    }

    func singleValueContainer() throws -> any SingleValueDecodingContainer { self }

    // MARK: Decoding a value at a tape index

    /// Decodes the value at `node`, whose coding path is `parent` and then `step`.
    @inline(__always)
    func decodeValue<T: Decodable>(_ type: T.Type, at node: Int, parent: CodingPathNode, step: PathStep) throws -> T {
        if T.self == String.self { return unsafeBitCast(try readString(node, parent.keys(step)), to: T.self) }
        if T.self == Int.self { return unsafeBitCast(try readInteger(node, Int.self, parent.keys(step)), to: T.self) }
        if T.self == Bool.self { return unsafeBitCast(try readBool(node, parent.keys(step)), to: T.self) }
        if T.self == Int64.self { return unsafeBitCast(try readInteger(node, Int64.self, parent.keys(step)), to: T.self) }
        if T.self == Double.self { return unsafeBitCast(try readDouble(node, parent.keys(step)), to: T.self) }
        return try decodeNested(type, at: node, path: parent.appending(step))
    }

    /// Decodes a value that is not one of the common scalars.
    func decodeNested<T: Decodable>(_ type: T.Type, at node: Int, path: CodingPathNode) throws -> T {
        // Arrays, string-keyed dictionaries and optionals straight from the tape (same results as their
        // own init(from:), without a container per value).
        if let fast = T.self as? any TapeDecodable.Type {
            return try fast.decode(from: self, at: node, path: path) as! T
        }
        if T.self == Data.self { return try readData(node, path) as! T }
        if T.self == URL.self { return try readURL(node, path) as! T }
        if T.self == Decimal.self { return try readDecimal(node, path.keys) as! T }
        let savedIndex = index
        let outerPath = self.path
        index = node
        self.path = path
        defer {
            index = savedIndex
            self.path = outerPath
        }
        return try T(from: self)
    }

    // MARK: Scalars (each names `path` in its errors)

    func mismatch(_ type: Any.Type, _ node: Int, _ path: [any CodingKey]) -> DecodingError {
        let kind = nodes[node].kind
        // Foundation reports a null where a Bool was expected as a type mismatch.
        if kind == .null && type != Bool.self {
            return DecodingError.valueNotFound(type, DecodingError.Context(
                codingPath: path, debugDescription: "Cannot get value of type \(type) -- found null value instead"))
        }
        return DecodingError.typeMismatch(type, DecodingError.Context(
            codingPath: path, debugDescription: "Expected to decode \(type) but found \(kind.word) instead."))
    }

    func corrupted(_ path: [any CodingKey], _ error: any Error) -> DecodingError {
        DecodingError.dataCorrupted(DecodingError.Context(
            codingPath: path, debugDescription: "The given data was not valid JSON.", underlyingError: error))
    }

    @inline(__always)
    func readString(_ node: Int, _ path: @autoclosure () -> [any CodingKey]) throws -> String {
        let value = nodes[node]
        guard value.kind == .string else { throw mismatch(String.self, node, path()) }
        if value.flags == 0 { return String(decoding: tape.raw(node), as: UTF8.self) }
        do { return try tape.string(node) } catch { throw corrupted(path(), error) }
    }

    @inline(__always)
    func readBool(_ node: Int, _ path: @autoclosure () -> [any CodingKey]) throws -> Bool {
        switch nodes[node].kind {
        case .true: return true
        case .false: return false
        default: throw mismatch(Bool.self, node, path())
        }
    }

    @inline(__always)
    func readInteger<T: FixedWidthInteger>(_ node: Int, _ type: T.Type, _ path: @autoclosure () -> [any CodingKey]) throws -> T {
        guard nodes[node].kind == .number else { throw mismatch(T.self, node, path()) }
        do { return try tape.integer(node, as: T.self) } catch { throw corrupted(path(), error) }
    }

    func readDouble(_ node: Int, _ path: @autoclosure () -> [any CodingKey]) throws -> Double {
        guard nodes[node].kind == .number else { throw mismatch(Double.self, node, path()) }
        do { return try tape.double(node) } catch { throw corrupted(path(), error) }
    }

    func readFloat(_ node: Int, _ path: @autoclosure () -> [any CodingKey]) throws -> Float {
        guard nodes[node].kind == .number else { throw mismatch(Float.self, node, path()) }
        do { return try tape.float(node) } catch { throw corrupted(path(), error) }
    }

    func readDecimal(_ node: Int, _ path: @autoclosure () -> [any CodingKey]) throws -> Decimal {
        guard nodes[node].kind == .number else { throw mismatch(Decimal.self, node, path()) }
        do { return try tape.decimal(node) } catch { throw corrupted(path(), error) }
    }

    /// Foundation's default `Data` strategy: a base64 string.
    func readData(_ node: Int, _ path: CodingPathNode) throws -> Data {
        if nodes[node].kind == .null { throw mismatch(Data.self, node, path.keys) }
        let text = try readString(node, path.keys)
        guard let data = Data(base64Encoded: text) else {
            throw DecodingError.dataCorrupted(DecodingError.Context(
                codingPath: path.keys, debugDescription: "Encountered Data is not valid Base64."))
        }
        return data
    }

    /// Foundation decodes a `URL` from a string.
    func readURL(_ node: Int, _ path: CodingPathNode) throws -> URL {
        if nodes[node].kind == .null { throw mismatch(URL.self, node, path.keys) }
        let text = try readString(node, path.keys)
        guard let url = URL(string: text) else {
            throw DecodingError.dataCorrupted(DecodingError.Context(codingPath: path.keys, debugDescription: "Invalid URL string."))
        }
        return url
    }

    // MARK: SingleValueDecodingContainer (the current value)

    func decodeNil() -> Bool { nodes[index].kind == .null }
    func decode(_ type: Bool.Type) throws -> Bool { try readBool(index, codingPath) }
    func decode(_ type: String.Type) throws -> String { try readString(index, codingPath) }
    func decode(_ type: Double.Type) throws -> Double { try readDouble(index, codingPath) }
    func decode(_ type: Float.Type) throws -> Float { try readFloat(index, codingPath) }
    func decode(_ type: Int.Type) throws -> Int { try readInteger(index, Int.self, codingPath) }
    func decode(_ type: Int8.Type) throws -> Int8 { try readInteger(index, Int8.self, codingPath) }
    func decode(_ type: Int16.Type) throws -> Int16 { try readInteger(index, Int16.self, codingPath) }
    func decode(_ type: Int32.Type) throws -> Int32 { try readInteger(index, Int32.self, codingPath) }
    func decode(_ type: Int64.Type) throws -> Int64 { try readInteger(index, Int64.self, codingPath) }
    @available(macOS 15.0, *)
    func decode(_ type: Int128.Type) throws -> Int128 { try readInteger(index, Int128.self, codingPath) }
    func decode(_ type: UInt.Type) throws -> UInt { try readInteger(index, UInt.self, codingPath) }
    func decode(_ type: UInt8.Type) throws -> UInt8 { try readInteger(index, UInt8.self, codingPath) }
    func decode(_ type: UInt16.Type) throws -> UInt16 { try readInteger(index, UInt16.self, codingPath) }
    func decode(_ type: UInt32.Type) throws -> UInt32 { try readInteger(index, UInt32.self, codingPath) }
    func decode(_ type: UInt64.Type) throws -> UInt64 { try readInteger(index, UInt64.self, codingPath) }
    @available(macOS 15.0, *)
    func decode(_ type: UInt128.Type) throws -> UInt128 { try readInteger(index, UInt128.self, codingPath) }
    func decode<T: Decodable>(_ type: T.Type) throws -> T { try decodeValue(type, at: index, parent: path, step: .none) }
}

/// An object's members, looked up by comparing key bytes.
struct KeyedContainer<Key: CodingKey>: KeyedDecodingContainerProtocol {
    let decoder: TapeDecoder
    let object: Int
    let path: CodingPathNode
    /// Duplicate keys or keys that are not plain ASCII: look up in order, comparing strings.
    let careful: Bool

    static func wrongKind(_ kind: JSONKind, _ path: CodingPathNode) -> DecodingError {
        if kind == .null {
            return DecodingError.valueNotFound([String: Any].self, DecodingError.Context(
                codingPath: path.keys, debugDescription: "Cannot get keyed decoding container -- found null value instead"))
        }
        return DecodingError.typeMismatch([String: Any].self, DecodingError.Context(
            codingPath: path.keys, debugDescription: "Expected to decode Dictionary<String, Any> but found \(kind.word) instead."))
    }

    init(decoder: TapeDecoder, object: Int, path: CodingPathNode) throws {
        let node = decoder.nodes[object]
        guard node.kind == .object else { throw Self.wrongKind(node.kind, path) }
        self.decoder = decoder
        self.object = object
        self.path = path
        careful = try Self.needsCare(decoder.tape, object, path)
    }

    /// Validates every key (Foundation reads them all) and finds duplicates.
    static func needsCare(_ tape: JSONTape, _ object: Int, _ path: CodingPathNode) throws -> Bool {
        let count = Int(tape.nodes[object].count)
        if count == 0 { return false }
        var plain = true
        var key = object + 1
        for _ in 0..<count {
            if !tape.isPlain(key) {
                plain = false
                do { _ = try tape.string(key) } catch {
                    throw DecodingError.dataCorrupted(DecodingError.Context(
                        codingPath: path.keys, debugDescription: "The given data was not valid JSON.", underlyingError: error))
                }
            }
            key = tape.next(after: key + 1)
        }
        if count == 1 { return !plain }
        if !plain { return true }
        // Plain ASCII keys: equal bytes are equal strings. A small open-addressing table of member
        // numbers, hashed from the length and the first and last eight bytes.
        var slots = 8
        while slots < count * 2 { slots <<= 1 }
        let mask = slots - 1
        let base = tape.bytes.baseAddress!
        return withUnsafeTemporaryAllocation(of: Int32.self, capacity: slots) { table in
            table.initialize(repeating: -1)
            var key = object + 1
            for _ in 0..<count {
                let node = tape.nodes[key]
                let start = Int(node.start), length = Int(node.end) - start
                var hash = UInt64(truncatingIfNeeded: length) &* 0x9E37_79B9_7F4A_7C15
                if length >= 8 {
                    hash ^= UnsafeRawPointer(base + start).loadUnaligned(as: UInt64.self)
                    hash = (hash &* 0xBF58_476D_1CE4_E5B9) ^ UnsafeRawPointer(base + start + length - 8).loadUnaligned(as: UInt64.self)
                } else {
                    for k in 0..<length { hash = (hash ^ UInt64(base[start + k])) &* 0x1000_0000_01B3 }
                }
                hash = (hash ^ (hash >> 31)) &* 0x94D0_49BB_1331_11EB
                var slot = Int(truncatingIfNeeded: hash >> 32) & mask
                let raw = tape.raw(key)
                while table[slot] >= 0 {
                    if Self.equal(raw, tape.raw(Int(table[slot]))) { return true }
                    slot = (slot + 1) & mask
                }
                table[slot] = Int32(key)
                key = tape.next(after: key + 1)
            }
            return false
        }
    }

    @inline(__always)
    static func equal(_ a: UnsafeBufferPointer<UInt8>, _ b: UnsafeBufferPointer<UInt8>) -> Bool {
        a.count == b.count && (a.count == 0 || memcmp(a.baseAddress!, b.baseAddress!, a.count) == 0)
    }

    var codingPath: [any CodingKey] { path.keys }

    var allKeys: [Key] {
        let tape = decoder.tape
        let count = Int(tape.nodes[object].count)
        var result: [Key] = []
        result.reserveCapacity(count)
        var names = Set<String>()
        var key = object + 1
        for _ in 0..<count {
            // Keys were validated when the container was made.
            if let name = try? tape.string(key), !careful || names.insert(name).inserted, let typed = Key(stringValue: name) {
                result.append(typed)
            }
            key = tape.next(after: key + 1)
        }
        return result
    }

    /// The tape index of `key`'s value, or nil.
    @inline(__always)
    func find(_ key: Key) -> Int? { decoder.find(key.stringValue, in: object, careful: careful) }

    @inline(__always)
    private func value(_ key: Key) throws -> Int {
        guard let found = find(key) else {
            throw DecodingError.keyNotFound(key, DecodingError.Context(
                codingPath: path.keys, debugDescription: "No value associated with key \(key) (\"\(key.stringValue)\")."))
        }
        return found
    }

    /// The value if present and not null.
    @inline(__always)
    private func present(_ key: Key) -> Int? {
        guard let found = find(key), decoder.nodes[found].kind != .null else { return nil }
        return found
    }

    func contains(_ key: Key) -> Bool { find(key) != nil }

    func decodeNil(forKey key: Key) throws -> Bool { decoder.nodes[try value(key)].kind == .null }

    func decode(_ type: Bool.Type, forKey key: Key) throws -> Bool {
        try decoder.readBool(try value(key), path.appending(key))
    }
    func decode(_ type: String.Type, forKey key: Key) throws -> String {
        try decoder.readString(try value(key), path.appending(key))
    }
    func decode(_ type: Double.Type, forKey key: Key) throws -> Double {
        try decoder.readDouble(try value(key), path.appending(key))
    }
    func decode(_ type: Float.Type, forKey key: Key) throws -> Float {
        try decoder.readFloat(try value(key), path.appending(key))
    }
    func decode(_ type: Int.Type, forKey key: Key) throws -> Int { try integer(key) }
    func decode(_ type: Int8.Type, forKey key: Key) throws -> Int8 { try integer(key) }
    func decode(_ type: Int16.Type, forKey key: Key) throws -> Int16 { try integer(key) }
    func decode(_ type: Int32.Type, forKey key: Key) throws -> Int32 { try integer(key) }
    func decode(_ type: Int64.Type, forKey key: Key) throws -> Int64 { try integer(key) }
    @available(macOS 15.0, *)
    func decode(_ type: Int128.Type, forKey key: Key) throws -> Int128 { try integer(key) }
    func decode(_ type: UInt.Type, forKey key: Key) throws -> UInt { try integer(key) }
    func decode(_ type: UInt8.Type, forKey key: Key) throws -> UInt8 { try integer(key) }
    func decode(_ type: UInt16.Type, forKey key: Key) throws -> UInt16 { try integer(key) }
    func decode(_ type: UInt32.Type, forKey key: Key) throws -> UInt32 { try integer(key) }
    func decode(_ type: UInt64.Type, forKey key: Key) throws -> UInt64 { try integer(key) }
    @available(macOS 15.0, *)
    func decode(_ type: UInt128.Type, forKey key: Key) throws -> UInt128 { try integer(key) }

    func decode<T: Decodable>(_ type: T.Type, forKey key: Key) throws -> T {
        try decoder.decodeValue(type, at: try value(key), parent: path, step: .key(key))
    }

    @inline(__always)
    private func integer<T: FixedWidthInteger>(_ key: Key) throws -> T {
        try decoder.readInteger(try value(key), T.self, path.appending(key))
    }

    @inline(__always)
    private func integerIfPresent<T: FixedWidthInteger>(_ key: Key) throws -> T? {
        guard let found = present(key) else { return nil }
        return try decoder.readInteger(found, T.self, path.appending(key))
    }

    // One lookup each (the protocol's defaults would look the key up three times).
    func decodeIfPresent(_ type: Bool.Type, forKey key: Key) throws -> Bool? {
        guard let found = present(key) else { return nil }
        return try decoder.readBool(found, path.appending(key))
    }
    func decodeIfPresent(_ type: String.Type, forKey key: Key) throws -> String? {
        guard let found = present(key) else { return nil }
        return try decoder.readString(found, path.appending(key))
    }
    func decodeIfPresent(_ type: Double.Type, forKey key: Key) throws -> Double? {
        guard let found = present(key) else { return nil }
        return try decoder.readDouble(found, path.appending(key))
    }
    func decodeIfPresent(_ type: Float.Type, forKey key: Key) throws -> Float? {
        guard let found = present(key) else { return nil }
        return try decoder.readFloat(found, path.appending(key))
    }
    func decodeIfPresent(_ type: Int.Type, forKey key: Key) throws -> Int? { try integerIfPresent(key) }
    func decodeIfPresent(_ type: Int8.Type, forKey key: Key) throws -> Int8? { try integerIfPresent(key) }
    func decodeIfPresent(_ type: Int16.Type, forKey key: Key) throws -> Int16? { try integerIfPresent(key) }
    func decodeIfPresent(_ type: Int32.Type, forKey key: Key) throws -> Int32? { try integerIfPresent(key) }
    func decodeIfPresent(_ type: Int64.Type, forKey key: Key) throws -> Int64? { try integerIfPresent(key) }
    @available(macOS 15.0, *)
    func decodeIfPresent(_ type: Int128.Type, forKey key: Key) throws -> Int128? { try integerIfPresent(key) }
    func decodeIfPresent(_ type: UInt.Type, forKey key: Key) throws -> UInt? { try integerIfPresent(key) }
    func decodeIfPresent(_ type: UInt8.Type, forKey key: Key) throws -> UInt8? { try integerIfPresent(key) }
    func decodeIfPresent(_ type: UInt16.Type, forKey key: Key) throws -> UInt16? { try integerIfPresent(key) }
    func decodeIfPresent(_ type: UInt32.Type, forKey key: Key) throws -> UInt32? { try integerIfPresent(key) }
    func decodeIfPresent(_ type: UInt64.Type, forKey key: Key) throws -> UInt64? { try integerIfPresent(key) }
    @available(macOS 15.0, *)
    func decodeIfPresent(_ type: UInt128.Type, forKey key: Key) throws -> UInt128? { try integerIfPresent(key) }

    func decodeIfPresent<T: Decodable>(_ type: T.Type, forKey key: Key) throws -> T? {
        guard let found = present(key) else { return nil }
        return try decoder.decodeValue(type, at: found, parent: path, step: .key(key))
    }

    func nestedContainer<NestedKey: CodingKey>(keyedBy type: NestedKey.Type, forKey key: Key) throws
        -> KeyedDecodingContainer<NestedKey>
    {
        guard let found = find(key) else {
            throw DecodingError.keyNotFound(key, DecodingError.Context(
                codingPath: path.keys, debugDescription: "Cannot get nested keyed container -- no value found for key \"\(key.stringValue)\""))
        }
        return KeyedDecodingContainer(try KeyedContainer<NestedKey>(decoder: decoder, object: found, path: .key(key, path)))
    }

    func nestedUnkeyedContainer(forKey key: Key) throws -> any UnkeyedDecodingContainer {
        guard let found = find(key) else {
            throw DecodingError.keyNotFound(key, DecodingError.Context(
                codingPath: path.keys, debugDescription: "Cannot get nested unkeyed container -- no value found for key \"\(key.stringValue)\""))
        }
        return try UnkeyedContainer(decoder: decoder, array: found, path: .key(key, path))
    }

    func superDecoder() throws -> any Decoder {
        let found = decoder.findCarefully("super", in: object) ?? decoder.tape.absentNull
        return TapeDecoder(tape: decoder.tape, index: found, path: .key(JSONSuperKey(), path), userInfo: decoder.info)
    }

    func superDecoder(forKey key: Key) throws -> any Decoder {
        let found = find(key) ?? decoder.tape.absentNull
        return TapeDecoder(tape: decoder.tape, index: found, path: .key(key, path), userInfo: decoder.info)
    }
}

/// An array's elements in order.
struct UnkeyedContainer: UnkeyedDecodingContainer {
    let decoder: TapeDecoder
    let path: CodingPathNode
    /// The array's tape index and the current element's.
    private let array: UInt32
    private var cursor: UInt32
    private var index: UInt32

    static func wrongKind(_ kind: JSONKind, _ path: CodingPathNode) -> DecodingError {
        if kind == .null {
            return DecodingError.valueNotFound([Any].self, DecodingError.Context(
                codingPath: path.keys, debugDescription: "Cannot get unkeyed decoding container -- found null value instead"))
        }
        return DecodingError.typeMismatch([Any].self, DecodingError.Context(
            codingPath: path.keys, debugDescription: "Expected to decode Array<Any> but found \(kind.word) instead."))
    }

    init(decoder: TapeDecoder, array: Int, path: CodingPathNode) throws {
        let node = decoder.nodes[array]
        guard node.kind == .array else { throw Self.wrongKind(node.kind, path) }
        self.decoder = decoder
        self.path = path
        self.array = UInt32(array)
        cursor = UInt32(array + 1)
        index = 0
    }

    var codingPath: [any CodingKey] { path.keys }
    var count: Int? { Int(decoder.nodes[Int(array)].count) }
    var isAtEnd: Bool { index >= decoder.nodes[Int(array)].count }
    var currentIndex: Int { Int(index) }

    private var elementPath: [any CodingKey] { path.appending(JSONIndexKey(Int(index))) }

    /// The current element's tape index, or the error for a container at its end.
    @inline(__always)
    private func current(_ type: Any.Type) throws -> Int {
        guard !isAtEnd else {
            throw DecodingError.valueNotFound(type, DecodingError.Context(
                codingPath: elementPath, debugDescription: "Unkeyed container is at end."))
        }
        return Int(cursor)
    }

    @inline(__always)
    private mutating func advance() {
        cursor = UInt32(decoder.next(after: Int(cursor)))
        index += 1
    }

    mutating func decodeNil() throws -> Bool {
        let node = try current(Never.self)
        guard decoder.nodes[node].kind == .null else { return false }
        advance()
        return true
    }

    mutating func decode(_ type: Bool.Type) throws -> Bool {
        let value = try decoder.readBool(try current(type), elementPath)
        advance()
        return value
    }
    mutating func decode(_ type: String.Type) throws -> String {
        let value = try decoder.readString(try current(type), elementPath)
        advance()
        return value
    }
    mutating func decode(_ type: Double.Type) throws -> Double {
        let value = try decoder.readDouble(try current(type), elementPath)
        advance()
        return value
    }
    mutating func decode(_ type: Float.Type) throws -> Float {
        let value = try decoder.readFloat(try current(type), elementPath)
        advance()
        return value
    }
    mutating func decode(_ type: Int.Type) throws -> Int { try integer() }
    mutating func decode(_ type: Int8.Type) throws -> Int8 { try integer() }
    mutating func decode(_ type: Int16.Type) throws -> Int16 { try integer() }
    mutating func decode(_ type: Int32.Type) throws -> Int32 { try integer() }
    mutating func decode(_ type: Int64.Type) throws -> Int64 { try integer() }
    @available(macOS 15.0, *)
    mutating func decode(_ type: Int128.Type) throws -> Int128 { try integer() }
    mutating func decode(_ type: UInt.Type) throws -> UInt { try integer() }
    mutating func decode(_ type: UInt8.Type) throws -> UInt8 { try integer() }
    mutating func decode(_ type: UInt16.Type) throws -> UInt16 { try integer() }
    mutating func decode(_ type: UInt32.Type) throws -> UInt32 { try integer() }
    mutating func decode(_ type: UInt64.Type) throws -> UInt64 { try integer() }
    @available(macOS 15.0, *)
    mutating func decode(_ type: UInt128.Type) throws -> UInt128 { try integer() }

    @inline(__always)
    private mutating func integer<T: FixedWidthInteger>() throws -> T {
        let value = try decoder.readInteger(try current(T.self), T.self, elementPath)
        advance()
        return value
    }

    mutating func decode<T: Decodable>(_ type: T.Type) throws -> T {
        let value = try decoder.decodeValue(type, at: try current(type), parent: path, step: .index(Int(index)))
        advance()
        return value
    }

    mutating func nestedContainer<NestedKey: CodingKey>(keyedBy type: NestedKey.Type) throws
        -> KeyedDecodingContainer<NestedKey>
    {
        let node = try current(KeyedDecodingContainer<NestedKey>.self)
        let container = try KeyedContainer<NestedKey>(decoder: decoder, object: node, path: .index(Int(index), path))
        advance()
        return KeyedDecodingContainer(container)
    }

    mutating func nestedUnkeyedContainer() throws -> any UnkeyedDecodingContainer {
        let node = try current((any UnkeyedDecodingContainer).self)
        let container = try UnkeyedContainer(decoder: decoder, array: node, path: .index(Int(index), path))
        advance()
        return container
    }

    mutating func superDecoder() throws -> any Decoder {
        let node = try current((any Decoder).self)
        let decoder = TapeDecoder(tape: decoder.tape, index: node, path: .index(Int(index), path), userInfo: decoder.info)
        advance()
        return decoder
    }
}
