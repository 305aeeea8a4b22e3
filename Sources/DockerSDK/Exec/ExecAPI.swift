import Foundation

extension DockerClient {
    /// The Exec area: run commands in running containers.
    public var exec: ExecAPI { ExecAPI(client: self) }
}

/// The Exec area of the Engine API (`/containers/{id}/exec`, `/exec/{id}/...`).
public struct ExecAPI: Sendable {
    let client: DockerClient

    /// Creates an exec instance; a stopped container is `.conflict`.
    public func create(container: String, _ config: ExecConfig) async throws -> String {
        struct Created: Decodable { let Id: String }
        return try await client.decode(Created.self, "POST", "/containers/\(ContainersAPI.escape(container))/exec",
                                       body: .json(config)).Id
    }

    /// Starts an exec in the background and returns at once.
    public func startDetached(_ id: String) async throws {
        _ = try await client.send("POST", "/exec/\(ContainersAPI.escape(id))/start",
                                  body: .json(ExecStart(detach: true, tty: false)))
    }

    /// Starts an exec and streams its output (no stdin).
    public func start(_ id: String, tty: Bool = false) async throws -> ContainerOutput {
        let response = try await client.openStream("POST", "/exec/\(ContainersAPI.escape(id))/start",
                                                   body: .json(ExecStart(detach: false, tty: tty)))
        return ContainerOutput(bytes: response.body, multiplexed: !tty)
    }

    /// Starts an exec with stdin over a hijacked connection: write, then `closeStdin()` for EOF.
    public func startAttached(_ id: String, tty: Bool = false) async throws -> AttachedSession {
        let connection = try await client.openHijacked("POST", "/exec/\(ContainersAPI.escape(id))/start",
                                                       body: .json(ExecStart(detach: false, tty: tty)))
        return AttachedSession(connection: connection, multiplexed: !tty)
    }

    /// Resizes the exec's TTY.
    public func resize(_ id: String, height: Int, width: Int) async throws {
        try await resize(id, TerminalSize(height: height, width: width))
    }

    /// The exec's state and exit code.
    public func inspect(_ id: String) async throws -> ExecInspect {
        try await client.decode(ExecInspect.self, "GET", "/exec/\(ContainersAPI.escape(id))/json")
    }

    /// Runs `command` in `container` to the end and returns its stdout, stderr and exit code.
    ///
    /// With `stdin`, the bytes are sent and stdin closed, over a hijacked connection. With `tty`, the
    /// command gets a terminal: its stdout and stderr then arrive together, raw, as `stdout` (the one
    /// setting drives both the exec's config and how its output is read).
    public func run(_ command: [String], in container: String, stdin: Data? = nil, env: [String]? = nil,
                    workingDir: String? = nil, user: String? = nil, privileged: Bool = false,
                    tty: Bool = false) async throws -> ExecResult {
        var config = ExecConfig(cmd: command, env: env, workingDir: workingDir, user: user, privileged: privileged,
                                tty: tty)
        config.attachStdin = stdin != nil
        let id = try await create(container: container, config)
        let output: (stdout: Data, stderr: Data)
        if let stdin {
            let session = try await startAttached(id, tty: tty)
            async let collected = session.output.collect()
            do {
                try await session.write(stdin)
                try await session.closeStdin()
            } catch {
                session.close()
                _ = try? await collected
                throw error
            }
            output = try await collected
            session.close()
        } else {
            output = try await start(id, tty: tty).collect()
        }
        let exitCode = try await exitCode(id)
        return ExecResult(stdout: output.stdout, stderr: output.stderr, exitCode: exitCode)
    }

    /// The exit code of an exec whose output has ended; waits (at most 10 s) for the daemon to record it.
    public func exitCode(_ id: String) async throws -> Int {
        let clock = ContinuousClock()
        let deadline = clock.now + .seconds(10)
        while true {
            let state = try await inspect(id)
            if !state.running {
                guard let code = state.exitCode else {
                    throw DockerError.malformedResponse("exec \(id) ended without an exit code")
                }
                return code
            }
            guard clock.now < deadline else { throw DockerError.timedOut(seconds: 10) }
            try await Task.sleep(for: .milliseconds(20))
        }
    }
}

/// What an exec runs and how (`POST /containers/{id}/exec`).
public struct ExecConfig: Codable, Sendable, Equatable {
    /// The command and its arguments.
    public var cmd: [String]
    /// Extra environment, `NAME=value`.
    public var env: [String]?
    /// The working directory.
    public var workingDir: String?
    /// The user.
    public var user: String?
    /// Extended privileges.
    public var privileged: Bool?
    /// Allocate a TTY.
    public var tty: Bool?
    /// Attach stdin.
    public var attachStdin: Bool?
    /// Attach stdout.
    public var attachStdout: Bool?
    /// Attach stderr.
    public var attachStderr: Bool?

    /// Creates an exec configuration that captures stdout and stderr.
    public init(cmd: [String], env: [String]? = nil, workingDir: String? = nil, user: String? = nil,
                privileged: Bool = false, tty: Bool = false, attachStdin: Bool = false) {
        self.cmd = cmd
        self.env = env
        self.workingDir = workingDir
        self.user = user
        self.privileged = privileged
        self.tty = tty
        self.attachStdin = attachStdin
        attachStdout = true
        attachStderr = true
    }

    enum CodingKeys: String, CodingKey {
        case cmd = "Cmd", env = "Env", workingDir = "WorkingDir", user = "User", privileged = "Privileged", tty = "Tty"
        case attachStdin = "AttachStdin", attachStdout = "AttachStdout", attachStderr = "AttachStderr"
    }
}

struct ExecStart: Encodable {
    let detach: Bool
    let tty: Bool
    enum CodingKeys: String, CodingKey { case detach = "Detach", tty = "Tty" }
}

/// What a finished command produced.
public struct ExecResult: Sendable, Equatable {
    /// Everything written to stdout.
    public var stdout: Data
    /// Everything written to stderr.
    public var stderr: Data
    /// The exit code.
    public var exitCode: Int

    /// Creates a result.
    public init(stdout: Data, stderr: Data, exitCode: Int) {
        self.stdout = stdout
        self.stderr = stderr
        self.exitCode = exitCode
    }

    /// stdout as UTF-8 text.
    public var stdoutText: String { String(decoding: stdout, as: UTF8.self) }
    /// stderr as UTF-8 text.
    public var stderrText: String { String(decoding: stderr, as: UTF8.self) }
}
