import DockerSDK
import Foundation
import XCTest

final class ContainerPathStatTests: XCTestCase {
    private func header(_ json: String) -> String { Data(json.utf8).base64EncodedString() }

    func testDecodesGoFileModesAndNanosecondDates() throws {
        // Values as dockerd 20.10 sent them for a file, a symlink and a sticky folder.
        let file = try ContainerPathStat.decodeHeader(header(
            #"{"name":"f","size":2,"mode":420,"mtime":"2026-12-01T18:25:06.191110604Z","linkTarget":""}"#))
        XCTAssertEqual(file.kind, .file)
        XCTAssertEqual(file.permissions, 0o644)
        let date = try XCTUnwrap(file.modificationDate)
        XCTAssertEqual(date.timeIntervalSince1970, 1_796_149_506.191, accuracy: 0.001)

        let link = try ContainerPathStat.decodeHeader(header(
            #"{"name":"l","size":6,"mode":134218239,"mtime":"2026-12-01T18:25:06Z","linkTarget":"/tmp/f"}"#))
        XCTAssertEqual(link.kind, .symlink)
        XCTAssertEqual(link.linkTarget, "/tmp/f")
        XCTAssertNotNil(link.modificationDate, "no fraction")

        let dir = try ContainerPathStat.decodeHeader(header(
            #"{"name":"tmp","size":4096,"mode":2148532735,"mtime":"2026-12-01T18:25:06.1+02:00","linkTarget":""}"#))
        XCTAssertEqual(dir.kind, .directory)
        XCTAssertEqual(dir.permissions, 0o777)
        XCTAssertNotNil(dir.modificationDate, "an offset and a short fraction")

        let socket = ContainerPathStat(name: "s", size: 0, mode: (1 << 24) | 0o755, mtime: "not a date")
        XCTAssertEqual(socket.kind, .other)
        XCTAssertNil(socket.modificationDate)
    }

    func testBadHeadersAreMalformedResponses() {
        for value in ["%%%not base64", header("{\"name\": 1}")] {
            XCTAssertThrowsError(try ContainerPathStat.decodeHeader(value)) { error in
                guard case DockerError.malformedResponse? = error as? DockerError else { return XCTFail("\(error)") }
            }
        }
    }

    func testChangeKindsRoundTrip() throws {
        let json = Data(#"[{"Path":"/a","Kind":0},{"Path":"/b","Kind":1},{"Path":"/c","Kind":2},{"Path":"/d","Kind":7}]"#.utf8)
        let changes = try JSONDecoder().decode([ContainerChange].self, from: json)
        XCTAssertEqual(changes.map(\.kind), [.modified, .added, .deleted, .other(7)])
        XCTAssertEqual(changes.map(\.kind.description), ["C", "A", "D", "?"])
        let encoded = try JSONEncoder().encode(changes)
        XCTAssertEqual(try JSONDecoder().decode([ContainerChange].self, from: encoded), changes)
    }
}
