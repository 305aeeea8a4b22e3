import DockerSDK
import Foundation

/// Writing to the demo's stdout and stderr, unbuffered and binary-safe.
enum Terminal {
    static func out(_ data: Data) {
        FileHandle.standardOutput.write(data)
    }

    static func err(_ data: Data) {
        FileHandle.standardError.write(data)
    }

    /// A piece of container output to the matching stream: stderr to stderr, the rest to stdout.
    static func write(_ chunk: OutputChunk) {
        if chunk.stream == .stderr { err(chunk.data) } else { out(chunk.data) }
    }

    /// A progress line on stderr, only when stderr is a terminal.
    static func progress(_ text: String) {
        guard isatty(STDERR_FILENO) == 1 else { return }
        err(Data("\r\u{1B}[2K\(text)".utf8))
    }

    /// Ends a progress line.
    static func endProgress() {
        guard isatty(STDERR_FILENO) == 1 else { return }
        err(Data("\r\u{1B}[2K".utf8))
    }
}
