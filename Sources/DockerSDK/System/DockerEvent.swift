/// One event from `GET /events`: something happened to a container, image, network or volume.
public struct DockerEvent: Codable, Sendable, Equatable {
    /// What kind of object: `container`, `image`, `network`, `volume`, `daemon`, ...
    public var type: String
    /// What happened: `create`, `start`, `die`, `destroy`, `connect`, ...
    public var action: String
    /// The object it happened to.
    public var actor: Actor
    /// `local` or `swarm`.
    public var scope: String?
    /// Seconds since 1970.
    public var time: Int64?
    /// Nanoseconds since 1970.
    public var timeNano: Int64?

    /// The object an event is about.
    public struct Actor: Codable, Sendable, Equatable {
        /// Its ID.
        public var id: String
        /// Its attributes (name, image, labels, exit code, ...).
        public var attributes: [String: String]?

        enum CodingKeys: String, CodingKey {
            case id = "ID", attributes = "Attributes"
        }
    }

    enum CodingKeys: String, CodingKey {
        case type = "Type", action = "Action", actor = "Actor", scope, time, timeNano
    }
}
