import Foundation

/// Command-line options; every count is bounded so a run ends in minutes.
struct BenchOptions {
    var socket = "/var/run/docker.sock"
    /// Interleaved rounds: each round runs every client once per row.
    var rounds = 4
    /// Requests per client and round for ping, inspect and list.
    var iterations = 250
    /// create+start+wait+remove cycles per client and round.
    var lifecycle = 4
    /// `echo hi` execs per client and round.
    var execs = 15
    /// docker CLI invocations per round (each is a process).
    var cli = 4
    /// Seconds of each concurrent-inspect measurement.
    var seconds = 2.0
    /// Open `wait` calls in the wait row.
    var waits = 1000
    /// Megabytes of the log-stream rows (0 skips them).
    var logMB = 200
    /// Follow streams held open in the footprint and peak-RSS rows.
    var followStreams = 1000
    /// Hijacked sessions (attached `cat` execs) held open in the footprint row.
    var sessions = 200
    var python = true
    var dockerCLI = true
    /// Also time the replay and concurrent rows through a client with one loop thread, in the same rounds.
    var loopAB = false
    var cBaseline: String?
    var pythonBaseline: String?
    var results: String?
    /// Rows to run (all when empty).
    var only: Set<String> = []

    static let usage = """
        usage: dockersdk-bench [--socket PATH] [--rounds N] [--iterations N] [--lifecycle N] [--execs N] [--cli N]
                               [--seconds S] [--waits N] [--log-mb N] [--streams N] [--sessions N] [--no-python] [--no-cli] [--loop-ab]
                               [--c-baseline EXE] [--python-baseline FILE] [--results FILE] [--only ROW,ROW]
        rows: ping inspect list lifecycle exec concurrent waits logs replay footprint rss decode
        """

    init(arguments: [String]) {
        var rest = arguments[...]
        func number(_ current: Int, _ range: ClosedRange<Int>) -> Int {
            min(max(rest.popFirst().flatMap(Int.init) ?? current, range.lowerBound), range.upperBound)
        }
        while let argument = rest.popFirst() {
            switch argument {
            case "--socket": socket = rest.popFirst() ?? socket
            case "--rounds": rounds = number(rounds, 1...20)
            case "--iterations": iterations = number(iterations, 10...20_000)
            case "--lifecycle": lifecycle = number(lifecycle, 1...100)
            case "--execs": execs = number(execs, 1...1000)
            case "--cli": cli = number(cli, 1...100)
            case "--seconds": seconds = min(max(rest.popFirst().flatMap(Double.init) ?? seconds, 0.5), 30)
            case "--waits": waits = number(waits, 1...5000)
            case "--log-mb": logMB = number(logMB, 0...2048)
            case "--streams": followStreams = number(followStreams, 1...5000)
            case "--sessions": sessions = number(sessions, 0...1000)
            case "--no-python": python = false
            case "--no-cli": dockerCLI = false
            case "--loop-ab": loopAB = true
            case "--c-baseline": cBaseline = rest.popFirst()
            case "--python-baseline": pythonBaseline = rest.popFirst()
            case "--results": results = rest.popFirst()
            case "--only": only = Set((rest.popFirst() ?? "").split(separator: ",").map(String.init))
            default:
                FileHandle.standardError.write(Data((Self.usage + "\n").utf8))
                exit(2)
            }
        }
    }

    func runs(_ row: String) -> Bool { only.isEmpty || only.contains(row) }
}
