import Foundation
import Logging
import XCTest

/// The secrets checks the unit and live secrets tests share: a trace-level log to search, the
/// assertion that no secret (plain or base64) occurs in a text, and the decoded binary bodies of a
/// recording (tar uploads, exec stdin and output), where a secret could hide from a text search.
public enum SecretScan {
    /// The forms of `secret` searched for: itself and its base64 encoding without padding.
    public static func forms(of secret: String) -> [(form: String, text: String)] {
        [("", secret), (" in base64", Data(secret.utf8).base64EncodedString().trimmingCharacters(in: CharacterSet(charactersIn: "=")))]
    }

    /// The texts of every `{"base64": ...}` body in a recorded fixture's JSON, decoded.
    public static func decodedBodies(_ json: Any) -> [String] {
        var decoded: [String] = []
        func walk(_ value: Any, key: String?) {
            if let dict = value as? [String: Any] { for (k, v) in dict { walk(v, key: k) } }
            if let array = value as? [Any] { for v in array { walk(v, key: key) } }
            if key == "base64", let text = value as? String, let data = Data(base64Encoded: text) {
                decoded.append(String(decoding: data, as: UTF8.self))
            }
        }
        walk(json, key: nil)
        return decoded
    }
}

/// Asserts none of `secrets` (nor their base64 forms) occurs in `text`; `what` names the text.
public func assertNoSecret(_ text: String, _ secrets: [String], _ what: String,
                           file: StaticString = #filePath, line: UInt = #line) {
    for secret in secrets where !secret.isEmpty {
        for (form, needle) in SecretScan.forms(of: secret) {
            XCTAssertFalse(text.contains(needle), "\(what) contains a secret\(form)", file: file, line: line)
        }
    }
}

/// Lines kept in order (log lines, progress messages), safe to append to from any task.
public final class CapturedLog: @unchecked Sendable {
    private let lock = NSLock()
    private var storage: [String] = []

    /// Creates an empty log.
    public init() {}

    /// What was appended so far.
    public var lines: [String] { lock.withLock { storage } }

    /// Appends one line.
    public func append(_ line: String) { lock.withLock { storage.append(line) } }

    /// A logger at trace level writing each message here with its metadata.
    public func logger(label: String = "dockersdk-secrets-test") -> Logger {
        var logger = Logger(label: label) { _ in CapturingLogHandler(sink: self) }
        logger.logLevel = .trace
        return logger
    }
}

/// A swift-log handler keeping each message with its metadata and source.
public struct CapturingLogHandler: LogHandler {
    /// Where the lines go.
    public let sink: CapturedLog
    /// The logger's metadata.
    public var metadata: Logger.Metadata = [:]
    /// Everything is kept.
    public var logLevel: Logger.Level = .trace

    /// A handler writing to `sink`.
    public init(sink: CapturedLog) { self.sink = sink }

    public subscript(metadataKey key: String) -> Logger.Metadata.Value? {
        get { metadata[key] }
        set { metadata[key] = newValue }
    }

    public func log(level: Logger.Level, message: Logger.Message, metadata extra: Logger.Metadata?, source: String,
                    file: String, function: String, line: UInt) {
        sink.append("\(level) \(message) \(self.metadata.merging(extra ?? [:]) { $1 }) \(source)")
    }
}
