import CCrypto

/// SHA-256 through OpenSSL's libcrypto (the library libcurl already links), for the few digests the SDK needs.
enum SHA256Digest {
    /// The digest of `bytes`, 32 bytes.
    static func hash(_ bytes: some Collection<UInt8>) -> [UInt8] {
        var out = [UInt8](repeating: 0, count: 32)
        let ok = Array(bytes).withUnsafeBytes { input in
            out.withUnsafeMutableBufferPointer { dsdk_sha256(input.baseAddress, input.count, $0.baseAddress) }
        }
        // EVP_Digest with SHA-256 fails only when libcrypto cannot allocate a context.
        precondition(ok == 1, "libcrypto SHA-256 failed")
        return out
    }

    /// The digest of `text`'s UTF-8 bytes as 64 lowercase hex digits.
    static func hex(_ text: String) -> String {
        let digits = Array("0123456789abcdef".utf8)
        var hex = [UInt8]()
        hex.reserveCapacity(64)
        for byte in hash(Array(text.utf8)) {
            hex.append(digits[Int(byte >> 4)])
            hex.append(digits[Int(byte & 0x0f)])
        }
        return String(decoding: hex, as: UTF8.self)
    }
}
