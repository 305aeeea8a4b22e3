import Foundation

/// Samples of one client on one row, in the row's unit (microseconds, requests/s or MB/s).
struct Samples: Codable {
    var values: [Double] = []
    /// Extra figures (peak RSS in MB, bytes, errors...).
    var extra: [String: Double] = [:]

    func percentile(_ p: Double) -> Double {
        guard !values.isEmpty else { return .nan }
        let sorted = values.sorted()
        let rank = Int((p / 100 * Double(sorted.count)).rounded(.up)) - 1
        return sorted[Swift.min(Swift.max(rank, 0), sorted.count - 1)]
    }

    var median: Double { percentile(50) }
    var min: Double { values.min() ?? .nan }
    var max: Double { values.max() ?? .nan }

    mutating func add(_ other: Samples) {
        values += other.values
        for (key, value) in other.extra { extra[key] = Swift.max(extra[key] ?? value, value) }
    }

    /// `name t1 t2 ...` lines in nanoseconds (what the C and Python baselines print), as microseconds.
    static func parseTimes(_ output: String) -> [String: Samples] {
        var result: [String: Samples] = [:]
        for line in output.split(separator: "\n") {
            let fields = line.split(separator: " ")
            guard let name = fields.first, fields.count > 1, !fields[1].contains("=") else { continue }
            result[String(name)] = Samples(values: fields.dropFirst().compactMap { Double($0) }.map { $0 / 1000 })
        }
        return result
    }

    /// `name key=value ...` lines.
    static func parseFields(_ output: String) -> [String: [String: Double]] {
        var result: [String: [String: Double]] = [:]
        for line in output.split(separator: "\n") {
            let fields = line.split(separator: " ")
            guard let name = fields.first else { continue }
            var values: [String: Double] = [:]
            for field in fields.dropFirst() {
                let parts = field.split(separator: "=", maxSplits: 1)
                if parts.count == 2, let value = Double(parts[1]) { values[String(parts[0])] = value }
            }
            if !values.isEmpty { result[String(name)] = values }
        }
        return result
    }
}

/// A monotonic clock in nanoseconds.
@inline(__always)
func nowNanos() -> UInt64 {
    var ts = timespec()
    clock_gettime(CLOCK_MONOTONIC, &ts)
    return UInt64(ts.tv_sec) * 1_000_000_000 + UInt64(ts.tv_nsec)
}

/// Times `body` `count` times (after `warmup` untimed runs), in microseconds; stops early after `limit` seconds.
func timeAsync(_ count: Int, warmup: Int = 10, limit: Double = 120, _ body: () async throws -> Void) async throws -> Samples {
    for _ in 0..<warmup { try await body() }
    var samples = Samples()
    samples.values.reserveCapacity(count)
    let deadline = nowNanos() + UInt64(limit * 1e9)
    for _ in 0..<count where nowNanos() < deadline {
        let start = nowNanos()
        try await body()
        samples.values.append(Double(nowNanos() - start) / 1000)
    }
    return samples
}

/// Peak resident set size of this process in kB (VmHWM).
func peakRSSKB() -> Double {
    guard let status = try? String(contentsOfFile: "/proc/self/status", encoding: .utf8) else { return .nan }
    for line in status.split(separator: "\n") where line.hasPrefix("VmHWM:") {
        return Double(line.split(separator: " ").dropFirst().first ?? "") ?? .nan
    }
    return .nan
}

/// Resident set size of this process in kB (VmRSS).
func currentRSSKB() -> Double {
    guard let status = try? String(contentsOfFile: "/proc/self/status", encoding: .utf8) else { return .nan }
    for line in status.split(separator: "\n") where line.hasPrefix("VmRSS:") {
        return Double(line.split(separator: " ").dropFirst().first ?? "") ?? .nan
    }
    return .nan
}

/// The anonymous (private heap, stacks) and file-backed (mapped libraries and binary) parts of
/// the current RSS in kB (RssAnon, RssFile).
func rssPartsKB() -> (anon: Double, file: Double) {
    guard let status = try? String(contentsOfFile: "/proc/self/status", encoding: .utf8) else { return (.nan, .nan) }
    var anon = Double.nan, file = Double.nan
    for line in status.split(separator: "\n") {
        let value = Double(line.split(separator: " ").dropFirst().first ?? "") ?? .nan
        if line.hasPrefix("RssAnon:") { anon = value } else if line.hasPrefix("RssFile:") { file = value }
    }
    return (anon, file)
}

/// Resets the peak RSS to the current RSS (Linux: writing 5 to clear_refs).
func resetPeakRSS() {
    try? "5".write(toFile: "/proc/self/clear_refs", atomically: false, encoding: .utf8)
}
