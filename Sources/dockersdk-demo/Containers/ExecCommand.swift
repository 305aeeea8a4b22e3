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
            let (input, credits) = Self.standardInput()
            let pump = Task {
                for await chunk in input {
                    try await session.write(chunk)
                    credits.signal()
                }
                try await session.closeStdin()
            }
            for try await chunk in session.output {
                Terminal.write(chunk)
            }
            pump.cancel()
            session.close()
        } else {
            for try await chunk in try await docker.exec.start(id) {
                Terminal.write(chunk)
            }
        }
        return try await docker.exec.exitCode(id)
    }

    /// Our stdin, read on a thread of its own (a blocking read must not hold a cooperative thread);
    /// at most 4 chunks wait: the consumer signals `credits` after sending each one.
    static func standardInput() -> (AsyncStream<Data>, DispatchSemaphore) {
        let credits = DispatchSemaphore(value: 4)
        let stream = AsyncStream<Data> { continuation in
            let thread = Thread {
                while let chunk = try? FileHandle.standardInput.read(upToCount: 64 << 10), !chunk.isEmpty {
                    credits.wait()
                    continuation.yield(chunk)
                }
                continuation.finish()
            }
            thread.start()
        }
        return (stream, credits)
    }
}
