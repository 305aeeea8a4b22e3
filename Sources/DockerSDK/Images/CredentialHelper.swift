import Foundation

/// A docker credential helper: the `docker-credential-NAME` executable on `PATH`, spoken to with
/// the docker-credential-helpers protocol (`get` and `erase` read the server URL on stdin, `store`
/// reads `{"ServerURL","Username","Secret"}`; `get` answers that JSON on stdout). Secrets only ever
/// travel through the pipes, never on a command line; errors never quote them.
public struct CredentialHelper: Sendable, Equatable {
    /// The helper's name: `pass` runs `docker-credential-pass`.
    public var name: String
    /// The environment whose `PATH` finds it (and which it runs with).
    public var environment: [String: String]
    /// How long one call may take before the helper is stopped.
    public var timeout: Duration

    /// Names a helper.
    public init(name: String, environment: [String: String] = ProcessInfo.processInfo.environment,
                timeout: Duration = .seconds(30)) {
        self.name = name
        self.environment = environment
        self.timeout = timeout
    }

    /// The user name a helper stores for an identity token instead of a password.
    public static let tokenUsername = "<token>"

    /// The credentials the helper holds for `server`; nil when it has none ("credentials not found").
    public func get(server: String) throws -> RegistryAuth? {
        let result = try run("get", input: Data(server.utf8))
        guard result.status == 0 else {
            let text = String(decoding: result.stdout + result.stderr, as: UTF8.self)
            if text.lowercased().contains("credentials not found") { return nil }
            // Only stderr is quoted: stdout is where a helper writes secrets.
            throw DockerError.invalidArgument(
                "docker-credential-\(name) get failed (exit \(result.status)): \(Self.firstLine(String(decoding: result.stderr, as: UTF8.self)))")
        }
        struct Answer: Decodable {
            let ServerURL: String?
            let Username: String?
            let Secret: String?
        }
        guard let answer = try? JSONDecoder().decode(Answer.self, from: result.stdout) else {
            throw DockerError.invalidArgument("docker-credential-\(name) get answered something that is not its JSON")
        }
        if answer.Username == Self.tokenUsername {
            return RegistryAuth(identityToken: answer.Secret, serverAddress: server)
        }
        return RegistryAuth(username: answer.Username, password: answer.Secret, serverAddress: server)
    }

    /// Stores credentials for `server` (what `docker login` does with a helper).
    public func store(_ auth: RegistryAuth, server: String) throws {
        struct Entry: Encodable {
            let ServerURL: String
            let Username: String
            let Secret: String
        }
        let entry: Entry = if let token = auth.identityToken, !token.isEmpty {
            Entry(ServerURL: server, Username: Self.tokenUsername, Secret: token)
        } else {
            Entry(ServerURL: server, Username: auth.username ?? "", Secret: auth.password ?? "")
        }
        let result = try run("store", input: try JSONEncoder().encode(entry))
        guard result.status == 0 else {
            throw DockerError.invalidArgument(
                "docker-credential-\(name) store failed (exit \(result.status)): \(Self.firstLine(String(decoding: result.stderr, as: UTF8.self)))")
        }
    }

    /// Forgets the credentials for `server` (`docker logout`).
    public func erase(server: String) throws {
        let result = try run("erase", input: Data(server.utf8))
        guard result.status == 0 else {
            throw DockerError.invalidArgument("docker-credential-\(name) erase failed (exit \(result.status))")
        }
    }

    /// The executable's path, searched on `PATH`.
    public func executable() throws -> String {
        let program = "docker-credential-\(name)"
        guard !name.isEmpty, !name.contains("/") else {
            throw DockerError.invalidArgument("bad credential helper name \"\(name)\"")
        }
        let path = environment["PATH"] ?? "/usr/local/bin:/usr/bin:/bin"
        for folder in path.split(separator: ":") where !folder.isEmpty {
            let candidate = (String(folder) as NSString).appendingPathComponent(program)
            if FileManager.default.isExecutableFile(atPath: candidate) { return candidate }
        }
        throw DockerError.invalidArgument("the credential helper \(program) is not on PATH")
    }

    struct RunResult {
        var status: Int32
        var stdout: Data
        var stderr: Data
    }

    /// Runs `docker-credential-NAME action` with `input` on stdin; bounded by `timeout`.
    func run(_ action: String, input: Data) throws -> RunResult {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: try executable())
        process.arguments = [action]
        process.environment = environment
        let stdin = Pipe(), stdout = Pipe(), stderr = Pipe()
        process.standardInput = stdin
        process.standardOutput = stdout
        process.standardError = stderr
        do { try process.run() } catch {
            throw DockerError.invalidArgument("cannot run docker-credential-\(name): \(error.localizedDescription)")
        }
        // The input is small: it fits in the pipe whether or not the helper reads it.
        try? stdin.fileHandleForWriting.write(contentsOf: input)
        try? stdin.fileHandleForWriting.close()
        let timedOut = TimeoutFlag()
        let seconds = Double(timeout.components.seconds) + Double(timeout.components.attoseconds) / 1e18
        let watchdog = DispatchWorkItem {
            if process.isRunning {
                timedOut.set()
                process.terminate()
            }
        }
        DispatchQueue.global().asyncAfter(deadline: .now() + seconds, execute: watchdog)
        let errorData = ErrorCollector()
        let errorDone = DispatchSemaphore(value: 0)
        DispatchQueue.global().async {
            errorData.set(stderr.fileHandleForReading.readDataToEndOfFile())
            errorDone.signal()
        }
        let output = stdout.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        watchdog.cancel()
        _ = errorDone.wait(timeout: .now() + 5)
        if timedOut.isSet { throw DockerError.timedOut(seconds: seconds) }
        return RunResult(status: process.terminationStatus, stdout: output, stderr: errorData.get())
    }

    static func firstLine(_ text: String) -> String {
        String(text.split(separator: "\n").first ?? "").prefix(300).description
    }
}

private final class TimeoutFlag: @unchecked Sendable {
    private let lock = NSLock()
    private var value = false
    func set() { lock.withLock { value = true } }
    var isSet: Bool { lock.withLock { value } }
}

private final class ErrorCollector: @unchecked Sendable {
    private let lock = NSLock()
    private var data = Data()
    func set(_ data: Data) { lock.withLock { self.data = data } }
    func get() -> Data { lock.withLock { data } }
}
