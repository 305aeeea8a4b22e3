import CCurl
import Foundation

/// A connection upgraded by `101 UPGRADED` (attach, exec with stdin), driven by libcurl's
/// connect-only mode on a thread of its own that both reads and writes.
final class CurlHijackedConnection: HijackedConnection, @unchecked Sendable {
    let status: Int
    let headers: HTTPHeaders
    let output: ByteStream

    private let handle: UnsafeMutableRawPointer
    private let socket: Int32
    /// Whether the connection is TLS: its write side then closes with close_notify, not a TCP FIN.
    private let isTLS: Bool
    private let channel: ByteChannel
    private let wakeRead: Int32
    private let wakeWrite: Int32
    private let lock = NSLock()
    private var writes: [(data: Data, offset: Int, done: CheckedContinuation<Void, any Error>)] = []
    private var shutdownRequests: [CheckedContinuation<Void, any Error>] = []
    private var writeSideClosed = false
    private var closed = false

    private init(handle: UnsafeMutableRawPointer, socket: Int32, isTLS: Bool, status: Int, headers: HTTPHeaders,
                 leftover: Data, bufferLimit: Int) throws {
        var fds: [Int32] = [0, 0]
        guard pipe(&fds) == 0 else { throw DockerError.transport(code: -1, message: "pipe() failed") }
        _ = fcntl(fds[0], F_SETFL, O_NONBLOCK)
        _ = fcntl(fds[1], F_SETFL, O_NONBLOCK)
        wakeRead = fds[0]
        wakeWrite = fds[1]
        self.handle = handle
        self.socket = socket
        self.isTLS = isTLS
        self.status = status
        self.headers = headers
        channel = ByteChannel(limit: bufferLimit)
        output = ByteStream(channel: channel)
        // Bytes that came in with the response head belong to the output: never drop them.
        if !leftover.isEmpty { channel.produce(leftover) }
    }

    /// Connects, sends the upgrade request and reads the response head, all off the cooperative pool.
    static func open(_ request: DockerRequest, host: DockerHost, bufferLimit: Int) async throws -> CurlHijackedConnection {
        try await withCheckedThrowingContinuation { continuation in
            let thread = Thread {
                do {
                    let connection = try handshake(request, host: host, bufferLimit: bufferLimit)
                    continuation.resume(returning: connection)
                    connection.runLoop()
                } catch {
                    continuation.resume(throwing: error)
                }
            }
            thread.name = "dockersdk-hijack"
            thread.start()
        }
    }

    private static func handshake(_ request: DockerRequest, host: DockerHost, bufferLimit: Int) throws -> CurlHijackedConnection {
        _ = curlGlobalInit
        guard let h = curl_easy_init() else { throw DockerError.transport(code: -1, message: "curl_easy_init failed") }
        var success = false
        defer { if !success { curl_easy_cleanup(h) } }
        CurlTransfer.configureConnection(h, host: host, target: "/")
        dsdk_setopt_long(h, CURLOPT_CONNECT_ONLY, 1)
        let code = curl_easy_perform(h)
        if code != CURLE_OK {
            var osErrno = 0
            dsdk_getinfo_long(h, CURLINFO_OS_ERRNO, &osErrno)
            let outcome = CurlTransfer.Outcome(code: code, osErrno: osErrno,
                                               message: String(cString: curl_easy_strerror(code)), connects: 0)
            throw CurlTransfer.error(for: outcome, host: host, request: request, cancelled: false)
        }
        var fd: curl_socket_t = -1
        dsdk_getinfo_socket(h, &fd)
        guard fd >= 0 else { throw DockerError.transport(code: -1, message: "no socket after connect") }

        var body = Data()
        var contentType = "application/json"
        switch request.body {
        case .data(let data, let type)?:
            body = data
            contentType = type
        case .file?:
            throw DockerError.invalidArgument("a hijacked request takes its body from memory")
        case nil:
            break
        }
        let hostHeader: String = switch host {
        case .unix: "docker"
        case let .tcp(name, port), let .tls(name, port, _): "\(name):\(port)"
        }
        var head = "\(request.method) \(request.target) HTTP/1.1\r\nHost: \(hostHeader)\r\n"
        for (name, value) in request.headers.sorted(by: { $0.key < $1.key }) { head += "\(name): \(value)\r\n" }
        head += "Content-Type: \(contentType)\r\nContent-Length: \(body.count)\r\nConnection: Upgrade\r\nUpgrade: tcp\r\n\r\n"
        try sendAll(h, fd, Data(head.utf8) + body)

        // Read the response head; whatever follows it is output.
        var received = Data()
        let deadline = Date().addingTimeInterval(60)
        var headEnd: Range<Data.Index>?
        while headEnd == nil {
            guard Date() < deadline else { throw DockerError.timedOut(seconds: 60) }
            guard let chunk = try receive(h, fd, timeoutMs: 1000) else {
                if received.isEmpty { throw DockerError.malformedResponse("the daemon closed the connection before answering") }
                break
            }
            received.append(chunk)
            headEnd = received.range(of: Data("\r\n\r\n".utf8))
            if received.count > 1 << 20 { throw DockerError.malformedResponse("response head too large") }
        }
        guard let headEnd else { throw DockerError.malformedResponse("truncated response head") }
        let headText = String(decoding: received[..<headEnd.lowerBound], as: UTF8.self)
        var lines = headText.components(separatedBy: "\r\n")
        let statusLine = lines.removeFirst().split(separator: " ", maxSplits: 2)
        guard statusLine.count >= 2, let status = Int(statusLine[1]) else {
            throw DockerError.malformedResponse("bad status line in upgrade response")
        }
        var headers = HTTPHeaders()
        for line in lines {
            guard let colon = line.firstIndex(of: ":") else { continue }
            headers.add(name: String(line[..<colon]), value: line[line.index(after: colon)...].trimmingCharacters(in: .whitespaces))
        }
        var rest = Data(received[headEnd.upperBound...])
        guard status == 101 || status == 200 else {
            // An error answer: read its body, bounded in bytes and time, then throw it typed.
            let length = headers["Content-Length"].flatMap(Int.init) ?? (1 << 20)
            let bodyDeadline = Date().addingTimeInterval(10)
            while rest.count < min(length, 1 << 20), Date() < bodyDeadline {
                guard let chunk = try? receive(h, fd, timeoutMs: 500) else { break }
                rest.append(chunk)
            }
            throw DockerError.from(status: status, body: rest.prefix(length), requested: request.apiVersion)
        }
        var isTLS = false
        if case .tls = host { isTLS = true }
        let connection = try CurlHijackedConnection(handle: h, socket: fd, isTLS: isTLS, status: status, headers: headers,
                                                    leftover: rest, bufferLimit: bufferLimit)
        connection.channel.setOnCancel { [weak connection] in connection?.close() }
        success = true
        return connection
    }

    private static func sendAll(_ h: UnsafeMutableRawPointer, _ fd: Int32, _ data: Data) throws {
        var offset = 0
        while offset < data.count {
            var sent = 0
            let code = data.withUnsafeBytes { raw in
                curl_easy_send(h, raw.baseAddress!.advanced(by: offset), data.count - offset, &sent)
            }
            if code == CURLE_AGAIN {
                var p = pollfd(fd: fd, events: Int16(POLLOUT), revents: 0)
                _ = poll(&p, 1, 1000)
                continue
            }
            guard code == CURLE_OK else { throw DockerError.transport(code: Int(code.rawValue), message: "send failed") }
            offset += sent
        }
    }

    /// One read: data, nil at end of stream; throws on error. Waits up to `timeoutMs` for data.
    private static func receive(_ h: UnsafeMutableRawPointer, _ fd: Int32, timeoutMs: Int32) throws -> Data? {
        var buffer = [UInt8](repeating: 0, count: 64 << 10)
        while true {
            var n = 0
            let code = curl_easy_recv(h, &buffer, buffer.count, &n)
            if code == CURLE_OK { return n == 0 ? nil : Data(buffer[0..<n]) }
            guard code == CURLE_AGAIN else {
                throw DockerError.malformedResponse("connection failed while reading: \(String(cString: curl_easy_strerror(code)))")
            }
            var p = pollfd(fd: fd, events: Int16(POLLIN), revents: 0)
            if poll(&p, 1, timeoutMs) == 0 { return Data() }
        }
    }

    func write(_ data: Data) async throws {
        guard !data.isEmpty else { return }
        try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<Void, any Error>) in
            lock.lock()
            if closed || writeSideClosed {
                lock.unlock()
                continuation.resume(throwing: DockerError.invalidArgument("the connection's write side is closed"))
                return
            }
            writes.append((data: data, offset: 0, done: continuation))
            lock.unlock()
            wake()
        }
    }

    func closeWrite() async throws {
        try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<Void, any Error>) in
            lock.lock()
            if closed {
                lock.unlock()
                continuation.resume()
                return
            }
            shutdownRequests.append(continuation)
            lock.unlock()
            wake()
        }
    }

    func close() {
        lock.lock()
        closed = true
        lock.unlock()
        wake()
    }

    /// Wakes the I/O thread; the pipe stays open until the connection is deallocated, so this is
    /// never a write to a closed (or reused) descriptor.
    private func wake() {
        var byte: UInt8 = 1
        _ = Foundation.write(wakeWrite, &byte, 1)
    }

    deinit {
        Foundation.close(wakeRead)
        Foundation.close(wakeWrite)
    }

    /// Reads output and writes input until the daemon closes or the user does.
    private func runLoop() {
        var buffer = [UInt8](repeating: 0, count: 64 << 10)
        var failure: (any Error)?
        loop: while true {
            lock.lock()
            let isClosed = closed
            let wantWrite = !writes.isEmpty
            lock.unlock()
            if isClosed { break }
            var fds = [pollfd(fd: socket, events: Int16(POLLIN) | (wantWrite ? Int16(POLLOUT) : 0), revents: 0),
                       pollfd(fd: wakeRead, events: Int16(POLLIN), revents: 0)]
            _ = poll(&fds, 2, 1000)
            if fds[1].revents != 0 {
                var drain = [UInt8](repeating: 0, count: 64)
                while Foundation.read(wakeRead, &drain, drain.count) > 0 {}
            }
            flushWrites()
            // Drain everything readable (TLS may hold decrypted bytes the socket no longer shows).
            while true {
                var n = 0
                let code = curl_easy_recv(handle, &buffer, buffer.count, &n)
                if code == CURLE_AGAIN { break }
                if code != CURLE_OK {
                    failure = DockerError.malformedResponse("connection failed: \(String(cString: curl_easy_strerror(code)))")
                    break loop
                }
                if n == 0 { break loop }
                if !channel.produce(Data(buffer[0..<n])) { break loop }
            }
        }
        lock.lock()
        closed = true
        let pendingWrites = writes
        let pendingShutdowns = shutdownRequests
        writes = []
        shutdownRequests = []
        lock.unlock()
        for write in pendingWrites { write.done.resume(throwing: DockerError.malformedResponse("the connection closed before the input was sent")) }
        for request in pendingShutdowns { request.resume() }
        channel.finish(failure)
        curl_easy_cleanup(handle)
    }

    /// Ends our side of the stream: close_notify over TLS (a bare FIN would be an unexpected EOF to a
    /// strict TLS peer), a TCP half-close otherwise. Runs on the connection's thread, which owns the handle.
    private func halfClose() {
        if isTLS {
            if dsdk_tls_close_notify(handle) < 0 { shutdown(socket, Int32(SHUT_WR)) }
        } else {
            shutdown(socket, Int32(SHUT_WR))
        }
    }

    /// Sends what can be sent now; half-closes once every write is out and a shutdown was asked.
    private func flushWrites() {
        while true {
            lock.lock()
            guard var first = writes.first else {
                let requests = shutdownRequests
                shutdownRequests = []
                if !requests.isEmpty { writeSideClosed = true }
                lock.unlock()
                if !requests.isEmpty {
                    halfClose()
                    for request in requests { request.resume() }
                }
                return
            }
            lock.unlock()
            var sent = 0
            let code = first.data.withUnsafeBytes { raw in
                curl_easy_send(handle, raw.baseAddress!.advanced(by: first.offset), first.data.count - first.offset, &sent)
            }
            if code == CURLE_AGAIN { return }
            lock.lock()
            if code != CURLE_OK {
                let failed = writes.removeFirst()
                lock.unlock()
                failed.done.resume(throwing: DockerError.transport(code: Int(code.rawValue), message: "send failed"))
                continue
            }
            first.offset += sent
            if first.offset >= first.data.count {
                writes.removeFirst()
                lock.unlock()
                first.done.resume()
            } else {
                writes[0].offset = first.offset
                lock.unlock()
                return
            }
        }
    }
}
