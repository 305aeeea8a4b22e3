/// A closed set of Engine API strings that newer daemons may extend: known values are cases, anything
/// else is kept verbatim in `.other`, so decoding never fails and re-encoding never loses a value.
public protocol OpenEnum: RawRepresentable, Codable, Hashable, Sendable, ExpressibleByStringLiteral,
    CustomStringConvertible where RawValue == String {
    /// The value for `rawValue`: a known case, or `.other(rawValue)`.
    init(rawValue: String)
}

extension OpenEnum {
    /// The value spelled `value`.
    public init(stringLiteral value: String) { self.init(rawValue: value) }
    /// The API's spelling.
    public var description: String { rawValue }
    /// Decodes the API's string.
    public init(from decoder: Decoder) throws {
        self.init(rawValue: try decoder.singleValueContainer().decode(String.self))
    }
    /// Encodes the API's string.
    public func encode(to encoder: Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(rawValue)
    }
}

/// A container's status (`State.Status` of inspect, `State` of the list).
public enum ContainerStatus: OpenEnum {
    /// Created, never started.
    case created
    /// Running (also reported while paused by older daemons' lists).
    case running
    /// Paused.
    case paused
    /// Being restarted by its restart policy.
    case restarting
    /// Being removed.
    case removing
    /// Exited.
    case exited
    /// Dead: removal failed half-way.
    case dead
    /// A status this SDK does not know.
    case other(String)

    /// The value the API spells `rawValue`.
    public init(rawValue: String) {
        switch rawValue {
        case "created": self = .created
        case "running": self = .running
        case "paused": self = .paused
        case "restarting": self = .restarting
        case "removing": self = .removing
        case "exited": self = .exited
        case "dead": self = .dead
        default: self = .other(rawValue)
        }
    }

    /// The API's spelling.
    public var rawValue: String {
        switch self {
        case .created: "created"
        case .running: "running"
        case .paused: "paused"
        case .restarting: "restarting"
        case .removing: "removing"
        case .exited: "exited"
        case .dead: "dead"
        case .other(let value): value
        }
    }
}

/// A container's health (`State.Health.Status`).
public enum HealthStatus: OpenEnum {
    /// No health check.
    case none
    /// Within the start period, no success yet.
    case starting
    /// The last checks passed.
    case healthy
    /// `Retries` consecutive checks failed.
    case unhealthy
    /// A status this SDK does not know.
    case other(String)

    /// The value the API spells `rawValue`.
    public init(rawValue: String) {
        switch rawValue {
        case "none": self = .none
        case "starting": self = .starting
        case "healthy": self = .healthy
        case "unhealthy": self = .unhealthy
        default: self = .other(rawValue)
        }
    }

    /// The API's spelling.
    public var rawValue: String {
        switch self {
        case .none: "none"
        case .starting: "starting"
        case .healthy: "healthy"
        case .unhealthy: "unhealthy"
        case .other(let value): value
        }
    }
}

/// What a restart policy does (`RestartPolicy.Name`).
public enum RestartPolicyMode: OpenEnum {
    /// The daemon's default (none); inspect reports it as an empty name.
    case unset
    /// Never restart.
    case no
    /// Always restart.
    case always
    /// Restart unless stopped by hand.
    case unlessStopped
    /// Restart when it exits non-zero, up to `MaximumRetryCount` times.
    case onFailure
    /// A policy this SDK does not know.
    case other(String)

    /// The value the API spells `rawValue`.
    public init(rawValue: String) {
        switch rawValue {
        case "": self = .unset
        case "no": self = .no
        case "always": self = .always
        case "unless-stopped": self = .unlessStopped
        case "on-failure": self = .onFailure
        default: self = .other(rawValue)
        }
    }

    /// The API's spelling.
    public var rawValue: String {
        switch self {
        case .unset: ""
        case .no: "no"
        case .always: "always"
        case .unlessStopped: "unless-stopped"
        case .onFailure: "on-failure"
        case .other(let value): value
        }
    }
}

/// A container's network mode (`HostConfig.NetworkMode`).
public enum NetworkMode: OpenEnum {
    /// The daemon's default (the `bridge` network on Linux).
    case `default`
    /// The default bridge network.
    case bridge
    /// The host's network stack.
    case host
    /// No networking but loopback.
    case none
    /// Another container's network stack, by name or ID (`container:<id>`).
    case container(String)
    /// A user-defined network, by name or ID.
    case other(String)

    /// The value the API spells `rawValue`.
    public init(rawValue: String) {
        switch rawValue {
        case "default": self = .default
        case "bridge": self = .bridge
        case "host": self = .host
        case "none": self = .none
        case let value where value.hasPrefix("container:"): self = .container(String(value.dropFirst(10)))
        default: self = .other(rawValue)
        }
    }

    /// The API's spelling.
    public var rawValue: String {
        switch self {
        case .default: "default"
        case .bridge: "bridge"
        case .host: "host"
        case .none: "none"
        case .container(let id): "container:\(id)"
        case .other(let value): value
        }
    }
}

/// The kind of a mount (`Mount.Type`).
public enum MountType: OpenEnum {
    /// A host path.
    case bind
    /// A named or anonymous volume.
    case volume
    /// A tmpfs.
    case tmpfs
    /// A Windows named pipe.
    case npipe
    /// A Swarm cluster volume (API 1.42+).
    case cluster
    /// An image's filesystem, read-only (API 1.48+).
    case image
    /// A type this SDK does not know.
    case other(String)

    /// The value the API spells `rawValue`.
    public init(rawValue: String) {
        switch rawValue {
        case "bind": self = .bind
        case "volume": self = .volume
        case "tmpfs": self = .tmpfs
        case "npipe": self = .npipe
        case "cluster": self = .cluster
        case "image": self = .image
        default: self = .other(rawValue)
        }
    }

    /// The API's spelling.
    public var rawValue: String {
        switch self {
        case .bind: "bind"
        case .volume: "volume"
        case .tmpfs: "tmpfs"
        case .npipe: "npipe"
        case .cluster: "cluster"
        case .image: "image"
        case .other(let value): value
        }
    }
}

/// How a bind mount propagates sub-mounts (`BindOptions.Propagation`, `MountPoint.Propagation`).
public enum MountPropagation: OpenEnum {
    /// `private`.
    case `private`
    /// `rprivate`, the default.
    case rprivate
    /// `shared`.
    case shared
    /// `rshared`.
    case rshared
    /// `slave`.
    case slave
    /// `rslave`.
    case rslave
    /// A mode this SDK does not know (or the empty string inspect reports for volumes).
    case other(String)

    /// The value the API spells `rawValue`.
    public init(rawValue: String) {
        switch rawValue {
        case "private": self = .private
        case "rprivate": self = .rprivate
        case "shared": self = .shared
        case "rshared": self = .rshared
        case "slave": self = .slave
        case "rslave": self = .rslave
        default: self = .other(rawValue)
        }
    }

    /// The API's spelling.
    public var rawValue: String {
        switch self {
        case .private: "private"
        case .rprivate: "rprivate"
        case .shared: "shared"
        case .rshared: "rshared"
        case .slave: "slave"
        case .rslave: "rslave"
        case .other(let value): value
        }
    }
}
