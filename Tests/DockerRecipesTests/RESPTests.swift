@testable import DockerRecipes
import XCTest

final class RESPTests: XCTestCase {
    func testParsesRedisCliMovedLinesFromTheSeed() throws {
        let moved = try XCTUnwrap(ClusterRedirect(parsing: "(error) MOVED 12706 211.69.238.84:6383"))
        XCTAssertEqual(moved, ClusterRedirect(kind: .moved, slot: 12706, host: "211.69.238.84", port: 6383))
        XCTAssertEqual(moved.slot, KeySlot.slot(for: "k1"))
        XCTAssertEqual(moved.description, "MOVED 12706 211.69.238.84:6383")
        XCTAssertEqual(ClusterRedirect(parsing: "MOVED 8455 211.69.238.84:6382\n")?.slot, KeySlot.slot(for: "k4"))
    }

    func testParsesRawRESPAskAndOddHosts() {
        XCTAssertEqual(ClusterRedirect(parsing: "-ASK 3999 127.0.0.1:6381\r\n"),
                       ClusterRedirect(kind: .ask, slot: 3999, host: "127.0.0.1", port: 6381))
        XCTAssertEqual(ClusterRedirect(parsing: "MOVED 3999 :6381")?.host, "")
        let v6 = ClusterRedirect(parsing: "MOVED 1 ::1:7000")
        XCTAssertEqual(v6?.host, "::1")
        XCTAssertEqual(v6?.address, "[::1]:7000")
        XCTAssertEqual(ClusterRedirect(parsing: "MOVED 1 redis-node-2:6379")?.host, "redis-node-2")
    }

    func testRejectsNonRedirects() {
        for line in ["OK", "", "(error) ERR unknown command 'foo'", "MOVED abc 1.2.3.4:1", "MOVED 16384 1.2.3.4:1",
                     "MOVED 1 1.2.3.4", "MOVED 1 1.2.3.4:99999", "moved 1 1.2.3.4:1", "MOVED 1 1.2.3.4:1 extra",
                     "-> Redirected to slot [12706] located at 211.69.238.84:6383"] {
            XCTAssertNil(ClusterRedirect(parsing: line), line)
        }
    }
}
