import Foundation

/// One JSON value on the tape: 16 bytes, in document order.
///
/// Scalars keep the byte range of their token (strings without their quotes). Containers keep the
/// tape index just past their last descendant (so a skipped subtree costs one jump) and their
/// number of elements or members; an object's members follow it as key, value, key, value...
struct JSONNode {
    /// The kind in the low byte, flags in the next.
    var bits: UInt32
    /// Scalars: the token's first byte. Containers: the tape index where the last key lookup matched.
    var start: UInt32
    /// Scalars: the token's end (exclusive). Containers: the tape index just past the subtree.
    var end: UInt32
    /// Containers: elements (arrays) or members (objects).
    var count: UInt32

    @inline(__always) var kind: JSONKind { JSONKind(rawValue: UInt8(truncatingIfNeeded: bits)) ?? .null }
    @inline(__always) var flags: UInt8 { UInt8(truncatingIfNeeded: bits >> 8) }
}

/// What a tape node holds.
enum JSONKind: UInt8 {
    case object = 1, array, string, number, `true`, `false`, null

    /// The word Foundation uses in its type-mismatch messages.
    var word: String {
        switch self {
        case .object: "a dictionary"
        case .array: "an array"
        case .string: "a string"
        case .number: "number"
        case .true, .false: "bool"
        case .null: "null"
        }
    }
}

/// Flags of a string token.
enum JSONStringFlags {
    /// Contains a backslash escape.
    static let escaped: UInt8 = 1
    /// Contains bytes >= 0x80 (validated as UTF-8 when the string is read).
    static let nonASCII: UInt8 = 2
    /// Contains raw control characters (< 0x20), which are invalid when the string is read.
    static let control: UInt8 = 4
}

/// Flags of a number token.
enum JSONNumberFlags {
    /// Only digits after an optional `-`: an integer candidate for the fast path.
    static let plainInteger: UInt8 = 1
}

/// A scanning failure: the input is not JSON as Foundation's `JSONDecoder` accepts it.
struct JSONScanError: Error, CustomStringConvertible {
    var offset: Int
    var reason: String
    var description: String { "\(reason) at byte \(offset)" }
}

/// The bytes of one JSON document and its tape, built in a single pass.
///
/// The scan is structural and iterative (an explicit stack, nesting limited to
/// `maximumDepth` like Foundation's 512): it checks brackets, commas, colons and literals,
/// and finds where each string and number ends. Like Foundation's `JSONDecoder`, it defers the
/// rest to the moment a value is read: string contents (escapes, surrogates, UTF-8, control
/// characters) and number syntax are validated only for the values a model actually decodes, so
/// a skipped subtree costs nothing beyond the scan. Trailing commas are accepted, as Foundation does.
final class JSONTape {
    /// Foundation's nesting limit: 512 levels decode, 513 fail.
    static let maximumDepth = 512

    let bytes: UnsafeMutableBufferPointer<UInt8>
    let nodes: UnsafeMutablePointer<JSONNode>
    let count: Int

    /// Copies `data` (skipping a UTF-8 byte order mark) and scans it.
    init(_ data: Data) throws {
        var skip = 0
        if data.count >= 3 {
            let b0 = data[data.startIndex], b1 = data[data.startIndex + 1], b2 = data[data.startIndex + 2]
            if b0 == 0xEF && b1 == 0xBB && b2 == 0xBF { skip = 3 }
        }
        let length = data.count - skip
        guard length < Int(UInt32.max) else { throw JSONScanError(offset: 0, reason: "input larger than 4 GB") }
        let copy = UnsafeMutableBufferPointer<UInt8>.allocate(capacity: max(length, 1))
        if length > 0 {
            _ = data.withUnsafeBytes { raw in
                memcpy(copy.baseAddress!, raw.baseAddress! + skip, length)
            }
        }
        var scanner = JSONScanner(bytes: UnsafePointer(copy.baseAddress!), length: length)
        do {
            try scanner.scan()
        } catch {
            copy.deallocate()
            scanner.nodes.deallocate()
            throw error
        }
        bytes = copy
        nodes = scanner.nodes
        count = scanner.count
    }

    deinit {
        bytes.deallocate()
        nodes.deallocate()
    }

    /// The tape index of a null that is not part of the document (what a missing `super` key decodes from).
    var absentNull: Int { count - 1 }

    // MARK: - Reading tokens

    /// The tape index after the value at `index` and all its descendants.
    @inline(__always)
    func next(after index: Int) -> Int {
        let node = nodes[index]
        switch node.kind {
        case .object, .array: return Int(node.end)
        default: return index + 1
        }
    }

    /// The token's bytes (strings without quotes).
    @inline(__always)
    func raw(_ index: Int) -> UnsafeBufferPointer<UInt8> {
        let node = nodes[index]
        return UnsafeBufferPointer(start: bytes.baseAddress! + Int(node.start), count: Int(node.end - node.start))
    }

    /// Stores where the last key lookup in the object at `index` matched.
    @inline(__always)
    func setHint(_ object: Int, _ member: Int) { nodes[object].start = UInt32(member) }
}

/// The single pass that builds a tape; all state is local (no class properties in the loop).
struct JSONScanner {
    let p: UnsafePointer<UInt8>
    let n: Int
    var i = 0
    var nodes: UnsafeMutablePointer<JSONNode>
    var count = 0
    var capacity: Int

    init(bytes: UnsafePointer<UInt8>, length: Int) {
        p = bytes
        n = length
        capacity = max(16, length / 6)
        nodes = .allocate(capacity: capacity)
    }

    @inline(__always)
    mutating func append(_ node: JSONNode) {
        if count == capacity { grow() }
        nodes[count] = node
        count += 1
    }

    mutating func grow() {
        let bigger = UnsafeMutablePointer<JSONNode>.allocate(capacity: capacity * 2)
        bigger.moveInitialize(from: nodes, count: count)
        nodes.deallocate()
        nodes = bigger
        capacity *= 2
    }

    func fail(_ reason: String) -> JSONScanError { JSONScanError(offset: i, reason: reason) }

    @inline(__always)
    mutating func skipSpace() {
        while i < n {
            let b = p[i]
            if b == 0x20 || b == 0x0A || b == 0x0D || b == 0x09 { i += 1 } else { break }
        }
    }

    /// Scans a string starting at the opening quote; appends its node.
    @inline(__always)
    mutating func scanString() throws {
        let start = i + 1
        var j = start
        var flags: UInt8 = 0
        var lastU = -1
        while true {
            // Eight bytes at a time while none is a quote, a backslash, a control or a non-ASCII byte.
            while j + 8 <= n {
                let v = UnsafeRawPointer(p + j).loadUnaligned(as: UInt64.self)
                let control = (v &- 0x2020_2020_2020_2020) & ~v
                let q = v ^ 0x2222_2222_2222_2222
                let quote = (q &- 0x0101_0101_0101_0101) & ~q
                let s = v ^ 0x5C5C_5C5C_5C5C_5C5C
                let slash = (s &- 0x0101_0101_0101_0101) & ~s
                if (v | control | quote | slash) & 0x8080_8080_8080_8080 != 0 { break }
                j += 8
            }
            guard j < n else { i = j; throw fail("unterminated string") }
            let b = p[j]
            if b == 0x22 { break }
            if b == 0x5C {
                flags |= JSONStringFlags.escaped
                guard j + 1 < n else { i = j; throw fail("unterminated string") }
                if p[j + 1] == 0x75 { lastU = j + 1 }
                j += 2
            } else {
                if b >= 0x80 { flags |= JSONStringFlags.nonASCII } else if b < 0x20 { flags |= JSONStringFlags.control }
                j += 1
            }
        }
        // Foundation insists that a \u escape has four characters before the closing quote.
        if lastU >= 0 && j - (lastU + 1) < 4 { i = lastU; throw fail("incomplete \\u escape") }
        append(JSONNode(bits: UInt32(JSONKind.string.rawValue) | UInt32(flags) << 8,
                        start: UInt32(start), end: UInt32(j), count: 0))
        i = j + 1
    }

    @inline(__always)
    mutating func literal(_ word: StaticString, _ kind: JSONKind) throws {
        let size = word.utf8CodeUnitCount
        guard i + size <= n, memcmp(p + i, word.utf8Start, size) == 0 else { throw fail("invalid literal") }
        append(JSONNode(bits: UInt32(kind.rawValue), start: UInt32(i), end: UInt32(i + size), count: 0))
        i += size
    }

    @inline(__always)
    mutating func scanNumber() {
        // The token runs over number characters; its syntax is checked when it is read.
        let start = i
        var plain = true
        i += 1
        while i < n {
            let b = p[i]
            if b >= 0x30 && b <= 0x39 { i += 1; continue }
            if b == 0x2E || b == 0x65 || b == 0x45 || b == 0x2B || b == 0x2D { plain = false; i += 1; continue }
            break
        }
        if i - start == 1 && p[start] == 0x2D { plain = false }
        append(JSONNode(bits: UInt32(JSONKind.number.rawValue) | UInt32(plain ? JSONNumberFlags.plainInteger : 0) << 8,
                        start: UInt32(start), end: UInt32(i), count: 0))
    }

    /// After `{` or `,` in an object: a key, a colon, then the value's first byte.
    @inline(__always)
    mutating func scanKey() throws {
        guard i < n, p[i] == 0x22 else { throw fail("expected a key") }
        try scanString()
        skipSpace()
        guard i < n, p[i] == 0x3A else { throw fail("expected ':'") }
        i += 1
        skipSpace()
    }

    mutating func scan() throws {
        guard n > 0 else { throw JSONScanError(offset: 0, reason: "empty input") }
        // Open containers: tape index and member count so far (at most maximumDepth of them).
        let stack = UnsafeMutablePointer<(node: Int, members: UInt32, object: Bool)>.allocate(capacity: JSONTape.maximumDepth)
        defer { stack.deallocate() }
        var depth = 0
        skipSpace()
        // true right after an opening bracket.
        var opened = false
        value: while true {
            // One value at i.
            guard i < n else { throw fail("unexpected end of input") }
            switch p[i] {
            case 0x22:
                try scanString()
            case 0x7B, 0x5B:
                guard depth < JSONTape.maximumDepth else { throw fail("too many nested arrays or objects") }
                let object = p[i] == 0x7B
                stack[depth] = (count, 0, object)
                depth += 1
                append(JSONNode(bits: UInt32((object ? JSONKind.object : JSONKind.array).rawValue),
                                start: UInt32(count + 1), end: 0, count: 0))
                i += 1
                opened = true
            case 0x74: try literal("true", .true)
            case 0x66: try literal("false", .false)
            case 0x6E: try literal("null", .null)
            case 0x2D, 0x30...0x39: scanNumber()
            default: throw fail("unexpected character")
            }
            // Then what follows: the next member's start, or closing brackets.
            while depth > 0 {
                skipSpace()
                guard i < n else { throw fail("unexpected end of input") }
                let top = depth - 1
                let isObject = stack[top].object
                let closer: UInt8 = isObject ? 0x7D : 0x5D
                var closing = p[i] == closer
                if !closing && !opened {
                    // After a member: a comma, maybe trailing.
                    guard p[i] == 0x2C else { throw fail(isObject ? "expected ',' or '}'" : "expected ',' or ']'") }
                    i += 1
                    skipSpace()
                    closing = i < n && p[i] == closer
                }
                opened = false
                if closing {
                    i += 1
                    let node = stack[top].node
                    nodes[node].end = UInt32(count)
                    nodes[node].count = stack[top].members
                    depth -= 1
                    continue
                }
                stack[top].members += 1
                if isObject { try scanKey() }
                continue value
            }
            break
        }
        skipSpace()
        guard i == n else { throw fail("unexpected data after the top-level value") }
        // A null past the document: what a missing `super` key decodes from.
        append(JSONNode(bits: UInt32(JSONKind.null.rawValue), start: 0, end: 0, count: 0))
    }
}
