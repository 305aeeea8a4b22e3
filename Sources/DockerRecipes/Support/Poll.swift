import DockerSDK
import Foundation

/// What polling gave up on: the condition never held in time.
public struct PollTimeout: Error, Sendable, CustomStringConvertible {
    /// What was waited for.
    public var what: String
    /// How long it waited.
    public var seconds: Double
    /// How many attempts were made.
    public var attempts: Int
    /// The last thing observed, for the message.
    public var lastObservation: String?

    /// How long and how many times it polled, and for what.
    public var description: String {
        "timed out after \(String(format: "%.1f", seconds)) s (\(attempts) attempts) waiting for \(what)"
            + (lastObservation.map { "; last seen: \($0)" } ?? "")
    }
}

/// An error that ends polling at once instead of counting as "not yet".
public protocol StopsPolling: Error {}

/// Bounded polling: every wait in a recipe has a deadline and an attempt limit, never a fixed sleep.
public enum Poll {
    /// Calls `check` until it returns a value, at most `maxAttempts` times within `timeout`.
    ///
    /// `check` returns nil (with an optional observation for the error) to try again; errors it throws
    /// count as "not yet" (except `StopsPolling` ones) and the last one is reported.
    public static func until<T: Sendable>(
        _ what: String, timeout: Duration = .seconds(60), interval: Duration = .milliseconds(250),
        maxAttempts: Int = 1000, check: () async throws -> (value: T?, observation: String?)
    ) async throws -> T {
        try await run(what, timeout: timeout, maxAttempts: maxAttempts, first: interval, next: { $0 }, check: check)
    }

    /// Polls a condition until it holds.
    public static func until(
        _ what: String, timeout: Duration = .seconds(60), interval: Duration = .milliseconds(250),
        check: () async throws -> (ok: Bool, observation: String?)
    ) async throws {
        let _: Bool = try await run(what, timeout: timeout, maxAttempts: 1000, first: interval, next: { $0 }) {
            let (ok, observation) = try await check()
            return (ok ? true : nil, observation)
        }
    }

    /// Polls a condition with exponential backoff: the first retry after `initial`, each next one
    /// after twice the last, never more than `maximum` apart, until `timeout` or `maxAttempts`.
    ///
    /// For waits whose end comes at no fixed rhythm (a cluster agreeing, a port opening): short
    /// waits end within milliseconds of the condition holding, long ones cost few attempts.
    public static func backoff(
        _ what: String, timeout: Duration = .seconds(60), initial: Duration = .milliseconds(10),
        maximum: Duration = .milliseconds(200), maxAttempts: Int = 2000,
        check: () async throws -> (ok: Bool, observation: String?)
    ) async throws {
        let _: Bool = try await run(what, timeout: timeout, maxAttempts: maxAttempts, first: initial,
                                    next: { min($0 * 2, maximum) }) {
            let (ok, observation) = try await check()
            return (ok ? true : nil, observation)
        }
    }

    /// What one call of a check gave.
    enum Attempt<T> {
        /// The value polled for.
        case done(T)
        /// Not yet, with what was seen (an observation or the error thrown).
        case notYet(String?)
    }

    /// Calls `check` once. Cancellation and `StopsPolling` errors are rethrown (they end polling);
    /// any other error is "not yet", described.
    static func attempt<T>(_ check: () async throws -> (value: T?, observation: String?)) async throws -> Attempt<T> {
        do {
            let (value, observation) = try await check()
            if let value { return .done(value) }
            return .notYet(observation)
        } catch is CancellationError {
            throw CancellationError()
        } catch DockerError.cancelled {
            throw DockerError.cancelled
        } catch let stop as any StopsPolling {
            throw stop
        } catch {
            return .notYet("\(error)")
        }
    }

    /// The loop of every poll: attempts until a value, the deadline or `maxAttempts`, sleeping `first`,
    /// then `next(previous)`, between attempts.
    private static func run<T>(
        _ what: String, timeout: Duration, maxAttempts: Int, first: Duration, next: (Duration) -> Duration,
        check: () async throws -> (value: T?, observation: String?)
    ) async throws -> T {
        let clock = ContinuousClock()
        let deadline = clock.now + timeout
        var attempts = 0
        var last: String?
        var delay = first
        while attempts < maxAttempts {
            attempts += 1
            switch try await attempt(check) {
            case .done(let value): return value
            case .notYet(let observation): last = observation
            }
            if clock.now + delay > deadline { break }
            try await Task.sleep(for: delay)
            delay = next(delay)
        }
        throw PollTimeout(what: what, seconds: Double(timeout.components.seconds), attempts: attempts, lastObservation: last)
    }
}
