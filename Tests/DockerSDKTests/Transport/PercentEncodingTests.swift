@testable import DockerSDK
import Foundation
import XCTest

/// The byte-wise percent-encoding of paths and queries gives what Foundation's `addingPercentEncoding`
/// gave with the same allowed sets (the helper it replaced).
final class PercentEncodingTests: XCTestCase {
    private static let unreserved = CharacterSet(charactersIn:
        "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-._~")
    private static let imageReference = unreserved.union(CharacterSet(charactersIn: "/:@"))

    private static let samples = [
        "", "abc123", "my-container_1.x~", "a b", "a/b", "registry:5000/ns/img:tag", "img@sha256:0123abcd",
        "100%", "a+b=c&d", "{\"label\":[\"k=v\"]}", "é", "naïve café", "日本語", "👍🏽", "tab\there", "new\nline",
        "?#[]!$'()*,;", "\u{0}", "\u{7F}", "mixé/ok:1@x",
    ]

    func testIdentifiersAndQueriesMatchFoundation() {
        for sample in Self.samples {
            let expected = sample.addingPercentEncoding(withAllowedCharacters: Self.unreserved)
            XCTAssertEqual(DockerRequest.pathSegment(sample), expected, "segment \(sample.debugDescription)")
            XCTAssertEqual(DockerRequest.encode(sample), expected, "query \(sample.debugDescription)")
        }
    }

    func testImageReferencesMatchFoundation() {
        for sample in Self.samples {
            XCTAssertEqual(DockerRequest.pathSegment(sample, keeping: .imageReference),
                           sample.addingPercentEncoding(withAllowedCharacters: Self.imageReference),
                           "reference \(sample.debugDescription)")
        }
    }

    func testTargetEncodesEveryQueryItem() {
        let request = DockerRequest(method: "GET", path: "/containers/json",
                                    query: [QueryItem("all", "1"), QueryItem("filters", #"{"label":["a b"]}"#)],
                                    apiVersion: APIVersion(1, 41))
        XCTAssertEqual(request.target,
                       "/v1.41/containers/json?all=1&filters=%7B%22label%22%3A%5B%22a%20b%22%5D%7D")
        XCTAssertEqual(DockerRequest(method: "GET", path: "/_ping").target, "/_ping")
    }
}
