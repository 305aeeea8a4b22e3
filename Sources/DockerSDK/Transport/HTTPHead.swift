import Foundation

/// The one HTTP response-head parser of the transport: libcurl's header callback feeds it line by
/// line for unary calls and streams, and the hijack handshake feeds it the lines it reads itself.
///
/// Parsed on the bytes: Foundation's trimming on Swift strings cost ~70 us per ping (dockersdk-bench --stages).
struct HTTPHeadParser {
    /// The status of the last status line (0 before any).
    private(set) var status = 0
    /// The headers of the current response.
    private(set) var headers = HTTPHeaders()
    /// Whether the final head (status >= 200, or 101) is complete.
    private(set) var isComplete = false
    /// The announced `Content-Length` of the current response, when there is one and it is a length (a
    /// negative, non-numeric or overflowing value counts as none). Read off the bytes as the line
    /// arrives: a String trim per response showed in the ping profile.
    private(set) var contentLength: Int?
    private var sawContentLength = false

    /// Feeds one line, with or without its CRLF. Returns true when this line completed the final head.
    /// Interim `1xx` answers (`100 Continue`) are skipped; `101 Switching Protocols` is final.
    @discardableResult
    mutating func consume(_ raw: UnsafeRawBufferPointer) -> Bool {
        func isSpace(_ b: UInt8) -> Bool { b == 32 || b == 9 || b == 10 || b == 13 }
        var start = 0
        var end = raw.count
        while start < end, isSpace(raw[start]) { start += 1 }
        while end > start, isSpace(raw[end - 1]) { end -= 1 }
        let line = UnsafeRawBufferPointer(rebasing: raw[start..<end])
        // "HTTP/" compared byte by byte: a generic `starts(with:)` showed in profiles.
        if line.count >= 5, line[0] == 72, line[1] == 84, line[2] == 84, line[3] == 80, line[4] == 47 {
            // "HTTP/1.1 200 OK": the status is the three digits after the first space; more digits
            // make no status (0: a bad status line), not an overflow.
            var status = 0
            if var i = line.firstIndex(of: 32) {
                while i < line.count, line[i] == 32 { i += 1 }
                var digits = 0
                while i < line.count, (48...57).contains(line[i]) {
                    digits += 1
                    if digits > 3 { break }
                    status = status * 10 + Int(line[i] - 48)
                    i += 1
                }
                if digits > 3 { status = 0 }
            }
            self.status = status
            headers = HTTPHeaders()
            headers.reserveCapacity(16)   // a daemon answer has about ten headers: no regrowth
            isComplete = false
            contentLength = nil
            sawContentLength = false
        } else if line.isEmpty {
            if status >= 200 || status == 101 {
                isComplete = true
                return true
            }
        } else if let colon = line.firstIndex(of: UInt8(ascii: ":")) {
            var valueStart = colon + 1
            while valueStart < line.count, line[valueStart] == 32 || line[valueStart] == 9 { valueStart += 1 }
            let name = UnsafeRawBufferPointer(rebasing: line[..<colon])
            if !sawContentLength, Self.isContentLength(name) {
                // The first one counts, as the headers' subscript reads it.
                sawContentLength = true
                contentLength = Self.length(UnsafeRawBufferPointer(rebasing: line[valueStart...]))
            }
            headers.add(name: name, value: UnsafeRawBufferPointer(rebasing: line[valueStart...]))
        }
        return false
    }

    /// Feeds raw bytes that start with a response head; returns the index just past the head's
    /// blank line once it is complete, nil while more bytes are needed.
    mutating func consumeHead(in bytes: Data) -> Int? {
        bytes.withUnsafeBytes { raw -> Int? in
            var lineStart = 0
            var i = 0
            while i < raw.count {
                if raw[i] == 10 {
                    if consume(UnsafeRawBufferPointer(rebasing: raw[lineStart...i])) { return i + 1 }
                    lineStart = i + 1
                }
                i += 1
            }
            return nil
        }
    }

    /// Whether a header name is `Content-Length`, ignoring ASCII case.
    private static func isContentLength(_ name: UnsafeRawBufferPointer) -> Bool {
        let expected: StaticString = "content-length"
        guard name.count == expected.utf8CodeUnitCount else { return false }
        let bytes = expected.utf8Start
        for i in 0..<name.count where name[i] != bytes[i] {
            // Only letters fold: `name[i] | 0x20` alone would take "\r" (0x0D) for "-" (0x2D).
            guard bytes[i] != UInt8(ascii: "-"), name[i] | 0x20 == bytes[i] else { return false }
        }
        return true
    }

    /// A decimal length with an optional leading `+`, trailing blanks allowed; nil for anything else
    /// (a sign `-`, other characters, more than 18 digits).
    private static func length(_ value: UnsafeRawBufferPointer) -> Int? {
        var end = value.count
        while end > 0, value[end - 1] == 32 || value[end - 1] == 9 { end -= 1 }
        var i = 0
        if i < end, value[i] == UInt8(ascii: "+") { i += 1 }
        guard i < end, end - i <= 18 else { return nil }
        var n = 0
        while i < end {
            let digit = value[i] &- 48
            guard digit <= 9 else { return nil }
            n = n * 10 + Int(digit)
            i += 1
        }
        return n
    }
}

@_spi(Fuzzing) public enum HTTPHeadFuzzing {
    /// What parsing a head gave.
    public struct Parsed: Equatable, Sendable {
        /// The status of the last status line (0 before any, or when it was not three digits).
        public var status: Int
        /// The headers of the current response, in order.
        public var headers: [String]
        /// Whether the final head is complete.
        public var isComplete: Bool
        /// Where the bytes after the head start (the hijack path), nil while incomplete.
        public var end: Int?
    }

    /// Parses `bytes` as the hijack handshake does: the whole buffer at once.
    public static func parseHead(_ bytes: Data) -> Parsed {
        var parser = HTTPHeadParser()
        let end = parser.consumeHead(in: bytes)
        return Parsed(status: parser.status, headers: parser.headers.map { "\($0.name): \($0.value)" },
                      isComplete: parser.isComplete, end: end)
    }

    /// Parses `lines` one at a time as libcurl's header callback feeds them; stops at the first line
    /// that completes the head. `end` is the number of lines consumed then.
    public static func parseLines(_ lines: [Data]) -> Parsed {
        var parser = HTTPHeadParser()
        var end: Int?
        for (i, line) in lines.enumerated() {
            if line.withUnsafeBytes({ parser.consume($0) }) {
                end = i + 1
                break
            }
        }
        return Parsed(status: parser.status, headers: parser.headers.map { "\($0.name): \($0.value)" },
                      isComplete: parser.isComplete, end: end)
    }

    /// The announced `Content-Length` of a complete head, as the transport reads it.
    public static func contentLength(_ bytes: Data) -> Int? {
        var parser = HTTPHeadParser()
        _ = parser.consumeHead(in: bytes)
        return parser.contentLength
    }
}
