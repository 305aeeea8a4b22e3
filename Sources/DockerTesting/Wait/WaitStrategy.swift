import DockerRecipes
import DockerSDK
import Foundation

/// When a container is ready: a condition polled (bounded in time and attempts) after start.
///
/// A strategy that does not hold within its `timeout` throws `WaitTimeout`, which quotes the
/// container's last log lines; a container that exits while waited for throws at once. In `all` and
/// `any`, the outer strategy's timeout bounds the whole wait (the members' own are not used).
public struct WaitStrategy: Sendable, CustomStringConvertible {
    /// Where a TCP port is checked.
    public enum PortCheck: String, Sendable {
        /// From the test process, on the published port: a connection the daemon's proxy accepts and
        /// does not close at once (docker-proxy accepts even when nothing listens behind it).
        case host
        /// Inside the container: a socket in LISTEN state in /proc/net/tcp or tcp6 (needs `cat`).
        case container
        /// Both.
        case both
    }

    indirect enum Kind: Sendable {
        case logLine(pattern: String, occurrence: Int)
        case tcpPort(Int, PortCheck)
        case healthy
        case exec([String], env: [String: String])
        case http(path: String, port: Int, status: ClosedRange<Int>)
        case all([WaitStrategy])
        case any([WaitStrategy])
    }

    let kind: Kind
    /// How long to wait at most.
    public var timeout: Duration
    /// How long to pause between checks.
    public var interval: Duration

    init(_ kind: Kind, timeout: Duration, interval: Duration = .milliseconds(200)) {
        self.kind = kind
        self.timeout = timeout
        self.interval = interval
    }

    /// The `occurrence`-th line (from 1) of stdout or stderr that matches the regular expression `pattern`.
    public static func logLine(_ pattern: String, occurrence: Int = 1, timeout: Duration = .seconds(60)) -> WaitStrategy {
        WaitStrategy(.logLine(pattern: pattern, occurrence: occurrence), timeout: timeout)
    }

    /// TCP `port` (a container port) accepts connections, checked from the host, inside, or both.
    public static func tcpPort(_ port: Int, from check: PortCheck = .both, timeout: Duration = .seconds(60)) -> WaitStrategy {
        WaitStrategy(.tcpPort(port, check), timeout: timeout)
    }

    /// The container's Docker health check reports `healthy` (the definition needs a `healthcheck`
    /// or the image one).
    public static func healthy(timeout: Duration = .seconds(60)) -> WaitStrategy {
        WaitStrategy(.healthy, timeout: timeout)
    }

    /// `command` run inside the container exits with 0. `env` values are never printed.
    public static func exec(_ command: [String], env: [String: String] = [:], timeout: Duration = .seconds(60)) -> WaitStrategy {
        WaitStrategy(.exec(command, env: env), timeout: timeout)
    }

    /// `GET path` on the published `port` (HTTP/1.0 from the test process) answers a status in `status`.
    public static func http(_ path: String = "/", port: Int, status: ClosedRange<Int> = 200...299,
                            timeout: Duration = .seconds(60)) -> WaitStrategy {
        WaitStrategy(.http(path: path, port: port, status: status), timeout: timeout)
    }

    /// Every one of `strategies` holds (each once is enough).
    public static func all(_ strategies: WaitStrategy..., timeout: Duration = .seconds(60)) -> WaitStrategy {
        WaitStrategy(.all(strategies), timeout: timeout)
    }

    /// At least one of `strategies` holds.
    public static func any(_ strategies: WaitStrategy..., timeout: Duration = .seconds(60)) -> WaitStrategy {
        WaitStrategy(.any(strategies), timeout: timeout)
    }

    /// The same strategy with another timeout.
    public func withTimeout(_ timeout: Duration) -> WaitStrategy {
        var copy = self
        copy.timeout = timeout
        return copy
    }

    public var description: String {
        switch kind {
        case let .logLine(pattern, occurrence): occurrence == 1 ? "a log line matching /\(pattern)/" : "log line #\(occurrence) matching /\(pattern)/"
        case let .tcpPort(port, check): "TCP port \(port) listening (\(check.rawValue))"
        case .healthy: "health status healthy"
        case .exec(let command, _): "`\(command.first ?? "")` exiting with 0"
        case let .http(path, port, status): "GET \(path) on port \(port) answering \(status.lowerBound)-\(status.upperBound)"
        case .all(let members): "all of (" + members.map(\.description).joined(separator: "; ") + ")"
        case .any(let members): "any of (" + members.map(\.description).joined(separator: "; ") + ")"
        }
    }

    func validate(exposedPorts: [Int]) throws {
        switch kind {
        case let .logLine(pattern, occurrence):
            guard occurrence >= 1 else { throw DockerError.invalidArgument("log line occurrence must be >= 1 (got \(occurrence))") }
            do { _ = try NSRegularExpression(pattern: pattern) } catch {
                throw DockerError.invalidArgument("bad log line pattern /\(pattern)/: \(error.localizedDescription)")
            }
        case let .tcpPort(port, check):
            if check != .container, !exposedPorts.contains(port) {
                throw DockerError.invalidArgument("TCP port \(port) is checked from the host: add it to exposedPorts")
            }
        case let .http(path, port, _):
            guard path.hasPrefix("/"), !path.contains(where: { $0.isWhitespace || $0.isNewline }) else {
                throw DockerError.invalidArgument("HTTP path \"\(path)\" must start with / and contain no spaces")
            }
            if !exposedPorts.contains(port) { throw DockerError.invalidArgument("HTTP port \(port) is not in exposedPorts") }
        case .exec(let command, _):
            guard !command.isEmpty else { throw DockerError.invalidArgument("the exec wait strategy needs a command") }
        case .all(let members), .any(let members):
            guard !members.isEmpty else { throw DockerError.invalidArgument("all/any need at least one strategy") }
            for member in members { try member.validate(exposedPorts: exposedPorts) }
        case .healthy:
            break
        }
        guard timeout > .zero else { throw DockerError.invalidArgument("a wait timeout must be positive") }
    }

    /// Polls until the strategy holds; throws `WaitTimeout` (with the last log lines) when it does
    /// not within `timeout`, or `ContainerExited` when the container stops meanwhile.
    public func wait(for container: StartedContainer) async throws {
        let clock = ContinuousClock()
        let started = clock.now
        let deadline = started + timeout
        var satisfied = Set<Int>()
        var attempts = 0
        var last = "not checked yet"
        while attempts < 100_000 {
            attempts += 1
            do {
                let (ok, observation) = try await probe(container, satisfied: &satisfied, path: [])
                if ok { return }
                last = observation
            } catch let error as DockerError {
                // A definition that cannot work (no health check...) or cancellation: stop at once.
                if case .invalidArgument = error { throw error }
                if case .cancelled = error { throw error }
                last = "\(error)"
            } catch is CancellationError {
                throw CancellationError()
            } catch {
                last = "\(error)"  // e.g. exec into a container still starting: not yet
            }
            let state = try await container.docker.containers.inspect(container.id).state
            if !state.running, state.status != "created", state.restarting != true {
                throw ContainerExited(container: container.name, exitCode: state.exitCode ?? -1, waitingFor: description,
                                      lastLogLines: await container.lastLogLines())
            }
            if clock.now + interval > deadline { break }
            try await Task.sleep(for: interval)
        }
        throw WaitTimeout(container: container.name, waitingFor: description, seconds: (clock.now - started).seconds,
                          attempts: attempts, lastObservation: last, lastLogLines: await container.lastLogLines())
    }

    /// One check; `satisfied` remembers members of `all` that held already (by their path).
    func probe(_ container: StartedContainer, satisfied: inout Set<Int>, path: [Int]) async throws -> (Bool, String) {
        switch kind {
        case let .logLine(pattern, occurrence):
            let regex = try NSRegularExpression(pattern: pattern)
            let logs = try await container.logs()
            let lines = (logs.stdout + "\n" + logs.stderr).split(whereSeparator: \.isNewline)
            let count = lines.reduce(0) { count, line in
                let text = String(line)
                return count + (regex.firstMatch(in: text, range: NSRange(text.startIndex..., in: text)) == nil ? 0 : 1)
            }
            return (count >= occurrence, "\(count) of \(occurrence) matching lines")
        case let .tcpPort(port, check):
            var notes: [String] = []
            var ok = true
            if check != .host {
                let inside = try await Self.listensInside(container, port: port)
                ok = ok && inside.0
                notes.append(inside.1)
            }
            if ok, check != .container {
                let outside = await Self.acceptsOnHost(container, port: port)
                ok = ok && outside.0
                notes.append(outside.1)
            }
            return (ok, notes.joined(separator: "; "))
        case .healthy:
            let state = try await container.docker.containers.inspect(container.id).state
            guard let health = state.health else {
                throw DockerError.invalidArgument("\(container.name) has no health check: set healthcheck in the definition")
            }
            return (health.status == "healthy", "health \(health.status)")
        case let .exec(command, env):
            let result = try await container.exec(command, env: env)
            let stderr = result.stderrText.trimmingCharacters(in: .whitespacesAndNewlines)
            return (result.exitCode == 0, "exit \(result.exitCode)" + (stderr.isEmpty ? "" : ": \(stderr.prefix(200))"))
        case let .http(path, port, status):
            do {
                let code = try await Self.httpStatus(try container.endpoint(port), path: path)
                return (status.contains(code), "HTTP \(code)")
            } catch {
                return (false, "\(error)")
            }
        case .all(let members):
            var notes: [String] = []
            for (index, member) in members.enumerated() {
                let key = Self.key(path + [index])
                if satisfied.contains(key) { continue }
                let (ok, note) = try await member.probe(container, satisfied: &satisfied, path: path + [index])
                if ok { satisfied.insert(key) } else { notes.append("\(member): \(note)") }
            }
            return (notes.isEmpty, notes.joined(separator: "; "))
        case .any(let members):
            var notes: [String] = []
            for (index, member) in members.enumerated() {
                let (ok, note) = try await member.probe(container, satisfied: &satisfied, path: path + [index])
                if ok { return (true, "\(member)") }
                notes.append("\(member): \(note)")
            }
            return (false, notes.joined(separator: "; "))
        }
    }

    private static func key(_ path: [Int]) -> Int { path.reduce(17) { $0 &* 31 &+ $1 &+ 1 } }

    /// A socket listening on `port` inside the container, from /proc/net/tcp and tcp6.
    static func listensInside(_ container: StartedContainer, port: Int) async throws -> (Bool, String) {
        let result = try await container.exec(["cat", "/proc/net/tcp", "/proc/net/tcp6"])
        let listening = ProcNetTCP.listeningPorts(result.stdoutText)
        if listening.isEmpty, result.exitCode != 0, result.stdoutText.isEmpty {
            return (false, "cannot read /proc/net/tcp inside: exit \(result.exitCode) \(result.stderrText.prefix(120))")
        }
        return (listening.contains(port), listening.contains(port) ? "listening inside" : "not listening inside yet")
    }

    /// A connection to the published port that stays open for 200 ms (or gets data) counts as accepted.
    static func acceptsOnHost(_ container: StartedContainer, port: Int) async -> (Bool, String) {
        do {
            let connection = try await TCPConnection.connect(host: container.host, port: try container.mappedPort(port),
                                                             timeout: .seconds(2))
            defer { connection.close() }
            let closed = try await connection.closesWithin(.milliseconds(200))
            return (!closed, closed ? "the published port closes connections (nothing behind it yet)" : "accepted on the host")
        } catch {
            return (false, "\(error)")
        }
    }

    /// The status code of `GET path` over HTTP/1.0 to `endpoint`.
    public static func httpStatus(_ endpoint: String, path: String, timeout: Duration = .seconds(5)) async throws -> Int {
        let connection = try await TCPConnection.connect(endpoint, timeout: timeout)
        defer { connection.close() }
        try await connection.send(Data("GET \(path) HTTP/1.0\r\nHost: \(endpoint)\r\nConnection: close\r\n\r\n".utf8), timeout: timeout)
        var head = Data()
        while head.count < 8192, !head.contains(0x0A) {
            let chunk = try await connection.receive(timeout: timeout)
            if chunk.isEmpty { break }
            head.append(chunk)
        }
        let line = String(decoding: head.prefix { $0 != 0x0A }, as: UTF8.self)
        let parts = line.split(separator: " ")
        guard parts.count >= 2, parts[0].hasPrefix("HTTP/"), let code = Int(parts[1]) else {
            throw DockerError.malformedResponse("not an HTTP status line from \(endpoint): \(line.prefix(80))")
        }
        return code
    }
}

/// The LISTEN sockets of `/proc/net/tcp` and `/proc/net/tcp6` text.
enum ProcNetTCP {
    static func listeningPorts(_ text: String) -> Set<Int> {
        var ports = Set<Int>()
        for line in text.split(whereSeparator: \.isNewline) {
            let fields = line.split(separator: " ", omittingEmptySubsequences: true)
            guard fields.count > 3, fields[3] == "0A", let colon = fields[1].lastIndex(of: ":"),
                  let port = Int(fields[1][fields[1].index(after: colon)...], radix: 16) else { continue }
            ports.insert(port)
        }
        return ports
    }
}

/// A wait strategy did not hold in time.
public struct WaitTimeout: Error, Sendable, CustomStringConvertible {
    /// The container's name.
    public var container: String
    /// What was waited for.
    public var waitingFor: String
    /// How long it waited.
    public var seconds: Double
    /// How many checks were made.
    public var attempts: Int
    /// What the last check saw.
    public var lastObservation: String
    /// The container's last log lines.
    public var lastLogLines: [String]

    public var description: String {
        String(format: "%@: timed out after %.1f s (%d checks) waiting for %@; last check: %@", container, seconds, attempts,
               waitingFor, lastObservation)
            + "\nlast log lines:\n" + (lastLogLines.isEmpty ? "  (none)" : lastLogLines.map { "  \($0)" }.joined(separator: "\n"))
    }
}

/// The container stopped while a wait strategy was waiting for it.
public struct ContainerExited: Error, Sendable, CustomStringConvertible {
    /// The container's name.
    public var container: String
    /// Its exit code.
    public var exitCode: Int
    /// What was waited for.
    public var waitingFor: String
    /// Its last log lines.
    public var lastLogLines: [String]

    public var description: String {
        "\(container) exited with \(exitCode) while waiting for \(waitingFor)\nlast log lines:\n"
            + (lastLogLines.isEmpty ? "  (none)" : lastLogLines.map { "  \($0)" }.joined(separator: "\n"))
    }
}

extension WaitStrategy: CustomReflectable {
    /// No children: an exec strategy's environment (passwords) never shows in dumps.
    public var customMirror: Mirror { Mirror(self, children: []) }
}
