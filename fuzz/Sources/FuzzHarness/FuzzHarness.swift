import Dispatch
import Foundation

/// What every fuzz target shares: the input as `Data`, property checks that crash (so libFuzzer
/// records the input), and a bounded wait for async code.
public enum Fuzz {
    /// The input bytes as `Data`.
    public static func data(_ bytes: UnsafePointer<UInt8>?, _ size: Int) -> Data {
        guard let bytes, size > 0 else { return Data() }
        return Data(bytes: bytes, count: size)
    }

    /// A property that must hold for every input; a failure is a finding, like a crash.
    public static func require(_ condition: @autoclosure () -> Bool, _ message: @autoclosure () -> String,
                               file: StaticString = #file, line: UInt = #line) {
        if !condition() { fatalError("fuzz property failed: \(message())", file: file, line: line) }
    }

    /// Runs `body` on the concurrency pool and waits for it at most `seconds`; a longer run is a
    /// hang, i.e. a finding.
    public static func wait(seconds: Double = 10, _ body: @escaping @Sendable () async -> Void) {
        let done = DispatchSemaphore(value: 0)
        Task {
            await body()
            done.signal()
        }
        if done.wait(timeout: .now() + seconds) == .timedOut {
            fatalError("fuzz input hung for more than \(seconds) s")
        }
    }

    /// A private scratch folder for targets that parse files: on tmpfs (/dev/shm) when there is one,
    /// so that writing a file per input costs no disk I/O. Removed, with everything in it, when the
    /// process exits normally (libFuzzer's `-runs` and `-max_total_time` end with `exit`); after a
    /// crash `scripts/fuzz.sh` removes the folders of processes that are gone.
    public static func scratchDirectory(_ name: String) -> String {
        let dir = scratchBase + scratchPrefix + "\(name)-\(getpid())"
        try? FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        atexit {
            // Every scratch folder of this process (the handler captures nothing: it finds them by pid).
            let suffix = "-\(getpid())"
            let entries = (try? FileManager.default.contentsOfDirectory(atPath: Fuzz.scratchBase)) ?? []
            for entry in entries where entry.hasPrefix(Fuzz.scratchPrefix) && entry.hasSuffix(suffix) {
                try? FileManager.default.removeItem(atPath: Fuzz.scratchBase + entry)
            }
        }
        return dir
    }

    /// Where scratch folders go: /dev/shm when it exists, else the temporary directory.
    static var scratchBase: String {
        FileManager.default.fileExists(atPath: "/dev/shm") ? "/dev/shm/" : NSTemporaryDirectory()
    }

    /// The name every scratch folder starts with (`dockersdk-fuzz-<name>-<pid>`).
    static let scratchPrefix = "dockersdk-fuzz-"

    /// Replaces the file at `path` with `data` (open, truncate, write: no temporary file, no rename).
    public static func write(_ data: Data, to path: String) {
        let fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0o600)
        guard fd >= 0 else { fatalError("cannot write \(path): errno \(errno)") }
        defer { close(fd) }
        data.withUnsafeBytes { raw in
            var offset = 0
            while offset < raw.count {
                let n = Foundation.write(fd, raw.baseAddress!.advanced(by: offset), raw.count - offset)
                guard n > 0 else { fatalError("cannot write \(path): errno \(errno)") }
                offset += n
            }
        }
    }

    /// Splits an input into `count` parts at its first `count - 1` newlines (the rest is the last part).
    public static func parts(_ text: String, _ count: Int) -> [String] {
        var parts = text.split(separator: "\n", maxSplits: count - 1, omittingEmptySubsequences: false).map(String.init)
        while parts.count < count { parts.append("") }
        return parts
    }
}

/// libFuzzer's driver, for a linker that keeps the executable's own `main` instead of libFuzzer's.
@_silgen_name("LLVMFuzzerRunDriver")
func LLVMFuzzerRunDriver(
    _ argc: UnsafeMutablePointer<CInt>,
    _ argv: UnsafeMutablePointer<UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>>,
    _ callback: @convention(c) (UnsafePointer<UInt8>?, Int) -> CInt) -> CInt

extension Fuzz {
    /// Hands `callback` to libFuzzer's driver (only reached when the linker keeps the Swift `main`).
    public static func runDriver(_ callback: @convention(c) (UnsafePointer<UInt8>?, Int) -> CInt) -> Never {
        var argc = CommandLine.argc
        var argv = CommandLine.unsafeArgv
        exit(LLVMFuzzerRunDriver(&argc, &argv, callback))
    }
}
