/// One change in a container's file system against its image (`GET /containers/{id}/changes`).
public struct ContainerChange: Codable, Sendable, Equatable, Hashable {
    /// The changed path, e.g. `/tmp/added.txt`.
    public var path: String
    /// Modified, added or deleted.
    public var kind: Kind

    /// What happened to the path (`ChangeType` in the Engine API: 0, 1, 2).
    public enum Kind: Sendable, Hashable, Codable, CustomStringConvertible {
        /// Changed in place (`C` in `docker diff`).
        case modified
        /// Created (`A`).
        case added
        /// Removed (`D`).
        case deleted
        /// A kind this SDK does not know yet, with its number.
        case other(Int)

        /// The Engine API's number for the kind.
        public var rawValue: Int {
            switch self {
            case .modified: 0
            case .added: 1
            case .deleted: 2
            case .other(let value): value
            }
        }

        /// The kind for an Engine API number.
        public init(rawValue: Int) {
            switch rawValue {
            case 0: self = .modified
            case 1: self = .added
            case 2: self = .deleted
            default: self = .other(rawValue)
            }
        }

        /// `C`, `A` or `D`, as `docker diff` prints them (`?` for other kinds).
        public var description: String {
            switch self {
            case .modified: "C"
            case .added: "A"
            case .deleted: "D"
            case .other: "?"
            }
        }

        /// Decodes the daemon's number (0 modified, 1 added, 2 deleted).
        public init(from decoder: Decoder) throws {
            self.init(rawValue: try decoder.singleValueContainer().decode(Int.self))
        }

        /// Encodes the daemon's number.
        public func encode(to encoder: Encoder) throws {
            var container = encoder.singleValueContainer()
            try container.encode(rawValue)
        }
    }

    /// Creates a change.
    public init(path: String, kind: Kind) {
        self.path = path
        self.kind = kind
    }

    enum CodingKeys: String, CodingKey { case path = "Path", kind = "Kind" }
}

extension ContainersAPI {
    /// What changed in the container's file system against its image (`docker diff`); empty when nothing did.
    public func changes(_ id: String) async throws -> [ContainerChange] {
        // The daemon answers `null`, not `[]`, when nothing changed.
        try await client.decode([ContainerChange]?.self, "GET", "/containers/\(Self.escape(id))/changes") ?? []
    }
}
