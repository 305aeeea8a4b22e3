import CCurl
import Foundation

/// A connection upgraded by `101 UPGRADED` (attach, exec with stdin).
///
/// libcurl connects it (CONNECT_ONLY, through a private multi handle the event loop drives, so
/// connecting never blocks a thread and honours cancellation); from then on the event loop sends
/// the request head, reads the answer's head with the transport's one head parser, and services
/// the socket with non-blocking `curl_easy_send` / `curl_easy_recv`: output is read whenever it
/// comes (up to `bufferLimit` bytes waiting for the consumer, then reading pauses), input is sent
/// whenever the socket takes it, independently, so a large stdin written before any output is
/// read cannot deadlock. Dropping the connection and its output stream without `close()` closes
/// the socket and frees the handle and buffers; `close()` wakes every pending write.
final class CurlHijackedConnection: HijackedConnection, @unchecked Sendable {
    let status: Int
    let headers: HTTPHeaders
    let output: ByteStream
    let session: HijackSession

    private init(session: HijackSession, status: Int, headers: HTTPHeaders) {
        self.session = session
        self.status = status
        self.headers = headers
        output = ByteStream(channel: session.channel)
    }

    /// Connects, sends the upgrade request and reads the answer's head, on the event loop.
    static func open(_ request: DockerRequest, host: DockerHost, loop: CurlEventLoop, bufferLimit: Int,
                     connectTimeout: Duration) async throws -> CurlHijackedConnection {
        let session = try HijackSession(request: request, host: host, loop: loop, bufferLimit: bufferLimit,
                                        connectTimeout: connectTimeout)
        let (status, headers) = try await withTaskCancellationHandler {
            try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<(Int, HTTPHeaders), any Error>) in
                session.start(continuation)
            }
        } onCancel: {
            loop.post { session.abortHandshake(DockerError.cancelled) }
        }
        return CurlHijackedConnection(session: session, status: status, headers: headers)
    }

    func write(_ data: Data) async throws {
        guard !data.isEmpty else { return }
        try await session.write(data)
    }

    func closeWrite() async throws {
        try await session.closeWrite()
    }

    func close() {
        session.loop.post { [session] in session.teardown(nil) }
    }
}

/// The loop-side state of one hijacked connection. Everything but `channel` is touched on the
/// event-loop thread only.
final class HijackSession: LoopSource, @unchecked Sendable {
    enum Phase { case connecting, sendingHead, readingHead, open, closed }

    let loop: CurlEventLoop
    let channel: ByteChannel
    private let request: DockerRequest
    private let host: DockerHost
    private let easy: CurlEasy
    private let multi: CurlMulti
    private let connect: CurlRequest
    private var phase = Phase.connecting
    private(set) var fd: Int32 = -1
    private(set) var deadline: UInt64?
    private var head = Data()
    private var headOffset = 0
    private var received = Data()
    private var handshake: CheckedContinuation<(Int, HTTPHeaders), any Error>?
    /// Bytes of a non-upgrade (error) answer's body still to read; nil reads to the end.
    private var bodyLeft: Int?
    /// Whether the daemon refused the upgrade (its error body is being read).
    private var isRefusal = false
    private var readPaused = false
    private var writes: [(id: UInt64, data: Data, offset: Int, done: CheckedContinuation<Void, any Error>)] = []
    private var nextWriteID: UInt64 = 0
    private var shutdownWaiters: [CheckedContinuation<Void, any Error>] = []
    private var writeSideClosed = false
    private var connectionHeld = false
    private var buffer = [UInt8](repeating: 0, count: 64 << 10)

    init(request: DockerRequest, host: DockerHost, loop: CurlEventLoop, bufferLimit: Int, connectTimeout: Duration) throws {
        if case .file? = request.body { throw DockerError.invalidArgument("a hijacked request takes its body from memory") }
        self.request = request
        self.host = host
        self.loop = loop
        channel = ByteChannel(limit: bufferLimit)
        easy = try CurlEasy()
        multi = try CurlMulti(maxConnects: 1)
        connect = CurlRequest(connectingTo: host, easy: easy, request: request, connectTimeout: connectTimeout)
        head = Self.requestHead(request, host: host)
    }

    /// The upgrade request's bytes: head and body.
    private static func requestHead(_ request: DockerRequest, host: DockerHost) -> Data {
        var body = Data()
        var contentType = "application/json"
        if case .data(let data, let type)? = request.body {
            body = data
            contentType = type
        }
        let hostHeader: String = switch host {
        case .unix: "docker"
        case let .tcp(name, port), let .tls(name, port, _): "\(name):\(port)"
        }
        var text = "\(request.method) \(request.target) HTTP/1.1\r\nHost: \(hostHeader)\r\n"
        for (name, value) in request.headers.sorted(by: { $0.key < $1.key }) { text += "\(name): \(value)\r\n" }
        text += "Content-Type: \(contentType)\r\nContent-Length: \(body.count)\r\nConnection: Upgrade\r\nUpgrade: tcp\r\n\r\n"
        return Data(text.utf8) + body
    }

    // MARK: - From any thread

    func start(_ continuation: CheckedContinuation<(Int, HTTPHeaders), any Error>) {
        channel.setOnCancel { [self] in loop.post { self.teardown(nil) } }
        channel.setOnResume { [self] in
            loop.post {
                self.readPaused = false
                self.readOutput()
            }
        }
        loop.post { [self] in
            handshake = continuation
            if let timeout = request.timeout { deadline = monotonicNanos() + UInt64(CurlTransfer.milliseconds(timeout)) * 1_000_000 }
            connect.onFinish = { [self] code in connected(code) }
            loop.attach(self)
            guard multi.add(connect) == CURLM_OK else {
                return abortHandshake(DockerError.transport(code: -1, message: "curl_multi_add_handle failed"))
            }
            connectionHeld = true
            connect.multi = multi
            loop.attach(multi)
        }
    }

    func write(_ data: Data) async throws {
        let id = UInt64.random(in: 0...UInt64.max)
        try await withTaskCancellationHandler {
            try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<Void, any Error>) in
                loop.post { [self] in
                    guard phase == .open, !writeSideClosed else {
                        return continuation.resume(throwing: DockerError.invalidArgument("the connection's write side is closed"))
                    }
                    writes.append((id, data, 0, continuation))
                    flushWrites()
                }
            }
        } onCancel: {
            loop.post { [self] in cancelWrite(id) }
        }
    }

    func closeWrite() async throws {
        try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<Void, any Error>) in
            loop.post { [self] in
                guard phase == .open else { return continuation.resume() }
                shutdownWaiters.append(continuation)
                flushWrites()
            }
        }
    }

    // MARK: - Loop thread

    var wantedEvents: Int16 {
        switch phase {
        case .connecting, .closed: return 0
        case .sendingHead: return Int16(POLLOUT)
        case .readingHead: return Int16(POLLIN)
        case .open: return (readPaused ? 0 : Int16(POLLIN)) | (writes.isEmpty ? 0 : Int16(POLLOUT))
        }
    }

    func ready(revents: Int16) {
        switch phase {
        case .sendingHead: sendHead()
        case .readingHead: readHead()
        case .open:
            if revents & Int16(POLLOUT) != 0 { flushWrites() }
            if revents & Int16(POLLIN | POLLHUP | POLLERR) != 0 { readOutput() }
        case .connecting, .closed: break
        }
    }

    func timerFired(now: UInt64) {
        deadline = nil
        let seconds = request.timeout.map { Double($0.components.seconds) + Double($0.components.attoseconds) / 1e18 } ?? 0
        if isRefusal { return teardown(DockerError.timedOut(seconds: seconds)) }
        abortHandshake(DockerError.timedOut(seconds: seconds))
    }

    private func connected(_ code: CURLcode) {
        loop.detach(multi)
        guard phase == .connecting else { return }
        var connects = 0
        if let error = connect.failure(code, connects: &connects) { return abortHandshake(error) }
        var socket: curl_socket_t = -1
        dsdk_getinfo_socket(easy.handle, &socket)
        guard socket >= 0 else { return abortHandshake(DockerError.transport(code: -1, message: "no socket after connect")) }
        fd = socket
        phase = .sendingHead
        sendHead()
    }

    private func sendHead() {
        while headOffset < head.count {
            var sent = 0
            let code = head.withUnsafeBytes { raw in
                curl_easy_send(easy.handle, raw.baseAddress!.advanced(by: headOffset), head.count - headOffset, &sent)
            }
            if code == CURLE_AGAIN { return }
            guard code == CURLE_OK else { return abortHandshake(ioError(code, sending: true)) }
            headOffset += sent
        }
        head = Data()
        phase = .readingHead
        readHead()
    }

    private func readHead() {
        while true {
            var n = 0
            let code = curl_easy_recv(easy.handle, &buffer, buffer.count, &n)
            if code == CURLE_AGAIN { return }
            guard code == CURLE_OK else { return abortHandshake(ioError(code, sending: false)) }
            guard n > 0 else {
                return abortHandshake(DockerError.malformedResponse(received.isEmpty
                    ? "the daemon closed the connection before answering" : "truncated response head"))
            }
            received.append(contentsOf: buffer[0..<n])
            if let first = received.first, first == 0x15 || first == 0x16, CurlTransfer.speaksTLS(host: host, responseStarted: false) {
                // A TLS record (alert, handshake) instead of "HTTP/": plain HTTP went to a TLS port.
                return abortHandshake(CurlTransfer.plainHTTPToTLS(host: host, detail: "a TLS record came back"))
            }
            if received.range(of: Data("\r\n\r\n".utf8)) != nil { break }
            if received.count > 1 << 20 { return abortHandshake(DockerError.malformedResponse("response head too large")) }
        }
        var parser = HTTPHeadParser()
        guard let end = parser.consumeHead(in: received), parser.isComplete, parser.status > 0 else {
            return abortHandshake(DockerError.malformedResponse("bad status line in upgrade response"))
        }
        let rest = received.count > end ? Data(received[(received.startIndex + end)...]) : Data()
        received = Data()
        phase = .open
        if parser.status != 101 && !(200..<300).contains(parser.status) {
            // An error answer: its body is the output, up to its length (still within the
            // handshake's time limit); the client reads and maps it.
            bodyLeft = parser.contentLength
            isRefusal = true
        } else {
            deadline = nil
        }
        let continuation = handshake
        handshake = nil
        continuation?.resume(returning: (parser.status, parser.headers))
        // Bytes that came in with the head belong to the output: never drop them.
        if !rest.isEmpty || bodyLeft == 0 { deliver(rest) }
        if phase == .open { readOutput() }
    }

    private func deliver(_ data: Data) {
        var data = data
        if let left = bodyLeft {
            if data.count > left { data = data.prefix(left) }
            bodyLeft = left - data.count
        }
        if !data.isEmpty, !channel.produce(data) { return teardown(nil) }
        if bodyLeft == 0 { teardown(nil) }
    }

    /// Reads what the socket (and TLS) holds while the consumer has room; at most 1 MB at a time,
    /// then the loop serves the others first (a read job is queued: TLS may hold bytes the socket
    /// no longer shows).
    func readOutput() {
        guard phase == .open else { return }
        var reads = 0
        while phase == .open {
            reads += 1
            if reads > 16 {
                loop.post { [self] in readOutput() }
                return
            }
            guard channel.hasRoom else {
                readPaused = true
                return
            }
            var n = 0
            let code = curl_easy_recv(easy.handle, &buffer, buffer.count, &n)
            if code == CURLE_AGAIN { return }
            guard code == CURLE_OK else { return teardown(ioError(code, sending: false)) }
            if n == 0 { return teardown(nil) }
            deliver(Data(buffer[0..<n]))
        }
    }

    /// Sends what the socket takes now; half-closes once every write is out and a shutdown was asked.
    private func flushWrites() {
        while phase == .open, !writes.isEmpty {
            var sent = 0
            let first = writes[0]
            let code = first.data.withUnsafeBytes { raw in
                curl_easy_send(easy.handle, raw.baseAddress!.advanced(by: first.offset), first.data.count - first.offset, &sent)
            }
            if code == CURLE_AGAIN { return }
            guard code == CURLE_OK else {
                let failed = writes.removeFirst()
                failed.done.resume(throwing: ioError(code, sending: true))
                continue
            }
            writes[0].offset += sent
            if writes[0].offset >= first.data.count {
                writes.removeFirst().done.resume()
            }
        }
        if writes.isEmpty && !shutdownWaiters.isEmpty {
            if !writeSideClosed { halfClose() }
            writeSideClosed = true
            let waiters = shutdownWaiters
            shutdownWaiters = []
            for waiter in waiters { waiter.resume() }
        }
    }

    private func cancelWrite(_ id: UInt64) {
        guard let index = writes.firstIndex(where: { $0.id == id }) else { return }
        let write = writes.remove(at: index)
        write.done.resume(throwing: DockerError.cancelled)
        // Half a write on the wire leaves the input stream broken: end the connection.
        if index == 0 && write.offset > 0 { teardown(DockerError.cancelled) }
    }

    /// Ends our side of the stream: close_notify over TLS (a bare FIN would be an unexpected EOF to a
    /// strict TLS peer), a TCP half-close otherwise.
    private func halfClose() {
        if case .tls = host {
            if dsdk_tls_close_notify(easy.handle) < 0 { shutdown(fd, Int32(SHUT_WR)) }
        } else {
            shutdown(fd, Int32(SHUT_WR))
        }
    }

    private func ioError(_ code: CURLcode, sending: Bool) -> DockerError {
        let message = String(cString: curl_easy_strerror(code))
        if phase != .open, CurlTransfer.isTLSAlert(message, host: host, responseStarted: false) {
            return .cannotConnect(host: host.description, reason: .tls, detail: message)
        }
        if phase != .open, received.isEmpty, CurlTransfer.speaksTLS(host: host, responseStarted: false) {
            return CurlTransfer.plainHTTPToTLS(host: host, detail: message)
        }
        if sending { return .transport(code: Int(code.rawValue), message: "send failed: \(message)") }
        return .malformedResponse("connection failed while reading: \(message)")
    }

    /// Fails a handshake still under way (cancellation, time limit, error); an open connection stays.
    func abortHandshake(_ error: any Error) {
        guard phase != .open else { return }
        teardown(error)
    }

    /// Closes the connection, frees the handle and wakes everything that waits on it.
    func teardown(_ error: (any Error)?) {
        guard phase != .closed else { return }
        phase = .closed
        deadline = nil
        loop.detach(self)
        loop.detach(multi)
        connect.onFinish = nil   // no cycle left through the closure
        if connectionHeld {
            connectionHeld = false
            if multi.active[easy.handle] != nil {
                multi.remove(connect)
            } else {
                curl_multi_remove_handle(multi.handle, easy.handle)   // closes the connect-only connection
            }
        }
        fd = -1
        let pending = writes
        writes = []
        let waiters = shutdownWaiters
        shutdownWaiters = []
        for write in pending {
            write.done.resume(throwing: DockerError.malformedResponse("the connection closed before the input was sent"))
        }
        for waiter in waiters { waiter.resume() }
        if let continuation = handshake {
            handshake = nil
            continuation.resume(throwing: error ?? DockerError.cancelled)
        }
        channel.finish(error)
    }
}
