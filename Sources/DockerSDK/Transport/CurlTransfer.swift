import CCurl
import Foundation

/// The state one transfer's libcurl callbacks share; passed to them as `userdata`.
final class TransferContext: @unchecked Sendable {
    private let lock = NSLock()
    var status = 0
    var headers = HTTPHeaders()
    var headersComplete = false
    var body = Data()
    /// Set for streaming transfers: body chunks go here instead of `body`.
    var channel: ByteChannel?
    /// Called once, on the transfer's thread, when the final headers are in.
    var onHead: ((Int, HTTPHeaders) -> Void)?
    var upload: UploadSource?
    private var cancelled = false
    private var socket: Int32 = -1

    var isCancelled: Bool {
        lock.lock()
        defer { lock.unlock() }
        return cancelled || (channel?.isCancelled ?? false)
    }

    /// Marks the transfer cancelled and wakes it at once by shutting its socket down.
    func cancel() {
        lock.lock()
        cancelled = true
        if socket >= 0 { shutdown(socket, Int32(SHUT_RDWR)) }
        lock.unlock()
    }

    func socketOpened(_ fd: Int32) {
        lock.lock()
        socket = fd
        if cancelled { shutdown(fd, Int32(SHUT_RDWR)) }
        lock.unlock()
    }

    func socketClosing(_ fd: Int32) {
        lock.lock()
        if socket == fd { socket = -1 }
        lock.unlock()
    }

    func deliverHeadIfNeeded() {
        guard let onHead else { return }
        self.onHead = nil
        onHead(status, headers)
    }
}

/// Where an upload's bytes come from.
final class UploadSource {
    private let data: Data?
    private var offset = 0
    private let file: FileHandle?
    /// The error reading the file, when a read failed (the transfer is then aborted).
    private(set) var failure: (any Error)?
    let size: Int64

    init(_ body: RequestBody) throws {
        switch body {
        case .data(let data, _):
            self.data = data
            file = nil
            size = Int64(data.count)
        case .file(let path, _):
            guard let handle = FileHandle(forReadingAtPath: path) else {
                throw DockerError.invalidArgument("cannot read \(path)")
            }
            let attributes = try? FileManager.default.attributesOfItem(atPath: path)
            data = nil
            file = handle
            size = (attributes?[.size] as? NSNumber)?.int64Value ?? -1
        }
    }

    deinit {
        try? file?.close()
    }

    func read(into buffer: UnsafeMutablePointer<CChar>, capacity: Int) -> Int {
        if let data {
            let n = min(capacity, data.count - offset)
            guard n > 0 else { return 0 }
            data.withUnsafeBytes { raw in
                let base = raw.baseAddress!.advanced(by: offset)
                UnsafeMutableRawPointer(buffer).copyMemory(from: base, byteCount: n)
            }
            offset += n
            return n
        }
        guard let file else { return 0 }
        let chunk: Data
        do {
            guard let read = try file.read(upToCount: capacity), !read.isEmpty else { return 0 }
            chunk = read
        } catch {
            failure = error
            return -1
        }
        chunk.copyBytes(to: UnsafeMutableRawBufferPointer(start: buffer, count: chunk.count))
        return chunk.count
    }
}

private func context(_ userdata: UnsafeMutableRawPointer?) -> TransferContext {
    Unmanaged<TransferContext>.fromOpaque(userdata!).takeUnretainedValue()
}

private let writeCallback: dsdk_data_callback = { pointer, size, count, userdata in
    let ctx = context(userdata)
    let n = size * count
    if !ctx.headersComplete {
        ctx.headersComplete = true
        ctx.deliverHeadIfNeeded()
    }
    guard let pointer, n > 0 else { return n }
    if let channel = ctx.channel {
        return channel.produce(Data(bytes: pointer, count: n)) ? n : 0
    }
    ctx.body.append(UnsafeRawPointer(pointer).assumingMemoryBound(to: UInt8.self), count: n)
    return n
}

private let headerCallback: dsdk_data_callback = { pointer, size, count, userdata in
    let ctx = context(userdata)
    let n = size * count
    guard let pointer else { return n }
    // Parsed on the bytes: Foundation's trimming on Swift strings cost ~70 us per ping (dockersdk-bench --stages).
    let bytes = UnsafeRawBufferPointer(start: pointer, count: n)
    func isSpace(_ b: UInt8) -> Bool { b == 32 || b == 9 || b == 10 || b == 13 }
    var start = 0
    var end = n
    while start < end, isSpace(bytes[start]) { start += 1 }
    while end > start, isSpace(bytes[end - 1]) { end -= 1 }
    let line = UnsafeRawBufferPointer(rebasing: bytes[start..<end])
    if line.starts(with: "HTTP/".utf8) {
        // "HTTP/1.1 200 OK": the status is the digits after the first space.
        var status = 0
        if var i = line.firstIndex(of: 32) {
            while i < line.count, line[i] == 32 { i += 1 }
            while i < line.count, (48...57).contains(line[i]) {
                status = status * 10 + Int(line[i] - 48)
                i += 1
            }
        }
        ctx.status = status
        ctx.headers = HTTPHeaders()
        ctx.headersComplete = false
    } else if line.isEmpty {
        if ctx.status >= 200 {
            ctx.headersComplete = true
            ctx.deliverHeadIfNeeded()
        }
    } else if let colon = line.firstIndex(of: UInt8(ascii: ":")) {
        var valueStart = colon + 1
        while valueStart < line.count, line[valueStart] == 32 || line[valueStart] == 9 { valueStart += 1 }
        ctx.headers.add(name: String(decoding: UnsafeRawBufferPointer(rebasing: line[..<colon]), as: UTF8.self),
                        value: String(decoding: UnsafeRawBufferPointer(rebasing: line[valueStart...]), as: UTF8.self))
    }
    return n
}

private let readCallback: dsdk_data_callback = { pointer, size, count, userdata in
    let ctx = context(userdata)
    guard let pointer, let upload = ctx.upload else { return 0 }
    if ctx.isCancelled { return dsdk_readfunc_abort() }
    let n = upload.read(into: pointer, capacity: size * count)
    return n < 0 ? dsdk_readfunc_abort() : n
}

private let progressCallback: dsdk_xferinfo_callback = { userdata, _, _, _, _ in
    context(userdata).isCancelled ? 1 : 0
}

private let openSocketCallback: dsdk_opensocket_callback = { userdata, _, address in
    guard let address else { return dsdk_socket_bad() }
    let fd = dsdk_open_socket(address)
    if fd >= 0 { context(userdata).socketOpened(fd) }
    return fd
}

private let closeSocketCallback: dsdk_closesocket_callback = { userdata, fd in
    context(userdata).socketClosing(fd)
    return close(fd)
}

/// Configures a worker's handle for one request and runs it to the end on the calling thread.
enum CurlTransfer {
    struct Outcome {
        var code: CURLcode
        var osErrno: Int
        var message: String
        var connects: Int
    }

    /// Sets the URL and connection options for `host` (socket path, TLS files).
    static func configureConnection(_ h: UnsafeMutableRawPointer, host: DockerHost, target: String) {
        switch host {
        case .unix(let path):
            dsdk_setopt_string(h, CURLOPT_UNIX_SOCKET_PATH, path)
            dsdk_setopt_string(h, CURLOPT_URL, "http://localhost" + target)
        case let .tcp(name, port):
            dsdk_setopt_string(h, CURLOPT_URL, "http://\(bracketed(name)):\(port)" + target)
        case let .tls(name, port, tls):
            dsdk_setopt_string(h, CURLOPT_URL, "https://\(bracketed(name)):\(port)" + target)
            if let ca = tls.caCertificatePath { dsdk_setopt_string(h, CURLOPT_CAINFO, ca) }
            if let cert = tls.certificatePath { dsdk_setopt_string(h, CURLOPT_SSLCERT, cert) }
            if let key = tls.keyPath { dsdk_setopt_string(h, CURLOPT_SSLKEY, key) }
            dsdk_setopt_long(h, CURLOPT_SSL_VERIFYPEER, tls.verify ? 1 : 0)
            dsdk_setopt_long(h, CURLOPT_SSL_VERIFYHOST, tls.verify ? 2 : 0)
        }
        dsdk_setopt_long(h, CURLOPT_NOSIGNAL, 1)
        dsdk_setopt_long(h, CURLOPT_CONNECTTIMEOUT_MS, 30_000)
    }

    private static func bracketed(_ host: String) -> String {
        host.contains(":") && !host.hasPrefix("[") ? "[\(host)]" : host
    }

    /// Runs `request` on `worker`'s handle; `fresh` opens a connection of its own (streams).
    static func perform(
        _ request: DockerRequest, host: DockerHost, worker: CurlWorker, context ctx: TransferContext, fresh: Bool
    ) -> Outcome {
        let h = worker.handle
        curl_easy_reset(h)
        worker.errorBuffer[0] = 0
        configureConnection(h, host: host, target: request.target)
        dsdk_setopt_pointer(h, CURLOPT_ERRORBUFFER, worker.errorBuffer)

        let userdata = Unmanaged.passUnretained(ctx).toOpaque()
        dsdk_setopt_data_callback(h, CURLOPT_WRITEFUNCTION, writeCallback)
        dsdk_setopt_pointer(h, CURLOPT_WRITEDATA, userdata)
        dsdk_setopt_data_callback(h, CURLOPT_HEADERFUNCTION, headerCallback)
        dsdk_setopt_pointer(h, CURLOPT_HEADERDATA, userdata)
        dsdk_setopt_long(h, CURLOPT_NOPROGRESS, 0)
        dsdk_setopt_xferinfo_callback(h, progressCallback)
        dsdk_setopt_pointer(h, CURLOPT_XFERINFODATA, userdata)
        if fresh {
            dsdk_setopt_long(h, CURLOPT_FRESH_CONNECT, 1)
            dsdk_setopt_long(h, CURLOPT_FORBID_REUSE, 1)
            dsdk_setopt_opensocket_callback(h, openSocketCallback)
            dsdk_setopt_pointer(h, CURLOPT_OPENSOCKETDATA, userdata)
            dsdk_setopt_closesocket_callback(h, closeSocketCallback)
            dsdk_setopt_pointer(h, CURLOPT_CLOSESOCKETDATA, userdata)
        }
        if let timeout = request.timeout {
            let ms = timeout.components.seconds * 1000 + timeout.components.attoseconds / 1_000_000_000_000_000
            dsdk_setopt_long(h, CURLOPT_TIMEOUT_MS, Int(max(1, ms)))
        }

        var headerList: UnsafeMutablePointer<curl_slist>?
        var headers = request.headers
        headers["Expect"] = ""
        switch request.method {
        case "GET":
            dsdk_setopt_long(h, CURLOPT_HTTPGET, 1)
        case "HEAD":
            dsdk_setopt_long(h, CURLOPT_NOBODY, 1)
        default:
            if let body = request.body, let upload = ctx.upload {
                headers["Content-Type"] = body.contentType
                dsdk_setopt_long(h, CURLOPT_POST, 1)
                dsdk_setopt_data_callback(h, CURLOPT_READFUNCTION, readCallback)
                dsdk_setopt_pointer(h, CURLOPT_READDATA, userdata)
                if upload.size >= 0 {
                    dsdk_setopt_off(h, CURLOPT_POSTFIELDSIZE_LARGE, curl_off_t(upload.size))
                } else {
                    headers["Transfer-Encoding"] = "chunked"
                }
            } else if request.method == "POST" || request.method == "PUT" {
                dsdk_setopt_long(h, CURLOPT_POST, 1)
                dsdk_setopt_string(h, CURLOPT_COPYPOSTFIELDS, "")
            }
            if request.method != "POST" {
                dsdk_setopt_string(h, CURLOPT_CUSTOMREQUEST, request.method)
            }
        }
        for (name, value) in headers.sorted(by: { $0.key < $1.key }) {
            headerList = curl_slist_append(headerList, value.isEmpty ? "\(name):" : "\(name): \(value)")
        }
        dsdk_setopt_slist(h, CURLOPT_HTTPHEADER, headerList)
        defer { curl_slist_free_all(headerList) }

        let code = curl_easy_perform(h)
        var osErrno = 0
        var connects = 0
        dsdk_getinfo_long(h, CURLINFO_OS_ERRNO, &osErrno)
        dsdk_getinfo_long(h, CURLINFO_NUM_CONNECTS, &connects)
        var message = String(cString: worker.errorBuffer)
        if message.isEmpty { message = String(cString: curl_easy_strerror(code)) }
        return Outcome(code: code, osErrno: osErrno, message: message, connects: connects)
    }

    /// Whether a read or write failure on a TLS host is the peer's TLS alert (certificate required, bad certificate...).
    static func isTLSAlert(_ message: String, host: DockerHost, responseStarted: Bool) -> Bool {
        guard case .tls = host else { return false }
        return !responseStarted || message.contains("alert") || message.contains("certificate")
    }

    /// Turns a failed transfer into a typed error.
    ///
    /// `responseStarted` says whether a status line arrived: on a TLS host, a connection that fails
    /// before that failed its TLS set-up (the peer may close right after its alert).
    static func error(for outcome: Outcome, host: DockerHost, request: DockerRequest, cancelled: Bool,
                      responseStarted: Bool = true) -> DockerError {
        if cancelled { return .cancelled }
        switch outcome.code {
        case CURLE_COULDNT_CONNECT, CURLE_COULDNT_RESOLVE_HOST:
            let reason: DockerError.ConnectFailure = switch Int32(outcome.osErrno) {
            case ENOENT: .socketMissing
            case EACCES, EPERM: .permissionDenied
            case ECONNREFUSED: .refused
            default: .other
            }
            let detail = outcome.osErrno != 0 ? String(cString: strerror(Int32(outcome.osErrno))) : outcome.message
            return .cannotConnect(host: host.description, reason: reason, detail: detail)
        case CURLE_SSL_CONNECT_ERROR, CURLE_PEER_FAILED_VERIFICATION, CURLE_SSL_CERTPROBLEM, CURLE_SSL_CIPHER,
             CURLE_SSL_CACERT_BADFILE, CURLE_SSL_ISSUER_ERROR, CURLE_SSL_CLIENTCERT:
            return .cannotConnect(host: host.description, reason: .tls, detail: outcome.message)
        case CURLE_RECV_ERROR where isTLSAlert(outcome.message, host: host, responseStarted: responseStarted),
             CURLE_SEND_ERROR where isTLSAlert(outcome.message, host: host, responseStarted: responseStarted):
            // TLS 1.3 refuses a missing or bad client certificate after the handshake, as a read error.
            return .cannotConnect(host: host.description, reason: .tls, detail: outcome.message)
        case CURLE_OPERATION_TIMEDOUT:
            let seconds = request.timeout.map { Double($0.components.seconds) + Double($0.components.attoseconds) / 1e18 } ?? 0
            return .timedOut(seconds: seconds)
        case CURLE_ABORTED_BY_CALLBACK:
            return .cancelled
        case CURLE_PARTIAL_FILE, CURLE_RECV_ERROR, CURLE_GOT_NOTHING, CURLE_WEIRD_SERVER_REPLY,
             CURLE_BAD_CONTENT_ENCODING:
            return .malformedResponse("\(request.method) \(request.path): \(outcome.message)")
        default:
            return .transport(code: Int(outcome.code.rawValue), message: outcome.message)
        }
    }
}
