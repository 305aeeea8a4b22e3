import DockerSDK
import Foundation
import XCTest
#if canImport(Glibc)
import Glibc
#endif

/// The event-loop transport against the real daemon: held calls starve nothing, dropped streams and
/// sessions leave no thread or descriptor behind, stdin and stdout progress independently, and a
/// mute daemon times out.
final class TransportLiveTests: XCTestCase {
    /// 16 `wait`s held by the daemon, then a ping and a kill still answer (each bounded by 15 s).
    func testSixteenWaitsThenPingAndKillAnswer() async throws {
        let docker = try await Live.client()
        try await LiveContainers.with(docker, "transport-waits") { id, _ in
            let before = try TransportLive.count("/proc/self/fd")
            let waits = (0..<16).map { _ in Task { try await docker.containers.wait(id) } }
            defer { for wait in waits { wait.cancel() } }
            // The waits are held by the daemon: each holds a connection of its own (bounded poll).
            let held = await TransportLive.poll(seconds: 10) {
                ((try? TransportLive.count("/proc/self/fd")) ?? 0) >= before + 16
            }
            XCTAssertTrue(held, "16 connections for the 16 waits")
            let ping = try await TransportLive.within(15) { try await docker.system.ping() }
            XCTAssertNotNil(ping.apiVersion)
            try await TransportLive.within(15) { try await docker.containers.kill(id) }
            for wait in waits {
                let result = try await TransportLive.within(15) { try await wait.value }
                XCTAssertEqual(result.statusCode, 137, "killed by SIGKILL")
            }
        }
    }

    /// 20 attached exec sessions dropped without `close()` and 50 follow-log streams dropped after one
    /// chunk: threads and descriptors come back to where they were; while they are open the thread
    /// count does not grow with them.
    func testDroppedSessionsAndStreamsLeaveNothingBehind() async throws {
        let docker = try await Live.client()
        try await LiveContainers.with(docker, "transport-drop",
                                      cmd: ["sh", "-c", "while true; do echo tick; sleep 0.1; done"]) { id, _ in
            // Warm up: one of each, so the baseline holds the loop thread and the pools.
            try await Self.openAndDrop(docker, container: id, sessions: 1, streams: 1)
            let threads = try TransportLive.threads()
            let descriptors = try TransportLive.count("/proc/self/fd")
            XCTAssertTrue(threads.own.contains("dockersdk-loop"), "the transport's loop thread: \(threads.own)")

            let peak = try await Self.openAndDrop(docker, container: id, sessions: 20, streams: 50)
            XCTAssertEqual(peak.own, threads.own, "70 open streams and sessions take no thread of their own")
            XCTAssertLessThanOrEqual(peak.all, threads.all + 2, "no thread per stream or session (baseline \(threads.all))")

            let settled = await TransportLive.poll(seconds: 15) {
                (try? TransportLive.count("/proc/self/fd")).map { $0 <= descriptors } ?? false
                    // (all: Dispatch's idle workers, which the test's own async work starts, leave on their own time)
                    && (try? TransportLive.threads()).map { $0.own == threads.own && $0.all <= threads.all + 3 } ?? false
            }
            let now = try TransportLive.threads()
            let nowDescriptors = try TransportLive.count("/proc/self/fd")
            XCTAssertTrue(settled, "threads \(now.all) \(now.own) (baseline \(threads.all) \(threads.own)), "
                                + "descriptors \(nowDescriptors) (baseline \(descriptors))")
        }
    }

    /// 1,000 follow streams and 200 attached sessions open at once are served by the transport's fixed
    /// loop threads (one per core, at most 4); once dropped, threads and descriptors come back to
    /// where they were. (About 20-40 s: 200 execs and 1,000 log requests.)
    func testThousandStreamsAndTwoHundredSessionsOnTheFixedLoopThreads() async throws {
        // Other clients of the test process (earlier tests, shared fixtures) may hold loop threads of
        // their own: count only the ones this client adds.
        let othersLoops = try TransportLive.threads().own.filter { $0 == "dockersdk-loop" }.count
        let docker = try await Live.client()
        try await LiveContainers.with(docker, "transport-thousand",
                                      cmd: ["sh", "-c", "while true; do echo tick; sleep 1; done"]) { id, _ in
            try await Self.openAndDrop(docker, container: id, sessions: 1, streams: 1)
            let threads = try TransportLive.threads()
            let descriptors = try TransportLive.count("/proc/self/fd")
            let loops = threads.own.filter { $0 == "dockersdk-loop" }.count - othersLoops
            XCTAssertGreaterThanOrEqual(loops, 1, "the loop threads: \(threads.own)")
            XCTAssertLessThanOrEqual(loops, min(4, ProcessInfo.processInfo.activeProcessorCount), "one loop thread per core, at most 4")

            let peak = try await Self.openAndDrop(docker, container: id, sessions: 200, streams: 1000, batch: 50)
            XCTAssertEqual(peak.own, threads.own, "1,200 open streams and sessions start no thread of their own")
            XCTAssertLessThanOrEqual(peak.all, threads.all + 4, "no thread per stream or session (baseline \(threads.all))")
            XCTAssertGreaterThanOrEqual(peak.descriptors, descriptors + 1200, "each stream and session held its connection")

            // Back to the baseline, give or take the bounded cache of kept-alive connections that the
            // concurrent calls filled (idle lanes: cores + 1; each loop's multi handle: 8).
            let cache = ProcessInfo.processInfo.activeProcessorCount + 1 + 8 * loops
            let settled = await TransportLive.poll(seconds: 30) {
                (try? TransportLive.count("/proc/self/fd")).map { $0 <= descriptors + cache } ?? false
                    && (try? TransportLive.threads()).map { $0.own == threads.own && $0.all <= threads.all + 2 } ?? false
            }
            let now = try TransportLive.threads()
            let nowDescriptors = try TransportLive.count("/proc/self/fd")
            XCTAssertTrue(settled, "threads \(now.all) \(now.own) (baseline \(threads.all) \(threads.own)), "
                                + "descriptors \(nowDescriptors) (baseline \(descriptors), connection cache \(cache))")
        }
    }

    /// Opens `sessions` attached `cat` execs and `streams` follow-log streams (each read to its first
    /// chunk), drops them all without closing, and returns the thread count seen while they were open.
    /// `batch` of each are opened at once (concurrently).
    @discardableResult
    static func openAndDrop(_ docker: DockerClient, container id: String, sessions: Int, streams: Int, batch: Int = 1) async throws
        -> (all: Int, own: [String], descriptors: Int)
    {
        var open: [AttachedSession] = []
        var logs: [HeldOutput] = []
        var left = sessions
        while left > 0 {
            let n = min(batch, left)
            left -= n
            open += try await withThrowingTaskGroup(of: AttachedSession.self) { group in
                for _ in 0..<n {
                    group.addTask {
                        let exec = try await docker.exec.create(container: id, ExecConfig(cmd: ["cat"], attachStdin: true))
                        let session = try await TransportLive.within(30) { try await docker.exec.startAttached(exec) }
                        try await TransportLive.within(30) { try await session.write(Data("ping\n".utf8)) }
                        return session
                    }
                }
                return try await group.reduce(into: []) { $0.append($1) }
            }
        }
        left = streams
        while left > 0 {
            let n = min(batch, left)
            left -= n
            logs += try await withThrowingTaskGroup(of: HeldOutput.self) { group in
                for _ in 0..<n {
                    group.addTask {
                        let output = try await TransportLive.within(30) {
                            try await docker.containers.logs(id, options: LogsOptions(follow: true, tail: 1))
                        }
                        // The iterator is kept: dropping it would end the stream.
                        let held = HeldOutput(output.makeAsyncIterator())
                        let first = try await TransportLive.within(30) { try await held.next() }
                        XCTAssertGreaterThan(first, 0)
                        return held
                    }
                }
                return try await group.reduce(into: []) { $0.append($1) }
            }
        }
        // Every session echoes its input: the connections really are open.
        for session in open.prefix(3) {
            let echoed = try await TransportLive.within(15) { () -> String in
                var iterator = session.output.makeAsyncIterator()
                return String(decoding: try await iterator.next()?.data ?? Data(), as: UTF8.self)
            }
            XCTAssertEqual(echoed, "ping\n")
        }
        let peak = try TransportLive.threads()
        let descriptors = try TransportLive.count("/proc/self/fd")
        open.removeAll()
        logs.removeAll()
        return (peak.all, peak.own, descriptors)
    }

    /// 32 MB written to `cat` through stdin before any output is read come back byte-identical.
    func testThirtyTwoMegabytesThroughCatBeforeReading() async throws {
        let docker = try await Live.client()
        try await LiveContainers.with(docker, "transport-cat32") { id, _ in
            let input = randomBytes(32 << 20)
            let exec = try await docker.exec.create(container: id, ExecConfig(cmd: ["cat"], attachStdin: true))
            let session = try await TransportLive.within(15) { try await docker.exec.startAttached(exec) }
            defer { session.close() }
            try await TransportLive.within(120) {
                try await session.write(input)
                try await session.closeStdin()
            }
            let output = try await TransportLive.within(120) { try await session.output.collect() }
            XCTAssertEqual(output.stdout.count, input.count)
            XCTAssertTrue(output.stdout == input, "the bytes came back changed")
            XCTAssertEqual(output.stderr, Data())
            let code = try await docker.exec.exitCode(exec)
            XCTAssertEqual(code, 0)
        }
    }

    /// A unix socket that accepts and never answers, with DOCKER_API_VERSION fixed (no ping):
    /// a unary call fails with `.timedOut` naming it, after the configured bound.
    func testMuteSocketTimesOut() async throws {
        _ = try await Live.client()
        let directory = NSTemporaryDirectory() + "dockersdk-mute-" + UUID().uuidString.prefix(8)
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let path = directory + "/mute.sock"
        let fd = try TransportLive.listeningSocket(at: path)
        defer { close(fd) }
        // The kernel completes connections into the backlog: accepted, never answered.
        let docker = try DockerClient(host: .unix(path: path), environment: ["DOCKER_API_VERSION": "1.41"],
                                      configuration: .init(unaryTimeout: .seconds(1)))
        do {
            _ = try await TransportLive.within(15) { try await docker.containers.list() }
            XCTFail("a mute socket answered")
        } catch let error as DockerError {
            XCTAssertEqual(error, .timedOut(seconds: 1, call: "GET /containers/json"))
        }
    }
}

/// A follow stream's iterator, kept so the stream stays open until it is dropped.
final class HeldOutput: @unchecked Sendable {
    private var iterator: ContainerOutput.Iterator

    init(_ iterator: ContainerOutput.Iterator) { self.iterator = iterator }

    /// The size of the next chunk (0 at the end).
    func next() async throws -> Int {
        try await iterator.next()?.data.count ?? 0
    }
}

enum TransportLive {
    struct Timeout: Error, CustomStringConvertible {
        var seconds: Double
        var description: String { "not done within \(seconds) s" }
    }

    /// Runs `operation`, failing with `Timeout` after `seconds` (the operation is cancelled then).
    static func within<T: Sendable>(_ seconds: Double, _ operation: @escaping @Sendable () async throws -> T) async throws -> T {
        try await withThrowingTaskGroup(of: T?.self) { group in
            group.addTask { try await operation() }
            group.addTask {
                try await Task.sleep(for: .seconds(seconds))
                return nil
            }
            defer { group.cancelAll() }
            guard let first = try await group.next(), let value = first else { throw Timeout(seconds: seconds) }
            return value
        }
    }

    /// Polls `condition` every 50 ms for at most `seconds`.
    static func poll(seconds: Double, _ condition: () -> Bool) async -> Bool {
        let deadline = Date().addingTimeInterval(seconds)
        while Date() < deadline {
            if condition() { return true }
            try? await Task.sleep(for: .milliseconds(50))
        }
        return condition()
    }

    /// The process's threads: how many, and the names of those that are not Dispatch's workers
    /// (which come and go with the test's own async work and timers; they are named `...qos...`).
    static func threads() throws -> (all: Int, own: [String]) {
        let tasks = try FileManager.default.contentsOfDirectory(atPath: "/proc/self/task")
        let names = tasks.compactMap { try? String(contentsOfFile: "/proc/self/task/\($0)/comm", encoding: .utf8) }
            .map { $0.trimmingCharacters(in: .whitespacesAndNewlines) }
        return (tasks.count, names.filter { !$0.contains("qos") }.sorted())
    }

    /// How many entries a /proc folder has (threads in /proc/self/task, descriptors in /proc/self/fd).
    static func count(_ folder: String) throws -> Int {
        try FileManager.default.contentsOfDirectory(atPath: folder).count
    }

    /// A listening unix socket at `path` that nobody accepts on.
    static func listeningSocket(at path: String) throws -> Int32 {
        let fd = socket(AF_UNIX, Int32(SOCK_STREAM.rawValue), 0)
        guard fd >= 0 else { throw POSIXError(.EIO) }
        var address = sockaddr_un()
        address.sun_family = sa_family_t(AF_UNIX)
        let bytes = Array(path.utf8)
        withUnsafeMutableBytes(of: &address.sun_path) { raw in
            raw.copyBytes(from: bytes)
            raw[bytes.count] = 0
        }
        let bound = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, socklen_t(MemoryLayout<sockaddr_un>.size)) }
        }
        guard bound == 0, listen(fd, 16) == 0 else {
            close(fd)
            throw POSIXError(.EADDRINUSE)
        }
        return fd
    }
}
