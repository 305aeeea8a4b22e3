import DockerSDK
import Foundation

/// The footprint rows: threads and descriptors with many follow streams and hijacked sessions open
/// and after they are dropped (in this process), and the peak RSS of a separate process (this
/// program re-executed as a child) streaming a large log or holding many follow streams.
struct FootprintRows {
    let bench: Bench

    /// Threads and descriptors of this process, idle, with `streams` follow streams and `sessions`
    /// attached `cat` execs open, and after they are all dropped (polled, bounded, until they are back).
    func threadsAndDescriptors(ticker: String) async throws -> [Row] {
        let docker = bench.docker
        let streams = bench.options.followStreams, sessions = bench.options.sessions
        // Warm-up: one of each, so that the idle figures include the loop threads and the pools.
        _ = try await Self.open(docker, ticker: ticker, streams: 1, sessions: 1)
        try await Task.sleep(for: .milliseconds(200))
        let idle = Self.counts()
        var open = try await Self.open(docker, ticker: ticker, streams: streams, sessions: sessions)
        let peak = Self.counts()
        open = ([], [])
        _ = open
        var after = Self.counts()
        let deadline = nowNanos() + 30_000_000_000
        while (after.fds > idle.fds || after.threads > idle.threads) && nowNanos() < deadline {
            try await Task.sleep(for: .milliseconds(100))
            after = Self.counts()
        }
        let target = "threads bounded (\(ProcessInfo.processInfo.activeProcessorCount)-core machine: "
            + "\(min(4, ProcessInfo.processInfo.activeProcessorCount)) loop threads); back to idle after the drop"
        var threads = Row(name: "threads, \(streams) follow streams + \(sessions) hijacked sessions", unit: "threads", target: target)
        threads.clients["idle"] = Samples(values: [Double(idle.threads)], extra: ["loop threads": Double(idle.loops)])
        threads.clients["open"] = Samples(values: [Double(peak.threads)], extra: ["loop threads": Double(peak.loops)])
        threads.clients["after drop"] = Samples(values: [Double(after.threads)], extra: ["loop threads": Double(after.loops)])
        var fds = Row(name: "descriptors, \(streams) follow streams + \(sessions) hijacked sessions", unit: "fds",
                      target: "one per connection while open; back to idle after the drop")
        fds.clients["idle"] = Samples(values: [Double(idle.fds)])
        fds.clients["open"] = Samples(values: [Double(peak.fds)])
        fds.clients["after drop"] = Samples(values: [Double(after.fds)])
        if after.fds > idle.fds || after.threads > idle.threads {
            fds.note = "not back to idle within 30 s of the drop"
        }
        return [threads, fds]
    }

    /// Peak RSS (VmHWM) of a child process streaming `log` (a container that wrote `options.logMB`
    /// MB) and of one holding `options.followStreams` follow streams on `ticker`.
    func peakRSS(log: String?, ticker: String) throws -> Row {
        var row = Row(name: "peak RSS of a separate process", unit: "MB",
                      target: "< 32 MB at any log length; < 64 MB with \(bench.options.followStreams) follow streams open",
                      note: "dockersdk-bench re-executed as a child; VmHWM from /proc/self/status at its end")
        let me = "/proc/self/exe"
        let common = [bench.options.socket, "\(bench.version)"]
        if let log {
            let out = try runProgram(me, ["--child", "logs"] + common + [log, "\(bench.options.logMB << 20)"], timeout: 300)
            if let f = Samples.parseFields(out)["child"], let kb = f["peak_kb"] {
                var extra: [String: Double] = [:]
                if let anon = f["peak_anon_kb"] { extra["anonymous peak MB"] = anon / 1024 }
                if let file = f["file_kb"] { extra["mapped files MB"] = file / 1024 }
                row.clients["SDK, \(bench.options.logMB) MB log stream"] = Samples(values: [kb / 1024], extra: extra)
            }
            if bench.c != nil, let s = bench.attempt("C logs RSS", {
                (Samples.parseFields(try bench.cRun(["logs", log]))["logs"]?["peak_kb"]).map { Samples(values: [$0 / 1024]) }
            }) {
                row.clients["C, \(bench.options.logMB) MB log stream"] = s
            }
        }
        let out = try runProgram(me, ["--child", "follow"] + common + [ticker, "\(bench.options.followStreams)"], timeout: 300)
        if let f = Samples.parseFields(out)["child"], let kb = f["peak_kb"] {
            row.clients["SDK, \(bench.options.followStreams) follow streams"] = Samples(values: [kb / 1024], extra: ["threads": f["threads", default: .nan]])
        }
        return row
    }

    /// Opens `streams` follow-log streams (each read to its first chunk) and `sessions` attached
    /// `cat` execs (each written to), a batch of 50 at a time.
    static func open(_ docker: DockerClient, ticker: String, streams: Int, sessions: Int) async throws
        -> (streams: [HeldStream], sessions: [AttachedSession])
    {
        var outputs: [HeldStream] = []
        var attached: [AttachedSession] = []
        var left = streams
        while left > 0 {
            let n = min(50, left)
            left -= n
            outputs += try await withThrowingTaskGroup(of: HeldStream.self) { group in
                for _ in 0..<n {
                    group.addTask {
                        let output = try await docker.containers.logs(ticker, options: LogsOptions(follow: true, tail: 1))
                        // The iterator is kept: dropping it ends the stream.
                        let held = HeldStream(output.makeAsyncIterator())
                        guard try await held.next() else { throw BenchError("a follow stream ended at once") }
                        return held
                    }
                }
                return try await group.reduce(into: []) { $0.append($1) }
            }
        }
        left = sessions
        while left > 0 {
            let n = min(50, left)
            left -= n
            attached += try await withThrowingTaskGroup(of: AttachedSession.self) { group in
                for _ in 0..<n {
                    group.addTask {
                        let exec = try await docker.exec.create(container: ticker, ExecConfig(cmd: ["cat"], attachStdin: true))
                        let session = try await docker.exec.startAttached(exec)
                        try await session.write(Data("x\n".utf8))
                        return session
                    }
                }
                return try await group.reduce(into: []) { $0.append($1) }
            }
        }
        return (outputs, attached)
    }

    /// Threads (all, and the transport's loop threads) and descriptors of this process.
    static func counts() -> (threads: Int, loops: Int, fds: Int) {
        let tasks = (try? FileManager.default.contentsOfDirectory(atPath: "/proc/self/task")) ?? []
        let loops = tasks.filter {
            ((try? String(contentsOfFile: "/proc/self/task/\($0)/comm", encoding: .utf8)) ?? "").hasPrefix("dockersdk-loop")
        }.count
        let fds = (try? FileManager.default.contentsOfDirectory(atPath: "/proc/self/fd").count) ?? -1
        return (tasks.count, loops, fds)
    }
}

/// A follow stream's iterator, kept so that the stream stays open until it is dropped.
final class HeldStream: @unchecked Sendable {
    private var iterator: ContainerOutput.Iterator

    init(_ iterator: ContainerOutput.Iterator) { self.iterator = iterator }

    /// Reads the next chunk; false at the end.
    func next() async throws -> Bool { try await iterator.next() != nil }
}

/// `dockersdk-bench --child MODE SOCKET VERSION ...`: what the parent measures in a separate
/// process; prints `child key=value ...` with its peak RSS.
enum BenchChild {
    static func run(_ arguments: [String]) async throws {
        guard arguments.count >= 5, let version = APIVersion(arguments[3]) else { throw BenchError("child: bad arguments \(arguments)") }
        let docker = try DockerClient(host: .unix(path: arguments[2]), apiVersion: version, environment: [:])
        switch arguments[1] {
        case "logs" where arguments.count == 6:
            var bytes = 0, chunks = 0
            // The kernel keeps the peak of the whole RSS only; the anonymous part (what the process
            // allocated, as opposed to library pages it mapped) is sampled every 4096 chunks.
            var peakAnon = rssPartsKB().anon
            for try await chunk in try await docker.containers.logs(arguments[4]) {
                bytes += chunk.data.count
                chunks += 1
                if chunks & 4095 == 0 { peakAnon = max(peakAnon, rssPartsKB().anon) }
            }
            guard bytes == Int(arguments[5]) else { throw BenchError("child logs: \(bytes) bytes, expected \(arguments[5])") }
            let end = rssPartsKB()
            print("child bytes=\(bytes) peak_kb=\(Int(peakRSSKB())) peak_anon_kb=\(Int(max(peakAnon, end.anon))) file_kb=\(Int(end.file))")
        case "follow" where arguments.count == 6:
            let n = Int(arguments[5]) ?? 0
            let open = try await FootprintRows.open(docker, ticker: arguments[4], streams: n, sessions: 0)
            let counts = FootprintRows.counts()
            print("child streams=\(open.streams.count) threads=\(counts.threads) peak_kb=\(Int(peakRSSKB()))")
        default:
            throw BenchError("child: unknown mode \(arguments[1])")
        }
    }
}
