/// An Engine API version such as `1.41`, ordered numerically.
public struct APIVersion: Sendable, Hashable, Comparable, Codable, CustomStringConvertible, LosslessStringConvertible {
    /// The major part (1 for every Engine API so far).
    public var major: Int
    /// The minor part.
    public var minor: Int

    /// Creates a version from its parts.
    public init(_ major: Int, _ minor: Int) {
        self.major = major
        self.minor = minor
    }

    /// Parses `1.41` (also `v1.41`); nil when it is not a version.
    public init?(_ text: String) {
        if let (major, minor) = Self.plainDigits(text) {
            self.init(major, minor)
            return
        }
        var text = Substring(text.trimmingCharacters(in: .whitespaces))
        if text.hasPrefix("v") { text = text.dropFirst() }
        let parts = text.split(separator: ".", omittingEmptySubsequences: false)
        guard parts.count == 2, let major = Int(parts[0]), let minor = Int(parts[1]), major >= 0, minor >= 0 else {
            return nil
        }
        self.init(major, minor)
    }

    /// `major.minor` when `text` is exactly digits, a dot and digits (what daemons send), without
    /// Foundation's trimming, which showed in the ping profile; nil sends the parse the general way.
    private static func plainDigits(_ text: String) -> (Int, Int)? {
        var text = text
        return text.withUTF8 { bytes -> (Int, Int)? in
            var parts = (0, 0), digits = (0, 0), inMinor = false
            for byte in bytes {
                if byte == UInt8(ascii: "."), !inMinor {
                    inMinor = true
                } else if byte >= 48, byte <= 57 {
                    // More than 9 digits is no plain version (and could overflow): the general parse decides.
                    guard (inMinor ? digits.1 : digits.0) < 9 else { return nil }
                    if inMinor {
                        parts.1 = parts.1 * 10 + Int(byte - 48)
                        digits.1 += 1
                    } else {
                        parts.0 = parts.0 * 10 + Int(byte - 48)
                        digits.0 += 1
                    }
                } else {
                    return nil
                }
            }
            guard inMinor, digits.0 > 0, digits.1 > 0 else { return nil }
            return parts
        }
    }

    /// `major.minor`, e.g. `1.41`.
    public var description: String { "\(major).\(minor)" }

    /// Orders by major, then minor version.
    public static func < (lhs: APIVersion, rhs: APIVersion) -> Bool {
        (lhs.major, lhs.minor) < (rhs.major, rhs.minor)
    }

    /// The newest version this SDK speaks (Docker Engine 29).
    public static let newestSupported = APIVersion(1, 52)
    /// The oldest version this SDK speaks.
    public static let oldestSupported = APIVersion(1, 24)

    /// Decodes a version written as a string, e.g. `"1.41"`.
    public init(from decoder: Decoder) throws {
        let text = try decoder.singleValueContainer().decode(String.self)
        guard let version = APIVersion(text) else {
            throw DecodingError.dataCorrupted(.init(codingPath: decoder.codingPath, debugDescription: "not an API version: \(text)"))
        }
        self = version
    }

    /// Encodes the version as a string, e.g. `"1.41"`.
    public func encode(to encoder: Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(description)
    }
}

import Foundation
