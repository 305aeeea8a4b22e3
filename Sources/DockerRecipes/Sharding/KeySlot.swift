/// Redis Cluster's key-to-slot mapping: CRC16 (XMODEM) of the key or its hash tag, mod 16384.
public enum KeySlot {
    /// The number of hash slots in a Redis Cluster.
    public static let slotCount = 16384

    /// The slot Redis Cluster assigns to `key` (raw bytes), honouring `{hash tags}`.
    public static func slot(for key: some Collection<UInt8>) -> Int {
        if let slot = key.withContiguousStorageIfAvailable({ slot(bytes: $0) }) {
            return slot
        }
        return Array(key).withUnsafeBufferPointer { slot(bytes: $0) }
    }

    /// The slot Redis Cluster assigns to `key` (its UTF-8 bytes), honouring `{hash tags}`.
    public static func slot(for key: String) -> Int {
        var key = key
        return key.withUTF8 { slot(bytes: $0) }
    }

    /// The part of `key` that is hashed: the hash tag when there is a non-empty one, else the whole key.
    public static func hashedPart(of key: some Collection<UInt8>) -> [UInt8] {
        let bytes = Array(key)
        return bytes.withUnsafeBufferPointer { buffer in
            let range = hashedRange(buffer)
            return Array(buffer[range])
        }
    }

    /// CRC16 XMODEM (polynomial 0x1021, initial value 0, no reflection), the checksum Redis uses.
    public static func crc16(_ bytes: some Collection<UInt8>) -> UInt16 {
        if let crc = bytes.withContiguousStorageIfAvailable({ crc16(buffer: $0[...]) }) {
            return crc
        }
        return Array(bytes).withUnsafeBufferPointer { crc16(buffer: $0[...]) }
    }

    /// The slot of `bytes`, with the hash-tag rule of Redis's `keyHashSlot`.
    static func slot(bytes: UnsafeBufferPointer<UInt8>) -> Int {
        Int(crc16(buffer: bytes[hashedRange(bytes)]) & 0x3FFF)
    }

    /// The index range hashed: between the first `{` and the first `}` after it, if that is non-empty.
    static func hashedRange(_ bytes: UnsafeBufferPointer<UInt8>) -> Range<Int> {
        let open = UInt8(ascii: "{"), close = UInt8(ascii: "}")
        guard let start = bytes.firstIndex(of: open) else { return 0..<bytes.count }
        var end = start + 1
        while end < bytes.count, bytes[end] != close { end += 1 }
        if end == bytes.count || end == start + 1 { return 0..<bytes.count }
        return (start + 1)..<end
    }

    /// CRC16 XMODEM over a contiguous slice.
    static func crc16(buffer: Slice<UnsafeBufferPointer<UInt8>>) -> UInt16 {
        var crc: UInt16 = 0
        for byte in buffer {
            crc = (crc &<< 8) ^ crc16Table[Int(UInt8(truncatingIfNeeded: crc &>> 8) ^ byte)]
        }
        return crc
    }

    /// Continues a CRC16 XMODEM from `crc` over one more byte.
    @inline(__always)
    static func crc16(_ crc: UInt16, _ byte: UInt8) -> UInt16 {
        (crc &<< 8) ^ crc16Table[Int(UInt8(truncatingIfNeeded: crc &>> 8) ^ byte)]
    }

    /// The byte-at-a-time table for polynomial 0x1021.
    static let crc16Table: [UInt16] = (0..<256).map { index in
        var crc = UInt16(index) << 8
        for _ in 0..<8 {
            crc = (crc & 0x8000) != 0 ? (crc << 1) ^ 0x1021 : crc << 1
        }
        return crc
    }
}
