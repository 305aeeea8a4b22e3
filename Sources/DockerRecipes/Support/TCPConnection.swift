import DockerSDK
import Foundation
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// What went wrong talking to a container over TCP from the test process.
public enum TCPError: Error, Sendable, Equatable, CustomStringConvertible {
    /// The address is not an IPv4 literal with a port in range.
    case badAddress(String)
    /// connect(2) failed (refused, unreachable...).
    case connectFailed(address: String, reason: String)
    /// Nothing happened within the time allowed.
    case timedOut(address: String, what: String, seconds: Double)
    /// A send or receive failed.
    case ioFailed(address: String, reason: String)
    /// The connection was already closed.
    case closed(address: String)

    public var description: String {
        switch self {
        case .badAddress(let a): "bad address \(a): use an IPv4 address and a port in 1...65535"
        case let .connectFailed(a, r): "cannot connect to \(a): \(r)"
        case let .timedOut(a, w, s): "timed out after \(s) s waiting to \(w) \(a)"
        case let .ioFailed(a, r): "I/O error on \(a): \(r)"
        case .closed(let a): "the connection to \(a) is closed"
        }
    }
}

/// A plain TCP connection from this process, e.g. to a container's port published on loopback
/// (the recipes' RESP connections, DockerTesting's wait strategies and clients).
///
/// Every call is bounded by a timeout; the blocking system calls run on Dispatch's threads, never on
/// Swift's cooperative pool. One caller at a time (not for concurrent use).
public final class TCPConnection: @unchecked Sendable {
    /// `host:port`.
    public let address: String
    private let fd: DescriptorLock
    private static let queue = DispatchQueue(label: "dockersdk.tcp", attributes: .concurrent)

    private init(fd: Int32, address: String) {
        self.fd = DescriptorLock(fd)
        self.address = address
    }

    deinit { close() }

    /// Connects to `host:port` (an IPv4 literal; `localhost` means 127.0.0.1) within `timeout`.
    public static func connect(host: String = "127.0.0.1", port: Int, timeout: Duration = .seconds(5)) async throws -> TCPConnection {
        let address = "\(host):\(port)"
        let fd = try await blocking { try openSocket(host: host == "localhost" ? "127.0.0.1" : host, port: port, address: address, timeout: timeout) }
        return TCPConnection(fd: fd, address: address)
    }

    /// Connects to `"host:port"`.
    public static func connect(_ endpoint: String, timeout: Duration = .seconds(5)) async throws -> TCPConnection {
        guard let colon = endpoint.lastIndex(of: ":"), let port = Int(endpoint[endpoint.index(after: colon)...]) else {
            throw TCPError.badAddress(endpoint)
        }
        return try await connect(host: String(endpoint[..<colon]), port: port, timeout: timeout)
    }

    /// Sends all of `data` within `timeout`.
    public func send(_ data: Data, timeout: Duration = .seconds(5)) async throws {
        let fd = try descriptor()
        let address = address
        try await Self.blocking {
            let deadline = ContinuousClock.now + timeout
            var offset = 0
            let bytes = [UInt8](data)
            while offset < bytes.count {
                try Self.waitFor(fd, events: Int16(POLLOUT), until: deadline, address: address, what: "send to")
                let sent = bytes[offset...].withUnsafeBytes { Glibc_send(fd, $0.baseAddress, $0.count) }
                if sent < 0 {
                    if errno == EINTR || errno == EAGAIN { continue }
                    throw TCPError.ioFailed(address: address, reason: String(cString: strerror(errno)))
                }
                offset += sent
            }
        }
    }

    /// Receives what has arrived (at most `maxBytes`), waiting up to `timeout` for something; empty
    /// data means the peer closed the connection.
    public func receive(maxBytes: Int = 65536, timeout: Duration = .seconds(5)) async throws -> Data {
        let fd = try descriptor()
        let address = address
        return try await Self.blocking {
            let deadline = ContinuousClock.now + timeout
            var buffer = [UInt8](repeating: 0, count: maxBytes)
            while true {
                try Self.waitFor(fd, events: Int16(POLLIN), until: deadline, address: address, what: "receive from")
                let count = recv(fd, &buffer, buffer.count, 0)
                if count < 0 {
                    if errno == EINTR || errno == EAGAIN { continue }
                    throw TCPError.ioFailed(address: address, reason: String(cString: strerror(errno)))
                }
                return Data(buffer[0..<count])
            }
        }
    }

    /// Whether the peer closes the connection (or resets it) within `window`; a peer that stays
    /// silent, or sends data, has not.
    public func closesWithin(_ window: Duration) async throws -> Bool {
        do {
            return try await receive(maxBytes: 1, timeout: window).isEmpty
        } catch TCPError.timedOut {
            return false
        } catch TCPError.ioFailed {
            return true
        }
    }

    /// Closes the connection (idempotent).
    public func close() {
        fd.withLock { fd in
            if fd >= 0 { _ = Glibc_close(fd) }
            fd = -1
        }
    }

    private func descriptor() throws -> Int32 {
        let value = fd.withLock { $0 }
        guard value >= 0 else { throw TCPError.closed(address: address) }
        return value
    }

    static func blocking<T: Sendable>(_ body: @escaping @Sendable () throws -> T) async throws -> T {
        try await withCheckedThrowingContinuation { continuation in
            queue.async { continuation.resume(with: Result { try body() }) }
        }
    }

    private static func waitFor(_ fd: Int32, events: Int16, until deadline: ContinuousClock.Instant,
                                address: String, what: String) throws {
        while true {
            let left = deadline - ContinuousClock.now
            let ms = max(0, Int32(left.components.seconds * 1000 + left.components.attoseconds / 1_000_000_000_000_000))
            var poller = pollfd(fd: fd, events: events, revents: 0)
            let ready = poll(&poller, 1, ms)
            if ready < 0, errno == EINTR { continue }
            if ready < 0 { throw TCPError.ioFailed(address: address, reason: String(cString: strerror(errno))) }
            if ready == 0 {
                let total = Double(left.components.seconds)
                throw TCPError.timedOut(address: address, what: what, seconds: max(0, total))
            }
            return
        }
    }

    private static func openSocket(host: String, port: Int, address: String, timeout: Duration) throws -> Int32 {
        guard (1...65535).contains(port) else { throw TCPError.badAddress(address) }
        var socketAddress = sockaddr_in()
        socketAddress.sin_family = sa_family_t(AF_INET)
        socketAddress.sin_port = in_port_t(UInt16(port).bigEndian)
        guard inet_pton(AF_INET, host, &socketAddress.sin_addr) == 1 else { throw TCPError.badAddress(address) }
        #if os(Linux)
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue) | Int32(SOCK_CLOEXEC.rawValue), 0)
        #else
        let fd = socket(AF_INET, SOCK_STREAM, 0)
        #endif
        guard fd >= 0 else { throw TCPError.connectFailed(address: address, reason: String(cString: strerror(errno))) }
        _ = fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) | O_NONBLOCK)
        #if canImport(Darwin)
        var one: Int32 = 1
        _ = setsockopt(fd, SOL_SOCKET, SO_NOSIGPIPE, &one, socklen_t(MemoryLayout<Int32>.size))
        _ = fcntl(fd, F_SETFD, FD_CLOEXEC)
        #endif
        let result = withUnsafePointer(to: &socketAddress) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { Glibc_connect(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
        }
        if result != 0 && errno != EINPROGRESS {
            let reason = String(cString: strerror(errno))
            _ = Glibc_close(fd)
            throw TCPError.connectFailed(address: address, reason: reason)
        }
        do {
            try waitFor(fd, events: Int16(POLLOUT), until: ContinuousClock.now + timeout, address: address, what: "connect to")
        } catch {
            _ = Glibc_close(fd)
            throw error
        }
        var error: Int32 = 0
        var length = socklen_t(MemoryLayout<Int32>.size)
        getsockopt(fd, SOL_SOCKET, SO_ERROR, &error, &length)
        guard error == 0 else {
            _ = Glibc_close(fd)
            throw TCPError.connectFailed(address: address, reason: String(cString: strerror(error)))
        }
        return fd
    }
}

/// The descriptor behind a lock (close may race with a send or receive on another thread).
final class DescriptorLock: @unchecked Sendable {
    private var value: Int32
    private let lock = NSLock()

    init(_ value: Int32) { self.value = value }

    func withLock<T>(_ body: (inout Int32) throws -> T) rethrows -> T {
        lock.lock()
        defer { lock.unlock() }
        return try body(&value)
    }
}

// The C calls, named apart from the methods of the same names.
@inline(__always) private func Glibc_close(_ fd: Int32) -> Int32 {
    #if canImport(Glibc)
    Glibc.close(fd)
    #else
    Darwin.close(fd)
    #endif
}

@inline(__always) private func Glibc_send(_ fd: Int32, _ buffer: UnsafeRawPointer?, _ count: Int) -> Int {
    #if canImport(Glibc)
    Glibc.send(fd, buffer, count, Int32(MSG_NOSIGNAL))
    #else
    Darwin.send(fd, buffer, count, 0)
    #endif
}

@inline(__always) private func Glibc_connect(_ fd: Int32, _ address: UnsafePointer<sockaddr>, _ length: socklen_t) -> Int32 {
    #if canImport(Glibc)
    Glibc.connect(fd, address, length)
    #else
    Darwin.connect(fd, address, length)
    #endif
}
