import Foundation

/// Runs a program to its end (killed after `timeout` seconds) and returns its standard output.
@discardableResult
func runProgram(_ executable: String, _ arguments: [String], timeout: TimeInterval, discardOutput: Bool = false) throws -> String {
    let process = Process()
    process.executableURL = URL(fileURLWithPath: executable)
    process.arguments = arguments
    let output = Pipe()
    let errors = Pipe()
    process.standardOutput = discardOutput ? FileHandle.nullDevice : output
    process.standardError = errors
    try process.run()
    let timer = DispatchWorkItem { if process.isRunning { process.terminate() } }
    DispatchQueue.global().asyncAfter(deadline: .now() + timeout, execute: timer)
    let errorBox = ErrorOutput()
    let reader = Thread { errorBox.data = errors.fileHandleForReading.readDataToEndOfFile() }
    reader.start()
    let data = discardOutput ? Data() : output.fileHandleForReading.readDataToEndOfFile()
    process.waitUntilExit()
    while !errorBox.done { usleep(1000) }
    timer.cancel()
    guard process.terminationStatus == 0 else {
        throw BenchError("\(executable) \(arguments.prefix(4).joined(separator: " ")) failed (status \(process.terminationStatus)): "
            + String(decoding: errorBox.data.suffix(2000), as: UTF8.self))
    }
    return String(decoding: data, as: UTF8.self)
}

/// Wall time of one program run, in microseconds (process start included: what a shell user waits).
func timeProcess(_ executable: String, _ arguments: [String], timeout: TimeInterval = 120) throws -> Double {
    let start = nowNanos()
    try runProgram(executable, arguments, timeout: timeout, discardOutput: true)
    return Double(nowNanos() - start) / 1000
}

struct BenchError: Error, CustomStringConvertible {
    var description: String
    init(_ description: String) { self.description = description }
}

/// Standard error of a child, read on a thread of its own so neither pipe fills up.
private final class ErrorOutput: @unchecked Sendable {
    private let lock = NSLock()
    private var stored = Data()
    private var finished = false

    var data: Data {
        get { lock.withLock { stored } }
        set { lock.withLock { stored = newValue; finished = true } }
    }

    var done: Bool { lock.withLock { finished } }
}
