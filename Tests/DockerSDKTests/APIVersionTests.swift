@testable import DockerSDK
import XCTest

final class APIVersionTests: XCTestCase {
    func testParsesAndOrdersNumerically() throws {
        XCTAssertEqual(APIVersion("1.41"), APIVersion(1, 41))
        XCTAssertEqual(APIVersion("v1.9"), APIVersion(1, 9))
        XCTAssertNil(APIVersion("1"))
        XCTAssertNil(APIVersion("1.x"))
        XCTAssertNil(APIVersion("1.2.3"))
        XCTAssertLessThan(APIVersion(1, 9), APIVersion(1, 41))
        XCTAssertEqual(APIVersion(1, 52).description, "1.52")
    }

    func testNegotiationTakesTheLowerOfClientAndServer() throws {
        XCTAssertEqual(try VersionNegotiator.choose(server: APIVersion(1, 41)), APIVersion(1, 41))
        XCTAssertEqual(try VersionNegotiator.choose(server: APIVersion(1, 52)), APIVersion(1, 52))
        XCTAssertEqual(try VersionNegotiator.choose(server: APIVersion(1, 60)), APIVersion.newestSupported)
        XCTAssertEqual(try VersionNegotiator.choose(server: nil), APIVersion.oldestSupported)
        XCTAssertThrowsError(try VersionNegotiator.choose(server: APIVersion(1, 12))) { error in
            guard case .unsupportedAPIVersion(let requested, _)? = error as? DockerError else {
                return XCTFail("expected unsupportedAPIVersion, got \(error)")
            }
            XCTAssertEqual(requested, APIVersion(1, 12))
        }
    }

    func testTooOldAnswerBecomesTypedError() {
        let body = Data(#"{"message":"client version 1.41 is too old. Minimum supported API version is 1.44, please upgrade your client to a newer version"}"#.utf8)
        let error = DockerError.from(status: 400, body: body, requested: APIVersion(1, 41))
        guard case .unsupportedAPIVersion(let requested, let message) = error else {
            return XCTFail("expected unsupportedAPIVersion, got \(error)")
        }
        XCTAssertEqual(requested, APIVersion(1, 41))
        XCTAssertTrue(message.contains("Minimum supported API version is 1.44"))
    }

    func testStatusesMapToTypedErrorsKeepingTheMessage() {
        let body = Data(#"{"message":"No such container: nope"}"#.utf8)
        XCTAssertEqual(DockerError.from(status: 404, body: body, requested: nil), .notFound(message: "No such container: nope"))
        XCTAssertEqual(DockerError.from(status: 409, body: body, requested: nil), .conflict(message: "No such container: nope"))
        XCTAssertEqual(DockerError.from(status: 401, body: body, requested: nil), .unauthorized(message: "No such container: nope"))
        XCTAssertEqual(DockerError.from(status: 403, body: body, requested: nil), .forbidden(message: "No such container: nope"))
        XCTAssertEqual(DockerError.from(status: 400, body: body, requested: nil), .badRequest(message: "No such container: nope"))
        XCTAssertEqual(DockerError.from(status: 503, body: Data(), requested: nil),
                       .serverError(status: 503, message: "service unavailable"))
    }
}
