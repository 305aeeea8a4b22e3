import Foundation

/// A secret as `GET /secrets` describes it: metadata only, the daemon never returns the data.
///
/// Named `SwarmSecret` so it never clashes with the recipes' redacting `Secret`.
public struct SwarmSecret: Codable, Sendable, Equatable {
    /// The secret's ID.
    public var id: String
    /// The version to send back with `update`.
    public var version: ObjectVersion
    /// Creation time, RFC 3339.
    public var createdAt: String?
    /// Last update time, RFC 3339.
    public var updatedAt: String?
    /// Name, labels, driver (no data).
    public var spec: SecretSpec

    enum CodingKeys: String, CodingKey, CaseIterable { case id = "ID", version = "Version", createdAt = "CreatedAt", updatedAt = "UpdatedAt", spec = "Spec" }
}

/// What `POST /secrets/create` takes. The data never appears in descriptions.
public struct SecretSpec: Codable, Sendable, Equatable, CustomStringConvertible {
    /// The secret's name.
    public var name: String
    /// Labels (the only thing `update` may change).
    public var labels: [String: String]?
    /// The content, sent base64-encoded; nil when read back from the daemon.
    public var data: Data?
    /// An external secret store driver.
    public var driver: Driver?
    /// A templating driver (`golang`) to render the content per task.
    public var templating: Driver?

    /// Creates a secret spec with its content.
    public init(name: String, data: Data?, labels: [String: String]? = nil, driver: Driver? = nil, templating: Driver? = nil) {
        self.name = name
        self.data = data
        self.labels = labels
        self.driver = driver
        self.templating = templating
    }

    public var description: String {
        "SecretSpec(name: \(name), labels: \(labels ?? [:]), data: \(data == nil ? "none" : "<redacted>"))"
    }

    /// A driver and its options.
    public struct Driver: Codable, Sendable, Equatable {
        /// The driver's name.
        public var name: String
        /// Its options.
        public var options: [String: String]?
        /// Creates a driver setting.
        public init(name: String, options: [String: String]? = nil) {
            self.name = name
            self.options = options
        }
        enum CodingKeys: String, CodingKey, CaseIterable { case name = "Name", options = "Options" }
    }

    enum CodingKeys: String, CodingKey, CaseIterable { case name = "Name", labels = "Labels", data = "Data", driver = "Driver", templating = "Templating" }
}

/// A config as `GET /configs` describes it (its data included: configs are not secret).
public struct SwarmConfig: Codable, Sendable, Equatable {
    /// The config's ID.
    public var id: String
    /// The version to send back with `update`.
    public var version: ObjectVersion
    /// Creation time, RFC 3339.
    public var createdAt: String?
    /// Last update time, RFC 3339.
    public var updatedAt: String?
    /// Name, labels, data.
    public var spec: ConfigSpec

    enum CodingKeys: String, CodingKey, CaseIterable { case id = "ID", version = "Version", createdAt = "CreatedAt", updatedAt = "UpdatedAt", spec = "Spec" }
}

/// What `POST /configs/create` takes.
public struct ConfigSpec: Codable, Sendable, Equatable {
    /// The config's name.
    public var name: String
    /// Labels (the only thing `update` may change).
    public var labels: [String: String]?
    /// The content, sent base64-encoded.
    public var data: Data?
    /// A templating driver (`golang`).
    public var templating: SecretSpec.Driver?

    /// Creates a config spec with its content.
    public init(name: String, data: Data?, labels: [String: String]? = nil, templating: SecretSpec.Driver? = nil) {
        self.name = name
        self.data = data
        self.labels = labels
        self.templating = templating
    }

    enum CodingKeys: String, CodingKey, CaseIterable { case name = "Name", labels = "Labels", data = "Data", templating = "Templating" }
}
