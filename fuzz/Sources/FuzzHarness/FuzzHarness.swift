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
