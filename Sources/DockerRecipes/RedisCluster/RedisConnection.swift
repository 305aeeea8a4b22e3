import DockerSDK
import Foundation

/// How the recipe reaches one node's RESP port.
enum RedisRoute: Sendable, Hashable, CustomStringConvertible {
    /// A TCP connection from this process (host mode binds 127.0.0.x; `loopbackBasePort` publishes).
    case tcp(host: String, port: Int)
    /// A byte relay inside `container` (an exec over the SDK's hijacked connection) to `host:port`
    /// as seen from there: for nodes on a bridge network, or a daemon that is not on this machine.
    case relay(container: String, host: String, port: Int)

    var description: String {
        switch self {
        case let .tcp(host, port): "\(host):\(port)"
        case let .relay(container, host, port): "\(host):\(port) in \(container)"
        }
    }
}

/// An error reply of a Redis command (`-ERR ...`), or a reply of an unexpected type.
public struct RedisCommandError: Error, Sendable, Equatable, CustomStringConvertible {
    /// The command's name (first words only, never its values).
    public var command: String
    /// The node asked.
    public var node: String
    /// What it answered.
    public var reply: String

    public var description: String { "\(command) on \(node) answered \(reply)" }
}

/// A byte channel to one node.
protocol RESPTransport: Sendable {
    func send(_ data: Data, timeout: Duration) async throws
    /// What arrived; empty when the peer closed.
    func receive(timeout: Duration) async throws -> Data
    func close()
}

struct TCPTransport: RESPTransport {
    let connection: TCPConnection
    func send(_ data: Data, timeout: Duration) async throws { try await connection.send(data, timeout: timeout) }
    func receive(timeout: Duration) async throws -> Data { try await connection.receive(timeout: timeout) }
    func close() { connection.close() }
}

/// `bash` in the node's container joins the exec's stdin and stdout to a TCP connection
/// (`/dev/tcp`, two `cat`s): bytes both ways, nothing interpreted. The dev image (Debian minbase and
/// redis-tools) and the official redis image have bash and coreutils; busybox `nc` is not there and
/// `redis-cli` on stdin is a line-based client, not a relay. When the session closes, stdin ends, the
/// writer ends, the reader is killed: no process is left in the container.
final class ExecRelay: RESPTransport, @unchecked Sendable {
    static let script = "exec 3<>/dev/tcp/$0/$1 || exit 97; cat <&3 & reader=$!; cat >&3; kill $reader 2>/dev/null; exit 0"

    let session: AttachedSession
    let mailbox: ByteMailbox
    let reader: Task<Void, Never>
    let address: String

    init(docker: DockerClient, container: String, host: String, port: Int) async throws {
        address = "\(host):\(port) in \(container)"
        var config = ExecConfig(cmd: ["bash", "-c", Self.script, host, String(port)])
        config.attachStdin = true
        let id = try await docker.exec.create(container: container, config)
        let session = try await docker.exec.startAttached(id)
        let mailbox = ByteMailbox(address: address)
        self.session = session
        self.mailbox = mailbox
        reader = Task {
            do {
                for try await chunk in session.output where chunk.stream != .stderr { await mailbox.put(chunk.data) }
            } catch {}
            await mailbox.finish()
        }
    }

    deinit { close() }

    func send(_ data: Data, timeout: Duration) async throws { try await session.write(data) }
    func receive(timeout: Duration) async throws -> Data { try await mailbox.take(timeout: timeout) }
    func close() {
        reader.cancel()
        session.close()
    }
}

/// Bytes handed from a reader task to one waiting receiver, with a timeout.
actor ByteMailbox {
    private var pending = Data()
    private var finished = false
    private var waiter: (id: Int, continuation: CheckedContinuation<Data, any Error>)?
    private var nextID = 0
    let address: String

    init(address: String) { self.address = address }

    func put(_ data: Data) {
        if let waiter {
            self.waiter = nil
            waiter.continuation.resume(returning: data)
        } else {
            pending.append(data)
        }
    }

    func finish() {
        finished = true
        if let waiter {
            self.waiter = nil
            waiter.continuation.resume(returning: Data())
        }
    }

    func take(timeout: Duration) async throws -> Data {
        if !pending.isEmpty {
            defer { pending = Data() }
            return pending
        }
        if finished { return Data() }
        nextID += 1
        let id = nextID
        let timer = Task { [weak self] in
            try? await Task.sleep(for: timeout)
            await self?.expire(id, after: timeout)
        }
        defer { timer.cancel() }
        return try await withCheckedThrowingContinuation { continuation in waiter = (id, continuation) }
    }

    private func expire(_ id: Int, after timeout: Duration) {
        guard let waiter, waiter.id == id else { return }
        self.waiter = nil
        let seconds = Double(timeout.components.seconds) + Double(timeout.components.attoseconds) / 1e18
        waiter.continuation.resume(throwing: TCPError.timedOut(address: address, what: "receive a reply from", seconds: seconds))
    }
}

/// One RESP connection to one node: commands are sent pipelined and the replies read in order;
/// callers take turns (first come, first served). After any I/O error the connection is broken and
/// the pool makes a new one.
actor RedisNodeConnection {
    nonisolated let route: RedisRoute
    private nonisolated let transport: any RESPTransport
    private var buffer: [UInt8] = []
    private var busy = false
    private var queue: [CheckedContinuation<Void, Never>] = []
    private(set) var broken = false

    init(route: RedisRoute, transport: any RESPTransport) {
        self.route = route
        self.transport = transport
    }

    static func open(_ route: RedisRoute, docker: DockerClient, timeout: Duration) async throws -> RedisNodeConnection {
        switch route {
        case let .tcp(host, port):
            return RedisNodeConnection(route: route, transport: TCPTransport(
                connection: try await TCPConnection.connect(host: host, port: port, timeout: timeout)))
        case let .relay(container, host, port):
            return RedisNodeConnection(route: route, transport: try await ExecRelay(docker: docker, container: container,
                                                                                     host: host, port: port))
        }
    }

    /// Sends `commands` in one write and returns their replies in order (error replies included).
    func pipeline(_ commands: [[String]], timeout: Duration = .seconds(5)) async throws -> [RESPValue] {
        if !busy {
            busy = true
        } else {
            await withCheckedContinuation { queue.append($0) }
        }
        defer { if queue.isEmpty { busy = false } else { queue.removeFirst().resume() } }
        guard !broken else { throw TCPError.closed(address: route.description) }
        do {
            var out = Data()
            for command in commands { out.append(RESPValue.command(command)) }
            try await transport.send(out, timeout: timeout)
            let clock = ContinuousClock()
            let deadline = clock.now + timeout
            var replies: [RESPValue] = []
            var offset = 0
            while replies.count < commands.count {
                if let (value, next) = try RESPValue.parse(buffer, at: offset) {
                    replies.append(value)
                    offset = next
                    continue
                }
                buffer.removeFirst(offset)
                offset = 0
                let left = deadline - clock.now
                guard left > .zero else {
                    throw TCPError.timedOut(address: route.description, what: "receive a reply from", seconds: Double(timeout.components.seconds))
                }
                let chunk = try await transport.receive(timeout: left)
                guard !chunk.isEmpty else { throw TCPError.closed(address: route.description) }
                buffer.append(contentsOf: chunk)
            }
            buffer.removeFirst(offset)
            return replies
        } catch {
            broken = true
            transport.close()
            throw error
        }
    }

    nonisolated func close() { transport.close() }
}

/// The recipe's connections, one per node, opened on first use and kept for the cluster value's life.
final actor RedisConnections {
    let docker: DockerClient
    private var open: [RedisRoute: Task<RedisNodeConnection, any Error>] = [:]

    init(docker: DockerClient) { self.docker = docker }

    deinit {
        for task in open.values { task.cancel() }
    }

    /// The open connection for `route`, or a new one.
    func connection(_ route: RedisRoute, timeout: Duration = .seconds(5)) async throws -> RedisNodeConnection {
        if let existing = open[route] {
            if let connection = try? await existing.value, await !connection.broken { return connection }
            open[route] = nil
        }
        let docker = docker
        let task = Task { try await RedisNodeConnection.open(route, docker: docker, timeout: timeout) }
        open[route] = task
        do {
            return try await task.value
        } catch {
            if open[route] == task { open[route] = nil }
            throw error
        }
    }

    /// Closes every connection (they reopen on the next use).
    func closeAll() async {
        let tasks = open.values
        open = [:]
        for task in tasks { (try? await task.value)?.close() }
    }
}
