import CCurl
import Foundation

// # How the libcurl transport runs requests
//
// Threads: a FIXED group of event loops per `CurlTransport` (so per `DockerClient`): one per core,
// at most 4 (`CurlLoopGroup.defaultThreadCount`; 2 on the 2-core machines this was measured on;
// DOCKERSDK_LOOP_THREADS=1...4 overrides it), whatever the number of open calls, streams and
// hijacked connections. The threads start together when the first one is needed and end when the
// transport is gone and nothing is in flight. Nothing else is a thread of ours: calls also run for
// a moment on the calling task's own thread (below). (libcurl's threaded resolver may start a
// short-lived thread to resolve a tcp:// host *name*; unix sockets and IP addresses never do.)
//
// Why several loops: with one loop thread, every transfer the loop finishes (head parsing, body
// copies, the continuation's resume) is serial on one core, which capped 8 and 64 concurrent
// inspects at 0.50x and 0.41x of 8 C threads. Each call, stream or hijacked connection is dealt to
// the next loop in turn and stays there; lanes and easy handles are one pool shared by the group.
//
// Each loop drives its curl multi handles in socket-action mode (CURLMOPT_SOCKETFUNCTION and
// TIMERFUNCTION tell which descriptors and timer each one needs) plus raw descriptors (hijacked
// connections) with epoll: a descriptor is registered when curl (or the connection) asks for it
// and changed or removed when that changes, so the work per wake-up grows with the descriptors
// that are ready, the lanes handed over and the hijacked connections, never with the number of
// transfers held (poll(2) over 1,000 open `wait`s walked and re-registered 1,000 descriptors on
// every wake-up). An eventfd wakes it; every state change coming from other threads is a job
// posted to the loop's inbox. Nothing ever blocks the loop: libcurl does non-blocking I/O, a slow
// stream consumer pauses its transfer with CURL_WRITEFUNC_PAUSE and is resumed with
// curl_easy_pause from the loop once it has drained, and a hijacked connection reads and writes
// its socket independently as it becomes ready.
//
// Why a fast path: what separates an async design from a C loop with one reused handle is the
// number of thread wake-ups per request (measured: each extra one costs 15-20 us here), not Swift
// code. A pure event loop needs two (the loop, then the task's continuation). So a unary call with
// a time limit first runs INLINE: the calling task takes a "lane" (a private multi handle with its
// own easy handle and its own kept-alive connection), and drives it itself for at most
// `inlineBudget` (2 ms), which answers a ping or an inspect with one wake-up and no hand-off.
// If the answer takes longer, the task hands the lane over to the loop as it is (mid-transfer: the
// lane's sockets and timer are known from its callbacks, so the loop just starts polling them)
// and suspends; the loop resumes it when the transfer ends. At most `inlineLimit` (cores - 1,
// at least 1) calls run inline at once so they cannot take every cooperative thread; the others,
// and calls the daemon holds by design (wait, stop, restart: `DockerRequest.longRunning`; streams),
// go straight to the loop's main multi handle.
//
// Measured here (2 cores, load average 15, 10 000 pings from a nonisolated task): 1.04-1.25
// context switches per ping (the C loop: 1.03-1.1), one poll and one curl timer run per call, about
// 9% of calls handed over to the loop under that load; CPU per ping 28-34 us against 20-23 us for
// C, the difference spread over Swift's retain/release, String and malloc (no single hot spot).
// Called from the main actor, every call costs two more hops (4.6 context switches per ping).
//
// Connections are reused: a lane keeps its connection between calls (lanes are taken last-in
// first-out, so sequential calls share one connection), and the main multi handle keeps a cache
// of idle connections (CURLMOPT_MAXCONNECTS). A stream or call aborted mid-response loses its
// connection (curl closes it). Idle lanes beyond `maxIdleLanes` are freed with their connection.

/// Monotonic time in nanoseconds.
@inline(__always) func monotonicNanos() -> UInt64 { UInt64(dsdk_now_ns()) }

/// libcurl's process-wide initialisation, done once before the first handle.
let curlGlobalInit: Void = {
    curl_global_init(Int(CURL_GLOBAL_ALL))
}()

/// One curl easy handle with its error buffer.
final class CurlEasy: @unchecked Sendable {
    let handle: UnsafeMutableRawPointer
    let errorBuffer: UnsafeMutablePointer<CChar>
    /// Set while the handle holds a unary GET's options for this host (see `CurlRequest.configure`).
    var plainGET: PlainGET?
    /// The header list CURLOPT_HTTPHEADER points at (owned here: it must outlive every transfer that uses it).
    var headerList: UnsafeMutablePointer<curl_slist>?
    /// Whether `headerList` is set on the handle and holds only the default header (`Expect:`), so a
    /// request without headers of its own needs no new list.
    var hasDefaultHeaders = false

    /// What a unary GET's options depend on beyond the request itself.
    struct PlainGET: Equatable {
        var host: DockerHost
        var connectTimeout: Duration
    }

    init() throws {
        _ = curlGlobalInit
        guard let handle = curl_easy_init() else { throw DockerError.transport(code: -1, message: "curl_easy_init failed") }
        self.handle = handle
        errorBuffer = .allocate(capacity: Int(CURL_ERROR_SIZE) + 1)
        errorBuffer.initialize(repeating: 0, count: Int(CURL_ERROR_SIZE) + 1)
    }

    deinit {
        curl_easy_cleanup(handle)
        curl_slist_free_all(headerList)
        errorBuffer.deallocate()
    }
}

/// A curl multi handle in socket-action mode. Exactly one thread drives it at a time: the
/// event loop, or a calling task while it runs a lane inline.
final class CurlMulti: @unchecked Sendable {
    let handle: UnsafeMutableRawPointer
    /// The poll events curl wants, by descriptor.
    fileprivate(set) var sockets: [Int32: Int16] = [:]
    /// When curl wants `CURL_SOCKET_TIMEOUT`, in monotonic nanoseconds.
    fileprivate(set) var deadline: UInt64?
    /// The transfers in the handle, by easy handle.
    private(set) var active: [UnsafeMutableRawPointer: CurlRequest] = [:]
    /// Kept between inline drives: no allocation per call.
    private var pollBuffer: [pollfd] = []
    /// The loop that polls this handle's descriptors while it is attached to it (nil while a task
    /// drives it inline): told of every change of the descriptors curl wants.
    fileprivate weak var loop: CurlEventLoop?

    init(maxConnects: Int) throws {
        _ = curlGlobalInit
        guard let handle = curl_multi_init() else { throw DockerError.transport(code: -1, message: "curl_multi_init failed") }
        self.handle = handle
        let me = Unmanaged.passUnretained(self).toOpaque()
        dsdk_multi_setopt_socket_callback(handle, multiSocketCallback)
        dsdk_multi_setopt_pointer(handle, CURLMOPT_SOCKETDATA, me)
        dsdk_multi_setopt_timer_callback(handle, multiTimerCallback)
        dsdk_multi_setopt_pointer(handle, CURLMOPT_TIMERDATA, me)
        dsdk_multi_setopt_long(handle, CURLMOPT_MAXCONNECTS, maxConnects)
    }

    deinit {
        for easy in active.keys { curl_multi_remove_handle(handle, easy) }
        curl_multi_cleanup(handle)
    }

    var isIdle: Bool { active.isEmpty }

    func add(_ request: CurlRequest) -> CURLMcode {
        active[request.easy.handle] = request
        let code = curl_multi_add_handle(handle, request.easy.handle)
        if code != CURLM_OK { active[request.easy.handle] = nil }
        return code
    }

    /// Takes a transfer out (aborting it when it was running).
    func remove(_ request: CurlRequest) {
        guard active.removeValue(forKey: request.easy.handle) != nil else { return }
        curl_multi_remove_handle(handle, request.easy.handle)
    }

    fileprivate func updateSocket(_ fd: Int32, what: Int32) {
        switch what {
        case Int32(CURL_POLL_REMOVE): sockets[fd] = nil
        case Int32(CURL_POLL_IN): sockets[fd] = Int16(POLLIN)
        case Int32(CURL_POLL_OUT): sockets[fd] = Int16(POLLOUT)
        case Int32(CURL_POLL_INOUT): sockets[fd] = Int16(POLLIN | POLLOUT)
        default: sockets[fd] = 0
        }
        loop?.socketChanged(fd, events: sockets[fd] ?? 0, of: self)
    }

    fileprivate func updateTimer(_ ms: Int) {
        deadline = ms < 0 ? nil : monotonicNanos() + UInt64(ms) * 1_000_000
    }

    /// Tells curl a descriptor is ready.
    func socketReady(_ fd: Int32, revents: Int16) {
        var mask: Int32 = 0
        if revents & Int16(POLLIN | POLLHUP) != 0 { mask |= Int32(CURL_CSELECT_IN) }
        if revents & Int16(POLLOUT) != 0 { mask |= Int32(CURL_CSELECT_OUT) }
        if revents & Int16(POLLERR | POLLNVAL) != 0 { mask |= Int32(CURL_CSELECT_ERR) }
        var running: Int32 = 0
        curl_multi_socket_action(handle, fd, mask, &running)
    }

    /// Runs curl's timer when it is due.
    func runTimerIfDue(now: UInt64) {
        guard let deadline, deadline <= now else { return }
        self.deadline = nil
        var running: Int32 = 0
        curl_multi_socket_action(handle, dsdk_socket_timeout(), 0, &running)
    }

    /// The transfers that ended since the last call, taken out of the handle.
    func takeFinished() -> [(CurlRequest, CURLcode)] {
        var done: [(CurlRequest, CURLcode)] = []
        var left: Int32 = 0
        while let message = curl_multi_info_read(handle, &left) {
            guard dsdk_msg_is_done(message) != 0, let easy = message.pointee.easy_handle else { continue }
            let code = dsdk_msg_result(message)
            if let request = active.removeValue(forKey: easy) {
                // A connect-only connection lives as long as its easy handle stays in the multi handle.
                if !request.connectOnly { curl_multi_remove_handle(handle, easy) }
                done.append((request, code))
            }
        }
        return done
    }

    /// Drives the handle on the calling thread until a transfer ends or `end` passes.
    /// Returns the ended transfers (empty when the time ran out first).
    func drive(until end: UInt64, stop: () -> Bool) -> [(CurlRequest, CURLcode)] {
        var fds: [pollfd] = []
        swap(&fds, &pollBuffer)   // uniquely referenced while in use: no copy on write
        defer { swap(&fds, &pollBuffer) }
        while true {
            let done = takeFinished()
            if !done.isEmpty { return done }
            let now = monotonicNanos()
            if let deadline, deadline <= now {
                runTimerIfDue(now: now)
                continue
            }
            if now >= end || stop() { return [] }
            let until = min(end, deadline ?? end)
            fds.removeAll(keepingCapacity: true)
            for (fd, events) in sockets { fds.append(pollfd(fd: fd, events: events, revents: 0)) }
            let ready = fds.withUnsafeMutableBufferPointer { dsdk_poll_ns($0.baseAddress, UInt($0.count), Int64(until - now)) }
            if ready > 0 {
                for p in fds where p.revents != 0 { socketReady(p.fd, revents: p.revents) }
            }
        }
    }
}

private func multiFrom(_ pointer: UnsafeMutableRawPointer?) -> CurlMulti {
    Unmanaged<CurlMulti>.fromOpaque(pointer!).takeUnretainedValue()
}

private let multiSocketCallback: curl_socket_callback = { _, fd, what, userp, _ in
    multiFrom(userp).updateSocket(fd, what: what)
    return 0
}

private let multiTimerCallback: curl_multi_timer_callback = { _, ms, userp in
    multiFrom(userp).updateTimer(ms)
    return 0
}

/// A multi handle with one easy handle and its own kept-alive connection, which a calling task
/// drives inline and may hand over to the loop mid-transfer.
final class CurlLane: @unchecked Sendable {
    let multi: CurlMulti
    let easy: CurlEasy

    init() throws {
        multi = try CurlMulti(maxConnects: 1)
        easy = try CurlEasy()
    }
}

/// A raw descriptor the loop polls for someone else (a hijacked connection).
protocol LoopSource: AnyObject {
    /// The descriptor; negative when there is nothing to poll.
    var fd: Int32 { get }
    /// The poll events wanted now (0: none).
    var wantedEvents: Int16 { get }
    /// A time at which `timerFired` must run, in monotonic nanoseconds.
    var deadline: UInt64? { get }
    func ready(revents: Int16)
    func timerFired(now: UInt64)
}

/// The lanes and easy handles of one transport, shared by its loops, and the count of calls
/// running inline.
final class CurlHandlePool: @unchecked Sendable {
    /// How many calls may run inline at once.
    let inlineLimit = max(1, ProcessInfo.processInfo.activeProcessorCount - 1)
    /// How many idle lanes (each with a connection) are kept.
    let maxIdleLanes: Int
    /// How many idle easy handles the loops' main multi handles keep.
    let maxIdleEasies = 16

    private let lock = NSLock()
    private var inlineRunning = 0
    private var idleLanes: [CurlLane] = []
    private var idleEasies: [CurlEasy] = []

    init() {
        maxIdleLanes = inlineLimit + 2
    }

    func takeInlineLane() -> CurlLane? {
        lock.lock()
        guard inlineRunning < inlineLimit else {
            lock.unlock()
            return nil
        }
        inlineRunning += 1
        let lane = idleLanes.popLast()
        lock.unlock()
        if let lane { return lane }
        if let lane = try? CurlLane() { return lane }
        endInline()
        return nil
    }

    func endInline() {
        lock.withLock { inlineRunning -= 1 }
    }

    func putLane(_ lane: CurlLane) {
        lock.lock()
        if idleLanes.count < maxIdleLanes {
            idleLanes.append(lane)
            lock.unlock()
        } else {
            lock.unlock()   // freed here, with its connection
        }
    }

    func takeEasy() throws -> CurlEasy {
        if let easy = lock.withLock({ idleEasies.popLast() }) { return easy }
        return try CurlEasy()
    }

    func putEasy(_ easy: CurlEasy) {
        lock.withLock {
            if idleEasies.count < maxIdleEasies { idleEasies.append(easy) }
        }
    }
}

/// The fixed set of event loops of one transport: `threadCount` loops, each with its own thread,
/// epoll instance and main multi handle; calls, streams and hijacked connections are dealt to them
/// in turn and stay on their loop until they end.
final class CurlLoopGroup: @unchecked Sendable {
    /// How many loop threads a transport runs: one per core, at most 4 (at least 1);
    /// `DOCKERSDK_LOOP_THREADS` (1-4) overrides it, for comparing in benchmarks.
    static var defaultThreadCount: Int {
        if let text = ProcessInfo.processInfo.environment["DOCKERSDK_LOOP_THREADS"], let n = Int(text), (1...4).contains(n) {
            return n
        }
        return min(4, max(1, ProcessInfo.processInfo.activeProcessorCount))
    }

    let loops: [CurlEventLoop]
    let pool: CurlHandlePool
    private let lock = NSLock()
    private var turn = 0
    private var started = false

    init(threads: Int = CurlLoopGroup.defaultThreadCount) throws {
        let pool = CurlHandlePool()
        self.pool = pool
        var loops: [CurlEventLoop] = []
        for _ in 0..<max(1, threads) { loops.append(try CurlEventLoop(pool: pool)) }
        self.loops = loops
        for loop in loops {
            loop.onThreadStart = { [unowned self] in startAll() }
        }
    }

    /// The loop for the next call (in turn).
    func next() -> CurlEventLoop {
        if loops.count == 1 { return loops[0] }
        lock.lock()
        let index = turn
        turn = turn + 1 == loops.count ? 0 : turn + 1
        lock.unlock()
        return loops[index]
    }

    /// When the first loop thread starts, the others start too: the thread count does not change
    /// with which calls come first (they sleep in epoll_wait until work comes).
    private func startAll() {
        let first = lock.withLock {
            defer { started = true }
            return !started
        }
        guard first else { return }
        for loop in loops { loop.post {} }
    }

    /// The transport is gone: each thread ends once nothing is left in flight on its loop.
    func release() {
        for loop in loops { loop.release() }
    }
}

/// One event-loop thread of a transport.
final class CurlEventLoop: @unchecked Sendable {
    /// How long a calling task drives its lane before handing it to the loop.
    static let inlineBudget: UInt64 = 2_000_000
    /// Ready descriptors taken per epoll_wait.
    private static let batch: Int32 = 128

    let pool: CurlHandlePool
    /// How many calls may run inline at once.
    var inlineLimit: Int { pool.inlineLimit }
    /// Runs (once set) when this loop's thread starts.
    fileprivate var onThreadStart: (() -> Void)?

    private let wakeFD: Int32
    private let epollFD: Int32
    private let lock = NSLock()
    private var inbox: [() -> Void] = []
    private var wakePending = false
    private var running = false
    private var ownerGone = false

    // Loop-thread state.
    let main: CurlMulti
    private var multis: [ObjectIdentifier: CurlMulti] = [:]
    private var sources: [ObjectIdentifier: SourceEntry] = [:]
    /// Who gets the events of each descriptor registered with epoll, and which events it wants.
    private var registered: [Int32: Registration] = [:]
    private var readyFDs = [Int32](repeating: 0, count: Int(CurlEventLoop.batch))
    private var readyEvents = [Int16](repeating: 0, count: Int(CurlEventLoop.batch))

    private enum Target {
        case multi(CurlMulti)
        case source(any LoopSource)
    }

    private struct Registration {
        var owner: ObjectIdentifier
        var events: Int16
        var target: Target
    }

    /// A source and what is registered for it.
    private final class SourceEntry {
        let source: any LoopSource
        var fd: Int32 = -1
        var events: Int16 = 0
        init(_ source: any LoopSource) { self.source = source }
    }

    init(pool: CurlHandlePool) throws {
        self.pool = pool
        let fd = dsdk_eventfd()
        guard fd >= 0 else { throw DockerError.transport(code: -1, message: "eventfd failed: \(String(cString: strerror(errno)))") }
        let ep = dsdk_epoll_create()
        guard ep >= 0 else {
            let message = String(cString: strerror(errno))
            Foundation.close(fd)
            throw DockerError.transport(code: -1, message: "epoll_create1 failed: \(message)")
        }
        wakeFD = fd
        epollFD = ep
        do {
            main = try CurlMulti(maxConnects: 8)
        } catch {
            Foundation.close(fd)
            Foundation.close(ep)
            throw error
        }
        _ = dsdk_epoll_ctl(ep, 0, fd, Int16(POLLIN))
        main.loop = self
    }

    /// A loop of its own (one thread, its own pools).
    convenience init() throws {
        try self.init(pool: CurlHandlePool())
    }

    deinit {
        main.loop = nil
        Foundation.close(wakeFD)
        Foundation.close(epollFD)
    }

    // MARK: - Called from any thread

    /// Runs `job` on the loop thread (starting it when needed).
    func post(_ job: @escaping () -> Void) {
        lock.lock()
        inbox.append(job)
        let start = !running
        if start { running = true }
        let wake = !start && !wakePending
        if wake { wakePending = true }
        lock.unlock()
        if start {
            let thread = Thread { [self] in run() }
            thread.name = "dockersdk-loop"
            thread.stackSize = 512 << 10
            thread.start()
            onThreadStart?()
        } else if wake {
            var one: UInt64 = 1
            _ = Foundation.write(wakeFD, &one, 8)
        }
    }

    /// The transport is gone: the thread ends once nothing is left in flight.
    func release() {
        lock.withLock { ownerGone = true }
        post {}
    }

    /// Takes an inline slot and a lane, or nil when `inlineLimit` calls already run inline.
    func takeInlineLane() -> CurlLane? { pool.takeInlineLane() }

    /// The inline phase of a call ended (the lane is handed back or over separately).
    func endInline() { pool.endInline() }

    /// A lane whose transfer ended, back in the pool.
    func putLane(_ lane: CurlLane) { pool.putLane(lane) }

    /// An easy handle for a main multi handle.
    func takeEasy() throws -> CurlEasy { try pool.takeEasy() }

    func putEasy(_ easy: CurlEasy) { pool.putEasy(easy) }

    // MARK: - Loop thread only

    /// Starts polling `multi` (a lane handed over mid-transfer, a hijack's connect).
    func attach(_ multi: CurlMulti) {
        let id = ObjectIdentifier(multi)
        multis[id] = multi
        multi.loop = self
        for (fd, events) in multi.sockets { setInterest(fd, events: events, owner: id, target: .multi(multi)) }
    }

    func detach(_ multi: CurlMulti) {
        let id = ObjectIdentifier(multi)
        guard multis.removeValue(forKey: id) != nil else { return }
        multi.loop = nil
        for fd in multi.sockets.keys { removeInterest(fd, owner: id) }
    }

    func attach(_ source: any LoopSource) {
        let id = ObjectIdentifier(source)
        guard sources[id] == nil else { return }
        let entry = SourceEntry(source)
        sources[id] = entry
        sync(entry, id: id)
    }

    func detach(_ source: any LoopSource) {
        let id = ObjectIdentifier(source)
        guard let entry = sources.removeValue(forKey: id) else { return }
        if entry.fd >= 0 { removeInterest(entry.fd, owner: id) }
    }

    /// What curl wants of `fd` changed (from the multi handle's socket callback).
    fileprivate func socketChanged(_ fd: Int32, events: Int16, of multi: CurlMulti) {
        let id = ObjectIdentifier(multi)
        if events == 0 {
            removeInterest(fd, owner: id)
        } else {
            setInterest(fd, events: events, owner: id, target: .multi(multi))
        }
    }

    private func setInterest(_ fd: Int32, events: Int16, owner: ObjectIdentifier, target: Target) {
        guard events != 0 else { return removeInterest(fd, owner: owner) }
        if let current = registered[fd] {
            if current.owner == owner && current.events == events { return }
            if dsdk_epoll_ctl(epollFD, 1, fd, events) == ENOENT { _ = dsdk_epoll_ctl(epollFD, 0, fd, events) }
        } else if dsdk_epoll_ctl(epollFD, 0, fd, events) == EEXIST {
            _ = dsdk_epoll_ctl(epollFD, 1, fd, events)
        }
        registered[fd] = Registration(owner: owner, events: events, target: target)
    }

    /// Stops watching `fd` if `owner` registered it (a descriptor number may have passed to
    /// someone else in between).
    private func removeInterest(_ fd: Int32, owner: ObjectIdentifier) {
        guard let current = registered[fd], current.owner == owner else { return }
        registered[fd] = nil
        _ = dsdk_epoll_ctl(epollFD, 2, fd, 0)   // fails harmlessly when the descriptor is already closed
    }

    /// Registers what a source wants now, when it changed.
    private func sync(_ entry: SourceEntry, id: ObjectIdentifier) {
        let fd = entry.source.fd
        let events = fd >= 0 ? entry.source.wantedEvents : 0
        guard fd != entry.fd || events != entry.events else { return }
        if entry.fd >= 0 && entry.fd != fd { removeInterest(entry.fd, owner: id) }
        entry.fd = fd
        entry.events = events
        if fd >= 0 {
            if events == 0 {
                removeInterest(fd, owner: id)
            } else {
                setInterest(fd, events: events, owner: id, target: .source(entry.source))
            }
        }
    }

    private func run() {
        dsdk_name_thread("dockersdk-loop")
        while true {
            // In functions of their own, so that nothing they held stays alive while the loop waits.
            runJobs()
            let now = monotonicNanos()
            runTimers(now: now)
            for (id, entry) in sources { sync(entry, id: id) }

            lock.lock()
            let idle = inbox.isEmpty && main.isIdle && multis.isEmpty && sources.isEmpty
            if idle && ownerGone {
                running = false
                lock.unlock()
                return
            }
            let hasJobs = !inbox.isEmpty
            lock.unlock()
            // Jobs waiting: look at the descriptors without sleeping, so that a stream of jobs
            // cannot keep the loop from serving sockets.
            waitOnce(now: now, sleep: !hasJobs)
        }
    }

    private func runJobs() {
        lock.lock()
        let jobs = inbox
        inbox = []
        wakePending = false
        lock.unlock()
        for job in jobs { job() }
    }

    private func runTimers(now: UInt64) {
        main.runTimerIfDue(now: now)
        for multi in multis.values { multi.runTimerIfDue(now: now) }
        for entry in sources.values {
            if let deadline = entry.source.deadline, deadline <= now { entry.source.timerFired(now: now) }
        }
        finishTransfers()
    }

    /// Waits on epoll until a registered descriptor is ready, the eventfd is written or the nearest
    /// timer is due, and hands what is ready to its owner. The work per wake-up grows with the
    /// descriptors that are ready, the attached lanes and the hijacked connections, never with the
    /// number of transfers in the main multi handle.
    private func waitOnce(now _: UInt64, sleep: Bool) {
        // Read again: the timers and jobs that ran since may have set a timer "due now".
        let now = monotonicNanos()
        var deadline = main.deadline ?? .max
        for multi in multis.values { if let d = multi.deadline { deadline = min(deadline, d) } }
        for entry in sources.values { if let d = entry.source.deadline { deadline = min(deadline, d) } }
        let wait: Int64 = !sleep ? 0 : deadline == .max ? -1 : Int64(deadline > now ? deadline - now : 0)
        let ready = readyFDs.withUnsafeMutableBufferPointer { fds in
            readyEvents.withUnsafeMutableBufferPointer { events in
                dsdk_epoll_wait_ns(epollFD, fds.baseAddress, events.baseAddress, Self.batch, wait)
            }
        }
        guard ready > 0 else { return }
        for i in 0..<Int(ready) {
            let fd = readyFDs[i]
            let revents = readyEvents[i]
            if fd == wakeFD {
                var value: UInt64 = 0
                _ = Foundation.read(wakeFD, &value, 8)
                continue
            }
            // Looked up now: an earlier event of this batch may have ended its owner.
            switch registered[fd]?.target {
            case .multi(let multi)?: multi.socketReady(fd, revents: revents)
            case .source(let source)?: source.ready(revents: revents)
            case nil: break
            }
        }
        finishTransfers()
    }

    private func finishTransfers() {
        for (request, code) in main.takeFinished() { request.finished(code) }
        for multi in multis.values {
            for (request, code) in multi.takeFinished() { request.finished(code) }
        }
    }
}
