import Foundation

/// A recorded conversation with a daemon: the requests an SDK scenario sent and what came back.
///
/// Stored as `Fixtures/v<API version>/<scenario>.json`; see Fixtures/README.md for the format.
public struct Fixture: Codable, Sendable, Equatable {
    /// The scenario's name (the file's name).
    public var scenario: String
    /// The API version the requests used.
    public var apiVersion: String?
    /// The daemon's `Server` header, e.g. `Docker/20.10.24+dfsg1 (linux)`.
    public var server: String?
    /// True when written by hand from the API reference rather than recorded.
    public var synthesized: Bool
    /// For synthesized fixtures: where in the official API reference the answers come from.
    public var source: String?
    /// The exchanges, in the order they happened.
    public var exchanges: [Exchange]

    /// Creates a fixture.
    public init(scenario: String, apiVersion: String? = nil, server: String? = nil, synthesized: Bool = false,
                source: String? = nil, exchanges: [Exchange] = []) {
        self.scenario = scenario
        self.apiVersion = apiVersion
        self.server = server
        self.synthesized = synthesized
        self.source = source
        self.exchanges = exchanges
    }

    /// One request and its response.
    public struct Exchange: Codable, Sendable, Equatable {
        /// `unary`, `stream` or `hijack`.
        public var kind: Kind
        /// What was sent.
        public var request: Request
        /// What came back.
        public var response: Response
        /// For hijacked connections: the bytes written to stdin.
        public var input: Body?

        /// How the exchange was carried.
        public enum Kind: String, Codable, Sendable {
            /// A whole response, a streamed response, or a hijacked connection.
            case unary, stream, hijack
        }

        /// Creates an exchange.
        public init(kind: Kind, request: Request, response: Response, input: Body? = nil) {
            self.kind = kind
            self.request = request
            self.response = response
            self.input = input
        }
    }

    /// A recorded request.
    public struct Request: Codable, Sendable, Equatable {
        /// The HTTP method.
        public var method: String
        /// The path without the version prefix.
        public var path: String
        /// The version prefix used, if any.
        public var apiVersion: String?
        /// Query parameters in order.
        public var query: [QueryItem]
        /// Headers that matter (secrets redacted).
        public var headers: [String: String]?
        /// The body.
        public var body: Body?

        /// Creates a recorded request.
        public init(method: String, path: String, apiVersion: String? = nil, query: [QueryItem] = [],
                    headers: [String: String]? = nil, body: Body? = nil) {
            self.method = method
            self.path = path
            self.apiVersion = apiVersion
            self.query = query
            self.headers = headers
            self.body = body
        }

        /// `GET /v1.41/containers/json?all=1`, for diffs.
        public var summary: String {
            var text = "\(method) " + (apiVersion.map { "/v\($0)" } ?? "") + path
            if !query.isEmpty { text += "?" + query.map { "\($0.name)=\($0.value)" }.joined(separator: "&") }
            return text
        }
    }

    /// A recorded response.
    public struct Response: Codable, Sendable, Equatable {
        /// The HTTP status.
        public var status: Int
        /// Headers that matter (`Api-Version`, `Content-Type`, `Server`, ...).
        public var headers: [String: String]
        /// The body.
        public var body: Body?

        /// Creates a recorded response.
        public init(status: Int, headers: [String: String], body: Body? = nil) {
            self.status = status
            self.headers = headers
            self.body = body
        }
    }

    /// A body: JSON kept as JSON, text as text, anything else base64.
    public enum Body: Codable, Sendable, Equatable {
        /// A JSON body, kept as JSON.
        case json(JSONValue)
        /// A UTF-8 text body.
        case text(String)
        /// Any other body (multiplexed streams, tar archives), base64-encoded.
        case base64(Data)

        /// Picks the most readable form for `data`.
        public init(_ data: Data, contentType: String?) {
            let type = contentType?.lowercased() ?? ""
            if type.contains("json"), let value = JSONValue.parse(data) {
                self = .json(value)
            } else if !type.contains("multiplexed") && !type.contains("tar"), let text = String(data: data, encoding: .utf8),
                      !text.contains("\0") {
                self = .text(text)
            } else {
                self = .base64(data)
            }
        }

        /// The bytes.
        public var data: Data {
            switch self {
            case .json(let value): value.data()
            case .text(let text): Data(text.utf8)
            case .base64(let data): data
            }
        }

        enum CodingKeys: String, CodingKey { case json, text, base64 }

        /// Decodes `{"json": ...}`, `{"text": ...}` or `{"base64": ...}`.
        public init(from decoder: Decoder) throws {
            let container = try decoder.container(keyedBy: CodingKeys.self)
            if container.contains(.json) {
                // `decodeIfPresent` would read a recorded JSON `null` body (e.g. `/changes` with no change) as absent.
                self = .json(try container.decode(JSONValue.self, forKey: .json))
            } else if let text = try container.decodeIfPresent(String.self, forKey: .text) {
                self = .text(text)
            } else {
                let encoded = try container.decode(String.self, forKey: .base64)
                guard let data = Data(base64Encoded: encoded) else {
                    throw DecodingError.dataCorruptedError(forKey: .base64, in: container, debugDescription: "bad base64")
                }
                self = .base64(data)
            }
        }

        /// Encodes `{"json": ...}`, `{"text": ...}` or `{"base64": ...}`.
        public func encode(to encoder: Encoder) throws {
            var container = encoder.container(keyedBy: CodingKeys.self)
            switch self {
            case .json(let value): try container.encode(value, forKey: .json)
            case .text(let text): try container.encode(text, forKey: .text)
            case .base64(let data): try container.encode(data.base64EncodedString(), forKey: .base64)
            }
        }
    }

    /// Reads a fixture file.
    public static func load(path: String) throws -> Fixture {
        guard let data = FileContents.read(path) else {
            throw FixtureError.missing(path: path)
        }
        do {
            return try JSONDecoder().decode(Fixture.self, from: data)
        } catch let error as DecodingError {
            throw FixtureError.unreadable(path: path, reason: JSONCoding.describe(error))
        }
    }

    /// Writes the fixture as pretty, key-sorted JSON.
    public func save(path: String) throws {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        let url = URL(fileURLWithPath: path)
        try FileManager.default.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
        try (encoder.encode(self) + Data("\n".utf8)).write(to: url)
    }
}

/// What goes wrong reading or replaying fixtures.
public enum FixtureError: Error, Sendable, Equatable, CustomStringConvertible {
    /// No fixture file at `path`.
    case missing(path: String)
    /// The file is not a fixture.
    case unreadable(path: String, reason: String)
    /// The SDK sent something other than what was recorded.
    case mismatch(scenario: String, index: Int, diff: String)
    /// The SDK sent more requests than were recorded.
    case exhausted(scenario: String, request: String)

    /// What did not match, and where.
    public var description: String {
        switch self {
        case .missing(let path): "no fixture at \(path) (record it: see Fixtures/README.md)"
        case let .unreadable(path, reason): "fixture \(path) is unreadable: \(reason)"
        case let .mismatch(scenario, index, diff): "fixture \(scenario), exchange #\(index): the SDK sent something else\n\(diff)"
        case let .exhausted(scenario, request): "fixture \(scenario) has no exchange left for \(request)"
        }
    }
}
