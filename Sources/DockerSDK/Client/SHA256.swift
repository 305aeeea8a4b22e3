import CCrypto

/// SHA-256 through OpenSSL's libcrypto (the library libcurl already links): one-shot for the SDK's
/// own digests (docker context names), incremental for callers hashing content (build contexts).
///
/// ```swift
/// var digest = SHA256Digest()
/// digest.update(Array("abc".utf8))
/// print(digest.hexDigest())   // ba7816bf...
/// ```
public struct SHA256Digest: ~Copyable {
    private let context: OpaquePointer
    private var finished = false

    /// A new, empty digest.
    public init() {
        // EVP_DigestInit fails only when libcrypto cannot allocate a context.
        guard let context = dsdk_sha256_begin() else { preconditionFailure("libcrypto SHA-256 context allocation failed") }
        self.context = context
    }

    deinit { dsdk_sha256_free(context) }

    /// Adds bytes; after `digest()` or `hexDigest()` it is a programming error.
    public mutating func update(_ bytes: some Collection<UInt8>) {
        precondition(!finished, "SHA256Digest.update after the digest was taken")
        let ok = Array(bytes).withUnsafeBytes { dsdk_sha256_update(context, $0.baseAddress, $0.count) }
        precondition(ok == 1, "libcrypto SHA-256 update failed")
    }

    /// Adds a string's UTF-8 bytes followed by a 0 byte, so that consecutive fields cannot run into each other.
    public mutating func field(_ text: String) {
        update(Array(text.utf8))
        update([0])
    }

    /// The 32-byte digest of everything added; the digest is then finished.
    public mutating func digest() -> [UInt8] {
        precondition(!finished, "SHA256Digest's digest was already taken")
        finished = true
        var out = [UInt8](repeating: 0, count: 32)
        let ok = out.withUnsafeMutableBufferPointer { dsdk_sha256_finish(context, $0.baseAddress) }
        precondition(ok == 1, "libcrypto SHA-256 final failed")
        return out
    }

    /// The digest as 64 lowercase hex digits; the digest is then finished.
    public mutating func hexDigest() -> String {
        let digits = Array("0123456789abcdef".utf8)
        var hex = [UInt8]()
        hex.reserveCapacity(64)
        for byte in digest() {
            hex.append(digits[Int(byte >> 4)])
            hex.append(digits[Int(byte & 0x0f)])
        }
        return String(decoding: hex, as: UTF8.self)
    }

    /// The digest of `bytes`, 32 bytes.
    public static func hash(_ bytes: some Collection<UInt8>) -> [UInt8] {
        var digest = SHA256Digest()
        digest.update(bytes)
        return digest.digest()
    }

    /// The digest of `text`'s UTF-8 bytes as 64 lowercase hex digits.
    public static func hex(_ text: String) -> String {
        var digest = SHA256Digest()
        digest.update(Array(text.utf8))
        return digest.hexDigest()
    }
}
