@testable import DockerSDK
import Foundation
import XCTest

/// Regressions for defects found in review: each of these once crashed, leaked or printed a secret.
final class ReviewRegressionTests: XCTestCase {
    func testATarHeaderWithASignedSizeIsMalformedNotACrash() throws {
        var archive = try TarArchive.write([.file("a.txt", text: "hello")])
        // Overwrite the size field with "-7" and fix the checksum so only the sign is wrong.
        let size = Array("-0000000007\0".utf8)
        archive.replaceSubrange(124..<136, with: size)
        for i in 148..<156 { archive[i] = UInt8(ascii: " ") }
        let sum = archive.prefix(512).reduce(0) { $0 + Int($1) }
        let checksum = Array((String(String(sum, radix: 8)).leftPad(6) + "\0 ").utf8)
        archive.replaceSubrange(148..<156, with: checksum)
        XCTAssertThrowsError(try TarArchive.read(archive)) { error in
            guard case .malformedResponse? = error as? DockerError else { return XCTFail("got \(error)") }
        }
    }

    func testImageReferencesAreEscapedInPathsButKeepTheirSeparators() {
        XCTAssertEqual(ImageReference.pathComponent("localhost:5000/team/app:1.0"), "localhost:5000/team/app:1.0")
        XCTAssertEqual(ImageReference.pathComponent("repo@sha256:abc"), "repo@sha256:abc")
        XCTAssertEqual(ImageReference.pathComponent("bad name?x#y"), "bad%20name%3Fx%23y")
    }

    func testARequestPrintsNoHeaderValuesOrBody() {
        let request = DockerRequest(method: "POST", path: "/images/create", headers: ["X-Registry-Auth": "c2VjcmV0"],
                                    body: .data(Data("MYSQL_ROOT_PASSWORD=hunter2".utf8), contentType: "application/json"),
                                    apiVersion: APIVersion(1, 41))
        for text in ["\(request)", String(reflecting: request)] {
            XCTAssertTrue(text.contains("POST /v1.41/images/create"), text)
            XCTAssertFalse(text.contains("c2VjcmV0"), text)
            XCTAssertFalse(text.contains("hunter2"), text)
        }
    }

    func testRegistryCredentialsNeverPrint() {
        let auth = RegistryAuth(username: "me", password: "hunter2", serverAddress: "registry.example")
        var dumped = ""
        dump(auth, to: &dumped)
        for text in ["\(auth)", String(reflecting: auth), dumped] {
            XCTAssertFalse(text.contains("hunter2"), text)
            XCTAssertTrue(text.contains("me"), text)
        }
    }

    func testAStreamNobodyIteratesIsAbortedWhenDropped() {
        let channel = ByteChannel(limit: 1 << 20)
        let aborted = Flag()
        channel.setOnCancel { aborted.set() }
        do {
            let stream = ByteStream(channel: channel)
            _ = stream   // taken, never iterated, dropped at the end of the scope
        }
        XCTAssertTrue(aborted.value, "dropping an un-iterated stream must abort its transfer")
        XCTAssertFalse(channel.produce(Data([1])), "the producer learns the consumer is gone")
    }

    func testAFinishedStreamIsNotAbortedWhenDropped() async throws {
        let channel = ByteChannel(limit: 1 << 20)
        let aborted = Flag()
        channel.setOnCancel { aborted.set() }
        channel.produce(Data([1, 2, 3]))
        channel.finish(nil)
        var total = 0
        for try await chunk in ByteStream(channel: channel) { total += chunk.count }
        XCTAssertEqual(total, 3)
        XCTAssertFalse(aborted.value)
    }
}

/// A thread-safe boolean for callbacks.
final class Flag: @unchecked Sendable {
    private let lock = NSLock()
    private var state = false
    func set() { lock.withLock { state = true } }
    var value: Bool { lock.withLock { state } }
}

private extension String {
    func leftPad(_ length: Int) -> String { count >= length ? self : String(repeating: "0", count: length - count) + self }
}
