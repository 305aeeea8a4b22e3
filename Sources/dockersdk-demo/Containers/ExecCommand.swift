import ArgumentParser
import DockerSDK
import Foundation

/// `dockersdk-demo exec`: runs a command in a running container; piped stdin goes to it; exits with its code.
struct ExecCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "exec", abstract: "Run a command in a running container.")

    @OptionGroup var global: GlobalOptions
    @Option(name: .short, help: "Environment variable NAME=value (repeatable).") var env: [String] = []
    @Option(name: .shortAndLong, help: "The user.") var user: String?
    @Option(name: .shortAndLong, help: "The working directory.") var workdir: String?
    @Argument(help: "The container.") var container: String
    @Argument(parsing: .postTerminator, help: "The command and its arguments.") var command: [String]

    func run() async throws {
        let code: Int
        do {
            code = try await execute()
        } catch {
            throw fail(error)
        }
        if code != 0 { throw ExitCode(Int32(truncatingIfNeeded: code)) }
    }

    private func execute() async throws -> Int {
        let docker = try global.client()
        let piped = isatty(STDIN_FILENO) == 0
        let config = ExecConfig(cmd: command, env: env.isEmpty ? nil : env, workingDir: workdir, user: user,
                                attachStdin: piped)
        let id = try await docker.exec.create(container: container, config)
        if piped {
            let session = try await docker.exec.startAttached(id)
            let pump = Task {
                let input = FileHandle.standardInput
                while let chunk = try input.read(upToCount: 64 << 10), !chunk.isEmpty {
                    try await session.write(chunk)
                }
                try await session.closeStdin()
            }
            for try await chunk in session.output {
                if chunk.stream == .stderr { Terminal.err(chunk.data) } else { Terminal.out(chunk.data) }
            }
            pump.cancel()
            try? await pump.value
            session.close()
        } else {
            for try await chunk in try await docker.exec.start(id) {
                if chunk.stream == .stderr { Terminal.err(chunk.data) } else { Terminal.out(chunk.data) }
            }
        }
        for _ in 0..<100 {
            let state = try await docker.exec.inspect(id)
            if !state.running { return state.exitCode ?? 0 }
            try await Task.sleep(for: .milliseconds(20))
        }
        throw DockerError.timedOut(seconds: 2)
    }
}
