import DockerSDK
import Foundation

/// A command run in a container that did not succeed; the output is kept, secrets scrubbed.
public struct CommandFailed: Error, Sendable, CustomStringConvertible {
    /// The command's name (its first word), never its arguments, which may hold passwords.
    public var command: String
    /// The container.
    public var container: String
    /// The exit code.
    public var exitCode: Int
    /// What it wrote to stderr (and stdout when stderr was empty), trimmed and scrubbed.
    public var output: String

    /// The command, the container, its exit code and its output.
    public var description: String {
        "`\(command)` in \(container) exited with \(exitCode): \(output)"
    }
}

extension DockerClient {
    /// Runs `command` in `container` and returns its stdout; a non-zero exit throws `CommandFailed`.
    ///
    /// `secrets` are scrubbed from the error's text.
    func run(_ command: [String], in container: String, stdin: Data? = nil, env: [String]? = nil,
             secrets: [String] = []) async throws -> String {
        let result = try await exec.run(command, in: container, stdin: stdin, env: env)
        guard result.exitCode == 0 else {
            var text = result.stderrText.trimmingCharacters(in: .whitespacesAndNewlines)
            if text.isEmpty { text = result.stdoutText.trimmingCharacters(in: .whitespacesAndNewlines) }
            for secret in secrets where !secret.isEmpty { text = text.replacingOccurrences(of: secret, with: "<redacted>") }
            throw CommandFailed(command: command.first ?? "?", container: container, exitCode: result.exitCode,
                                output: String(text.prefix(2000)))
        }
        return result.stdoutText
    }
}
