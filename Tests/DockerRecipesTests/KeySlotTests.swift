@testable import DockerRecipes
import XCTest

final class KeySlotTests: XCTestCase {
    func testCRC16CheckValue() {
        XCTAssertEqual(KeySlot.crc16(Array("123456789".utf8)), 0x31C3)
        XCTAssertEqual(KeySlot.crc16([UInt8]()), 0)
    }
}
