import DockerSDK
import Foundation

// dockersdk-soak: leak, load and soak checks of one DockerClient against the live daemon.
// Run through scripts/soak.sh. Everything it creates is labelled com.dockersdk.recipe=soak and
// com.dockersdk.instance=<run>, and removed at the end (also after SIGINT/SIGTERM).

let usage = """
    usage: dockersdk-soak load [--requests N] [--in-flight N] [--streams N] [--sessions N] [--containers N]
                               [--settle S] [--rss-bound-mb MB] [--heap-bound-mb MB] [--thread-slack N] [--json FILE]
           dockersdk-soak soak [--minutes M] [--interval S] [--period S] [--rss-bound-mb MB] [--json FILE]
    """

func fail(_ message: String, status: Int32) -> Never {
    FileHandle.standardError.write(Data("dockersdk-soak: \(message)\n".utf8))
    exit(status)
}

/// Parses `--name value` pairs, each value clamped to its range.
struct Arguments {
    var rest: ArraySlice<String>
    mutating func next() -> String? { rest.popFirst() }
    mutating func int(_ range: ClosedRange<Int>) -> Int {
        guard let text = rest.popFirst(), let value = Int(text) else { fail("a number is missing\n\(usage)", status: 2) }
        return min(max(value, range.lowerBound), range.upperBound)
    }
    mutating func double(_ range: ClosedRange<Double>) -> Double {
        guard let text = rest.popFirst(), let value = Double(text) else { fail("a number is missing\n\(usage)", status: 2) }
        return min(max(value, range.lowerBound), range.upperBound)
    }
}

func write<T: Encodable>(_ value: T, to path: String?) {
    guard let path else { return }
    let encoder = JSONEncoder()
    encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
    do {
        try encoder.encode(value).write(to: URL(fileURLWithPath: path))
    } catch {
        fail("cannot write \(path): \(error)", status: 3)
    }
}

func f1(_ value: Double) -> String { String(format: "%.1f", value) }

func row(_ name: String, _ sample: ResourceSample?) -> String {
    guard let s = sample else { return "| \(name) | - | - | - | - |" }
    return "| \(name) | \(s.threads) | \(s.descriptors) | \(f1(s.rssMB)) | \(f1(s.heapMB)) |"
}

signal(SIGPIPE, SIG_IGN)
var arguments = Arguments(rest: CommandLine.arguments.dropFirst())
let command = arguments.next() ?? ""
let stop = StopFlag()

let docker: DockerClient
do {
    // Every unary call bounded (30 s); streams are bounded by the tool itself.
    docker = try DockerClient(configuration: .init(unaryTimeout: .seconds(30)))
    _ = try await Bounded.within(30, "ping") { try await docker.system.ping() }
} catch {
    fail("no daemon answers: \(error)", status: 3)
}
let pool = SoakContainers(docker: docker)

switch command {
case "load":
    var options = LoadOptions()
    while let name = arguments.next() {
        switch name {
        case "--requests": options.requests = arguments.int(1...100_000)
        case "--in-flight": options.inFlight = arguments.int(1...5_000)
        case "--streams": options.streams = arguments.int(0...5_000)
        case "--sessions": options.sessions = arguments.int(0...1_000)
        case "--containers": options.containers = arguments.int(1...8)
        case "--settle": options.settleSeconds = arguments.double(1...600)
        case "--rss-bound-mb": options.rssBoundMB = arguments.double(0...4096)
        case "--heap-bound-mb": options.heapBoundMB = arguments.double(0...4096)
        case "--thread-slack": options.threadSlack = arguments.int(0...64)
        case "--json": options.json = arguments.next()
        default: fail("unknown option \(name)\n\(usage)", status: 2)
        }
    }
    var report: LoadReport
    do {
        report = try await LoadRun(options: options, docker: docker, pool: pool, stop: stop).run()
    } catch {
        await pool.removeAll()
        fail("load run failed: \(error)", status: 3)
    }
    report.containersLeft = await pool.removeAll()
    report.passed = report.passed && report.containersLeft == 0

    print("""
        requests: \(report.requestsOK) ok, \(report.requestErrors) failed (\(report.requests) asked, \(report.maxInFlightSeen) in flight at most)
        streams: \(report.streamsOpened) opened (\(report.streamsIterated) iterated), sessions: \(report.sessionsOpened) opened (\(report.sessionsIterated) iterated), all dropped
        | moment | threads | descriptors | RSS MB | heap in use MB |
        |---|---|---|---|---|
        \(row("baseline", report.baseline))
        \(row("peak, requests", report.peakRequests))
        \(row("all streams and sessions open", report.peakOpen))
        \(row("after the drop", report.final))
        \(row("after malloc_trim(0)", report.afterTrim))
        | bound | <= \(report.bounds.threads) | <= \(report.bounds.descriptors) | <= \(f1(report.bounds.rssMB)) (after trim) | <= \(f1(report.bounds.heapMB)) |
        settled: \(report.settledAfter.map { String(format: "within %.1f s", $0) } ?? "NOT within \(report.settleSeconds) s"); containers left: \(report.containersLeft)
        verdict: \(report.passed ? "PASS" : "FAIL")
        """)
    if !report.memoryMeasured { print("memory not measured: malloc is not glibc's (a sanitizer build); threads and descriptors were") }
    if !report.errorSamples.isEmpty { print("errors: \(report.errorSamples)") }
    if !report.newDescriptors.isEmpty { print("descriptors not open at the baseline: \(report.newDescriptors)") }
    write(report, to: options.json)
    exit(report.passed ? 0 : 1)

case "soak":
    var options = SoakOptions()
    while let name = arguments.next() {
        switch name {
        case "--minutes": options.minutes = arguments.double(0.1...240)
        case "--interval": options.interval = arguments.double(1...600)
        case "--period": options.period = arguments.double(0.1...60)
        case "--rss-bound-mb": options.rssBoundMB = arguments.double(0...4096)
        case "--json": options.json = arguments.next()
        default: fail("unknown option \(name)\n\(usage)", status: 2)
        }
    }
    var report: SoakReport
    do {
        report = try await SoakRun(options: options, docker: docker, pool: pool, stop: stop).run()
    } catch {
        await pool.removeAll()
        fail("soak failed: \(error)", status: 3)
    }
    report.containersLeft = await pool.removeAll()
    report.passed = report.passed && report.containersLeft == 0
    print(SoakRun.table(report))
    print("")
    print("calls: \(report.calls.sorted { $0.key < $1.key }.map { "\($0.key) \($0.value)" }.joined(separator: ", "))")
    print("errors: \(report.errors.isEmpty ? "0" : "\(report.errors)") \(report.errorSamples.isEmpty ? "" : "\(report.errorSamples)")")
    print(String(format: "RSS: first-quarter median %.1f MB, last-quarter median %.1f MB, bound +%.1f MB: %@",
                 report.firstQuarterMedianMB, report.lastQuarterMedianMB, report.boundMB, report.flat ? "flat" : "GROWING"))
    print(String(format: "heap in use: first-quarter median %.2f MB, last-quarter median %.2f MB",
                 report.firstQuarterHeapMedianMB, report.lastQuarterHeapMedianMB))
    print("threads: first-quarter max \(report.threadsFirstQuarterMax), last-quarter max \(report.threadsLastQuarterMax); "
          + "descriptors: first-quarter max \(report.descriptorsFirstQuarterMax), last-quarter max \(report.descriptorsLastQuarterMax)")
    print("containers left: \(report.containersLeft)")
    print("verdict: \(report.passed ? "PASS" : "FAIL")")
    write(report, to: options.json)
    exit(report.passed ? 0 : 1)

default:
    fail(usage, status: 2)
}
