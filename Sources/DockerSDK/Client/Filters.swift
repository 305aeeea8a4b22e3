import Foundation

/// Engine API list and event filters, e.g. `["label": ["com.dockersdk.recipe=redis"]]`.
public struct Filters: Sendable, Equatable, ExpressibleByDictionaryLiteral {
    /// Values by filter name.
    public var values: [String: [String]]

    /// Creates filters from names and their values.
    public init(_ values: [String: [String]] = [:]) {
        self.values = values
    }

    /// Filters from a literal, e.g. `["label": ["a=b"]]`; values of a repeated name are joined.
    public init(dictionaryLiteral elements: (String, [String])...) {
        values = Dictionary(elements, uniquingKeysWith: +)
    }

    /// Adds a value to a filter.
    public mutating func add(_ name: String, _ value: String) {
        values[name, default: []].append(value)
    }

    /// A copy with a value added.
    public func adding(_ name: String, _ value: String) -> Filters {
        var copy = self
        copy.add(name, value)
        return copy
    }

    /// Matches objects carrying `key=value` (or just `key` when value is nil).
    public static func label(_ key: String, _ value: String? = nil) -> Filters {
        Filters(["label": [value.map { "\(key)=\($0)" } ?? key]])
    }

    /// Whether no filter is set.
    public var isEmpty: Bool { values.isEmpty }

    /// The `filters` query parameter, or nil when empty.
    public var queryItem: QueryItem? {
        guard !values.isEmpty else { return nil }
        let sorted = values.mapValues { $0.sorted() }
        let encoder = JSONEncoder()
        encoder.outputFormatting = .sortedKeys
        // Encoding a [String: [String]] cannot fail; never fall back to "no filter".
        let data = try! encoder.encode(sorted)
        return QueryItem("filters", String(decoding: data, as: UTF8.self))
    }
}
