/// One event from `GET /events` (`EventMessage`): something happened to a container, image, network or volume.
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

        enum CodingKeys: String, CodingKey, CaseIterable {
            case id = "ID", attributes = "Attributes"
        }
    }

    /// The kind of object, typed.
    public var eventType: EventType { EventType(rawValue: type) }

    enum CodingKeys: String, CodingKey, CaseIterable {
        case type = "Type", action = "Action", actor = "Actor", scope, time, timeNano
    }
}

/// The kind of object an event is about (`EventMessage.Type`).
public enum EventType: OpenEnum {
    /// A builder event.
    case builder
    /// A Swarm config.
    case config
    /// A container.
    case container
    /// The daemon itself.
    case daemon
    /// An image.
    case image
    /// A network.
    case network
    /// A Swarm node.
    case node
    /// A plugin.
    case plugin
    /// A Swarm secret.
    case secret
    /// A Swarm service.
    case service
    /// A volume.
    case volume
    /// A kind this SDK does not know.
    case other(String)

    /// The value the API spells `rawValue`.
    public init(rawValue: String) {
        switch rawValue {
        case "builder": self = .builder
        case "config": self = .config
        case "container": self = .container
        case "daemon": self = .daemon
        case "image": self = .image
        case "network": self = .network
        case "node": self = .node
        case "plugin": self = .plugin
        case "secret": self = .secret
        case "service": self = .service
        case "volume": self = .volume
        default: self = .other(rawValue)
        }
    }

    /// The API's spelling.
    public var rawValue: String {
        switch self {
        case .builder: "builder"
        case .config: "config"
        case .container: "container"
        case .daemon: "daemon"
        case .image: "image"
        case .network: "network"
        case .node: "node"
        case .plugin: "plugin"
        case .secret: "secret"
        case .service: "service"
        case .volume: "volume"
        case .other(let value): value
        }
    }
}
