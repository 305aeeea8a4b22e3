import CCurl
import Foundation
import Synchronization

/// One HTTP exchange on a curl easy handle: its options, its callbacks' state, and what happens
/// when it ends. Driven by one thread at a time (the calling task inline, or the event loop);
/// only the cancellation state is shared, under a lock.
final class CurlRequest: @unchecked Sendable {
    enum Kind {
        /// The whole body is kept, up to `limit` bytes.
        case unary(limit: Int)
        /// The body goes to the channel, with backpressure.
        case stream(ByteChannel)
    }

    let easy: CurlEasy
    let request: DockerRequest
    let host: DockerHost
    let kind: Kind
    let upload: UploadSource?
    /// A connect-only exchange stays in its multi handle when done (its connection lives there).
    var connectOnly = false
    var head = HTTPHeadParser()
    var body = Data()
    /// The size that broke the body limit (announced or reached), when it was broken.
    var tooLarge: Int?
    /// Whether the write callback paused the transfer (stream consumer too slow).
    var paused = false
    /// Called on the driving thread once, when the final head is in (streams).
    var onHead: ((Int, HTTPHeaders) -> Void)?
    /// Called on the driving thread once, when the transfer has ended and left its multi handle.
    var onFinish: ((CURLcode) -> Void)?
    /// The multi handle the transfer is in (loop-thread bookkeeping for aborts).
    var multi: CurlMulti?

    /// Whether the call was cancelled, and the loop driving it once handed over. A `Mutex` stored
    /// in the object: an NSLock per call was an allocation and a pthread mutex set up and torn down.
    private let shared = Mutex<(cancelled: Bool, onLoop: CurlEventLoop?)>((false, nil))

    init(easy: CurlEasy, request: DockerRequest, host: DockerHost, kind: Kind, connectTimeout: Duration) throws {
        self.easy = easy
        self.request = request
        self.host = host
        self.kind = kind
        upload = try request.body.map(UploadSource.init)
        configure(connectTimeout: connectTimeout)
    }

    /// A connect-only exchange (a hijack's connection): connects and stops, the socket is then the caller's.
    init(connectingTo host: DockerHost, easy: CurlEasy, request: DockerRequest, connectTimeout: Duration) {
        self.easy = easy
        self.request = request
        self.host = host
        kind = .unary(limit: 0)
        upload = nil
        connectOnly = true
        let h = easy.handle
        easy.plainGET = nil
        curl_easy_reset(h)
        easy.hasDefaultHeaders = false
        easy.errorBuffer[0] = 0
        CurlTransfer.configureConnection(h, host: host, target: "/", connectTimeout: connectTimeout)
        dsdk_setopt_pointer(h, CURLOPT_ERRORBUFFER, easy.errorBuffer)
        dsdk_setopt_long(h, CURLOPT_CONNECT_ONLY, 1)
        dsdk_setopt_long(h, CURLOPT_TCP_KEEPALIVE, 1)
        dsdk_setopt_long(h, CURLOPT_TCP_KEEPIDLE, 30)
        dsdk_setopt_long(h, CURLOPT_TCP_KEEPINTVL, 15)
    }

    var isCancelled: Bool {
        shared.withLock { $0.cancelled }
    }

    /// Marks the call cancelled; once it runs on the loop, the loop aborts it.
    func cancel() {
        let loop: CurlEventLoop? = shared.withLock {
            $0.cancelled = true
            return $0.onLoop
        }
        loop?.post { [self] in abortOnLoop() }
    }

    /// Hands the call to `loop` (which from now on drives it); `start` runs there unless the call
    /// was cancelled meanwhile, in which case it ends as cancelled.
    func handOver(to loop: CurlEventLoop, start: @escaping () -> Void) {
        shared.withLock { $0.onLoop = loop }
        loop.post { [self] in
            start()
            if isCancelled { abortOnLoop() }
        }
    }

    /// Aborts the transfer if it still runs (loop thread).
    func abortOnLoop() {
        guard let multi, multi.active[easy.handle] != nil else { return }
        multi.remove(self)
        finished(CURLE_ABORTED_BY_CALLBACK)
    }

    /// Resumes a paused stream after its consumer drained (loop thread).
    func resumeOnLoop() {
        guard paused, let multi, multi.active[easy.handle] != nil else { return }
        paused = false
        curl_easy_pause(easy.handle, dsdk_pause_cont())
    }

    /// The transfer ended (the driving thread).
    func finished(_ code: CURLcode) {
        multi = nil
        let action = onFinish
        onFinish = nil
        action?(code)
    }

    /// The typed error for a transfer that ended with `code`, nil for success.
    func failure(_ code: CURLcode, connects: inout Int) -> DockerError? {
        var osErrno = 0
        dsdk_getinfo_long(easy.handle, CURLINFO_OS_ERRNO, &osErrno)
        dsdk_getinfo_long(easy.handle, CURLINFO_NUM_CONNECTS, &connects)
        if code == CURLE_OK { return nil }
        if isCancelled { return .cancelled }
        if let tooLarge, case .unary(let limit) = kind {
            return .responseTooLarge(call: "\(request.method) \(request.path)", limit: limit, size: tooLarge)
        }
        if let failure = upload?.failure { return .invalidArgument("reading the request body failed: \(failure)") }
        var message = String(cString: easy.errorBuffer)
        if message.isEmpty { message = String(cString: curl_easy_strerror(code)) }
        let outcome = CurlTransfer.Outcome(code: code, osErrno: osErrno, message: message, connects: connects)
        return CurlTransfer.error(for: outcome, host: host, request: request, cancelled: false,
                                  responseStarted: head.status != 0)
    }

    /// The whole response of a unary call that succeeded.
    var response: DockerResponse {
        DockerResponse(status: head.status, headers: head.headers, body: body)
    }

    private func configure(connectTimeout: Duration) {
        let h = easy.handle
        let plain = CurlEasy.PlainGET(host: host, connectTimeout: connectTimeout)
        if case .unary = kind, request.method == "GET", easy.plainGET == plain {
            // The handle's last exchange was a unary GET to the same host: every other option is as that one
            // left it, so only what differs per request is set (curl_easy_reset and a dozen options less per call).
            easy.errorBuffer[0] = 0
            dsdk_setopt_string(h, CURLOPT_URL, CurlTransfer.url(host: host, target: request.target))
            let userdata = Unmanaged.passUnretained(self).toOpaque()
            dsdk_setopt_pointer(h, CURLOPT_WRITEDATA, userdata)
            dsdk_setopt_pointer(h, CURLOPT_HEADERDATA, userdata)
            dsdk_setopt_long(h, CURLOPT_TIMEOUT_MS, request.timeout.map { max(1, CurlTransfer.milliseconds($0)) } ?? 0)
            setHeaders(h, contentType: nil)
            return
        }
        easy.plainGET = nil
        curl_easy_reset(h)
        easy.hasDefaultHeaders = false
        easy.errorBuffer[0] = 0
        CurlTransfer.configureConnection(h, host: host, target: request.target, connectTimeout: connectTimeout)
        dsdk_setopt_pointer(h, CURLOPT_ERRORBUFFER, easy.errorBuffer)
        dsdk_setopt_pointer(h, CURLOPT_PRIVATE, nil)

        let userdata = Unmanaged.passUnretained(self).toOpaque()
        dsdk_setopt_data_callback(h, CURLOPT_WRITEFUNCTION, writeCallback)
        dsdk_setopt_pointer(h, CURLOPT_WRITEDATA, userdata)
        dsdk_setopt_data_callback(h, CURLOPT_HEADERFUNCTION, headerCallback)
        dsdk_setopt_pointer(h, CURLOPT_HEADERDATA, userdata)
        if let timeout = request.timeout {
            dsdk_setopt_long(h, CURLOPT_TIMEOUT_MS, max(1, CurlTransfer.milliseconds(timeout)))
        }
        if case .stream = kind {
            // Long-lived connections: let the kernel notice a peer that vanished.
            dsdk_setopt_long(h, CURLOPT_TCP_KEEPALIVE, 1)
            dsdk_setopt_long(h, CURLOPT_TCP_KEEPIDLE, 30)
            dsdk_setopt_long(h, CURLOPT_TCP_KEEPINTVL, 15)
        }

        var chunked = false
        var contentType: String?
        switch request.method {
        case "GET":
            dsdk_setopt_long(h, CURLOPT_HTTPGET, 1)
        case "HEAD":
            dsdk_setopt_long(h, CURLOPT_NOBODY, 1)
        default:
            if let body = request.body, let upload {
                contentType = body.contentType
                dsdk_setopt_long(h, CURLOPT_POST, 1)
                dsdk_setopt_data_callback(h, CURLOPT_READFUNCTION, readCallback)
                dsdk_setopt_pointer(h, CURLOPT_READDATA, userdata)
                if upload.size >= 0 {
                    dsdk_setopt_off(h, CURLOPT_POSTFIELDSIZE_LARGE, curl_off_t(upload.size))
                } else {
                    chunked = true
                }
            } else if request.method == "POST" || request.method == "PUT" {
                dsdk_setopt_long(h, CURLOPT_POST, 1)
                dsdk_setopt_string(h, CURLOPT_COPYPOSTFIELDS, "")
            }
            if request.method != "POST" {
                dsdk_setopt_string(h, CURLOPT_CUSTOMREQUEST, request.method)
            }
        }
        if case .unary = kind, request.method == "GET" { easy.plainGET = plain }
        setHeaders(h, contentType: contentType, chunked: chunked)
    }

    /// The request's header list: no `Expect`, the body's content type (it wins), the request's own headers.
    private func setHeaders(_ h: UnsafeMutableRawPointer, contentType: String?, chunked: Bool = false) {
        let onlyDefault = !chunked && contentType == nil && request.headers.isEmpty
        // The handle still holds the default list from its last exchange: nothing to build (two
        // allocations in curl and a free per call less).
        if onlyDefault, easy.hasDefaultHeaders { return }
        var headerList: UnsafeMutablePointer<curl_slist>?
        // No "Expect: 100-continue" round trip before a body.
        headerList = curl_slist_append(headerList, "Expect:")
        if chunked {
            headerList = curl_slist_append(headerList, "Transfer-Encoding: chunked")
        }
        if let contentType {
            headerList = curl_slist_append(headerList, "Content-Type: \(contentType)")   // the body's type wins
        }
        if !request.headers.isEmpty {
            for (name, value) in request.headers.sorted(by: { $0.key < $1.key }) {
                if name == "Expect" || (contentType != nil && name == "Content-Type") { continue }
                headerList = curl_slist_append(headerList, value.isEmpty ? "\(name):" : "\(name): \(value)")
            }
        }
        // Set before the old list is freed: the handle never points at freed memory.
        dsdk_setopt_slist(h, CURLOPT_HTTPHEADER, headerList)
        curl_slist_free_all(easy.headerList)
        easy.headerList = headerList
        easy.hasDefaultHeaders = onlyDefault
    }

    fileprivate func headLine(_ line: UnsafeRawBufferPointer) -> Bool {
        guard head.consume(line) else { return true }
        if case .unary(let limit) = kind, let length = head.contentLength, length > limit {
            // Announced over the limit: fail at once, before reading any of it.
            tooLarge = length
            return false
        }
        if let onHead {
            self.onHead = nil
            onHead(head.status, head.headers)
        }
        return true
    }

    fileprivate func bodyBytes(_ pointer: UnsafeMutablePointer<CChar>, _ n: Int) -> Int {
        switch kind {
        case .unary(let limit):
            guard body.count + n <= limit else {
                tooLarge = body.count + n
                return 0
            }
            body.append(UnsafeRawPointer(pointer).assumingMemoryBound(to: UInt8.self), count: n)
            return n
        case .stream(let channel):
            switch channel.offer(Data(bytes: pointer, count: n)) {
            case .accepted: return n
            case .full:
                paused = true
                return dsdk_writefunc_pause()
            case .cancelled: return 0
            }
        }
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

private func context(_ userdata: UnsafeMutableRawPointer?) -> CurlRequest {
    Unmanaged<CurlRequest>.fromOpaque(userdata!).takeUnretainedValue()
}

private let writeCallback: dsdk_data_callback = { pointer, size, count, userdata in
    let n = size * count
    guard let pointer, n > 0 else { return n }
    return context(userdata).bodyBytes(pointer, n)
}

private let headerCallback: dsdk_data_callback = { pointer, size, count, userdata in
    let n = size * count
    guard let pointer else { return n }
    return context(userdata).headLine(UnsafeRawBufferPointer(start: pointer, count: n)) ? n : 0
}

private let readCallback: dsdk_data_callback = { pointer, size, count, userdata in
    let ctx = context(userdata)
    guard let pointer, let upload = ctx.upload else { return 0 }
    if ctx.isCancelled { return dsdk_readfunc_abort() }
    let n = upload.read(into: pointer, capacity: size * count)
    return n < 0 ? dsdk_readfunc_abort() : n
}

/// Connection options and the mapping of libcurl failures to typed errors.
enum CurlTransfer {
    struct Outcome {
        var code: CURLcode
        var osErrno: Int
        var message: String
        var connects: Int
    }

    /// Sets the URL and connection options for `host` (socket path, TLS files).
    static func configureConnection(_ h: UnsafeMutableRawPointer, host: DockerHost, target: String,
                                    connectTimeout: Duration = .seconds(30)) {
        dsdk_setopt_string(h, CURLOPT_URL, url(host: host, target: target))
        switch host {
        case .unix(let path):
            dsdk_setopt_string(h, CURLOPT_UNIX_SOCKET_PATH, path)
        case .tcp:
            break
        case let .tls(_, _, tls):
            if let ca = tls.caCertificatePath { dsdk_setopt_string(h, CURLOPT_CAINFO, ca) }
            if let cert = tls.certificatePath { dsdk_setopt_string(h, CURLOPT_SSLCERT, cert) }
            if let key = tls.keyPath { dsdk_setopt_string(h, CURLOPT_SSLKEY, key) }
            dsdk_setopt_long(h, CURLOPT_SSL_VERIFYPEER, tls.verify ? 1 : 0)
            dsdk_setopt_long(h, CURLOPT_SSL_VERIFYHOST, tls.verify ? 2 : 0)
        }
        dsdk_setopt_long(h, CURLOPT_NOSIGNAL, 1)
        dsdk_setopt_long(h, CURLOPT_CONNECTTIMEOUT_MS, max(1, milliseconds(connectTimeout)))
    }

    /// The URL of `target` on `host`.
    static func url(host: DockerHost, target: String) -> String {
        switch host {
        case .unix: "http://localhost" + target
        case let .tcp(name, port): "http://\(bracketed(name)):\(port)" + target
        case let .tls(name, port, _): "https://\(bracketed(name)):\(port)" + target
        }
    }

    /// A duration in whole milliseconds (rounded up).
    static func milliseconds(_ d: Duration) -> Int {
        let c = d.components
        return Int(c.seconds) * 1000 + Int((c.attoseconds + 999_999_999_999_999) / 1_000_000_000_000_000)
    }

    private static func bracketed(_ host: String) -> String {
        host.contains(":") && !host.hasPrefix("[") ? "[\(host)]" : host
    }

    /// Whether a read or write failure on a TLS host is the peer's TLS alert (certificate required, bad certificate...).
    static func isTLSAlert(_ message: String, host: DockerHost, responseStarted: Bool) -> Bool {
        guard case .tls = host else { return false }
        return !responseStarted || message.contains("alert") || message.contains("certificate")
    }

    /// Whether a failure on a plain `tcp://` host before any status line may be a TLS daemon
    /// answering plain HTTP (it resets the connection, or sends a TLS alert instead of "HTTP/").
    static func speaksTLS(host: DockerHost, responseStarted: Bool) -> Bool {
        guard case .tcp = host else { return false }
        return !responseStarted
    }

    /// The explained error for plain HTTP sent to a daemon that speaks TLS.
    static func plainHTTPToTLS(host: DockerHost, detail: String) -> DockerError {
        .cannotConnect(host: host.description, reason: .tls,
                       detail: DockerError.plainHTTPToTLSDetail + " (\(detail))")
    }

    /// dockerd's (Go's) answer to plain HTTP on its TLS port, `400 Client sent an HTTP request to an HTTPS server.`,
    /// as the explained error; nil for any other answer.
    static func plainHTTPToTLS(host: DockerHost, status: Int, body: Data) -> DockerError? {
        guard case .tcp = host, status == 400, body.count < 4096,
              String(decoding: body, as: UTF8.self).contains("HTTP request to an HTTPS server") else { return nil }
        return plainHTTPToTLS(host: host, detail: "HTTP 400: Client sent an HTTP request to an HTTPS server")
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
        case CURLE_RECV_ERROR where speaksTLS(host: host, responseStarted: responseStarted),
             CURLE_SEND_ERROR where speaksTLS(host: host, responseStarted: responseStarted),
             CURLE_WEIRD_SERVER_REPLY where speaksTLS(host: host, responseStarted: responseStarted),
             CURLE_UNSUPPORTED_PROTOCOL where speaksTLS(host: host, responseStarted: responseStarted):
            // Plain HTTP to a TLS port: the peer resets, or answers with a TLS record instead of "HTTP/".
            return plainHTTPToTLS(host: host, detail: outcome.message)
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
