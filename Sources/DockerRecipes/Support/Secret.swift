import Foundation

/// A password or token: its value is available to code, never to descriptions, logs or dumps.
public struct Secret: Sendable, Equatable, Codable, CustomStringConvertible, CustomDebugStringConvertible,
    CustomReflectable, ExpressibleByStringLiteral {
    /// The secret itself.
    public let value: String

    /// Wraps a value.
    public init(_ value: String) {
        self.value = value
    }

    /// A secret written in the source (tests and examples).
    public init(stringLiteral value: String) {
        self.value = value
    }

    /// A random password of letters and digits.
    public static func generate(length: Int = 20) -> Secret {
        let alphabet = Array("abcdefghijkmnopqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ23456789")
        var generator = SystemRandomNumberGenerator()
        return Secret(String((0..<length).map { _ in alphabet.randomElement(using: &generator) ?? "x" }))
    }

    /// Always `<redacted>`.
    public var description: String { "<redacted>" }
    /// Always `<redacted>`.
    public var debugDescription: String { "<redacted>" }
    /// A mirror without children, so that `dump` shows no value.
    public var customMirror: Mirror { Mirror(self, children: []) }

    /// Decodes the value from a string.
    public init(from decoder: Decoder) throws {
        value = try decoder.singleValueContainer().decode(String.self)
    }

    /// Encodes as `<redacted>`: a report or JSON dump never carries the value.
    public func encode(to encoder: Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode("<redacted>")
    }
}
