import Foundation

/// A tiny HTTP/1.1 server on a Unix socket that answers like the daemon from memory: `/_ping`,
/// the recorded inspect body for `.../json`, and the recorded log stream for `.../logs`.
final class ReplayServer: @unchecked Sendable {
    let path: String
    private let fd: Int32
    private let version: String
    private let logs: Data
    private let inspect: Data

    init(path: String, version: String, logs: Data, inspect: Data) throws {
        self.path = path
        self.version = version
        self.logs = logs
        self.inspect = inspect
        unlink(path)
        fd = socket(AF_UNIX, Int32(SOCK_STREAM.rawValue), 0)
        guard fd >= 0 else { throw BenchError("socket: errno \(errno)") }
        var address = sockaddr_un()
        address.sun_family = sa_family_t(AF_UNIX)
        let bytes = Array(path.utf8)
        guard bytes.count < MemoryLayout.size(ofValue: address.sun_path) else { throw BenchError("socket path too long: \(path)") }
        withUnsafeMutableBytes(of: &address.sun_path) { raw in
            raw.copyBytes(from: bytes)
            raw[bytes.count] = 0
        }
        let bound = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, socklen_t(MemoryLayout<sockaddr_un>.size)) }
        }
        guard bound == 0, listen(fd, 64) == 0 else { close(fd); throw BenchError("bind/listen \(path): errno \(errno)") }
        let listener = fd
        Thread { [self] in
            while true {
                let client = accept(listener, nil, nil)
                if client < 0 { return }
                Thread { self.serve(client) }.start()
            }
        }.start()
    }

    func stop() {
        shutdown(fd, Int32(SHUT_RDWR))
        close(fd)
        unlink(path)
    }

    /// Answers requests on one connection until the client closes it.
    private func serve(_ client: Int32) {
        defer { close(client) }
        var pending: [UInt8] = []
        var chunk = [UInt8](repeating: 0, count: 65536)
        let end: [UInt8] = [13, 10, 13, 10]
        while true {
            var headEnd: Int?
            while true {
                if pending.count >= 4, let at = (0...(pending.count - 4)).first(where: { Array(pending[$0..<($0 + 4)]) == end }) {
                    headEnd = at
                    break
                }
                let n = chunk.withUnsafeMutableBytes { read(client, $0.baseAddress, 65536) }
                if n <= 0 { return }
                pending += chunk[0..<n]
                if pending.count > 1 << 20 { return }
            }
            guard let headEnd else { return }
            let head = String(decoding: pending[..<headEnd], as: UTF8.self)
            pending.removeFirst(headEnd + 4)
            let requestLine = head.split(separator: "\r\n").first ?? ""
            let parts = requestLine.split(separator: " ")
            guard parts.count >= 2 else { return }
            let method = parts[0], target = parts[1]
            let status: String, type: String, body: Data
            if target.contains("/_ping") {
                (status, type, body) = ("200 OK", "text/plain; charset=utf-8", Data("OK".utf8))
            } else if target.contains("/logs") {
                (status, type, body) = ("200 OK", "application/vnd.docker.raw-stream", logs)
            } else if target.split(separator: "?").first?.hasSuffix("/json") == true {
                (status, type, body) = ("200 OK", "application/json", inspect)
            } else {
                (status, type, body) = ("404 Not Found", "application/json", Data(#"{"message":"not recorded"}"#.utf8))
            }
            let header = "HTTP/1.1 \(status)\r\nApi-Version: \(version)\r\nOstype: linux\r\nServer: dockersdk-bench-replay\r\n"
                + "Content-Type: \(type)\r\nContent-Length: \(body.count)\r\n\r\n"
            guard send(client, Data(header.utf8)), method == "HEAD" || send(client, body) else { return }
        }
    }

    /// Writes all of `data`; false when the client went away.
    private func send(_ client: Int32, _ data: Data) -> Bool {
        data.withUnsafeBytes { raw in
            var at = 0
            while at < raw.count {
                let n = Glibc.send(client, raw.baseAddress! + at, min(raw.count - at, 1 << 20), Int32(MSG_NOSIGNAL))
                if n <= 0 { return false }
                at += n
            }
            return true
        }
    }
}
