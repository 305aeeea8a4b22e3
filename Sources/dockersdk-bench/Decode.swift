@_spi(Benchmarks) import DockerSDK
import Foundation

/// Decoding alone: the SDK's models with the SDK's decoder, against JSONDecoder and JSONSerialization,
/// on bodies recorded from the daemon in this run.
struct DecodeRows {
    let bench: Bench
    let target: String
    let listPath: String

    func run() async throws -> [Row] {
        guard bench.c != nil else {
            FileHandle.standardError.write(Data("decode rows skipped: the C baseline records the bodies\n".utf8))
            return []
        }
        let dir = NSTemporaryDirectory() + "dockersdk-bench-decode-\(getpid())"
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: dir) }
        func record(_ path: String) throws -> Data {
            let file = dir + "/body.json"
            _ = try bench.cRun(["record", path, file])
            return try Data(contentsOf: URL(fileURLWithPath: file))
        }
        let now = Int(Date().timeIntervalSince1970)
        let events = try record("/events?since=\(now - 600)&until=\(now)")
        guard let event = events.split(separator: UInt8(ascii: "\n")).first.map({ Data($0) }) else {
            throw BenchError("no event recorded")
        }
        let bodies: [(String, Data, Decoding)] = [
            ("ContainerInspect", try record("/containers/\(target)/json"), Decoding(ContainerInspect.self)),
            ("[ContainerSummary] x20", try record(listPath), Decoding([ContainerSummary].self)),
            ("[ImageSummary]", try record("/images/json"), Decoding([ImageSummary].self)),
            ("DockerEvent", event, Decoding(DockerEvent.self)),
            ("SystemVersion", try record("/version"), Decoding(SystemVersion.self)),
        ]
        var rows: [Row] = []
        let n = max(200, bench.options.iterations * 2)
        for (name, body, decoding) in bodies {
            // The same values both ways, or the comparison means nothing.
            guard try decoding.same(body) else { throw BenchError("DockerJSONDecoder and JSONDecoder disagree on \(name)") }
            var row = Row(name: "decode \(name) (\(body.count) B)", unit: "us",
                          target: name == "ContainerInspect" ? "<= 15 us" : name.hasPrefix("[ContainerSummary]") ? "<= 90 us" : nil)
            for _ in 0..<bench.options.rounds {
                row.clients["DockerJSONDecoder", default: Samples()].add(try timeSync(n) { try decoding.ours(body) })
                row.clients["DockerJSONDecoder (Codable path)", default: Samples()].add(try timeSync(n) { try decoding.codable(body) })
                row.clients["JSONDecoder", default: Samples()].add(try timeSync(n) { try decoding.foundation(body) })
                row.clients["JSONSerialization", default: Samples()].add(try timeSync(n) { _ = try JSONSerialization.jsonObject(with: body) })
            }
            rows.append(row)
        }
        return rows
    }
}

/// Decoding one model type both ways.
struct Decoding {
    let ours: (Data) throws -> Void
    /// DockerJSONDecoder without the hot models' fast paths: each model's init(from:) over the tape.
    let codable: (Data) throws -> Void
    let foundation: (Data) throws -> Void
    let same: (Data) throws -> Bool

    init<T: Decodable & Equatable>(_ type: T.Type) {
        ours = { _ = try DockerJSONDecoder().decode(T.self, from: $0) }
        codable = {
            var decoder = DockerJSONDecoder()
            decoder.fastPaths = false
            _ = try decoder.decode(T.self, from: $0)
        }
        foundation = { _ = try JSONDecoder().decode(T.self, from: $0) }
        same = {
            var codable = DockerJSONDecoder()
            codable.fastPaths = false
            let ours = try DockerJSONDecoder().decode(T.self, from: $0)
            return try ours == JSONDecoder().decode(T.self, from: $0) && ours == codable.decode(T.self, from: $0)
        }
    }
}

/// Times `body` `count` times after a warm-up, in microseconds.
func timeSync(_ count: Int, _ body: () throws -> Void) throws -> Samples {
    for _ in 0..<20 { try body() }
    var samples = Samples()
    samples.values.reserveCapacity(count)
    for _ in 0..<count {
        let start = nowNanos()
        try body()
        samples.values.append(Double(nowNanos() - start) / 1000)
    }
    return samples
}
