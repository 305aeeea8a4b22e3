import Foundation

/// The table (Markdown, readable in a terminal too) and bench/results.json.
struct Report {
    let rows: [Row]
    let apiVersion: String
    let options: BenchOptions

    /// The client each row's ratios are about.
    static func subject(_ row: Row) -> String? {
        ["SDK", "DockerJSONDecoder", "SDK, waits open"].first { row.clients[$0] != nil }
    }

    /// subject / other, by medians (p99 for the waits row), oriented so that > 1 means "the subject is slower".
    static func ratios(_ row: Row) -> [(String, Double)] {
        guard let subject = subject(row), let mine = row.clients[subject] else { return [] }
        let p: Double = subject == "SDK, waits open" ? 99 : 50
        return row.clients.keys.sorted().filter { $0 != subject }.compactMap { other in
            guard let theirs = row.clients[other] else { return nil }
            let a = mine.percentile(p), b = theirs.percentile(p)
            return (other, row.higherIsBetter ? b / a : a / b)
        }
    }

    func format(_ value: Double) -> String {
        value.isNaN ? "-" : value >= 1000 ? String(format: "%.0f", value) : value >= 100 ? String(format: "%.1f", value) : String(format: "%.2f", value)
    }

    func markdown() -> String {
        var out = "| row | client | median | p90 | p99 | min | max | n | subject's time / client's |\n|---|---|---:|---:|---:|---:|---:|---:|---|\n"
        for row in rows {
            let subject = Self.subject(row)
            let ratios = Dictionary(Self.ratios(row), uniquingKeysWith: { a, _ in a })
            let order = row.clients.keys.sorted { ($0 == subject ? 0 : 1, $0) < ($1 == subject ? 0 : 1, $1) }
            for (k, client) in order.enumerated() {
                guard let s = row.clients[client] else { continue }
                let extra = s.extra.sorted { $0.key < $1.key }.map { "\($0.key) \(format($0.value))" }.joined(separator: ", ")
                let ratio = ratios[client].map { $0.isFinite ? String(format: "%.2fx", $0) : "-" } ?? (client == subject ? (row.target ?? "") : "")
                out += "| \(k == 0 ? "\(row.name) (\(row.unit))" : "") | \(client)\(extra.isEmpty ? "" : " (\(extra))") | "
                    + [s.median, s.percentile(90), s.percentile(99), s.min, s.max].map(format).joined(separator: " | ")
                    + " | \(s.values.count) | \(ratio) |\n"
            }
            if let note = row.note { out += "| | note: \(note) | | | | | | | |\n" }
        }
        return out
    }

    func json() throws -> Data {
        struct Client: Encodable {
            var median, p90, p99, min, max: Double?
            var count: Int
            var extra: [String: Double]
        }
        struct Entry: Encodable {
            var name, unit: String
            var target, note: String?
            var clients: [String: Client]
            var ratios: [String: Double]
        }
        struct File: Encodable {
            var date: String
            var apiVersion: String
            var rounds: Int
            var ratioMeaning: String
            var rows: [Entry]
        }
        func finite(_ v: Double) -> Double? { v.isFinite ? (v * 1000).rounded() / 1000 : nil }
        let entries = rows.map { row in
            Entry(name: row.name, unit: row.unit, target: row.target, note: row.note,
                  clients: row.clients.mapValues { s in
                      Client(median: finite(s.median), p90: finite(s.percentile(90)), p99: finite(s.percentile(99)),
                             min: finite(s.min), max: finite(s.max), count: s.values.count, extra: s.extra.compactMapValues(finite))
                  },
                  ratios: Dictionary(Self.ratios(row).compactMap { k, v in finite(v).map { (k, $0) } }, uniquingKeysWith: { a, _ in a }))
        }
        let file = File(date: ISO8601DateFormatter().string(from: Date()), apiVersion: apiVersion, rounds: options.rounds,
                        ratioMeaning: "subject (SDK or DockerJSONDecoder) time over the client's time, by medians (p99 for the waits row); > 1 means the subject is slower",
                        rows: entries)
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
        return try encoder.encode(file)
    }
}
