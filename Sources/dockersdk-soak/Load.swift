import DockerSDK
import Foundation
import CMalloc

/// `dockersdk-soak load`: many requests at once, many follow streams and attached sessions opened
/// and dropped through one `DockerClient`, then threads, descriptors and RSS must come back to the
/// baseline taken before, within a bounded wait.
struct LoadOptions: Sendable {
    var requests = 10_000
    var inFlight = 1_000
    var streams = 1_000
    var sessions = 200
    var containers = 4
    /// Seconds to wait for the resources to come back.
    var settleSeconds = 60.0
    /// Resident memory may stay this many MB above the baseline (malloc keeps freed pages).
    var rssBoundMB = 64.0
    /// Heap in use may stay this many MB above the baseline.
    var heapBoundMB = 16.0
    /// Threads may stay this many above the baseline (0: exactly back).
    var threadSlack = 0
    var json: String?
}

/// What a load run measured (printed, and written as JSON with `--json`).
struct LoadReport: Codable, Sendable {
    struct Bounds: Codable, Sendable {
        var threads: Int
        var descriptors: Int
        var rssMB: Double
        var heapMB: Double
    }

    /// The `com.dockersdk.instance` label of what the run created.
    var instance: String
    var requests: Int
    var inFlight: Int
    var requestsOK = 0
    var requestErrors = 0
    var errorSamples: [String] = []
    var maxInFlightSeen = 0
    var streamsOpened = 0
    var streamsIterated = 0
    var sessionsOpened = 0
    var sessionsIterated = 0
    var containers: Int
    var baseline: ResourceSample
    var peakRequests: ResourceSample?
    var peakOpen: ResourceSample?
    var final: ResourceSample?
    /// After `malloc_trim(0)`: what RSS is once glibc hands its free pages back.
    var afterTrim: ResourceSample?
    /// Descriptors open at the end that were not open at the baseline (number: target).
    var newDescriptors: [String] = []
    var bounds: Bounds
    var settleSeconds: Double
    /// Seconds after the drop until every bound held (nil: not within `settleSeconds`).
    var settledAfter: Double?
    var containersLeft = -1
    /// False when malloc is not glibc's (a sanitizer build): the memory bounds are not checked then.
    var memoryMeasured = true
    var passed = false
}

/// Samples resources every 100 ms while a phase runs and keeps the largest values.
final class PeakSampler: @unchecked Sendable {
    private let lock = NSLock()
    private var peak: ResourceSample
    private var task: Task<Void, Never>?

    init() {
        peak = ResourceSample.now()
        task = Task.detached { [weak self] in
            while !Task.isCancelled {
                self?.take()
                try? await Task.sleep(for: .milliseconds(100))
            }
        }
    }

    func take() {
        let now = ResourceSample.now()
        lock.withLock {
            peak.threads = max(peak.threads, now.threads)
            peak.descriptors = max(peak.descriptors, now.descriptors)
            peak.rssKB = max(peak.rssKB, now.rssKB)
            peak.heapInUseKB = max(peak.heapInUseKB, now.heapInUseKB)
            if now.namedThreads.count > peak.namedThreads.count { peak.namedThreads = now.namedThreads }
        }
    }

    /// Stops sampling; returns the peak.
    func stop() -> ResourceSample {
        task?.cancel()
        take()
        return lock.withLock { peak }
    }
}

/// Counts calls in flight (to report the concurrency reached).
final class InFlight: @unchecked Sendable {
    private let lock = NSLock()
    private var now = 0
    private(set) var max = 0
    func enter() { lock.withLock { now += 1; max = Swift.max(max, now) } }
    func leave() { lock.withLock { now -= 1 } }
    var peak: Int { lock.withLock { max } }
}

enum OpenStream: Sendable {
    case logs(ContainerOutput)
    case events(JSONLineStream<DockerEvent>)
}

struct LoadRun {
    let options: LoadOptions
    let docker: DockerClient
    let pool: SoakContainers
    let stop: StopFlag

    func run() async throws -> LoadReport {
        let started = Date()
        note("creating \(options.containers) chatty containers (instance \(pool.instance))")
        var ids: [String] = []
        for i in 0..<options.containers { ids.append(try await pool.chatty(i)) }

        // Warm up every path once (lanes, connection caches, the loop thread, Dispatch's workers),
        // so the baseline holds what stays for the client's lifetime.
        note("warm-up")
        // The pools of kept-alive connections reach their bounds here: a burst fills the main
        // handle's connection cache, and slow calls (info, tens of ms) overlapping on the inline
        // path fill the idle-lane pool (each lane keeps its connection).
        let warm = await requests(count: 200, inFlight: 50, ids: ids)
        guard warm.failed == 0 else { throw Ready.Failed(description: "warm-up requests failed: \(warm.samples)") }
        let docker = self.docker
        let slow = await withTaskGroup(of: Bool.self) { group in
            for _ in 0..<64 { group.addTask { (try? await docker.system.info()) != nil } }
            return await group.reduce(0) { $0 + ($1 ? 0 : 1) }
        }
        guard slow == 0 else { throw Ready.Failed(description: "\(slow) warm-up info calls failed") }
        var none: LoadReport?
        try await openAndDrop(streams: 10, sessions: 4, ids: ids, since: started, report: &none)
        let baseline = await Self.steadySample()
        let baselineDescriptors = ResourceSample.descriptors()
        var report = LoadReport(instance: pool.instance, requests: options.requests, inFlight: options.inFlight, containers: options.containers,
                                baseline: baseline,
                                bounds: .init(threads: baseline.threads + options.threadSlack,
                                              descriptors: baseline.descriptors,
                                              rssMB: baseline.rssMB + options.rssBoundMB,
                                              heapMB: baseline.heapMB + options.heapBoundMB),
                                settleSeconds: options.settleSeconds)
        note("baseline: \(baseline.summary); named threads \(baseline.namedThreads)")

        note("\(options.requests) requests, \(options.inFlight) in flight")
        let sampler = PeakSampler()
        let tally = await requests(count: options.requests, inFlight: options.inFlight, ids: ids)
        report.peakRequests = sampler.stop()
        report.requestsOK = tally.ok
        report.requestErrors = tally.failed
        report.errorSamples = tally.samples
        report.maxInFlightSeen = tally.peakInFlight
        note("requests: \(tally.ok) ok, \(tally.failed) failed, \(tally.peakInFlight) in flight at most; peak \(report.peakRequests?.summary ?? "-")")
        guard !stop.isStopped else { return report }

        note("\(options.streams) follow streams and \(options.sessions) attached sessions, opened then dropped")
        var measured: LoadReport? = report
        try await openAndDrop(streams: options.streams, sessions: options.sessions, ids: ids, since: started, report: &measured)
        report = measured ?? report
        note("dropped; peak while open: \(report.peakOpen?.summary ?? "-")")

        let dropped = Date()
        let bounds = report.bounds
        let settled = await Bounded.poll(seconds: options.settleSeconds) {
            let now = ResourceSample.now()
            return now.threads <= bounds.threads && now.descriptors <= bounds.descriptors
                && (baseline.heapInUseKB <= 0 || now.heapMB <= bounds.heapMB)
        }
        report.final = ResourceSample.now()
        if settled { report.settledAfter = Date().timeIntervalSince(dropped) }
        report.newDescriptors = ResourceSample.descriptors().filter { $0.value != "?" && baselineDescriptors[$0.key] != $0.value }
            .sorted { $0.key < $1.key }.map { "\($0.key): \($0.value)" }
        _ = dsdk_malloc_trim()
        let trimmed = ResourceSample.now()
        report.afterTrim = trimmed
        // Under a sanitizer malloc is the sanitizer's (mallinfo2 reads 0, RSS includes shadow
        // memory): the memory bounds are not measured then, threads and descriptors still are.
        report.memoryMeasured = baseline.heapInUseKB > 0
        report.passed = settled && (!report.memoryMeasured || trimmed.rssMB <= bounds.rssMB) && report.requestErrors == 0 && report.streamsOpened == options.streams
            && report.sessionsOpened == options.sessions
        return report
    }

    /// Waits (at most 15 s) until two samples a second apart agree on threads and descriptors.
    static func steadySample() async -> ResourceSample {
        var last = ResourceSample.now()
        for _ in 0..<15 {
            try? await Task.sleep(for: .seconds(1))
            let now = ResourceSample.now()
            if now.threads == last.threads && now.descriptors == last.descriptors { return now }
            last = now
        }
        return last
    }

    /// What a batch of requests did.
    struct Tally: Sendable {
        var ok = 0
        var failed = 0
        var samples: [String] = []
        var peakInFlight = 0
    }

    /// `count` calls (ping, inspect, list, version in turn), `inFlight` at a time. Each call is
    /// bounded by the client's unary time limit, so the batch is bounded too.
    func requests(count: Int, inFlight: Int, ids: [String]) async -> Tally {
        let docker = self.docker
        let filter = pool.filter
        let gauge = InFlight()
        var tally = Tally()
        await withTaskGroup(of: String?.self) { group in
            var next = 0
            func add() {
                let i = next
                next += 1
                group.addTask {
                    gauge.enter()
                    defer { gauge.leave() }
                    do {
                        switch i % 4 {
                        case 0: _ = try await docker.system.ping()
                        case 1: _ = try await docker.containers.inspect(ids[i % ids.count])
                        case 2: _ = try await docker.containers.list(filters: filter)
                        default: _ = try await docker.system.version()
                        }
                        return nil
                    } catch {
                        return "\(error)"
                    }
                }
            }
            while next < min(count, inFlight) { add() }
            while let failure = await group.next() {
                if let failure {
                    tally.failed += 1
                    if tally.samples.count < 10 { tally.samples.append(failure) }
                } else {
                    tally.ok += 1
                }
                if next < count && !stop.isStopped { add() }
            }
        }
        tally.peakInFlight = gauge.peak
        return tally
    }

    /// Opens `streams` follow streams (logs --follow of the chatty containers; every fifth one the
    /// run's events since it started) and `sessions` attached `cat` execs, all at once; iterates
    /// every third stream and every second session to its first chunk and keeps the iterator; writes
    /// to every second session; then drops everything without closing it.
    func openAndDrop(streams: Int, sessions: Int, ids: [String], since: Date, report: inout LoadReport?) async throws {
        let docker = self.docker
        let filter = pool.filter
        var opened: [OpenStream] = []
        var holders: [Task<Void, Never>] = []
        var iteratedStreams = 0
        // Opening: 50 at a time, each bounded.
        try await withThrowingTaskGroup(of: (Int, OpenStream).self) { group in
            var next = 0
            func add() {
                let i = next
                next += 1
                group.addTask {
                    let stream = try await Bounded.within(60, "open stream \(i)") { () -> OpenStream in
                        if i % 5 == 4 {
                            return .events(try await docker.system.events(since: since, filters: filter))
                        }
                        return .logs(try await docker.containers.logs(ids[i % ids.count],
                                                                        options: LogsOptions(follow: true, tail: 1)))
                    }
                    return (i, stream)
                }
            }
            while next < min(streams, 50) { add() }
            while let (i, stream) = try await group.next() {
                if i % 3 == 0 {
                    holders.append(try await Self.iterateAndHold(stream, what: "stream \(i)"))
                    iteratedStreams += 1
                } else {
                    opened.append(stream)
                }
                if next < streams && !stop.isStopped { add() }
            }
        }
        var sessionsKept: [AttachedSession] = []
        var iteratedSessions = 0
        try await withThrowingTaskGroup(of: (Int, AttachedSession).self) { group in
            var next = 0
            func add() {
                let i = next
                next += 1
                group.addTask {
                    let exec = try await docker.exec.create(container: ids[i % ids.count],
                                                            ExecConfig(cmd: ["cat"], attachStdin: true))
                    let session = try await Bounded.within(60, "start session \(i)") { try await docker.exec.startAttached(exec) }
                    if i % 2 == 0 {
                        try await Bounded.within(60, "write to session \(i)") { try await session.write(Data("ping\n".utf8)) }
                    }
                    return (i, session)
                }
            }
            while next < min(sessions, 20) { add() }
            while let (i, session) = try await group.next() {
                if i % 4 == 0 {
                    holders.append(try await Self.iterateAndHold(session, what: "session \(i)"))
                    iteratedSessions += 1
                } else {
                    sessionsKept.append(session)
                }
                if next < sessions && !stop.isStopped { add() }
            }
        }
        let peak = ResourceSample.now()
        if report != nil {
            report!.peakOpen = peak
            report!.streamsOpened = opened.count + iteratedStreams
            report!.streamsIterated = iteratedStreams
            report!.sessionsOpened = sessionsKept.count + iteratedSessions
            report!.sessionsIterated = iteratedSessions
        }
        // Drop: the never-iterated values go out of scope, the holders let go of their iterators.
        opened.removeAll()
        sessionsKept.removeAll()
        for holder in holders { holder.cancel() }
        for holder in holders { await holder.value }
    }

    /// Reads the first element of a stream within 30 s, then keeps its iterator (the stream stays
    /// open) until the returned task is cancelled (at most 10 minutes).
    static func iterateAndHold(_ stream: OpenStream, what: String) async throws -> Task<Void, Never> {
        switch stream {
        case .logs(let output): return try await holdAfterFirst(output, what: what, waitingFor: "first chunk")
        case .events(let events): return try await holdAfterFirst(events, what: what, waitingFor: "first chunk")
        }
    }

    /// Reads the first output of an attached session within 30 s, then keeps its iterator until the
    /// returned task is cancelled (at most 10 minutes).
    static func iterateAndHold(_ session: AttachedSession, what: String) async throws -> Task<Void, Never> {
        try await holdAfterFirst(session.output, what: what, waitingFor: "echo")
    }

    /// The one implementation behind both `iterateAndHold`s: any stream whose values can cross tasks.
    private static func holdAfterFirst<S: AsyncSequence & Sendable>(_ sequence: S, what: String,
                                                                     waitingFor: String) async throws -> Task<Void, Never> {
        let ready = Ready()
        let holder = Task {
            do {
                var iterator = sequence.makeAsyncIterator()
                let first = try await iterator.next()
                ready.signal(first == nil ? "\(what) ended" : nil)
                try? await Task.sleep(for: .seconds(600))
                withExtendedLifetime(iterator) {}
            } catch {
                ready.signal("\(what): \(error)")
            }
        }
        do {
            try await Bounded.within(30, "\(waitingFor) of \(what)") { try await ready.wait() }
        } catch {
            holder.cancel()
            throw error
        }
        return holder
    }
}

/// A one-shot signal from a holder task: its first element arrived (nil) or why not.
final class Ready: @unchecked Sendable {
    struct Failed: Error, CustomStringConvertible { var description: String }
    private let lock = NSLock()
    private var outcome: String??
    private var waiter: CheckedContinuation<Void, any Error>?

    func signal(_ failure: String?) {
        let waiter: CheckedContinuation<Void, any Error>? = lock.withLock {
            guard outcome == nil else { return nil }
            outcome = .some(failure)
            defer { self.waiter = nil }
            return self.waiter
        }
        if let waiter { Self.resume(waiter, failure) }
    }

    func wait() async throws {
        try await withTaskCancellationHandler {
            try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<Void, any Error>) in
                let done: String?? = lock.withLock {
                    if let outcome { return outcome }
                    waiter = continuation
                    return nil
                }
                if let done { Self.resume(continuation, done) }
            }
        } onCancel: {
            signal("cancelled")
        }
    }

    private static func resume(_ continuation: CheckedContinuation<Void, any Error>, _ failure: String?) {
        if let failure { continuation.resume(throwing: Failed(description: failure)) } else { continuation.resume() }
    }
}
