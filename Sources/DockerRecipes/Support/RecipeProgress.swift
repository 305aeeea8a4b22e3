import Foundation
import Logging

/// One step of a recipe's progress, for a terminal or a log.
public struct RecipeEvent: Sendable, Codable, Equatable, CustomStringConvertible {
    /// How the step went.
    public enum Level: String, Sendable, Codable {
        /// A step begins, a detail, a check passed, a check failed, or a warning.
        case step, info, pass, fail, warning
    }

    /// The kind of message.
    public var level: Level
    /// What happened, without secrets.
    public var message: String
    /// Seconds since the operation began.
    public var elapsed: Double

    /// Creates an event.
    public init(level: Level, message: String, elapsed: Double) {
        self.level = level
        self.message = message
        self.elapsed = elapsed
    }

    /// A terminal line: the elapsed seconds, a tag for the level, the message.
    public var description: String {
        let tag = switch level {
        case .step: "==>"
        case .info: "   "
        case .pass: "PASS"
        case .fail: "FAIL"
        case .warning: "WARN"
        }
        return String(format: "[%6.1fs] ", elapsed) + "\(tag) \(message)"
    }
}

/// Where a recipe reports its progress; cheap to copy, safe to share.
public struct RecipeProgress: Sendable {
    private let handler: @Sendable (RecipeEvent) -> Void
    private let start: ContinuousClock.Instant

    /// Reports to `handler`.
    public init(_ handler: @escaping @Sendable (RecipeEvent) -> Void) {
        self.handler = handler
        start = .now
    }

    private init(start: ContinuousClock.Instant, _ handler: @escaping @Sendable (RecipeEvent) -> Void) {
        self.handler = handler
        self.start = start
    }

    /// This progress, with every event also logged to `logger` with `metadata`: steps, passes, failures and
    /// warnings at debug, details at trace (a library stays quiet at the default level).
    public func logging(to logger: Logger, metadata: Logger.Metadata) -> RecipeProgress {
        let handler = handler
        return RecipeProgress(start: start) { event in
            handler(event)
            var fields = metadata
            fields["recipe.event"] = "\(event.level.rawValue)"
            fields["recipe.elapsed_s"] = "\(String(format: "%.3f", event.elapsed))"
            logger.log(level: event.level == .info ? .trace : .debug, "\(event.message)", metadata: fields)
        }
    }

    /// Reports nowhere.
    public static let silent = RecipeProgress { _ in }

    /// Seconds since this progress began.
    public var elapsed: Double {
        seconds(since: start)
    }

    /// Reports a message at a level.
    public func report(_ level: RecipeEvent.Level, _ message: String) {
        handler(RecipeEvent(level: level, message: message, elapsed: elapsed))
    }

    /// Reports the start of a step.
    public func step(_ message: String) { report(.step, message) }
    /// Reports a detail.
    public func info(_ message: String) { report(.info, message) }
}
