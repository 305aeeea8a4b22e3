import CCurl
import DockerSDK
import Foundation

/// Where a ping's time goes: the same libcurl work done from Swift with and without the SDK's
/// per-request set-up and header parsing, and the cost of the thread hand-off alone.
enum Stages {
    /// One easy handle driven synchronously on the calling thread.
    final class DirectCurl {
        let handle: UnsafeMutableRawPointer
        let socket: String
        var status = 0
        var headers: [(String, String)] = []
        var body = Data()

        init(socket: String) {
            curl_global_init(Int(CURL_GLOBAL_ALL))
            handle = curl_easy_init()!
            self.socket = socket
        }

        deinit { curl_easy_cleanup(handle) }

        /// Like the C baseline: options set once, only the URL per request.
        func minimal(_ url: String) {
            dsdk_setopt_string(handle, CURLOPT_UNIX_SOCKET_PATH, socket)
            dsdk_setopt_data_callback(handle, CURLOPT_WRITEFUNCTION, { _, size, n, _ in size * n })
            dsdk_setopt_string(handle, CURLOPT_URL, url)
            _ = curl_easy_perform(handle)
        }

        /// Like the SDK: reset, every option again, headers parsed into Swift strings, body into Data.
        var fastHeaders = false, noReset = false, noHeaders = false, noProgress = false, noTimeout = false
        func sdkLike(_ url: String) {
            let h = handle
            if !noReset { curl_easy_reset(h) }
            dsdk_setopt_string(h, CURLOPT_UNIX_SOCKET_PATH, socket)
            dsdk_setopt_string(h, CURLOPT_URL, url)
            dsdk_setopt_long(h, CURLOPT_NOSIGNAL, 1)
            dsdk_setopt_long(h, CURLOPT_CONNECTTIMEOUT_MS, 30_000)
            let me = Unmanaged.passUnretained(self).toOpaque()
            dsdk_setopt_data_callback(h, CURLOPT_WRITEFUNCTION, { p, size, n, u in
                let me = Unmanaged<DirectCurl>.fromOpaque(u!).takeUnretainedValue()
                me.body.append(UnsafeRawPointer(p!).assumingMemoryBound(to: UInt8.self), count: size * n)
                return size * n
            })
            dsdk_setopt_pointer(h, CURLOPT_WRITEDATA, me)
            if !noHeaders { dsdk_setopt_data_callback(h, CURLOPT_HEADERFUNCTION, { p, size, n, u in
                let me = Unmanaged<DirectCurl>.fromOpaque(u!).takeUnretainedValue()
                if me.fastHeaders {
                    let bytes = UnsafeRawBufferPointer(start: p, count: size * n)
                    var end = bytes.count
                    while end > 0, bytes[end - 1] == 10 || bytes[end - 1] == 13 || bytes[end - 1] == 32 { end -= 1 }
                    let line = UnsafeRawBufferPointer(rebasing: bytes[0..<end])
                    if line.starts(with: "HTTP/".utf8) {
                        me.headers = []
                        me.status = 200
                    } else if let colon = line.firstIndex(of: 58) {
                        var start = colon + 1
                        while start < end, line[start] == 32 || line[start] == 9 { start += 1 }
                        me.headers.append((String(decoding: UnsafeRawBufferPointer(rebasing: line[..<colon]), as: UTF8.self),
                                           String(decoding: UnsafeRawBufferPointer(rebasing: line[start...]), as: UTF8.self)))
                    }
                    return size * n
                }
                let line = String(decoding: UnsafeRawBufferPointer(start: p, count: size * n), as: UTF8.self)
                    .trimmingCharacters(in: .whitespacesAndNewlines)
                if line.hasPrefix("HTTP/") {
                    me.status = Int(line.split(separator: " ")[1]) ?? 0
                    me.headers = []
                } else if let colon = line.firstIndex(of: ":") {
                    me.headers.append((String(line[..<colon]),
                                       line[line.index(after: colon)...].trimmingCharacters(in: .whitespaces)))
                }
                return size * n
            })
            dsdk_setopt_pointer(h, CURLOPT_HEADERDATA, me) }
            if !noProgress { dsdk_setopt_long(h, CURLOPT_NOPROGRESS, 0)
            dsdk_setopt_xferinfo_callback(h, { _, _, _, _, _ in 0 }) }
            if !noTimeout { dsdk_setopt_long(h, CURLOPT_TIMEOUT_MS, 30_000) }
            var list: UnsafeMutablePointer<curl_slist>? = curl_slist_append(nil, "Expect:")
            dsdk_setopt_long(h, CURLOPT_HTTPGET, 1)
            dsdk_setopt_slist(h, CURLOPT_HTTPHEADER, list)
            body = Data()
            _ = curl_easy_perform(h)
            curl_slist_free_all(list)
            list = nil
        }
    }

    /// A parked thread woken per job, like CurlWorker, answering through a continuation.
    final class HandOff: @unchecked Sendable {
        private let condition = NSCondition()
        private var job: (() -> Void)?

        init() {
            let thread = Thread { [self] in
                while true {
                    condition.lock()
                    while job == nil { condition.wait() }
                    let next = job!
                    job = nil
                    condition.unlock()
                    next()
                }
            }
            thread.start()
        }

        func run(_ work: @escaping @Sendable () -> Void) async {
            await withCheckedContinuation { (c: CheckedContinuation<Void, Never>) in
                condition.lock()
                job = { work(); c.resume() }
                condition.signal()
                condition.unlock()
            }
        }
    }

    static func measure(socket: String, iterations: Int) async throws -> [(String, Samples)] {
        let direct = DirectCurl(socket: socket)
        let url = "http://localhost/_ping"
        let minimal = try await SDKBench.time(iterations) { direct.minimal(url) }
        let sdkLike = try await SDKBench.time(iterations) { direct.sdkLike(url) }
        var extra: [(String, Samples)] = []
        for (name, flag) in [("  same, headers parsed on bytes (SDK now)", \DirectCurl.fastHeaders), ("  same, no curl_easy_reset", \DirectCurl.noReset), ("  same, no header callback", \DirectCurl.noHeaders), ("  same, no progress callback", \DirectCurl.noProgress), ("  same, no CURLOPT_TIMEOUT_MS", \DirectCurl.noTimeout)] {
            direct[keyPath: flag] = true
            extra.append((name, try await SDKBench.time(iterations) { direct.sdkLike(url) }))
            direct[keyPath: flag] = false
        }
        let handOff = HandOff()
        let empty = try await SDKBench.time(iterations) { await handOff.run {} }
        let box = UncheckedBox(direct)
        let both = try await SDKBench.time(iterations) { await handOff.run { box.value.sdkLike(url) } }
        return [("ping, Swift, C-like curl use", minimal), ("SDK-like: reset+setopt, Foundation header trim", sdkLike),
                ("empty thread hand-off round trip", empty), ("hand-off + SDK-like ping (Foundation trim)", both)] + extra
    }
}

struct UncheckedBox<T>: @unchecked Sendable {
    let value: T
    init(_ value: T) { self.value = value }
}
