import Foundation

/// Why a token could not be read as the value asked for (wrapped in `DecodingError.dataCorrupted`).
struct JSONValueError: Error, CustomStringConvertible {
    var description: String
    init(_ description: String) { self.description = description }
}

// Reading tokens: strings are validated and unescaped, numbers checked against the JSON grammar
// and the target type's range, all only when a model asks for them (like Foundation).
extension JSONTape {
    // MARK: Strings

    /// The string at `index` (a string node), validated: escapes, surrogate pairs, UTF-8, no raw controls.
    func string(_ index: Int) throws -> String {
        let node = nodes[index]
        let raw = raw(index)
        let flags = node.flags
        if flags == 0 { return String(decoding: raw, as: UTF8.self) }
        if flags & JSONStringFlags.control != 0 { throw JSONValueError("unescaped control character in a string") }
        if flags & JSONStringFlags.nonASCII != 0 && !Self.isValidUTF8(raw) {
            throw JSONValueError("invalid UTF-8 in a string")
        }
        if flags & JSONStringFlags.escaped == 0 { return String(decoding: raw, as: UTF8.self) }
        return try Self.unescape(raw)
    }

    /// Whether the key at `index` is plain ASCII without escapes (so its bytes are its string).
    @inline(__always)
    func isPlain(_ index: Int) -> Bool { nodes[index].flags == 0 }

    static func unescape(_ raw: UnsafeBufferPointer<UInt8>) throws -> String {
        var out: [UInt8] = []
        out.reserveCapacity(raw.count)
        var i = 0
        let n = raw.count
        func hex4(_ at: Int) throws -> UInt32 {
            guard at + 4 <= n else { throw JSONValueError("incomplete \\u escape") }
            var value: UInt32 = 0
            for k in at..<(at + 4) {
                let c = raw[k]
                let digit: UInt8
                switch c {
                case 0x30...0x39: digit = c - 0x30
                case 0x41...0x46: digit = c - 0x41 + 10
                case 0x61...0x66: digit = c - 0x61 + 10
                default: throw JSONValueError("invalid \\u escape")
                }
                value = value << 4 | UInt32(digit)
            }
            return value
        }
        while i < n {
            let b = raw[i]
            if b != 0x5C { out.append(b); i += 1; continue }
            guard i + 1 < n else { throw JSONValueError("incomplete escape") }
            let e = raw[i + 1]
            i += 2
            switch e {
            case 0x22: out.append(0x22)
            case 0x5C: out.append(0x5C)
            case 0x2F: out.append(0x2F)
            case 0x62: out.append(0x08)
            case 0x66: out.append(0x0C)
            case 0x6E: out.append(0x0A)
            case 0x72: out.append(0x0D)
            case 0x74: out.append(0x09)
            case 0x75:
                var scalar = try hex4(i)
                i += 4
                if scalar >= 0xD800 && scalar <= 0xDBFF {
                    guard i + 6 <= n, raw[i] == 0x5C, raw[i + 1] == 0x75 else {
                        throw JSONValueError("high surrogate without a low surrogate")
                    }
                    let low = try hex4(i + 2)
                    guard low >= 0xDC00 && low <= 0xDFFF else { throw JSONValueError("high surrogate without a low surrogate") }
                    i += 6
                    scalar = 0x10000 + ((scalar - 0xD800) << 10) + (low - 0xDC00)
                } else if scalar >= 0xDC00 && scalar <= 0xDFFF {
                    throw JSONValueError("low surrogate without a high surrogate")
                }
                guard let unicode = Unicode.Scalar(scalar) else { throw JSONValueError("invalid \\u escape") }
                out.append(contentsOf: UTF8.encode(unicode)!)
            default:
                throw JSONValueError("invalid escape")
            }
        }
        return String(decoding: out, as: UTF8.self)
    }

    /// Strict UTF-8: no overlong forms, no surrogates, nothing above U+10FFFF.
    static func isValidUTF8(_ raw: UnsafeBufferPointer<UInt8>) -> Bool {
        var i = 0
        let n = raw.count
        while i < n {
            let b = raw[i]
            if b < 0x80 { i += 1; continue }
            @inline(__always) func cont(_ k: Int) -> Bool { k < n && raw[k] & 0xC0 == 0x80 }
            if b >= 0xC2 && b <= 0xDF {
                guard cont(i + 1) else { return false }
                i += 2
            } else if b >= 0xE0 && b <= 0xEF {
                guard cont(i + 1), cont(i + 2) else { return false }
                let b1 = raw[i + 1]
                if b == 0xE0 && b1 < 0xA0 { return false }       // overlong
                if b == 0xED && b1 >= 0xA0 { return false }      // surrogate
                i += 3
            } else if b >= 0xF0 && b <= 0xF4 {
                guard cont(i + 1), cont(i + 2), cont(i + 3) else { return false }
                let b1 = raw[i + 1]
                if b == 0xF0 && b1 < 0x90 { return false }       // overlong
                if b == 0xF4 && b1 >= 0x90 { return false }      // above U+10FFFF
                i += 4
            } else {
                return false
            }
        }
        return true
    }

    // MARK: Numbers

    /// Checks `-?(0|[1-9][0-9]*)(\.[0-9]+)?([eE][+-]?[0-9]+)?`.
    static func validate(_ raw: UnsafeBufferPointer<UInt8>) throws {
        var i = 0
        let n = raw.count
        @inline(__always) func digit(_ k: Int) -> Bool { k < n && raw[k] >= 0x30 && raw[k] <= 0x39 }
        if i < n && raw[i] == 0x2D { i += 1 }
        guard digit(i) else { throw JSONValueError("invalid number") }
        if raw[i] == 0x30 {
            i += 1
            if digit(i) { throw JSONValueError("number with a leading zero") }
        } else {
            while digit(i) { i += 1 }
        }
        if i < n && raw[i] == 0x2E {
            i += 1
            guard digit(i) else { throw JSONValueError("invalid number") }
            while digit(i) { i += 1 }
        }
        if i < n && (raw[i] == 0x65 || raw[i] == 0x45) {
            i += 1
            if i < n && (raw[i] == 0x2B || raw[i] == 0x2D) { i += 1 }
            guard digit(i) else { throw JSONValueError("invalid number") }
            while digit(i) { i += 1 }
        }
        guard i == n else { throw JSONValueError("invalid number") }
    }

    /// The integer at `index` (a number node), exactly, or an error when it is not an integer of `T`'s range.
    /// `1.0`, `1e2` and `-0` are integers (as for Foundation); `1.5` and `1e-2` are not.
    func integer<T: FixedWidthInteger>(_ index: Int, as: T.Type) throws -> T {
        let raw = raw(index)
        let n = raw.count
        if nodes[index].flags & JSONNumberFlags.plainInteger != 0 {
            var i = 0
            let negative = raw[0] == 0x2D
            if negative { i = 1 }
            if raw[i] == 0x30 && n > i + 1 { throw JSONValueError("number with a leading zero") }
            var value: T = 0
            while i < n {
                let d = T(raw[i] &- 0x30)
                let (m, o1) = value.multipliedReportingOverflow(by: 10)
                let (s, o2) = negative ? m.subtractingReportingOverflow(d) : m.addingReportingOverflow(d)
                if o1 || o2 { throw JSONValueError("number does not fit in \(T.self)") }
                value = s
                i += 1
            }
            return value
        }
        try Self.validate(raw)
        // Foundation's rule: `123.000` is the integer 123 exactly; anything else with a fraction or an
        // exponent goes through Double and must convert exactly (so 1e2 is 100, 1e-400 is 0, 1.5 fails).
        if let dot = raw.firstIndex(of: 0x2E), !raw.contains(0x65), !raw.contains(0x45),
           raw[(dot + 1)...].allSatisfy({ $0 == 0x30 }) {
            var value: T = 0
            let negative = raw[0] == 0x2D
            for b in raw[(negative ? 1 : 0)..<dot] {
                let (m, o1) = value.multipliedReportingOverflow(by: 10)
                let (s, o2) = negative ? m.subtractingReportingOverflow(T(b - 0x30)) : m.addingReportingOverflow(T(b - 0x30))
                if o1 || o2 { throw JSONValueError("number does not fit in \(T.self)") }
                value = s
            }
            return value
        }
        let double = Self.strtod(raw)
        // Foundation takes 128-bit integers through Double only within the 64-bit range.
        if T.bitWidth > 64 {
            if T.isSigned, let wide = Int64(exactly: double) { return T(wide) }
            if !T.isSigned, let wide = UInt64(exactly: double) { return T(wide) }
            throw JSONValueError("number does not fit in \(T.self)")
        }
        guard let value = T(exactly: double) else { throw JSONValueError("number does not fit in \(T.self)") }
        return value
    }

    /// strtod over the token.
    static func strtod(_ raw: UnsafeBufferPointer<UInt8>) -> Double {
        let n = raw.count
        return withUnsafeTemporaryAllocation(of: CChar.self, capacity: n + 1) { buffer in
            for k in 0..<n { buffer[k] = CChar(bitPattern: raw[k]) }
            buffer[n] = 0
            return Foundation.strtod(buffer.baseAddress!, nil)
        }
    }

    /// The double at `index` (a number node); out of range (infinite, or a non-zero that rounds to 0) is an error.
    func double(_ index: Int) throws -> Double {
        let raw = raw(index)
        let n = raw.count
        // Small plain integers convert exactly.
        if nodes[index].flags & JSONNumberFlags.plainInteger != 0 && n <= 16 {
            if let value = try? integer(index, as: Int64.self), value.magnitude < (1 << 53) {
                return value == 0 && raw[0] == 0x2D ? -0.0 : Double(value)
            }
        }
        try Self.validate(raw)
        let value = Self.strtod(raw)
        if value.isInfinite { throw JSONValueError("number is out of the range of Double") }
        if value == 0 && Self.hasNonZeroDigit(raw) { throw JSONValueError("number is too small for Double") }
        return value
    }

    /// The float at `index`: the double, then rounded to Float; out of Float's range is an error.
    func float(_ index: Int) throws -> Float {
        let double = try double(index)
        let value = Float(double)
        if value.isInfinite { throw JSONValueError("number is out of the range of Float") }
        if value == 0 && double != 0 { throw JSONValueError("number is too small for Float") }
        return value
    }

    /// The decimal at `index`, from the token's text.
    func decimal(_ index: Int) throws -> Decimal {
        let raw = raw(index)
        try Self.validate(raw)
        guard let value = Decimal(string: String(decoding: raw, as: UTF8.self), locale: nil) else {
            throw JSONValueError("number is not representable as Decimal")
        }
        return value
    }

    private static func hasNonZeroDigit(_ raw: UnsafeBufferPointer<UInt8>) -> Bool {
        for b in raw {
            if b == 0x65 || b == 0x45 { return false }
            if b >= 0x31 && b <= 0x39 { return true }
        }
        return false
    }
}
