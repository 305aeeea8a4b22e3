import Foundation

/// How the demo presents output here: animated progress only on a terminal, colour unless NO_COLOR.
struct OutputStyle: Sendable {
    /// stdout is a terminal that understands ANSI sequences (not TERM=dumb): bars and spinners are drawn.
    var animated: Bool
    /// Colour is allowed: a terminal, and NO_COLOR unset or empty (https://no-color.org).
    var color: Bool

    /// The style for this process's stdout and environment.
    static func current(environment: [String: String] = ProcessInfo.processInfo.environment) -> OutputStyle {
        let terminal = isatty(STDOUT_FILENO) == 1 && environment["TERM"] != "dumb"
        return OutputStyle(animated: terminal, color: terminal && (environment["NO_COLOR"] ?? "").isEmpty)
    }
}
