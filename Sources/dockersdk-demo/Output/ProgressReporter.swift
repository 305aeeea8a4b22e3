import ConsoleKitTerminal
import DockerSDK
import Foundation
import Synchronization

/// Shows a long operation's progress: any command feeds it `ProgressEvent`s (import, pull, push, build ...).
///
/// On a terminal (stdout a tty, see `OutputStyle`) it draws with ConsoleKit's `ActivityIndicator`: a bar with the
/// percentage, bytes, rate and time left when the total is known, a spinner with bytes and rate when it is not.
/// ConsoleKitTerminal is used because it is the maintained library on the package list with activity
/// indicators and progress bars (its redraw timer, line clearing and styling are not ours to hand-roll); it adds
/// only swift-nio's small NIOConcurrencyHelpers module besides itself: measured here, a clean debug build of
/// ConsoleKitTerminal with its dependencies takes 10.5 s of CPU, of which swift-log, which the SDK needs anyway,
/// is 4 s. (onevcat/Rainbow, the other candidate listed, only colours text.) Its output goes to the terminal
/// only, where a closed pipe cannot happen.
/// Elsewhere (a pipe, a file, CI) it writes plain lines to stderr through `Terminal`, one per 10 % step or
/// status change, so stdout carries only the command's result. With `quiet` it shows nothing.
final class ProgressReporter: Sendable {
    private let title: String
    private let style: OutputStyle
    private let quiet: Bool
    private let indicator: ActivityIndicator<TransferActivity>?
    private let state: Mutex<State>
    /// Where plain lines go (stderr, through `Terminal`).
    private let plainOutput: @Sendable (String) -> Void

    private struct State {
        /// Latest bytes done and total per layer (or one entry for an import), by event id.
        var layers: [String: (current: Int64, total: Int64?)] = [:]
        var status: String?
        /// (seconds since start, bytes done) samples of the last few seconds, for the rate.
        var samples: [(Double, Int64)] = []
        var lastPlainStep = -1
        var lastPlainStatus: String?
        var finished = false
    }

    private let started = ContinuousClock.now

    /// A reporter titled `title` (e.g. `importing busybox.tar as dockersdk/busybox:latest`).
    init(title: String, quiet: Bool = false, style: OutputStyle = .current(),
         plainOutput: @escaping @Sendable (String) -> Void = { Terminal.errorLine($0) }) {
        self.title = title
        self.style = style
        self.quiet = quiet
        self.plainOutput = plainOutput
        state = Mutex(State())
        if !quiet && style.animated {
            let indicator = TransferActivity(title: title, color: style.color).newActivity(for: Terminal.console)
            indicator.start(refreshRate: 100)
            self.indicator = indicator
        } else {
            indicator = nil
        }
    }

    /// Takes one event: its bytes (per layer id), its status.
    func update(_ event: ProgressEvent) {
        update(id: event.id ?? "", current: event.progressDetail?.current, total: event.progressDetail?.total,
               status: event.status)
    }

    /// Takes bytes done of a total for one part (`id`: a layer, or the upload) and a status.
    func update(id: String, current: Int64?, total: Int64?, status: String?) {
        let seconds = ProgressReporter.seconds(since: started)
        let (activity, plain): (TransferActivity, String?) = state.withLock { state in
            if let current {
                state.layers[id] = (current, total.flatMap { $0 > 0 ? $0 : nil })
            }
            if let status, !status.isEmpty { state.status = status }
            let (current, total) = Self.totals(state.layers)
            state.samples.append((seconds, current))
            state.samples.removeAll { seconds - $0.0 > 3 }
            let rate = Self.rate(state.samples)
            let activity = TransferActivity(title: title, color: style.color, status: state.status,
                                            current: current, total: total, bytesPerSecond: rate,
                                            layers: state.layers.count)
            return (activity, plainLine(&state, activity))
        }
        if let indicator {
            indicator.activity = activity
        } else if let plain, !quiet {
            plainOutput(plain)
        }
    }

    /// Reads `stream` to its end, reporting each event; ends the display as a success or a failure.
    @discardableResult
    func run(_ stream: ProgressStream) async throws -> [ProgressEvent] {
        var events: [ProgressEvent] = []
        do {
            for try await event in stream {
                events.append(event)
                update(event)
            }
        } catch {
            finish(success: false)
            throw error
        }
        finish(success: true)
        return events
    }

    /// Ends the display: the last state, marked done or failed.
    func finish(success: Bool) {
        let (already, activity): (Bool, TransferActivity) = state.withLock { state in
            defer { state.finished = true }
            let (current, total) = Self.totals(state.layers)
            return (state.finished, TransferActivity(title: title, color: style.color, status: state.status,
                                                     current: current, total: total, bytesPerSecond: nil,
                                                     layers: state.layers.count,
                                                     elapsed: Self.seconds(since: started)))
        }
        guard !already else { return }
        if let indicator {
            indicator.activity = activity
            if success { indicator.succeed() } else { indicator.fail() }
        } else if !quiet {
            plainOutput(activity.plainLine(final: success ? "done" : "failed"))
        }
    }

    /// A plain line when the percentage crossed a 10 % step or the status changed (nil otherwise).
    private func plainLine(_ state: inout State, _ activity: TransferActivity) -> String? {
        guard indicator == nil else { return nil }
        let step = activity.fraction.map { Int($0 * 10) } ?? -1
        let changed = activity.status != state.lastPlainStatus && activity.fraction == nil
        guard step > state.lastPlainStep || changed else { return nil }
        state.lastPlainStep = max(step, state.lastPlainStep)
        state.lastPlainStatus = activity.status
        return activity.plainLine(final: nil)
    }

    private static func totals(_ layers: [String: (current: Int64, total: Int64?)]) -> (Int64, Int64?) {
        let current = layers.values.reduce(0) { $0 + $1.current }
        let totals = layers.values.compactMap(\.total)
        return (current, totals.isEmpty || totals.count < layers.count ? nil : totals.reduce(0, +))
    }

    private static func rate(_ samples: [(Double, Int64)]) -> Double? {
        guard let first = samples.first, let last = samples.last, last.0 - first.0 >= 0.2 else { return nil }
        return Double(last.1 - first.1) / (last.0 - first.0)
    }

    private static func seconds(since start: ContinuousClock.Instant) -> Double {
        let elapsed = ContinuousClock.now - start
        return Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18
    }
}

/// One frame of a transfer for ConsoleKit's `ActivityIndicator`: a bar when the total is known, else a spinner.
struct TransferActivity: ActivityIndicatorType {
    var title: String
    var color: Bool
    var status: String?
    var current: Int64 = 0
    var total: Int64?
    var bytesPerSecond: Double?
    var layers = 0
    var elapsed: Double?

    /// Done of total, 0...1, when the total is known.
    var fraction: Double? {
        guard let total, total > 0 else { return nil }
        return min(max(Double(current) / Double(total), 0), 1)
    }

    private static let frames = ["⠋", "⠙", "⠹", "⠸", "⠼", "⠴", "⠦", "⠧", "⠇", "⠏"]

    func outputActivityIndicator(to console: any Console, state: ActivityIndicatorState) {
        // A pseudo-terminal without a size (script(1) under no terminal) reports 0 columns: assume 80.
        let columns = console.size.width > 0 ? console.size.width
            : Int(ProcessInfo.processInfo.environment["COLUMNS"] ?? "") ?? 80
        let width = max(columns, 40)
        var text: ConsoleText = "\(title) ".consoleText(style(.plain))
        switch state {
        case .ready:
            text += "...".consoleText(style(.info))
        case .active(let tick):
            if let fraction {
                let barWidth = min(30, max(10, width - title.count - 60))
                let filled = Int(fraction * Double(barWidth))
                let bar = String(repeating: "=", count: filled) + (filled < barWidth ? ">" : "")
                    + String(repeating: " ", count: max(0, barWidth - filled - 1))
                text += "[\(bar)]".consoleText(style(.info))
                text += " \(String(format: "%3d%%", Int(fraction * 100)))".consoleText(style(.plain))
            } else {
                text += Self.frames[Int(tick % UInt(Self.frames.count))].consoleText(style(.info))
                if let status { text += " \(status)".consoleText(style(.plain)) }
            }
            text += " \(numbers())".consoleText(style(.plain))
        case .success:
            text += "done".consoleText(style(.success))
            text += " \(numbers())".consoleText(style(.plain))
        case .failure:
            text += "failed".consoleText(style(.error))
            text += " \(numbers())".consoleText(style(.plain))
        }
        console.output(Self.truncated(text, to: width - 1))
    }

    /// The same facts as one plain line (no bar, no escape sequences), for a pipe or a file.
    func plainLine(final: String?) -> String {
        var parts = [title + ":"]
        if let final { parts.append(final) }
        if let fraction, final == nil { parts.append("\(Int(fraction * 100))%") }
        if fraction == nil, final == nil, let status { parts.append(status) }
        parts.append(numbers())
        return parts.filter { !$0.isEmpty }.joined(separator: " ")
    }

    /// `12.3 MB of 27.0 MB, 5.1 MB/s, 3 s left`, with what is known.
    private func numbers() -> String {
        var parts: [String] = []
        if current > 0 || total != nil {
            parts.append(total.map { "\(Self.bytes(current)) of \(Self.bytes($0))" } ?? Self.bytes(current))
        }
        if layers > 1 { parts.append("\(layers) layers") }
        if let bytesPerSecond, bytesPerSecond > 0 {
            parts.append("\(Self.bytes(Int64(bytesPerSecond)))/s")
            if let total, total > current, elapsed == nil {
                parts.append("\(Int((Double(total - current) / bytesPerSecond).rounded(.up))) s left")
            }
        }
        if let elapsed { parts.append(String(format: "in %.1f s", elapsed)) }
        return parts.joined(separator: ", ")
    }

    private func style(_ base: ConsoleStyle) -> ConsoleStyle {
        color ? base : .plain
    }

    static func bytes(_ count: Int64) -> String {
        let value = Double(count)
        if value >= 1e9 { return String(format: "%.2f GB", value / 1e9) }
        if value >= 1e6 { return String(format: "%.1f MB", value / 1e6) }
        if value >= 1e3 { return String(format: "%.1f kB", value / 1e3) }
        return "\(count) B"
    }

    /// Keeps a frame on one terminal line, so redrawing clears exactly what was drawn.
    private static func truncated(_ text: ConsoleText, to width: Int) -> ConsoleText {
        var left = max(width, 1)
        var fragments: [ConsoleTextFragment] = []
        for fragment in text.fragments where left > 0 {
            let piece = String(fragment.string.prefix(left))
            left -= piece.count
            fragments.append(ConsoleTextFragment(string: piece, style: fragment.style))
        }
        return ConsoleText(fragments: fragments)
    }
}

extension Terminal {
    /// ConsoleKit's terminal, for activity indicators; used only when stdout is a terminal (`OutputStyle.animated`).
    static let console = ConsoleKitTerminal.Terminal()
}
