@testable import DockerSDK
import Foundation
import XCTest

/// The response-head details read on the bytes (issue #9's per-call cost): `Content-Length`,
/// headers kept as bytes until read, and the API version from `Api-Version`.
final class HeaderParsingTests: XCTestCase {
    private func parse(_ head: String) -> HTTPHeadParser {
        var parser = HTTPHeadParser()
        _ = parser.consumeHead(in: Data(head.utf8))
        return parser
    }

    func testContentLengthIsReadOffTheBytesAsIntParsingDid() {
        func length(_ value: String) -> Int? { parse("HTTP/1.1 200 OK\r\nContent-Length: \(value)\r\n\r\n").contentLength }
        XCTAssertEqual(length("0"), 0)
        XCTAssertEqual(length("4584"), 4584)
        XCTAssertEqual(length("+12"), 12)
        XCTAssertEqual(length("12 \t"), 12)
        XCTAssertEqual(length("\t12"), 12)
        XCTAssertEqual(length("999999999999999999"), 999_999_999_999_999_999)
        XCTAssertNil(length("9999999999999999999"), "more than 18 digits could overflow: no length")
        XCTAssertNil(length("-5"))
        XCTAssertNil(length("1 2"))
        XCTAssertNil(length("12a"))
        XCTAssertNil(length("+"))
        XCTAssertNil(length(""))
        XCTAssertNil(length("0x10"))
    }

    func testContentLengthNameMatchesIgnoringCaseOnlyForLetters() {
        XCTAssertEqual(parse("HTTP/1.1 200 OK\r\ncontent-LENGTH: 7\r\n\r\n").contentLength, 7)
        // "\r" | 0x20 is "-": a fold of every byte would take this name for Content-Length.
        XCTAssertNil(parse("HTTP/1.1 200 OK\r\nContent\rLength: 7\r\n\r\n").contentLength)
        XCTAssertNil(parse("HTTP/1.1 200 OK\r\nContent_Length: 7\r\n\r\n").contentLength)
        XCTAssertNil(parse("HTTP/1.1 200 OK\r\nContent-Lengths: 7\r\n\r\n").contentLength)
    }

    func testTheFirstContentLengthCountsAndAnInterimAnswerForgetsIt() {
        XCTAssertEqual(parse("HTTP/1.1 200 OK\r\nContent-Length: 3\r\nContent-Length: 9\r\n\r\n").contentLength, 3)
        XCTAssertEqual(parse("HTTP/1.1 200 OK\r\nContent-Length: x\r\nContent-Length: 9\r\n\r\n").contentLength, nil,
                       "the first header counts, as the subscript reads it")
        let interim = parse("HTTP/1.1 100 Continue\r\nContent-Length: 5\r\n\r\nHTTP/1.1 200 OK\r\nServer: x\r\n\r\n")
        XCTAssertEqual(interim.status, 200)
        XCTAssertNil(interim.contentLength)
        XCTAssertNil(interim.headers["Content-Length"])
        XCTAssertEqual(interim.headers["server"], "x")
    }

    func testContentLengthAgreesWithTheSubscriptOnTheRecordedHeads() throws {
        // Every head the replay fixtures hold, as the daemon sent it.
        let heads = [
            "HTTP/1.1 200 OK\r\nApi-Version: 1.41\r\nContent-Length: 4584\r\nContent-Type: application/json\r\n\r\n",
            "HTTP/1.1 404 Not Found\r\nContent-Length:  45 \r\n\r\n",
            "HTTP/1.1 204 No Content\r\nServer: Docker/20.10.24+dfsg1 (linux)\r\n\r\n",
        ]
        for head in heads {
            let parser = parse(head)
            let viaSubscript = parser.headers["Content-Length"].flatMap { Int($0.trimmingCharacters(in: .whitespaces)) }
            XCTAssertEqual(parser.contentLength, viaSubscript, head)
        }
    }

    func testHeadersKeptAsBytesReadBackInOrderIgnoringCase() {
        let parser = parse("HTTP/1.1 200 OK\r\nApi-Version: 1.41\r\nOSType: linux\r\nX-Empty:\r\nServer:  Docker/20.10 (linux)\r\nApi-Version: 1.99\r\n\r\n")
        let headers = parser.headers
        XCTAssertEqual(headers.count, 5)
        XCTAssertEqual(headers["api-version"], "1.41", "the first of a repeated name")
        XCTAssertEqual(headers["Ostype"], "linux")
        XCTAssertEqual(headers["X-Empty"], "")
        XCTAssertEqual(headers["Server"], "Docker/20.10 (linux)")
        XCTAssertNil(headers["Api-Versio"])
        XCTAssertNil(headers["Api-Version2"])
        XCTAssertEqual(headers.map { "\($0.name)=\($0.value)" },
                       ["Api-Version=1.41", "OSType=linux", "X-Empty=", "Server=Docker/20.10 (linux)", "Api-Version=1.99"])
        XCTAssertEqual(headers, HTTPHeaders([("Api-Version", "1.41"), ("OSType", "linux"), ("X-Empty", ""),
                                            ("Server", "Docker/20.10 (linux)"), ("Api-Version", "1.99")]))
        XCTAssertNotEqual(headers, HTTPHeaders([("Api-Version", "1.41")]))
    }

    func testInvalidUTF8InAHeaderIsRepairedWhenRead() {
        var parser = HTTPHeadParser()
        var head = Data("HTTP/1.1 200 OK\r\nX-Bad: a".utf8)
        head.append(contentsOf: [0xFF, 0xC3])
        head.append(contentsOf: Array("b\r\n\r\n".utf8))
        _ = parser.consumeHead(in: head)
        XCTAssertEqual(parser.headers["x-bad"], String(decoding: [0x61, 0xFF, 0xC3, 0x62], as: UTF8.self))
        XCTAssertEqual(parser.headers["x-bad"], "a\u{FFFD}\u{FFFD}b")
    }

    func testHeadersRoundTripThroughCodable() throws {
        let headers = HTTPHeaders([("B", "2"), ("A", "1")])
        let data = try JSONEncoder().encode(headers)
        let back = try JSONDecoder().decode(HTTPHeaders.self, from: data)
        XCTAssertEqual(back, HTTPHeaders([("A", "1"), ("B", "2")]), "decoded sorted by name")
        XCTAssertEqual(back["b"], "2")
    }

    func testAPIVersionFastPathAgreesWithTheGeneralParse() {
        XCTAssertEqual(APIVersion("1.41"), APIVersion(1, 41))
        XCTAssertEqual(APIVersion("1.52"), APIVersion(1, 52))
        XCTAssertEqual(APIVersion("10.0"), APIVersion(10, 0))
        // The general way: trimming, a "v", signs.
        XCTAssertEqual(APIVersion(" 1.41 "), APIVersion(1, 41))
        XCTAssertEqual(APIVersion("v1.44"), APIVersion(1, 44))
        XCTAssertEqual(APIVersion("+1.41"), APIVersion(1, 41))
        for bad in ["", ".", "1.", ".41", "1..41", "1.41.0", "a.b", "1.-1", "-1.41", "1,41", "99999999999999999999.1"] {
            XCTAssertNil(APIVersion(bad), bad)
        }
    }

    func testPingResultReadsItsHeaders() {
        var parser = HTTPHeadParser()
        _ = parser.consumeHead(in: Data(("HTTP/1.1 200 OK\r\nApi-Version: 1.41\r\nBuilder-Version: 2\r\nDocker-Experimental: false\r\n"
            + "Ostype: linux\r\nServer: Docker/20.10.24+dfsg1 (linux)\r\nContent-Length: 2\r\n\r\n").utf8))
        let ping = PingResult(headers: parser.headers)
        XCTAssertEqual(ping.apiVersion, APIVersion(1, 41))
        XCTAssertEqual(ping.osType, "linux")
        XCTAssertFalse(ping.experimental)
        XCTAssertEqual(ping.builderVersion, "2")
        XCTAssertEqual(ping.server, "Docker/20.10.24+dfsg1 (linux)")
        XCTAssertNil(ping.libpodAPIVersion)
    }
}
