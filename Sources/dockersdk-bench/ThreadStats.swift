import Foundation

/// What the scheduler did with this process's threads, from /proc/self/task/*/schedstat and status:
/// CPU time, time spent runnable but waiting for a core, sleeps (voluntary switches) and preemptions.
/// Taken before and after a measurement, the difference says whether a slower run computed more,
/// slept more, or waited for a core more (load from elsewhere).
struct ThreadStats {
    var cpuNanos: Double = 0
    var runqueueNanos: Double = 0
    var sleeps: Double = 0
    var preemptions: Double = 0
    /// The same figures for the transport's loop threads (`dockersdk-loop`) alone.
    var loopCPUNanos: Double = 0
    var loopSleeps: Double = 0

    /// The current totals over every thread of the process.
    static func now() -> ThreadStats {
        var total = ThreadStats()
        let tasks = (try? FileManager.default.contentsOfDirectory(atPath: "/proc/self/task")) ?? []
        for tid in tasks {
            let dir = "/proc/self/task/\(tid)/"
            guard let sched = try? String(contentsOfFile: dir + "schedstat", encoding: .utf8),
                  let status = try? String(contentsOfFile: dir + "status", encoding: .utf8) else { continue }
            let fields = sched.split(separator: " ").compactMap { Double($0.trimmingCharacters(in: .whitespacesAndNewlines)) }
            guard fields.count >= 2 else { continue }
            var voluntary = 0.0, involuntary = 0.0, isLoop = false
            for line in status.split(separator: "\n") {
                if line.hasPrefix("voluntary_ctxt_switches:") {
                    voluntary = Double(line.split(separator: ":")[1].trimmingCharacters(in: .whitespaces)) ?? 0
                } else if line.hasPrefix("nonvoluntary_ctxt_switches:") {
                    involuntary = Double(line.split(separator: ":")[1].trimmingCharacters(in: .whitespaces)) ?? 0
                } else if line.hasPrefix("Name:") {
                    isLoop = line.contains("dockersdk-loop")
                }
            }
            total.cpuNanos += fields[0]
            total.runqueueNanos += fields[1]
            total.sleeps += voluntary
            total.preemptions += involuntary
            if isLoop {
                total.loopCPUNanos += fields[0]
                total.loopSleeps += voluntary
            }
        }
        return total
    }

    /// `after - before`, per `unit` (MB, requests...) of work; threads that ended in between are
    /// missing from `after`, so a figure can only be an underestimate, never negative noise.
    static func delta(_ before: ThreadStats, _ after: ThreadStats, per unit: Double, label: String) -> [String: Double] {
        let u = max(unit, 1)
        return [
            "cpu ms/\(label)": max(0, after.cpuNanos - before.cpuNanos) / 1e6 / u,
            "runq wait ms/\(label)": max(0, after.runqueueNanos - before.runqueueNanos) / 1e6 / u,
            "sleeps/\(label)": max(0, after.sleeps - before.sleeps) / u,
            "preemptions/\(label)": max(0, after.preemptions - before.preemptions) / u,
            "loop cpu ms/\(label)": max(0, after.loopCPUNanos - before.loopCPUNanos) / 1e6 / u,
            "loop sleeps/\(label)": max(0, after.loopSleeps - before.loopSleeps) / u,
        ]
    }
}

/// Per-sample extra figures of one client, reported as their medians (`Samples.add` keeps maxima).
struct ExtraMedians {
    private var values: [String: [Double]] = [:]

    mutating func add(_ extra: [String: Double]) {
        for (key, value) in extra { values[key, default: []].append(value) }
    }

    var medians: [String: Double] {
        values.mapValues { Samples(values: $0).median }
    }
}

/// A client whose transport runs one loop thread (DOCKERSDK_LOOP_THREADS=1), for the in-process
/// comparison with the default loop group (`--loop-ab`). The variable is read once, when the
/// transport is made, and restored at once.
func withLoopThreads<T>(_ count: Int, _ body: () throws -> T) rethrows -> T {
    let old = getenv("DOCKERSDK_LOOP_THREADS").map { String(cString: $0) }
    setenv("DOCKERSDK_LOOP_THREADS", "\(count)", 1)
    defer {
        if let old { setenv("DOCKERSDK_LOOP_THREADS", old, 1) } else { unsetenv("DOCKERSDK_LOOP_THREADS") }
    }
    return try body()
}
