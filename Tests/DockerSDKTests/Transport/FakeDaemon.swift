import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// One request as the fake daemon received it.
struct FakeRequest: Sendable {
    /// The order in which the daemon received it (0-based, over all connections).
    var index: Int
    /// Which accepted connection carried it (0-based).
    var connection: Int
    var method: String
    /// The request target as sent, e.g. `/v1.41/containers/json?all=1`.
    var target: String
    var headers: [(name: String, value: String)]
    var body: Data
    /// The head and body bytes exactly as received.
    var raw: Data

    func header(_ name: String) -> String? {
        headers.first { $0.name.lowercased() == name.lowercased() }?.value
    }

    /// The target without its query.
    var path: String { String(target.split(separator: "?", maxSplits: 1).first ?? "") }
}

/// A tiny HTTP/1.1 server on a Unix socket in a temporary folder, answering each request with
/// scripted raw bytes. Every loop is bounded by `stop()` (called from the test's teardown) and by time.
final class FakeDaemon: @unchecked Sendable {
    typealias Handler = @Sendable (FakeRequest, FakeConnection) -> Void

    let directory: String
    let path: String
    private let listenFD: Int32
    private let handler: Handler
    private let lock = NSLock()
    private var stopped = false
    private var accepted = 0
    private var received: [FakeRequest] = []
    private var open: [Int32: FakeConnection] = [:]
    private var closedByPeer = 0
    private let threads = DispatchGroup()

    /// The loopback TCP port, when listening on TCP (`overTCP`), else 0.
    let port: Int

    /// Starts listening (on a Unix socket, or on 127.0.0.1 with `overTCP`); `handler` answers each
    /// request on the connection's own thread.
    init(overTCP: Bool = false, handler: @escaping Handler) throws {
        directory = NSTemporaryDirectory() + "fake-dockerd-" + UUID().uuidString.prefix(8)
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        path = directory + "/docker.sock"
        if overTCP {
            (listenFD, port) = try FakeDaemon.listenLoopbackTCP()
        } else {
            listenFD = try FakeDaemon.listen(at: path)
            port = 0
        }
        self.handler = handler
        threads.enter()
        let thread = Thread { [self] in acceptLoop() }
        thread.name = "fake-dockerd-accept"
        thread.start()
    }

    deinit { stop() }

    /// A bound, listening Unix socket at `path`.
    static func listen(at path: String, backlog: Int32 = 16) throws -> Int32 {
        let fd = try bindUnix(at: path)
        guard Glibc.listen(fd, backlog) == 0 else { throw POSIXError(POSIXErrorCode(rawValue: errno) ?? .EIO) }
        return fd
    }

    /// A listening TCP socket on 127.0.0.1 and a port the kernel chose.
    static func listenLoopbackTCP() throws -> (Int32, Int) {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard fd >= 0 else { throw POSIXError(POSIXErrorCode(rawValue: errno) ?? .EIO) }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = 0
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        let bound = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
        }
        guard bound == 0, Glibc.listen(fd, 16) == 0 else {
            let code = errno
            close(fd)
            throw POSIXError(POSIXErrorCode(rawValue: code) ?? .EIO)
        }
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        _ = withUnsafeMutablePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(fd, $0, &length) }
        }
        return (fd, Int(UInt16(bigEndian: address.sin_port)))
    }

    /// A Unix socket bound to `path` (the file exists afterwards), not listening.
    static func bindUnix(at path: String) throws -> Int32 {
        let fd = socket(AF_UNIX, Int32(SOCK_STREAM.rawValue), 0)
        guard fd >= 0 else { throw POSIXError(POSIXErrorCode(rawValue: errno) ?? .EIO) }
        var address = sockaddr_un()
        address.sun_family = sa_family_t(AF_UNIX)
        let bytes = Array(path.utf8)
        precondition(bytes.count < MemoryLayout.size(ofValue: address.sun_path), "socket path too long")
        withUnsafeMutableBytes(of: &address.sun_path) { raw in
            raw.copyBytes(from: bytes)
            raw[bytes.count] = 0
        }
        let result = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                bind(fd, $0, socklen_t(MemoryLayout<sockaddr_un>.size))
            }
        }
        guard result == 0 else {
            let code = errno
            close(fd)
            throw POSIXError(POSIXErrorCode(rawValue: code) ?? .EIO)
        }
        return fd
    }

    /// Stops accepting, wakes and ends every connection thread, and removes the folder.
    func stop() {
        lock.lock()
        let already = stopped
        stopped = true
        let connections = Array(open.values)
        lock.unlock()
        if already { return }
        for connection in connections { connection.abort() }
        _ = threads.wait(timeout: .now() + 3)
        close(listenFD)
        try? FileManager.default.removeItem(atPath: directory)
    }

    var isStopped: Bool {
        lock.lock()
        defer { lock.unlock() }
        return stopped
    }

    /// The requests received so far, in order.
    var requests: [FakeRequest] {
        lock.lock()
        defer { lock.unlock() }
        return received
    }

    /// How many connections were accepted.
    var connectionsAccepted: Int {
        lock.lock()
        defer { lock.unlock() }
        return accepted
    }

    /// How many connections the client closed (EOF or reset seen while reading or writing).
    var connectionsClosedByClient: Int {
        lock.lock()
        defer { lock.unlock() }
        return closedByPeer
    }

    /// Waits up to `timeout` seconds for `condition`; true when it held.
    func wait(timeout: TimeInterval, until condition: () -> Bool) -> Bool {
        let deadline = Date().addingTimeInterval(timeout)
        while Date() < deadline {
            if condition() { return true }
            usleep(5_000)
        }
        return condition()
    }

    fileprivate func noteClosedByPeer() {
        lock.lock()
        closedByPeer += 1
        lock.unlock()
    }

    private func acceptLoop() {
        defer { threads.leave() }
        while !isStopped {
            var p = pollfd(fd: listenFD, events: Int16(POLLIN), revents: 0)
            guard poll(&p, 1, 50) > 0 else { continue }
            let fd = accept(listenFD, nil, nil)
            guard fd >= 0 else { continue }
            lock.lock()
            if stopped {
                lock.unlock()
                close(fd)
                break
            }
            let number = accepted
            accepted += 1
            let connection = FakeConnection(fd: fd, number: number, daemon: self)
            open[fd] = connection
            lock.unlock()
            threads.enter()
            let thread = Thread { [self] in
                serve(connection)
                lock.lock()
                open[fd] = nil
                lock.unlock()
                close(fd)
                threads.leave()
            }
            thread.name = "fake-dockerd-conn-\(number)"
            thread.start()
        }
    }

    private func serve(_ connection: FakeConnection) {
        while !isStopped && !connection.isClosed {
            guard var request = connection.readRequest(timeout: 10) else { return }
            lock.lock()
            request.index = received.count
            received.append(request)
            lock.unlock()
            handler(request, connection)
        }
    }
}

/// One accepted connection, as the handler sees it.
final class FakeConnection: @unchecked Sendable {
    let fd: Int32
    let number: Int
    private unowned let daemon: FakeDaemon
    private let lock = NSLock()
    private var closed = false
    private var aborted = false
    /// Bytes read but not yet consumed.
    private var pending = Data()

    fileprivate init(fd: Int32, number: Int, daemon: FakeDaemon) {
        self.fd = fd
        self.number = number
        self.daemon = daemon
    }

    var isClosed: Bool {
        lock.lock()
        defer { lock.unlock() }
        return closed || aborted
    }

    /// After the handler returns, stop serving this connection (the fd is closed then).
    func close() {
        lock.lock()
        closed = true
        lock.unlock()
    }

    /// Ends the connection with a reset once the handler returns: SO_LINGER 0 makes the close
    /// send RST on TCP (on a Unix socket the client sees a reset when input is left unread).
    func reset() {
        var linger = Glibc.linger(l_onoff: 1, l_linger: 0)
        _ = setsockopt(fd, SOL_SOCKET, SO_LINGER, &linger, socklen_t(MemoryLayout<Glibc.linger>.size))
        close()
    }

    fileprivate func abort() {
        lock.lock()
        aborted = true
        lock.unlock()
        shutdown(fd, Int32(SHUT_RDWR))
    }

    /// Sends all of `data` (blocking, bounded by 10 s); false when the client is gone.
    @discardableResult
    func send(_ data: Data, timeout: TimeInterval = 10) -> Bool {
        sendCounting(data, timeout: timeout) == data.count
    }

    @discardableResult
    func send(_ text: String) -> Bool { send(Data(text.utf8)) }

    /// Sends as much of `data` as the client takes before `timeout`; returns the bytes sent.
    func sendCounting(_ data: Data, timeout: TimeInterval) -> Int {
        let deadline = Date().addingTimeInterval(timeout)
        var offset = 0
        while offset < data.count && !isClosed {
            let left = deadline.timeIntervalSinceNow
            if left <= 0 { break }
            var p = pollfd(fd: fd, events: Int16(POLLOUT), revents: 0)
            let ready = poll(&p, 1, Int32(min(left, 0.05) * 1000) + 1)
            if ready == 0 { continue }
            if p.revents & Int16(POLLERR | POLLHUP) != 0 && p.revents & Int16(POLLOUT) == 0 {
                daemon.noteClosedByPeer()
                close()
                break
            }
            let n = data.withUnsafeBytes { raw in
                Glibc.send(fd, raw.baseAddress!.advanced(by: offset), data.count - offset, Int32(MSG_NOSIGNAL | MSG_DONTWAIT))
            }
            if n < 0 {
                if errno == EAGAIN || errno == EINTR { continue }
                daemon.noteClosedByPeer()
                close()
                break
            }
            offset += n
        }
        return offset
    }

    /// Sleeps up to `seconds`, returning early when the daemon stops.
    func pause(_ seconds: TimeInterval) {
        let deadline = Date().addingTimeInterval(seconds)
        while Date() < deadline && !isClosed && !daemon.isStopped { usleep(2_000) }
    }

    /// Reads what is available within `timeout`: data, empty on timeout, nil at EOF or error.
    func readSome(timeout: TimeInterval) -> Data? {
        if !pending.isEmpty {
            defer { pending = Data() }
            return pending
        }
        let deadline = Date().addingTimeInterval(timeout)
        var buffer = [UInt8](repeating: 0, count: 64 << 10)
        while !isClosed {
            let left = deadline.timeIntervalSinceNow
            if left <= 0 { return Data() }
            var p = pollfd(fd: fd, events: Int16(POLLIN), revents: 0)
            if poll(&p, 1, Int32(min(left, 0.05) * 1000) + 1) == 0 { continue }
            let n = recv(fd, &buffer, buffer.count, 0)
            if n > 0 { return Data(buffer[0..<n]) }
            if n < 0 && (errno == EAGAIN || errno == EINTR) { continue }
            return nil
        }
        return nil
    }

    /// Reads raw bytes until the client half-closes (EOF) or `timeout`; `sawEOF` tells which.
    func readUntilEOF(timeout: TimeInterval) -> (data: Data, sawEOF: Bool) {
        let deadline = Date().addingTimeInterval(timeout)
        var data = Data()
        while deadline.timeIntervalSinceNow > 0 {
            guard let chunk = readSome(timeout: deadline.timeIntervalSinceNow) else {
                daemon.noteClosedByPeer()
                return (data, true)
            }
            data.append(chunk)
        }
        return (data, false)
    }

    /// Waits until the client closes the connection; true when it did within `timeout`.
    func waitForClientClose(timeout: TimeInterval) -> Bool {
        readUntilEOF(timeout: timeout).sawEOF
    }

    /// Reads one request (head and Content-Length or chunked body); nil on EOF, error or timeout.
    fileprivate func readRequest(timeout: TimeInterval) -> FakeRequest? {
        let deadline = Date().addingTimeInterval(timeout)
        var buffer = pending
        pending = Data()
        let separator = Data("\r\n\r\n".utf8)
        var headEnd = buffer.range(of: separator)
        while headEnd == nil {
            guard deadline.timeIntervalSinceNow > 0,
                  let chunk = readSome(timeout: deadline.timeIntervalSinceNow) else {
                if buffer.isEmpty { daemon.noteClosedByPeer() }
                return nil
            }
            buffer.append(chunk)
            headEnd = buffer.range(of: separator)
        }
        let head = String(decoding: buffer[buffer.startIndex..<headEnd!.lowerBound], as: UTF8.self)
        var lines = head.components(separatedBy: "\r\n")
        let requestLine = lines.removeFirst().split(separator: " ")
        guard requestLine.count >= 2 else { return nil }
        var headers: [(name: String, value: String)] = []
        for line in lines {
            guard let colon = line.firstIndex(of: ":") else { continue }
            headers.append((String(line[..<colon]), line[line.index(after: colon)...].trimmingCharacters(in: .whitespaces)))
        }
        func header(_ name: String) -> String? { headers.first { $0.name.lowercased() == name }?.value }
        var rest = Data(buffer[headEnd!.upperBound...])
        var body = Data()
        if header("transfer-encoding")?.lowercased() == "chunked" {
            // Decode chunks until the zero-size one.
            while true {
                while rest.range(of: Data("\r\n".utf8)) == nil {
                    guard deadline.timeIntervalSinceNow > 0, let chunk = readSome(timeout: deadline.timeIntervalSinceNow) else { return nil }
                    rest.append(chunk)
                }
                let lineEnd = rest.range(of: Data("\r\n".utf8))!
                let size = Int(String(decoding: rest[rest.startIndex..<lineEnd.lowerBound], as: UTF8.self), radix: 16) ?? 0
                let needed = lineEnd.upperBound - rest.startIndex + size + 2
                while rest.count < needed {
                    guard deadline.timeIntervalSinceNow > 0, let chunk = readSome(timeout: deadline.timeIntervalSinceNow) else { return nil }
                    rest.append(chunk)
                }
                body.append(rest[lineEnd.upperBound..<(lineEnd.upperBound + size)])
                rest = Data(rest[(rest.startIndex + needed)...])
                if size == 0 { break }
            }
        } else {
            let length = header("content-length").flatMap(Int.init) ?? 0
            while rest.count < length {
                guard deadline.timeIntervalSinceNow > 0, let chunk = readSome(timeout: deadline.timeIntervalSinceNow) else { return nil }
                rest.append(chunk)
            }
            body = Data(rest.prefix(length))
            rest = Data(rest.dropFirst(length))
        }
        let raw = Data(buffer[buffer.startIndex..<headEnd!.upperBound]) + body
        pending = rest
        return FakeRequest(index: -1, connection: number, method: String(requestLine[0]), target: String(requestLine[1]),
                           headers: headers, body: body, raw: raw)
    }
}

/// Raw HTTP answers for the fake daemon.
enum Raw {
    /// A complete response with a correct Content-Length.
    static func response(_ status: Int, reason: String = "OK", headers: [String: String] = [:], body: String = "") -> Data {
        response(status, reason: reason, headers: headers, body: Data(body.utf8))
    }

    static func response(_ status: Int, reason: String = "OK", headers: [String: String] = [:], body: Data) -> Data {
        var head = "HTTP/1.1 \(status) \(reason)\r\n"
        var all = headers
        if all["Content-Type"] == nil { all["Content-Type"] = "application/json" }
        all["Content-Length"] = "\(body.count)"
        for (name, value) in all.sorted(by: { $0.key < $1.key }) { head += "\(name): \(value)\r\n" }
        return Data((head + "\r\n").utf8) + body
    }

    /// A JSON 200 answer.
    static func json(_ body: String, headers: [String: String] = [:]) -> Data {
        response(200, headers: headers, body: body)
    }

    /// The head of a chunked response; send chunks with `chunk(_:)` and end with `lastChunk`.
    static func chunkedHead(_ status: Int = 200, contentType: String = "application/json") -> Data {
        Data("HTTP/1.1 \(status) OK\r\nContent-Type: \(contentType)\r\nTransfer-Encoding: chunked\r\n\r\n".utf8)
    }

    static func chunk(_ text: String) -> Data { chunk(Data(text.utf8)) }

    static func chunk(_ data: Data) -> Data {
        Data(String(data.count, radix: 16).utf8) + Data("\r\n".utf8) + data + Data("\r\n".utf8)
    }

    static let lastChunk = Data("0\r\n\r\n".utf8)

    /// A `_ping` answer announcing `apiVersion`.
    static func ping(apiVersion: String) -> Data {
        response(200, headers: ["Api-Version": apiVersion, "Content-Type": "text/plain; charset=utf-8", "Ostype": "linux",
                                "Server": "Docker/fake (linux)"], body: "OK")
    }
}
