@testable import DockerRecipes
import XCTest

final class KeySlotTests: XCTestCase {
    func testCRC16XModemCheckValue() {
        XCTAssertEqual(KeySlot.crc16(Array("123456789".utf8)), 0x31C3)
        XCTAssertEqual(KeySlot.crc16([UInt8]()), 0)
    }

    /// The slots from the seed's `redis-cli -c` session and Redis's documentation.
    func testKnownSlots() {
        XCTAssertEqual(KeySlot.slot(for: "k1"), 12706)
        XCTAssertEqual(KeySlot.slot(for: "k2"), 449)
        XCTAssertEqual(KeySlot.slot(for: "k4"), 8455)
        XCTAssertEqual(KeySlot.slot(for: "ke"), 11219)
        XCTAssertEqual(KeySlot.slot(for: "a"), 15495)
        XCTAssertEqual(KeySlot.slot(for: "somekey"), 11058)
        XCTAssertEqual(KeySlot.slot(for: "foo{hash_tag}"), 2515)
        XCTAssertEqual(KeySlot.slot(for: ""), 0)
    }

    func testHashTagsFollowRedisRules() {
        XCTAssertEqual(KeySlot.slot(for: "{user1000}.following"), KeySlot.slot(for: "{user1000}.followers"))
        XCTAssertEqual(KeySlot.slot(for: "{user1000}.following"), KeySlot.slot(for: "user1000"))
        XCTAssertEqual(KeySlot.slot(for: "foo{bar}{zap}"), KeySlot.slot(for: "bar"))
        XCTAssertEqual(KeySlot.hashedPart(of: Array("foo{bar}{zap}".utf8)), Array("bar".utf8))
        XCTAssertEqual(KeySlot.hashedPart(of: Array("foo{{bar}}zap".utf8)), Array("{bar".utf8))
        XCTAssertEqual(KeySlot.slot(for: "foo{{bar}}zap"), KeySlot.slot(for: "{bar"))
        // An empty first tag means the whole key is hashed, even if a later tag is non-empty.
        XCTAssertEqual(KeySlot.hashedPart(of: Array("foo{}{bar}".utf8)), Array("foo{}{bar}".utf8))
        XCTAssertNotEqual(KeySlot.slot(for: "foo{}{bar}"), KeySlot.slot(for: "bar"))
        XCTAssertEqual(KeySlot.slot(for: "foo{}{bar}"), Int(KeySlot.crc16(Array("foo{}{bar}".utf8)) & 0x3FFF))
        XCTAssertEqual(KeySlot.hashedPart(of: Array("{}".utf8)), Array("{}".utf8))
        // An unclosed brace means no tag.
        XCTAssertEqual(KeySlot.hashedPart(of: Array("foo{bar".utf8)), Array("foo{bar".utf8))
        XCTAssertEqual(KeySlot.hashedPart(of: Array("}foo{".utf8)), Array("}foo{".utf8))
    }

    func testByteAndStringOverloadsAgree() {
        XCTAssertEqual(KeySlot.slot(for: Array("k1".utf8)), 12706)
        XCTAssertEqual(KeySlot.slot(for: "k1".utf8), 12706)
        // A non-contiguous collection takes the fallback path.
        XCTAssertEqual(KeySlot.slot(for: Array("1k".utf8).reversed()), 12706)
        // Arbitrary (non-UTF-8) bytes are hashed as they are.
        let raw: [UInt8] = [0xFF, 0x00, 0x7B, 0xC3, 0x7D]
        XCTAssertEqual(KeySlot.slot(for: raw), KeySlot.slot(for: [0xC3]))
        for slot in (0..<1000).map({ KeySlot.slot(for: "key:\($0)") }) {
            XCTAssertTrue((0..<16384).contains(slot))
        }
    }
}
