@testable import DockerSDK
import XCTest

/// SHA-256 through libcrypto against the FIPS 180-2 / NIST test vectors.
final class SHA256DigestTests: XCTestCase {
    func testEmptyInput() {
        XCTAssertEqual(SHA256Digest.hex(""), "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855")
    }

    func testOneBlockMessage() {
        XCTAssertEqual(SHA256Digest.hex("abc"), "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad")
    }

    func testTwoBlockMessage() {
        XCTAssertEqual(SHA256Digest.hex("abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq"),
                       "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1")
    }

    func testOneMillionAs() {
        XCTAssertEqual(SHA256Digest.hex(String(repeating: "a", count: 1_000_000)),
                       "cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0")
    }

    func testRawDigestIs32BytesAndMatchesHex() {
        let bytes = SHA256Digest.hash(Array("abc".utf8))
        XCTAssertEqual(bytes.count, 32)
        XCTAssertEqual(bytes.prefix(4), [0xba, 0x78, 0x16, 0xbf])
        // A multi-byte UTF-8 name, as a context could be called (value from sha256sum).
        XCTAssertEqual(SHA256Digest.hex("\u{E9}"), "4a99557e4033c3539de2eb65472017cad5f9557f7a0625a09f1c3f6e2ba69c4c")
    }
}
