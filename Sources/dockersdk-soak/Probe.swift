import Foundation
import CMalloc

/// What the process holds at one moment: threads (/proc/self/task), descriptors (/proc/self/fd)
/// and resident memory (VmRSS in /proc/self/status).
struct ResourceSample: Sendable, Codable, Equatable {
    var threads: Int
    var descriptors: Int
    var rssKB: Int
    /// Bytes malloc has handed out and not had back (mallinfo2: uordblks + hblkhd), in KB: what
    /// the process really holds, whatever freed pages the allocator keeps mapped.
    var heapInUseKB: Int
    /// Thread names that are not Dispatch's workers (those come and go with async work and timers).
    var namedThreads: [String]

    static func now() -> ResourceSample {
        let tasks = (try? FileManager.default.contentsOfDirectory(atPath: "/proc/self/task")) ?? []
        let names = tasks.compactMap { try? String(contentsOfFile: "/proc/self/task/\($0)/comm", encoding: .utf8) }
            .map { $0.trimmingCharacters(in: .whitespacesAndNewlines) }
        // Listing /proc/self/fd opens one descriptor for the listing itself: every sample counts it.
        let fds = (try? FileManager.default.contentsOfDirectory(atPath: "/proc/self/fd"))?.count ?? -1
        return ResourceSample(threads: tasks.count, descriptors: fds, rssKB: rss(), heapInUseKB: heapInUse(),
                              namedThreads: names.filter { !$0.contains("qos") }.sorted())
    }

    private static func rss() -> Int {
        guard let status = try? String(contentsOfFile: "/proc/self/status", encoding: .utf8) else { return -1 }
        for line in status.split(separator: "\n") where line.hasPrefix("VmRSS:") {
            return Int(line.split(separator: " ", omittingEmptySubsequences: true).dropFirst().first ?? "") ?? -1
        }
        return -1
    }

    private static func heapInUse() -> Int {
        let bytes = dsdk_heap_in_use()
        return bytes < 0 ? -1 : Int(bytes / 1024)
    }

    /// Each open descriptor's number and what it points at (`socket:[123]`, a path).
    static func descriptors() -> [Int: String] {
        let names = (try? FileManager.default.contentsOfDirectory(atPath: "/proc/self/fd")) ?? []
        var result: [Int: String] = [:]
        for name in names {
            guard let fd = Int(name) else { continue }
            result[fd] = (try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/fd/\(name)")) ?? "?"
        }
        return result
    }

    var rssMB: Double { Double(rssKB) / 1024 }
    var heapMB: Double { Double(heapInUseKB) / 1024 }

    var summary: String {
        "threads \(threads), descriptors \(descriptors), RSS \(String(format: "%.1f", rssMB)) MB, heap in use \(String(format: "%.1f", heapMB)) MB"
    }
}

/// Bounds for waiting: everything the tool awaits is limited in time.
enum Bounded {
    struct Timeout: Error, CustomStringConvertible {
        var seconds: Double
        var what: String
        var description: String { "\(what): not done within \(seconds) s" }
    }

    /// Runs `operation`, failing with `Timeout` after `seconds` (the operation is cancelled then).
    static func within<T: Sendable>(_ seconds: Double, _ what: String,
                                    _ operation: @escaping @Sendable () async throws -> T) async throws -> T {
        try await withThrowingTaskGroup(of: T?.self) { group in
            group.addTask { try await operation() }
            group.addTask {
                try await Task.sleep(for: .seconds(seconds))
                return nil
            }
            defer { group.cancelAll() }
            guard let first = try await group.next(), let value = first else { throw Timeout(seconds: seconds, what: what) }
            return value
        }
    }

    /// Polls `condition` every 250 ms for at most `seconds`; returns whether it held.
    static func poll(seconds: Double, _ condition: () -> Bool) async -> Bool {
        let deadline = Date().addingTimeInterval(seconds)
        while Date() < deadline {
            if condition() { return true }
            try? await Task.sleep(for: .milliseconds(250))
        }
        return condition()
    }
}

/// Stops a run on SIGINT or SIGTERM (the run then cleans up before exiting).
final class StopFlag: @unchecked Sendable {
    private let lock = NSLock()
    private var stopped = false
    private var sources: [any DispatchSourceSignal] = []

    init() {
        for sig in [SIGINT, SIGTERM] {
            signal(sig, SIG_IGN)
            let source = DispatchSource.makeSignalSource(signal: sig, queue: .global())
            source.setEventHandler { [weak self] in
                FileHandle.standardError.write(Data("dockersdk-soak: signal \(sig), stopping and cleaning up (60 s at most)\n".utf8))
                self?.stop()
                // Bounded: whatever is still running then, the process ends.
                DispatchQueue.global().asyncAfter(deadline: .now() + 60) { exit(130) }
            }
            source.resume()
            sources.append(source)
        }
    }

    func stop() { lock.withLock { stopped = true } }
    var isStopped: Bool { lock.withLock { stopped } }
}

/// Writes a line to stderr (progress), keeping stdout for the report.
func note(_ text: String) {
    FileHandle.standardError.write(Data("[soak] \(text)\n".utf8))
}
