import DockerSDK
import Foundation

/// The log-stream rows: a large non-TTY log demultiplexed, from the daemon and replayed from memory.
struct LogRows {
    let bench: Bench

    func run() async throws -> [Row] {
        let options = bench.options
        let docker = bench.docker
        let mb = options.logMB
        let line = String(repeating: "0123456789abcdef", count: 64)
        let id = try await bench.resources.container(["sh", "-c", "yes \(line) | head -c \(mb << 20)"], name: "logs")
        try await docker.containers.start(id)
        guard await withTimeout(300, { _ = try await docker.containers.wait(id) }) else {
            throw BenchError("the log writer did not finish within 300 s")
        }
        let rounds = max(1, options.rounds / 2)
        var rows: [Row] = []
        if options.runs("logs") {
            var row = Row(name: "logs \(mb) MB from the daemon, demultiplexed", unit: "MB/s",
                          target: ">= 0.95 x C; peak RSS < 32 MB")
            for _ in 0..<rounds {
                row.clients["SDK", default: Samples()].add(try await sdkLogs(docker, id))
                if let s = bench.attempt("C logs", { fields(try bench.cRun(["logs", id])) }) { row.clients["C", default: Samples()].add(s) }
                if let s = bench.attempt("docker-py logs", { fields(try bench.pyRun(["logs", id])) }) { row.clients["docker-py", default: Samples()].add(s) }
                if let cli = bench.cli {
                    let micros = try timeProcess(cli, ["logs", id], timeout: 300)
                    row.clients["docker CLI", default: Samples()].add(Samples(values: [Double(mb << 20) / 1e6 / (micros / 1e6)]))
                }
            }
            rows.append(row)
        }
        if options.runs("replay"), bench.c != nil {
            let dir = NSTemporaryDirectory() + "dockersdk-bench-\(getpid())"
            try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
            defer { try? FileManager.default.removeItem(atPath: dir) }
            _ = try bench.cRun(["record", "/containers/\(id)/logs?stdout=1&stderr=1", dir + "/logs.bin"])
            _ = try bench.cRun(["record", "/containers/\(id)/json", dir + "/inspect.json"])
            let server = try ReplayServer(path: dir + "/replay.sock", version: "\(bench.version)",
                                          logs: try Data(contentsOf: URL(fileURLWithPath: dir + "/logs.bin")),
                                          inspect: try Data(contentsOf: URL(fileURLWithPath: dir + "/inspect.json")))
            defer { server.stop() }
            let replayed = try DockerClient(host: .unix(path: server.path), apiVersion: bench.version, environment: [:])
            // --loop-ab: the same stream through a client with one loop thread, in the same rounds.
            let oneLoop = try options.loopAB ? withLoopThreads(1) {
                try DockerClient(host: .unix(path: server.path), apiVersion: bench.version, environment: [:])
            } : nil
            var row = Row(name: "logs \(mb) MB replayed from memory, demultiplexed", unit: "MB/s",
                          target: ">= 0.5 x C and >= 3 x docker CLI",
                          note: "a local unix-socket server in the bench process replays the recorded stream; its buffer is in the same process, so no RSS here"
                            + (options.loopAB ? "; with --loop-ab, per-MB scheduler figures of the whole process (medians)" : ""))
            var extras: [String: ExtraMedians] = [:]
            for round in 0..<rounds {
                // Alternate which loop set-up goes first, so that neither always follows the C run.
                var sides: [(String, DockerClient)] = [("SDK", replayed)]
                if let oneLoop { sides.insert(("SDK, 1 loop thread", oneLoop), at: round % 2 == 0 ? 1 : 0) }
                for (name, client) in sides {
                    let before = ThreadStats.now()
                    var sdk = try await sdkLogs(client, id)
                    let after = ThreadStats.now()
                    sdk.extra = [:]
                    if options.loopAB { extras[name, default: ExtraMedians()].add(ThreadStats.delta(before, after, per: Double(mb), label: "MB")) }
                    row.clients[name, default: Samples()].add(sdk)
                }
                if let s = bench.attempt("C replay", { fields(try bench.cRun(["logs", id], socket: server.path)) }) {
                    var s = s
                    s.extra = [:]
                    row.clients["C", default: Samples()].add(s)
                }
                if let cli = bench.cli {
                    let micros = try timeProcess(cli, ["-H", "unix://\(server.path)", "logs", id], timeout: 300)
                    row.clients["docker CLI", default: Samples()].add(Samples(values: [Double(mb << 20) / 1e6 / (micros / 1e6)]))
                }
            }
            for (name, medians) in extras { row.clients[name]?.extra = medians.medians }
            rows.append(row)
        }
        if options.runs("rss") {
            let ticker = try await bench.resources.container(["sh", "-c", "while true; do echo tick; sleep 1; done"],
                                                             name: "rss-ticker", start: true)
            rows.append(try FootprintRows(bench: bench).peakRSS(log: id, ticker: ticker))
            try await docker.containers.remove(ticker, force: true)
        }
        try await docker.containers.remove(id, force: true)
        return rows
    }

    /// MB/s of the SDK reading every chunk of the logs, with the peak RSS while it did.
    func sdkLogs(_ client: DockerClient, _ id: String) async throws -> Samples {
        resetPeakRSS()
        let before = currentRSSKB()
        let start = nowNanos()
        var bytes = 0
        for try await chunk in try await client.containers.logs(id) { bytes += chunk.data.count }
        let seconds = Double(nowNanos() - start) / 1e9
        guard bytes == bench.options.logMB << 20 else { throw BenchError("logs: \(bytes) bytes, expected \(bench.options.logMB << 20)") }
        return Samples(values: [Double(bytes) / 1e6 / seconds],
                       extra: ["peak RSS MB": peakRSSKB() / 1024, "peak RSS growth MB": (peakRSSKB() - before) / 1024])
    }

    /// `logs bytes=... seconds=... peak_kb=...` as MB/s and peak RSS.
    func fields(_ output: String) -> Samples? {
        guard let f = Samples.parseFields(output)["logs"], let bytes = f["bytes"], let seconds = f["seconds"] else { return nil }
        guard Int(bytes) == bench.options.logMB << 20 else { return nil }
        var extra: [String: Double] = [:]
        if let peak = f["peak_kb"] { extra["peak RSS MB"] = peak / 1024 }
        return Samples(values: [bytes / 1e6 / seconds], extra: extra)
    }
}
