import Foundation

// Fast paths for the hot models (container inspect and list, image list, events, version).
//
// ## Why
// Profiled with perf on `dockersdk-bench --only decode`: once the tape is built, what the Codable path
// over it costs is the machinery, not the JSON: a `KeyedDecodingContainer` box per object, a protocol
// and generic dispatch per field through that box (metadata look-ups, `as? TapeDecodable` casts for every
// nested array, dictionary or model), a key look-up per field that walks the members from the last match
// (and all of them for a key that is absent), a duplicate-key hash table per object, a coding-path node
// allocated per nested value, and reference counting on all of it.
//
// A type listed here also has a non-generic `init(fast:)` that walks its object's members ONCE, in
// document order: each key's bytes are hashed into a per-type table built from `CodingKeys.allCases`,
// and a `switch` over the `CodingKeys` case stores the value, read with concrete (inlined) readers.
// No container, no box, no coding path, no String for keys.
//
// ## Why it cannot drift from Codable
// - `init(from:)` stays the source of truth: `init(fast:)` only ever succeeds when its result is the
//   one `init(from:)` gives. Whenever the input is anything but the plain case (a key with an escape
//   or a non-ASCII byte, a duplicate key, a missing required key, a null or a value of another type,
//   a number that does not fit, a string that does not validate, ...), it throws `FastFallback` and
//   `DockerJSONDecoder` decodes the whole document again through `init(from:)` over the same tape,
//   which then gives the same value or the same `DecodingError` as before (coding paths included).
// - The `switch` is over the type's `CodingKeys`, so it is exhaustive: a key added to a model does not
//   compile until its fast path reads it too.
// - Rare nested types (mounts of `HostConfig`, device requests, OCI descriptors, ...) are read through
//   their `init(from:)` on the same tape (`FastValue.codable()`), so only the hot types have a second
//   reading at all.
// - Tests (DockerJSONFastPathTests) decode every fixture body and fuzzed edits of the recorded bodies
//   both ways (fast path on and off) and against Foundation's `JSONDecoder`, and check that the fast
//   path is really taken on the recorded bodies.

/// Thrown by a fast path when the input is not one it reads exactly like `init(from:)`; the caller
/// decodes again through `init(from:)`.
struct FastFallback: Error {}

/// A type with a fast, non-generic reading from the tape that gives `init(from:)`'s value or falls back.
protocol FastDecodable {
    /// The value at `value`, exactly as `init(from:)` would decode it, or `FastFallback`.
    init(fast value: FastValue) throws(FastFallback)
}

extension FastDecodable {
    /// The whole document as `T` (which is `Self`) through the fast path, or nil to fall back.
    static func fastDocument<T>(_ tape: JSONTape, as: T.Type) -> T? {
        guard Self.self == T.self else { return nil }
        // Built in place: an unsafeBitCast of the value copied and destroyed the whole model (11% of
        // the samples of a fast inspect decode).
        var result: T?
        withUnsafeMutablePointer(to: &result) { slot in
            slot.withMemoryRebound(to: Optional<Self>.self, capacity: 1) { $0.pointee = try? Self(fast: FastValue(tape: tape, index: 0)) }
        }
        return result
    }
}

/// One value on the tape, for the fast paths. The tape outlives every `FastValue` (a decode call holds
/// it), so nothing here is reference counted: the hot readers use the tape's buffers directly (a
/// retain and release of the tape or of a key table per member were 14% of the fast path's samples).
struct FastValue {
    let nodes: UnsafeMutablePointer<JSONNode>
    let bytes: UnsafePointer<UInt8>
    unowned(unsafe) let tape: JSONTape
    let index: Int

    @inline(__always)
    init(tape: JSONTape, index: Int) {
        nodes = tape.nodes
        bytes = UnsafePointer(tape.bytes.baseAddress!)
        self.tape = tape
        self.index = index
    }

    @inline(__always)
    init(_ other: FastValue, index: Int) {
        nodes = other.nodes
        bytes = other.bytes
        tape = other.tape
        self.index = index
    }

    @inline(__always) var node: JSONNode { nodes[index] }
    @inline(__always) var isNull: Bool { node.kind == .null }

    /// The tape, for the rare paths (no retain: it is alive for the whole decode).
    @inline(__always)
    func withTape<R>(_ body: (JSONTape) throws -> R) rethrows -> R {
        try Unmanaged.passUnretained(tape)._withUnsafeGuaranteedRef(body)
    }

    /// A string, validated and unescaped like `readString`.
    @inline(__always)
    func string() throws(FastFallback) -> String {
        let node = node
        guard node.kind == .string else { throw FastFallback() }
        if node.flags == 0 {
            return String(decoding: UnsafeBufferPointer(start: bytes + Int(node.start), count: Int(node.end &- node.start)),
                          as: UTF8.self)
        }
        return try slowString()
    }

    private func slowString() throws(FastFallback) -> String {
        do { return try withTape { try $0.string(index) } } catch { throw FastFallback() }
    }

    /// An integer of `T`'s range, read like `readInteger`: plain integers of up to 18 digits here,
    /// anything else by the tape's reader.
    @inline(__always)
    func integer<T: FixedWidthInteger>(_ type: T.Type) throws(FastFallback) -> T {
        let node = node
        guard node.kind == .number else { throw FastFallback() }
        let n = Int(node.end &- node.start)
        if node.flags & JSONNumberFlags.plainInteger != 0 && n <= 18 {
            var p = bytes + Int(node.start)
            let negative = p[0] == 0x2D
            var digits = n
            if negative { p += 1; digits -= 1 }
            if !(p[0] == 0x30 && digits > 1) {
                var value: Int64 = 0
                for k in 0..<digits { value = value &* 10 &+ Int64(p[k] &- 0x30) }
                if let result = T(exactly: negative ? -value : value) { return result }
            }
        }
        return try slowInteger(T.self)
    }

    private func slowInteger<T: FixedWidthInteger>(_ type: T.Type) throws(FastFallback) -> T {
        do { return try withTape { try $0.integer(index, as: T.self) } } catch { throw FastFallback() }
    }

    @inline(__always)
    func bool() throws(FastFallback) -> Bool {
        switch node.kind {
        case .true: return true
        case .false: return false
        default: throw FastFallback()
        }
    }

    func double() throws(FastFallback) -> Double {
        guard node.kind == .number else { throw FastFallback() }
        do { return try withTape { try $0.double(index) } } catch { throw FastFallback() }
    }

    /// A fast-decodable value (the type is inferred from the property it is stored in).
    @inline(__always)
    func decode<T: FastDecodable>() throws(FastFallback) -> T { try T(fast: self) }

    /// A value of a type without a fast path, through its `init(from:)` on the same tape (its errors,
    /// whose coding paths would lack the prefix, become a fallback of the whole document).
    func codable<T: Decodable>(_ type: T.Type = T.self) throws(FastFallback) -> T {
        let decoder = withTape { TapeDecoder(tape: $0, index: index, path: .root, userInfo: [:]) }
        do { return try decoder.decodeValue(T.self, at: index, parent: .root, step: .none) } catch { throw FastFallback() }
    }

    /// The tape index after this value and its descendants.
    @inline(__always)
    var after: Int {
        let node = node
        return node.kind == .object || node.kind == .array ? Int(node.end) : index + 1
    }

    /// `codable()` for an optional field: nil for null without building a decoder, as `decodeIfPresent` gives.
    @inline(__always)
    func codableIfPresent<T: Decodable>(_ type: T.Type = T.self) throws(FastFallback) -> T? {
        isNull ? nil : try codable(T.self)
    }

    /// The members of the object here, matched against `keys`.
    @inline(__always)
    func members<Key>(_ keys: FastKeys<Key>) throws(FastFallback) -> FastMembers<Key> {
        let node = node
        guard node.kind == .object else { throw FastFallback() }
        return FastMembers(self, keys: keys, member: index + 1, remaining: Int(node.count))
    }

    /// The sorted keys of an object of empty-struct values (`ExposedPorts`, `Volumes`), as
    /// `[String: Empty].keys.sorted()` gives them.
    func keysOfObjects() throws(FastFallback) -> [String] {
        let object = node
        guard object.kind == .object else { throw FastFallback() }
        var result: [String] = []
        result.reserveCapacity(Int(object.count))
        var key = index + 1
        for _ in 0..<Int(object.count) {
            let value = nodes[key + 1]
            // Empty decodes from any object whose keys are valid strings.
            guard value.kind == .object else { throw FastFallback() }
            var inner = key + 2
            for _ in 0..<Int(value.count) {
                guard nodes[inner].flags == 0 else { throw FastFallback() }
                inner = FastValue(self, index: inner + 1).after
            }
            result.append(try FastValue(self, index: key).string())
            key = Int(value.end)
        }
        result.sort()
        // Duplicates collapse in the dictionary: rare, left to init(from:).
        for i in result.indices.dropFirst() where result[i] == result[i - 1] { throw FastFallback() }
        return result
    }
}

/// A model's `CodingKeys`, hashed by their bytes for one-pass member matching (built once per type,
/// kept in a static `let`: the buffers are immutable after init and live as long as the process).
struct FastKeys<Key: CodingKey & CaseIterable>: @unchecked Sendable {
    private let cases: UnsafeMutablePointer<Key>
    private let names: UnsafeMutablePointer<UInt8>
    private let offsets: UnsafeMutablePointer<Int32>
    private let slots: UnsafeMutablePointer<Int8>
    private let mask: Int

    init() {
        let all = Array(Key.allCases)
        precondition(all.count <= 64, "FastMembers tracks at most 64 keys")
        cases = .allocate(capacity: max(all.count, 1))
        cases.initialize(from: all, count: all.count)
        let strings = all.map { Array($0.stringValue.utf8) }
        let total = strings.reduce(0) { $0 + $1.count }
        names = .allocate(capacity: max(total, 1))
        offsets = .allocate(capacity: strings.count + 1)
        var at = 0
        for (i, bytes) in strings.enumerated() {
            offsets[i] = Int32(at)
            for b in bytes { names[at] = b; at += 1 }
        }
        offsets[strings.count] = Int32(at)
        var size = 16
        while size < strings.count * 4 { size <<= 1 }
        mask = size - 1
        slots = .allocate(capacity: size)
        slots.initialize(repeating: -1, count: size)
        for (i, bytes) in strings.enumerated() {
            let hash = bytes.withUnsafeBufferPointer { Self.hash($0.baseAddress, $0.count) }
            var slot = hash & mask
            while slots[slot] >= 0 { slot = (slot + 1) & mask }
            slots[slot] = Int8(i)
        }
    }

    /// Length, first, middle and last bytes: enough to spread the Engine API's key names.
    @inline(__always)
    static func hash(_ p: UnsafePointer<UInt8>?, _ n: Int) -> Int {
        guard n > 0, let p else { return 0 }
        var h = n &* 0x9E37_79B1
        h ^= Int(p[0]) &* 0x85EB_CA77
        h ^= Int(p[n >> 1]) &* 0xC2B2_AE3D
        h ^= Int(p[n - 1]) &* 0x27D4_EB2F
        return h ^ (h >> 15)
    }

    /// Byte equality, inline (a call to memcmp per key was 8% of the fast path's samples).
    @inline(__always)
    static func equal(_ a: UnsafePointer<UInt8>, _ b: UnsafePointer<UInt8>, _ n: Int) -> Bool {
        var k = 0
        while k + 8 <= n {
            if UnsafeRawPointer(a + k).loadUnaligned(as: UInt64.self) != UnsafeRawPointer(b + k).loadUnaligned(as: UInt64.self) {
                return false
            }
            k += 8
        }
        while k < n {
            if a[k] != b[k] { return false }
            k += 1
        }
        return true
    }

    /// The case whose string is these bytes, or -1.
    @inline(__always)
    func lookup(_ p: UnsafePointer<UInt8>, _ n: Int) -> Int {
        var slot = Self.hash(p, n) & mask
        while true {
            let i = Int(slots[slot])
            if i < 0 { return -1 }
            let start = Int(offsets[i])
            if Int(offsets[i + 1]) - start == n && Self.equal(names + start, p, n) { return i }
            slot = (slot + 1) & mask
        }
    }

    @inline(__always) func key(_ i: Int) -> Key { cases[i] }
}

/// An object's members in document order, each key matched to a `CodingKeys` case; unknown keys are
/// skipped (as `init(from:)` ignores them), anything `init(from:)` would treat with care falls back.
struct FastMembers<Key: CodingKey & CaseIterable> {
    let object: FastValue
    let keys: FastKeys<Key>
    var member: Int
    var remaining: Int
    /// The cases seen so far (a second one is a duplicate key: first-wins is left to `init(from:)`).
    var seen: UInt64 = 0

    @inline(__always)
    init(_ object: FastValue, keys: FastKeys<Key>, member: Int, remaining: Int) {
        self.object = object
        self.keys = keys
        self.member = member
        self.remaining = remaining
    }

    @inline(__always)
    mutating func next() throws(FastFallback) -> (Key, FastValue)? {
        let nodes = object.nodes
        let bytes = object.bytes
        while remaining > 0 {
            remaining -= 1
            let key = member
            let node = nodes[key]
            let value = nodes[key + 1]
            member = value.kind == .object || value.kind == .array ? Int(value.end) : key + 2
            // Escaped or non-ASCII keys: compared as Swift strings and validated by init(from:).
            guard node.flags == 0 else { throw FastFallback() }
            let i = keys.lookup(bytes + Int(node.start), Int(node.end &- node.start))
            if i < 0 { continue }
            let bit: UInt64 = 1 << UInt64(i)
            guard seen & bit == 0 else { throw FastFallback() }
            seen |= bit
            return (keys.key(i), FastValue(object, index: key + 1))
        }
        return nil
    }

    /// Whether `key` was among the members read.
    @inline(__always)
    func saw(_ key: Int) -> Bool { seen & (1 << UInt64(key)) != 0 }
}

/// A required field: its value, or a fallback (init(from:) reports the missing key or null).
@inline(__always)
func fastRequired<T>(_ value: T?) throws(FastFallback) -> T {
    guard let value else { throw FastFallback() }
    return value
}

// MARK: - Scalars and containers

extension String: FastDecodable {
    @inline(__always) init(fast value: FastValue) throws(FastFallback) { self = try value.string() }
}

extension Bool: FastDecodable {
    @inline(__always) init(fast value: FastValue) throws(FastFallback) { self = try value.bool() }
}

extension Int: FastDecodable {
    @inline(__always) init(fast value: FastValue) throws(FastFallback) { self = try value.integer(Int.self) }
}

extension Int64: FastDecodable {
    @inline(__always) init(fast value: FastValue) throws(FastFallback) { self = try value.integer(Int64.self) }
}

extension UInt64: FastDecodable {
    @inline(__always) init(fast value: FastValue) throws(FastFallback) { self = try value.integer(UInt64.self) }
}

extension Double: FastDecodable {
    @inline(__always) init(fast value: FastValue) throws(FastFallback) { self = try value.double() }
}

extension Optional: FastDecodable where Wrapped: FastDecodable {
    /// nil for null (what `decodeIfPresent` and `Optional.init(from:)` give), else the wrapped value.
    @inline(__always)
    init(fast value: FastValue) throws(FastFallback) {
        self = value.isNull ? nil : try Wrapped(fast: value)
    }
}

extension Array: FastDecodable where Element: FastDecodable {
    // The top-level lists are decoded from an opened existential: without these, the loop would run
    // unspecialized and copy every element through value witnesses.
    @_specialize(exported: false, where Element == ContainerSummary)
    @_specialize(exported: false, where Element == ImageSummary)
    @_specialize(exported: false, where Element == ContainerInspect)
    init(fast value: FastValue) throws(FastFallback) {
        let array = value.node
        guard array.kind == .array else { throw FastFallback() }
        var result: [Element] = []
        result.reserveCapacity(Int(array.count))
        var element = FastValue(value, index: value.index + 1)
        for _ in 0..<Int(array.count) {
            result.append(try Element(fast: element))
            element = FastValue(value, index: element.after)
        }
        self = result
    }
}

extension Dictionary: FastDecodable where Key == String, Value: FastDecodable {
    /// Like `Dictionary.init(from:)`; a duplicate key (first wins there) falls back.
    init(fast value: FastValue) throws(FastFallback) {
        let object = value.node
        guard object.kind == .object else { throw FastFallback() }
        var result: [String: Value] = [:]
        result.reserveCapacity(Int(object.count))
        var key = value.index + 1
        for _ in 0..<Int(object.count) {
            let name = try FastValue(value, index: key).string()
            let item = FastValue(value, index: key + 1)
            guard result.updateValue(try Value(fast: item), forKey: name) == nil else { throw FastFallback() }
            key = item.after
        }
        self = result
    }
}

extension FastDecodable where Self: OpenEnum {
    /// The API's string, as `OpenEnum.init(from:)` reads it.
    @inline(__always)
    init(fast value: FastValue) throws(FastFallback) { self.init(rawValue: try value.string()) }
}
