import Foundation

/// Latency samples of one operation by one client, in nanoseconds.
struct Samples {
    var values: [UInt64]

    var mean: Double { values.isEmpty ? .nan : Double(values.reduce(0, +)) / Double(values.count) }

    /// The `p`-th percentile (0...100), nearest rank.
    func percentile(_ p: Double) -> Double {
        guard !values.isEmpty else { return .nan }
        let sorted = values.sorted()
        let rank = Int((p / 100 * Double(sorted.count)).rounded(.up)) - 1
        return Double(sorted[min(max(rank, 0), sorted.count - 1)])
    }

    /// Adds another round's samples, operation by operation.
    static func merge(_ into: inout [String: Samples]?, _ round: [String: Samples]?) {
        guard let round else { return }
        var merged = into ?? [:]
        for (name, samples) in round { merged[name, default: Samples(values: [])].values += samples.values }
        into = merged
    }

    /// Parses `name n1 n2 ...` lines (what the C and Python baselines print).
    static func parse(_ output: String) -> [String: Samples] {
        var result: [String: Samples] = [:]
        for line in output.split(separator: "\n") {
            let fields = line.split(separator: " ")
            guard let name = fields.first, fields.count > 1 else { continue }
            result[String(name)] = Samples(values: fields.dropFirst().compactMap { UInt64($0) })
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

/// Microseconds with one decimal.
func micros(_ nanos: Double) -> String {
    nanos.isNaN ? "-" : String(format: "%.1f", nanos / 1000)
}
