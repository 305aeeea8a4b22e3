import Foundation

/// Scrubs secrets out of what a recorder writes: known secret strings anywhere, password-like
/// environment variables, registry auth and config headers, JSON `password`/`identitytoken`/`secret`
/// values, and `-p<password>` arguments.
public struct Redactor: Sendable {
    /// Exact strings to replace wherever they appear (passwords the scenario used).
    public var secrets: [String]
    /// What replaces a secret.
    public static let mask = "<redacted>"

    /// Creates a redactor that also removes the given exact strings.
    public init(secrets: [String] = []) {
        self.secrets = secrets.filter { !$0.isEmpty }
    }

    private static let sensitiveNames = ["PASSWORD", "PASSWD", "SECRET", "TOKEN", "MYSQL_PWD", "AUTH", "CREDENTIAL"]
    private static let sensitiveHeaders = ["x-registry-auth", "x-registry-config", "authorization"]

    /// Swarm join tokens and unlock keys, wherever they appear.
    private static let swarmKeys = "SWM(TKN|KEY)-1-[A-Za-z0-9+/=-]+"

    /// Scrubs one string.
    public func scrub(_ text: String) -> String {
        let text = scrubExact(text)
        // NAME=value where NAME looks sensitive (environment entries, mysqld options).
        if let eq = text.firstIndex(of: "="), !text[..<eq].contains(" ") {
            let name = text[..<eq].uppercased()
            if Self.sensitiveNames.contains(where: { name.contains($0) }) {
                return String(text[...eq]) + Self.mask
            }
        }
        // -pSECRET and --password=SECRET as command-line arguments.
        if text.hasPrefix("-p"), text.count > 2, !text.hasPrefix("-p ") {
            return "-p" + Self.mask
        }
        if text.hasPrefix("--password=") || text.hasPrefix("--requirepass=") || text.hasPrefix("--masterauth=") {
            return String(text[...text.firstIndex(of: "=")!]) + Self.mask
        }
        return text
    }

    /// Scrubs a body: JSON string by string, text and base64 by the exact secrets.
    public func scrub(_ body: Fixture.Body?) -> Fixture.Body? {
        switch body {
        case .json(let value)?: return .json(scrubJSON(value))
        case .text(let text)?: return .text(scrubExact(text))
        case .base64(let data)?:
            guard !secrets.isEmpty else { return body }
            var bytes = data
            for secret in secrets {
                let needle = Data(secret.utf8)
                let mask = Data(Self.mask.utf8)
                while let range = bytes.range(of: needle) { bytes.replaceSubrange(range, with: mask) }
            }
            return .base64(bytes)
        case nil: return nil
        }
    }

    /// JSON keys whose string values are secrets wherever they appear (`POST /auth` bodies,
    /// identity tokens in answers, credential-helper payloads).
    static let sensitiveKeys: Set<String> = ["password", "identitytoken", "registrytoken", "secret", "auth"]

    /// Scrubs JSON: values of sensitive keys entirely, every other string like `scrub(_:)`.
    func scrubJSON(_ value: JSONValue) -> JSONValue {
        switch value {
        case .object(let object):
            var out: [String: JSONValue] = [:]
            for (key, item) in object {
                if Self.sensitiveKeys.contains(key.lowercased()), case .string(let text) = item, !text.isEmpty {
                    out[key] = .string(Self.mask)
                } else {
                    out[key] = scrubJSON(item)
                }
            }
            return .object(out)
        case .array(let items): return .array(items.map(scrubJSON))
        case .string(let text): return .string(scrub(text))
        default: return value
        }
    }

    /// Scrubs header values: auth headers entirely, others by the exact secrets.
    public func scrub(headers: [String: String]) -> [String: String] {
        var out: [String: String] = [:]
        for (name, value) in headers {
            out[name] = Self.sensitiveHeaders.contains(name.lowercased()) ? Self.mask : scrubExact(value)
        }
        return out
    }

    /// Scrubs a recorded request.
    public func scrub(_ request: Fixture.Request) -> Fixture.Request {
        var copy = request
        copy.path = scrubExact(request.path)
        copy.query = request.query.map { QueryItem($0.name, scrubExact($0.value)) }
        copy.headers = request.headers.map { scrub(headers: $0) }
        copy.body = scrub(request.body)
        return copy
    }

    private func scrubExact(_ text: String) -> String {
        let exact = secrets.reduce(text) { $0.replacingOccurrences(of: $1, with: Self.mask) }
        guard exact.contains("SWM") else { return exact }
        return exact.replacingOccurrences(of: Self.swarmKeys, with: Self.mask, options: .regularExpression)
    }
}
