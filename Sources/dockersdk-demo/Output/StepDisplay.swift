import ConsoleKitTerminal
import DockerRecipes
import Foundation
import Synchronization

/// A recipe's steps (cluster up, failover, scale, replication, the network tour) as they happen.
///
/// On a terminal (`OutputStyle.animated`) the running step is a ConsoleKit spinner showing its latest detail
/// and its time so far; it becomes a permanent `==> step (2.1 s)` line when the next step starts, when a
/// check passes or fails, or as soon as the command prints anything through `Terminal` (its result, an error).
/// Elsewhere every event is a plain timestamped line on stderr, as `RecipeEvent` prints it.
final class StepDisplay: Sendable {
    /// The demo's display: one per process, since there is one terminal.
    static let shared = StepDisplay(style: .current())

    private let style: OutputStyle
    private let running = Mutex<ActivityIndicator<StepActivity>?>(nil)

    init(style: OutputStyle) {
        self.style = style
    }

    /// Shows one recipe event.
    func show(_ event: RecipeEvent) {
        guard style.animated else {
            Terminal.errorLine(event.description)
            return
        }
        switch event.level {
        case .step:
            settle()
            let indicator = StepActivity(message: event.message, color: style.color, started: event.elapsed,
                                         now: event.elapsed).newActivity(for: Terminal.console)
            running.withLock { $0 = indicator }
            indicator.start(refreshRate: 100)
        case .info:
            let updated = running.withLock { indicator -> Bool in
                guard let indicator else { return false }
                indicator.activity.detail = event.message
                indicator.activity.now = event.elapsed
                return true
            }
            if !updated { Terminal.console.output(StepActivity.line(event, color: style.color)) }
        case .pass, .fail, .warning:
            settle()
            Terminal.console.output(StepActivity.line(event, color: style.color))
        }
    }

    /// Ends the running step's spinner, leaving its line; does nothing when none runs.
    func settle() {
        guard let indicator = running.withLock({ current -> ActivityIndicator<StepActivity>? in
            defer { current = nil }
            return current
        }) else { return }
        indicator.succeed()
    }
}

/// A running recipe step for ConsoleKit's `ActivityIndicator`: spinner, step, latest detail, seconds so far.
struct StepActivity: ActivityIndicatorType {
    var message: String
    var color: Bool
    /// Seconds since the operation began when the step started, and at the latest event.
    var started: Double
    var now: Double
    var detail: String?
    private let clock = ContinuousClock.now

    init(message: String, color: Bool, started: Double, now: Double) {
        self.message = message
        self.color = color
        self.started = started
        self.now = now
    }

    private static let frames = ["⠋", "⠙", "⠹", "⠸", "⠼", "⠴", "⠦", "⠧", "⠇", "⠏"]

    func outputActivityIndicator(to console: any Console, state: ActivityIndicatorState) {
        let elapsed = ContinuousClock.now - clock
        let seconds = Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18
        let time = String(format: "%.1f s", seconds)
        var text: ConsoleText
        switch state {
        case .ready, .active:
            let tick: UInt = if case .active(let tick) = state { tick } else { 0 }
            text = Self.frames[Int(tick % UInt(Self.frames.count))].consoleText(color ? .info : .plain)
            text += " \(message)".consoleText(.plain)
            if let detail { text += "  \(detail)".consoleText(color ? ConsoleStyle(color: .brightBlack) : .plain) }
            text += "  \(time)".consoleText(.plain)
        case .success:
            text = "==>".consoleText(color ? .info : .plain) + " \(message) (\(time))".consoleText(.plain)
        case .failure:
            text = "FAIL".consoleText(color ? .error : .plain) + " \(message) (\(time))".consoleText(.plain)
        }
        let columns = console.size.width > 0 ? console.size.width
            : Int(ProcessInfo.processInfo.environment["COLUMNS"] ?? "") ?? 80
        console.output(Self.fitted(text, to: max(columns, 20) - 1))
    }

    /// A permanent line for a check's outcome or a detail outside any step.
    static func line(_ event: RecipeEvent, color: Bool) -> ConsoleText {
        let (tag, style): (String, ConsoleStyle) = switch event.level {
        case .pass: ("PASS", .success)
        case .fail: ("FAIL", .error)
        case .warning: ("WARN", .warning)
        case .step: ("==>", .info)
        case .info: ("   ", .plain)
        }
        return tag.consoleText(color ? style : .plain) + " \(event.message)".consoleText(.plain)
    }

    private static func fitted(_ text: ConsoleText, to width: Int) -> ConsoleText {
        var left = width
        var fragments: [ConsoleTextFragment] = []
        for fragment in text.fragments where left > 0 {
            let piece = String(fragment.string.prefix(left))
            left -= piece.count
            fragments.append(ConsoleTextFragment(string: piece, style: fragment.style))
        }
        return ConsoleText(fragments: fragments)
    }
}
