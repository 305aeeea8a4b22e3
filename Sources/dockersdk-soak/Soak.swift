import DockerSDK
import Foundation

/// `dockersdk-soak soak`: mixed calls at a modest rate for N minutes through one `DockerClient`,
/// sampling RSS, threads and descriptors every `interval` seconds; the verdict is "flat RSS": the
/// median of the last quarter's samples within a bound of the first quarter's median.
struct SoakOptions: Sendable {
    var minutes = 30.0
    var interval = 10.0
    /// Seconds from the start of one round of calls to the next.
    var period = 1.0
    /// The last quarter's median RSS may exceed the first quarter's by this many MB...
    var rssBoundMB = 8.0
    /// ... or by this fraction of it, whichever is larger.
    var rssBoundFraction = 0.10
    var json: String?
}

struct SoakReport: Codable, Sendable {
    struct Sample: Codable, Sendable {
        var seconds: Double
        var rounds: Int
        var calls: Int
        var errors: Int
        var resources: ResourceSample
    }

    var minutes: Double
    var samples: [Sample] = []
    var calls: [String: Int] = [:]
    var errors: [String: Int] = [:]
    var errorSamples: [String] = []
    var firstQuarterHeapMedianMB = 0.0
    var lastQuarterHeapMedianMB = 0.0
    var firstQuarterMedianMB = 0.0
    var lastQuarterMedianMB = 0.0
    var boundMB = 0.0
    var threadsFirstQuarterMax = 0
    var threadsLastQuarterMax = 0
    var descriptorsFirstQuarterMax = 0
    var descriptorsLastQuarterMax = 0
    var containersLeft = -1
    var flat = false
    var passed = false
}

struct SoakRun {
    let options: SoakOptions
    let docker: DockerClient
    let pool: SoakContainers
    let stop: StopFlag

    /// Counts calls and failures by kind.
    final class Tally: @unchecked Sendable {
        private let lock = NSLock()
        private(set) var calls: [String: Int] = [:]
        private(set) var errors: [String: Int] = [:]
        private(set) var samples: [String] = []

        func record(_ kind: String, _ error: (any Error)?) {
            lock.withLock {
                calls[kind, default: 0] += 1
                if let error {
                    errors[kind, default: 0] += 1
                    if samples.count < 20 { samples.append("\(kind): \(error)") }
                }
            }
        }

        var totals: (calls: Int, errors: Int) {
            lock.withLock { (calls.values.reduce(0, +), errors.values.reduce(0, +)) }
        }
        var snapshot: (calls: [String: Int], errors: [String: Int], samples: [String]) {
            lock.withLock { (calls, errors, samples) }
        }
    }

    func run() async throws -> SoakReport {
        let started = Date()
        let chatty = try await pool.chatty(0)
        let sleeper = try await pool.start(["sleep", "86400"], name: "sleeper")
        let tally = Tally()
        var report = SoakReport(minutes: options.minutes)
        let end = started.addingTimeInterval(options.minutes * 60)
        var nextSample = started
        var round = 0
        note("soak for \(options.minutes) min, a round every \(options.period) s, a sample every \(options.interval) s (instance \(pool.instance))")
        while Date() < end && !stop.isStopped {
            let roundStart = Date()
            if roundStart >= nextSample {
                let totals = tally.totals
                let sample = SoakReport.Sample(seconds: roundStart.timeIntervalSince(started), rounds: round,
                                               calls: totals.calls, errors: totals.errors, resources: .now())
                report.samples.append(sample)
                note(String(format: "%6.0f s  rounds %5d  calls %6d  errors %3d  ", sample.seconds, round, totals.calls, totals.errors)
                     + sample.resources.summary)
                nextSample = nextSample.addingTimeInterval(options.interval)
            }
            await self.round(round, chatty: chatty, sleeper: sleeper, tally: tally)
            round += 1
            let wait = options.period - Date().timeIntervalSince(roundStart)
            if wait > 0 { try? await Task.sleep(for: .seconds(wait)) }
        }
        let totals = tally.totals
        report.samples.append(.init(seconds: Date().timeIntervalSince(started), rounds: round, calls: totals.calls,
                                    errors: totals.errors, resources: .now()))
        let snapshot = tally.snapshot
        report.calls = snapshot.calls
        report.errors = snapshot.errors
        report.errorSamples = snapshot.samples
        Self.judge(&report, options: options)
        report.passed = report.flat && totals.errors == 0
        return report
    }

    /// One round: ping, list, inspect, logs every time; exec, events, a follow stream, an attached
    /// session and a whole container lifecycle every few rounds.
    func round(_ i: Int, chatty: String, sleeper: String, tally: Tally) async {
        let docker = self.docker
        let filter = pool.filter
        func call(_ kind: String, _ body: @escaping @Sendable () async throws -> Void) async {
            do {
                try await Bounded.within(60, kind, body)
                tally.record(kind, nil)
            } catch {
                tally.record(kind, error)
            }
        }
        await call("ping") { _ = try await docker.system.ping() }
        await call("list") { _ = try await docker.containers.list(all: true, filters: filter) }
        await call("inspect") {
            let info = try await docker.containers.inspect(sleeper)
            guard info.state.running == true else { throw Ready.Failed(description: "the sleeper is not running") }
        }
        await call("logs") {
            let out = try await docker.containers.logs(chatty, options: LogsOptions(tail: 20)).collect()
            guard !out.stdout.isEmpty else { throw Ready.Failed(description: "no log lines") }
        }
        if i % 2 == 0 {
            await call("exec") {
                let result = try await docker.exec.run(["echo", "soak \(i)"], in: sleeper)
                guard result.exitCode == 0, result.stdout == Data("soak \(i)\n".utf8) else {
                    throw Ready.Failed(description: "exec gave \(result.exitCode): \(String(decoding: result.stdout, as: UTF8.self))")
                }
            }
        }
        if i % 5 == 1 {
            await call("events") {
                // A bounded window: the stream ends at `until`.
                let now = Date()
                var count = 0
                for try await _ in try await docker.system.events(since: now.addingTimeInterval(-30), until: now, filters: filter) {
                    count += 1
                }
                _ = count
            }
            await call("logs-follow") {
                let output = try await docker.containers.logs(chatty, options: LogsOptions(follow: true, tail: 1))
                var chunks = 0
                for try await _ in output {
                    chunks += 1
                    if chunks == 3 { break }   // dropped while the container keeps printing
                }
            }
        }
        if i % 5 == 3 {
            await call("lifecycle") {
                let id = try await pool.create(["sh", "-c", "exit 3"], name: "run\(i)")
                _ = try await docker.containers.start(id)
                let result = try await docker.containers.wait(id)
                try await docker.containers.remove(id)
                pool.forget(id)
                guard result.statusCode == 3 else { throw Ready.Failed(description: "exit status \(result.statusCode), not 3") }
            }
        }
        if i % 7 == 5 {
            await call("attach") {
                let exec = try await docker.exec.create(container: sleeper, ExecConfig(cmd: ["cat"], attachStdin: true))
                let session = try await docker.exec.startAttached(exec)
                try await session.write(Data("echo \(i)\n".utf8))
                var iterator = session.output.makeAsyncIterator()
                let echoed = try await iterator.next()
                guard echoed?.data == Data("echo \(i)\n".utf8) else { throw Ready.Failed(description: "no echo") }
                if i % 2 == 0 { session.close() }   // the others are dropped unclosed
            }
        }
    }

    static func median(_ values: [Double]) -> Double {
        let sorted = values.sorted()
        guard !sorted.isEmpty else { return 0 }
        let mid = sorted.count / 2
        return sorted.count % 2 == 1 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2
    }

    static func judge(_ report: inout SoakReport, options: SoakOptions) {
        let samples = report.samples
        guard samples.count >= 4 else { return }
        let quarter = max(1, samples.count / 4)
        let first = samples.prefix(quarter), last = samples.suffix(quarter)
        report.firstQuarterMedianMB = median(first.map(\.resources.rssMB))
        report.lastQuarterMedianMB = median(last.map(\.resources.rssMB))
        report.firstQuarterHeapMedianMB = median(first.map(\.resources.heapMB))
        report.lastQuarterHeapMedianMB = median(last.map(\.resources.heapMB))
        report.boundMB = max(options.rssBoundMB, report.firstQuarterMedianMB * options.rssBoundFraction)
        report.threadsFirstQuarterMax = first.map(\.resources.threads).max() ?? 0
        report.threadsLastQuarterMax = last.map(\.resources.threads).max() ?? 0
        report.descriptorsFirstQuarterMax = first.map(\.resources.descriptors).max() ?? 0
        report.descriptorsLastQuarterMax = last.map(\.resources.descriptors).max() ?? 0
        report.flat = report.lastQuarterMedianMB <= report.firstQuarterMedianMB + report.boundMB
    }

    static func table(_ report: SoakReport) -> String {
        var lines = ["| s | rounds | calls | errors | threads | fds | RSS MB | heap in use MB |", "|---|---|---|---|---|---|---|---|"]
        for s in report.samples {
            lines.append(String(format: "| %.0f | %d | %d | %d | %d | %d | %.1f | %.2f |", s.seconds, s.rounds, s.calls, s.errors,
                                s.resources.threads, s.resources.descriptors, s.resources.rssMB, s.resources.heapMB))
        }
        return lines.joined(separator: "\n")
    }
}
