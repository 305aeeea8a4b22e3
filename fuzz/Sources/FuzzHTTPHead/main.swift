// Fuzzes the transport's one HTTP response-head parser (HTTPHeadParser), which the hijacked
// connection feeds with the daemon's raw bytes: parsing the buffer at once (the hijack path) and
// line by line (libcurl's header callback) agree; a complete head has a final status of three
// digits; nothing after the head changes it; no input crashes (e.g. a status of 30 digits).
@_spi(Fuzzing) import DockerSDK
import Foundation
import FuzzHarness

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzOne(_ bytes: UnsafePointer<UInt8>?, _ size: Int) -> CInt {
    let input = Fuzz.data(bytes, size)
    let whole = HTTPHeadFuzzing.parseHead(input)
    // The same bytes as libCurl hands them over: one line at a time, each with its LF.
    var lines: [Data] = []
    var start = input.startIndex
    for i in input.indices where input[i] == 10 {
        lines.append(input[start...i])
        start = i + 1
    }
    let lineCount = lines.count
    let byLines = HTTPHeadFuzzing.parseLines(lines)
    Fuzz.require(whole.status == byLines.status && whole.headers == byLines.headers && whole.isComplete == byLines.isComplete,
                 "the buffer and the line-by-line parse disagree: \(whole) / \(byLines)")
    Fuzz.require((whole.end == nil) == !whole.isComplete, "an end without a complete head, or the reverse")
    Fuzz.require(whole.headers.count <= lineCount, "more headers than lines")
    Fuzz.require(whole.status >= 0 && whole.status <= 999, "status \(whole.status) out of range")
    // A negative length cut the hijack's error body with a negative prefix (a trap).
    if let length = HTTPHeadFuzzing.contentLength(input) { Fuzz.require(length >= 0, "a negative Content-Length \(length)") }
    if let end = whole.end, let consumed = byLines.end {
        Fuzz.require(end <= input.count, "the head ends past the input")
        Fuzz.require(end == lines.prefix(consumed).reduce(0) { $0 + $1.count }, "the two paths end the head at different bytes")
        Fuzz.require(whole.status == 101 || whole.status >= 200, "a complete head with interim status \(whole.status)")
        // The head alone parses the same, and whatever follows it does not matter.
        let head = input.prefix(end)
        Fuzz.require(HTTPHeadFuzzing.parseHead(head) == whole, "the head parsed alone differs")
        Fuzz.require(HTTPHeadFuzzing.parseHead(head + Data("HTTP/1.1 500 X\r\nA: b\r\n\r\n".utf8)) == whole,
                     "bytes after the head changed it")
    }
    return 0
}

Fuzz.runDriver(fuzzOne)
