import DockerSDK
import Foundation
import Synchronization

/// The demo's one way to its stdout and stderr: unbuffered, binary-safe write(2) calls.
///
/// Every byte the demo prints goes through `Terminal.writeAll`, including `print(...)`, which this
/// module shadows below, so a command file that calls `print` gets the same handling. When the
/// reader has gone away (`dockersdk-demo logs -f C | head -1`) write(2) fails with EPIPE (SIGPIPE is
/// ignored in `Main`): the demo then exits at once and silently with status 141 (128 + SIGPIPE, what
/// a shell reports for tools that SIGPIPE kills), instead of FileHandle's trap. Any other failure to
/// write stdout (a full disk, a closed descriptor) is one line on stderr and exit status 1, so output
/// is never cut short silently.
enum Terminal {
    /// Serializes writers, so concurrent stdout and stderr chunks (exec, logs) never interleave mid-chunk.
    private static let lock = Mutex(())

    /// Raw bytes to stdout.
    static func out(_ data: Data) {
        writeAll(STDOUT_FILENO, data)
    }

    /// Raw bytes to stderr.
    static func err(_ data: Data) {
        writeAll(STDERR_FILENO, data)
    }

    /// A text line to stdout.
    static func line(_ text: String) {
        out(Data((text + "\n").utf8))
    }

    /// A text line to stderr.
    static func errorLine(_ text: String) {
        err(Data((text + "\n").utf8))
    }

    /// A piece of container output to the matching stream: stderr to stderr, the rest to stdout.
    static func write(_ chunk: OutputChunk) {
        if chunk.stream == .stderr { err(chunk.data) } else { out(chunk.data) }
    }

    /// Writes every byte of `data` to `fd`, retrying short writes and EINTR; EPIPE ends the process quietly.
    static func writeAll(_ fd: Int32, _ data: Data) {
        guard !data.isEmpty else { return }
        // A recipe step still spinning on the terminal becomes a finished line before anything else is written.
        StepDisplay.shared.settle()
        lock.withLock { _ in
            data.withUnsafeBytes { raw in
                guard let base = raw.baseAddress else { return }
                var offset = 0
                while offset < raw.count {
                    let written = Foundation.write(fd, base + offset, raw.count - offset)
                    if written >= 0 {
                        offset += written
                        continue
                    }
                    switch errno {
                    case EINTR:
                        continue
                    case EAGAIN:
                        // A non-blocking descriptor inherited from the caller: wait until it drains.
                        var ready = pollfd(fd: fd, events: Int16(POLLOUT), revents: 0)
                        _ = poll(&ready, 1, 1000)
                    case EPIPE:
                        _exit(Terminal.brokenPipeStatus)
                    default:
                        let reason = String(cString: strerror(errno))
                        if fd != STDERR_FILENO {
                            let message = "error: cannot write to \(fd == STDOUT_FILENO ? "stdout" : "fd \(fd)"): \(reason)\n"
                            _ = message.withCString { Foundation.write(STDERR_FILENO, $0, strlen($0)) }
                        }
                        _exit(1)
                    }
                }
            }
        }
    }

    /// The exit status when a reader closes the pipe: 128 + SIGPIPE, as a shell reports for `yes | head -1`.
    static let brokenPipeStatus: Int32 = 141
}

/// `print` for the demo: the same formatting as Swift's, written through `Terminal` (see there).
func print(_ items: Any..., separator: String = " ", terminator: String = "\n") {
    let text = items.map { String(describing: $0) }.joined(separator: separator) + terminator
    Terminal.out(Data(text.utf8))
}
