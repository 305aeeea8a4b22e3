import Foundation

/// One HTTP request to the Engine API, before the transport turns it into bytes.
public struct DockerRequest: Sendable, Equatable, CustomStringConvertible, CustomDebugStringConvertible {
    /// The HTTP method, e.g. `GET`.
    public var method: String
    /// The path without the `/v1.NN` prefix, e.g. `/containers/json`.
    public var path: String
    /// Query parameters, in the order they are sent.
    public var query: [QueryItem]
    /// Extra request headers.
    public var headers: [String: String]
    /// The request body, if any.
    public var body: RequestBody?
    /// The API version the path is prefixed with; `nil` sends the path unversioned (e.g. `/_ping`).
    public var apiVersion: APIVersion?
    /// The whole request's time limit; `nil` waits as long as the daemon takes.
    public var timeout: Duration?
    /// The largest response body kept for a unary call; `nil` takes the transport's limit.
    public var responseBodyLimit: Int?
    /// The daemon holds the call by design (wait, stop, restart): the libcurl transport sends it
    /// straight to its event loop instead of first trying to answer it on the calling thread.
    var longRunning = false

    /// Creates a request.
    public init(
        method: String, path: String, query: [QueryItem] = [], headers: [String: String] = [:],
        body: RequestBody? = nil, apiVersion: APIVersion? = nil, timeout: Duration? = nil
    ) {
        self.method = method
        self.path = path
        self.query = query
        self.headers = headers
        self.body = body
        self.apiVersion = apiVersion
        self.timeout = timeout
    }

    /// `POST /v1.41/containers/create`, with header names only: bodies and header values may hold secrets.
    public var description: String {
        "\(method) \(target)" + (headers.isEmpty ? "" : " [headers: \(headers.keys.sorted().joined(separator: ", "))]")
            + (body == nil ? "" : " [body]")
    }

    /// The same as `description`: no body, no header values.
    public var debugDescription: String { description }

    /// The path as sent: version prefix, path and percent-encoded query.
    public var target: String {
        var target = ""
        if let apiVersion { target = "/v\(apiVersion.major).\(apiVersion.minor)" }
        target += path
        if !query.isEmpty {
            var first = true
            for item in query {
                target += first ? "?" : "&"
                first = false
                Self.appendEncoded(item.name, to: &target, keeping: .unreserved)
                target += "="
                Self.appendEncoded(item.value, to: &target, keeping: .unreserved)
            }
        }
        return target
    }

    /// Which bytes a percent-encoding keeps as they are.
    enum Kept {
        /// RFC 3986's unreserved characters: `A-Z a-z 0-9 - . _ ~`.
        case unreserved
        /// Those and `/`, `:` and `@` (image references).
        case imageReference

        @inline(__always)
        func keeps(_ b: UInt8) -> Bool {
            switch b {
            case UInt8(ascii: "A")...UInt8(ascii: "Z"), UInt8(ascii: "a")...UInt8(ascii: "z"),
                 UInt8(ascii: "0")...UInt8(ascii: "9"), UInt8(ascii: "-"), UInt8(ascii: "."), UInt8(ascii: "_"),
                 UInt8(ascii: "~"):
                return true
            case UInt8(ascii: "/"), UInt8(ascii: ":"), UInt8(ascii: "@"):
                return self == .imageReference
            default:
                return false
            }
        }
    }

    /// Percent-encodes `s` (every byte of its UTF-8 that `kept` does not keep, as `%XX` in upper case,
    /// what Foundation's `addingPercentEncoding` gives) onto `out`. Done on the bytes: Foundation's
    /// version went through CFString and was about 5% of a typed inspect's CPU (perf).
    static func appendEncoded(_ s: String, to out: inout String, keeping kept: Kept) {
        if s.utf8.allSatisfy(kept.keeps) {
            out += s
            return
        }
        let hex: [UInt8] = Array("0123456789ABCDEF".utf8)
        var bytes: [UInt8] = []
        bytes.reserveCapacity(s.utf8.count * 3)
        for b in s.utf8 {
            if kept.keeps(b) {
                bytes.append(b)
            } else {
                bytes.append(UInt8(ascii: "%"))
                bytes.append(hex[Int(b >> 4)])
                bytes.append(hex[Int(b & 15)])
            }
        }
        out += String(decoding: bytes, as: UTF8.self)
    }

    /// `s` percent-encoded, keeping what `kept` keeps.
    static func encoded(_ s: String, keeping kept: Kept) -> String {
        if s.utf8.allSatisfy(kept.keeps) { return s }
        var out = ""
        appendEncoded(s, to: &out, keeping: kept)
        return out
    }

    /// A query name or value, percent-encoded.
    static func encode(_ s: String) -> String {
        encoded(s, keeping: .unreserved)
    }

    /// What a path segment keeps unescaped besides RFC 3986's unreserved characters.
    enum SegmentKind {
        /// An ID or name: nothing else.
        case identifier
        /// An image reference: `/`, `:` and `@` too (the daemon routes on them).
        case imageReference
    }

    /// The one helper that percent-encodes a value (an ID, a name, an image reference) for use in a path.
    static func pathSegment(_ value: String, keeping kind: SegmentKind = .identifier) -> String {
        encoded(value, keeping: kind == .identifier ? .unreserved : .imageReference)
    }
}

/// One query parameter.
public struct QueryItem: Sendable, Hashable, Codable {
    /// The parameter's name.
    public var name: String
    /// The parameter's value.
    public var value: String
    /// Creates a query parameter.
    public init(_ name: String, _ value: String) {
        self.name = name
        self.value = value
    }
}

/// What a request carries as its body.
public enum RequestBody: Sendable, Equatable {
    /// Bytes held in memory, with their content type.
    case data(Data, contentType: String)
    /// A file streamed from disk (e.g. an image tarball), with its content type.
    case file(path: String, contentType: String)

    /// The body's content type.
    public var contentType: String {
        switch self {
        case .data(_, let type), .file(_, let type): type
        }
    }

    /// A JSON body encoded from a value.
    public static func json<T: Encodable>(_ value: T) throws -> RequestBody {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        return .data(try encoder.encode(value), contentType: "application/json")
    }
}

/// Response headers with case-insensitive lookup.
///
/// Kept as the bytes received; a name or value becomes a `String` only when it is read (a response
/// has about ten headers and callers read one or two: making them all Strings showed in the ping profile).
public struct HTTPHeaders: Sendable, Equatable, Codable, Sequence {
    /// Names and values back to back, as received.
    private var bytes: [UInt8] = []
    /// Per header, where its name ends and where its value ends in `bytes`; the name starts where
    /// the previous header's value ended.
    private var ends: [(name: Int, value: Int)] = []

    /// Creates headers from name/value pairs.
    public init(_ pairs: [(String, String)] = []) {
        for (name, value) in pairs { add(name: name, value: value) }
    }

    /// The first value of the header `name`, ignoring case.
    public subscript(name: String) -> String? {
        var name = name
        return name.withUTF8 { wanted -> String? in
            bytes.withUnsafeBufferPointer { all -> String? in
                var start = 0
                for end in ends {
                    defer { start = end.value }
                    guard end.name - start == wanted.count,
                          Self.equalIgnoringASCIICase(UnsafeBufferPointer(rebasing: all[start..<end.name]), wanted)
                    else { continue }
                    return String(decoding: UnsafeBufferPointer(rebasing: all[end.name..<end.value]), as: UTF8.self)
                }
                return nil
            }
        }
    }

    /// Header names are ASCII: compare them without allocating lowercased copies.
    static func equalIgnoringASCIICase(_ a: String, _ b: String) -> Bool {
        var a = a, b = b
        return a.withUTF8 { x in b.withUTF8 { y in equalIgnoringASCIICase(x, y) } }
    }

    private static func equalIgnoringASCIICase(_ x: UnsafeBufferPointer<UInt8>, _ y: UnsafeBufferPointer<UInt8>) -> Bool {
        guard x.count == y.count else { return false }
        for i in 0..<x.count where x[i] != y[i] {
            let l = x[i] | 0x20, r = y[i] | 0x20
            guard l == r, l >= 0x61, l <= 0x7A else { return false }
        }
        return true
    }

    /// Room for `n` headers without regrowing.
    mutating func reserveCapacity(_ n: Int) {
        ends.reserveCapacity(n)
        bytes.reserveCapacity(n * 32)
    }

    /// Adds a header.
    public mutating func add(name: String, value: String) {
        bytes.append(contentsOf: name.utf8)
        let nameEnd = bytes.count
        bytes.append(contentsOf: value.utf8)
        ends.append((name: nameEnd, value: bytes.count))
    }

    /// Adds a header from the bytes of a response head (decoded as UTF-8 when read, invalid
    /// sequences repaired as `String(decoding:as:)` does).
    mutating func add(name: UnsafeRawBufferPointer, value: UnsafeRawBufferPointer) {
        bytes.append(contentsOf: name)
        let nameEnd = bytes.count
        bytes.append(contentsOf: value)
        ends.append((name: nameEnd, value: bytes.count))
    }

    /// The number of headers.
    var count: Int { ends.count }

    /// Iterates the headers in the order received.
    public func makeIterator() -> some IteratorProtocol<(name: String, value: String)> {
        Pairs(headers: self)
    }

    private struct Pairs: IteratorProtocol {
        let headers: HTTPHeaders
        var index = 0
        var start = 0

        mutating func next() -> (name: String, value: String)? {
            guard index < headers.ends.count else { return nil }
            let end = headers.ends[index]
            defer {
                index += 1
                start = end.value
            }
            return (name: String(decoding: headers.bytes[start..<end.name], as: UTF8.self),
                    value: String(decoding: headers.bytes[end.name..<end.value], as: UTF8.self))
        }
    }

    /// Equal when they hold the same names and values in the same order.
    public static func == (lhs: HTTPHeaders, rhs: HTTPHeaders) -> Bool {
        lhs.elementsEqual(rhs) { $0.name == $1.name && $0.value == $1.value }
    }

    /// Decodes a JSON object of names to values.
    public init(from decoder: Decoder) throws {
        let map = try [String: String](from: decoder)
        for (name, value) in map.sorted(by: { $0.key < $1.key }) { add(name: name, value: value) }
    }

    /// Encodes a JSON object of names to values (the last value of a repeated name).
    public func encode(to encoder: Encoder) throws {
        var map: [String: String] = [:]
        for (name, value) in self { map[name] = value }
        try map.encode(to: encoder)
    }
}

/// A complete response: status, headers and the whole body.
public struct DockerResponse: Sendable {
    /// The HTTP status code.
    public var status: Int
    /// The response headers.
    public var headers: HTTPHeaders
    /// The whole body.
    public var body: Data

    /// Creates a response.
    public init(status: Int, headers: HTTPHeaders, body: Data) {
        self.status = status
        self.headers = headers
        self.body = body
    }
}

/// A response whose body arrives as it comes, with backpressure.
public struct DockerStreamResponse: Sendable {
    /// The HTTP status code.
    public var status: Int
    /// The response headers.
    public var headers: HTTPHeaders
    /// The body, chunk by chunk.
    public var body: ByteStream

    /// Creates a streaming response.
    public init(status: Int, headers: HTTPHeaders, body: ByteStream) {
        self.status = status
        self.headers = headers
        self.body = body
    }

    /// Reads the whole body (for error responses and small bodies), at most `limit` bytes.
    public func collect(limit: Int = 64 << 20) async throws -> Data {
        var data = Data()
        for try await chunk in body {
            data.append(chunk)
            if data.count > limit {
                body.cancel()
                throw DockerError.malformedResponse("the response body exceeds \(limit) bytes")
            }
        }
        return data
    }
}

/// Carries requests to a daemon: the libcurl transport, or a recording or replaying one.
public protocol DockerTransport: Sendable {
    /// Where the daemon is, for messages.
    var hostDescription: String { get }
    /// Sends a request and returns the whole response.
    func execute(_ request: DockerRequest) async throws -> DockerResponse
    /// Sends a request and returns once the headers are in; the body streams.
    func stream(_ request: DockerRequest) async throws -> DockerStreamResponse
    /// Sends a request that upgrades the connection to a raw two-way byte stream (attach, exec).
    /// A daemon that refuses the upgrade answers with its status and its error body as the output;
    /// `DockerClient` turns that into a typed error (transports may also throw it themselves).
    func hijack(_ request: DockerRequest) async throws -> any HijackedConnection
}

/// A connection taken over after `101 UPGRADED`: raw bytes both ways.
public protocol HijackedConnection: Sendable {
    /// The status and headers of the upgrade response.
    var status: Int { get }
    /// The headers of the upgrade response.
    var headers: HTTPHeaders { get }
    /// The bytes the daemon sends, as they come.
    var output: ByteStream { get }
    /// Sends bytes to the process's stdin; returns once the socket took them. Output keeps being
    /// read meanwhile, so a large input written before any output is read cannot deadlock.
    func write(_ data: Data) async throws
    /// Half-closes the connection once every write is out: the process sees end of input, output keeps coming.
    func closeWrite() async throws
    /// Closes the connection both ways; pending writes fail at once. Dropping the connection and
    /// its output stream without closing it closes it too.
    func close()
}
