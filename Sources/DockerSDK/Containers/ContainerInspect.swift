/// A container in detail, from `GET /containers/{id}/json`.
public struct ContainerInspect: Codable, Sendable, Equatable {
    /// The container's ID.
    public var id: String
    /// Its name with a leading `/`.
    public var name: String
    /// Creation time, RFC 3339.
    public var created: String?
    /// The executable run.
    public var path: String?
    /// Its arguments.
    public var args: [String]?
    /// Running, exit code, health...
    public var state: ContainerState
    /// The image's ID.
    public var image: String?
    /// How many times it was restarted.
    public var restartCount: Int?
    /// What it runs.
    public var config: ContainerConfig?
    /// How the host runs it.
    public var hostConfig: HostConfig?
    /// Its addresses and ports.
    public var networkSettings: NetworkSettings?
    /// Its mounts.
    public var mounts: [MountPoint]?

    /// The name without its leading `/`.
    public var shortName: String { name.hasPrefix("/") ? String(name.dropFirst()) : name }

    enum CodingKeys: String, CodingKey {
        case id = "Id", name = "Name", created = "Created", path = "Path", args = "Args", state = "State"
        case image = "Image", restartCount = "RestartCount", config = "Config", hostConfig = "HostConfig"
        case networkSettings = "NetworkSettings", mounts = "Mounts"
    }
}

/// A container's state.
public struct ContainerState: Codable, Sendable, Equatable {
    /// `created`, `running`, `paused`, `restarting`, `removing`, `exited` or `dead`.
    public var status: String
    /// Whether it runs (also when paused).
    public var running: Bool
    /// Whether it is paused.
    public var paused: Bool?
    /// Whether it is restarting.
    public var restarting: Bool?
    /// Whether the OOM killer killed it.
    public var oomKilled: Bool?
    /// Whether it is dead.
    public var dead: Bool?
    /// The main process's PID on the host, 0 when not running.
    public var pid: Int?
    /// The last exit code.
    public var exitCode: Int?
    /// The daemon's error starting it, if any.
    public var error: String?
    /// When it last started.
    public var startedAt: String?
    /// When it last exited.
    public var finishedAt: String?
    /// Its health, when it has a health check.
    public var health: Health?

    /// A container's health.
    public struct Health: Codable, Sendable, Equatable {
        /// `starting`, `healthy` or `unhealthy`.
        public var status: String
        /// Consecutive failures.
        public var failingStreak: Int?
        enum CodingKeys: String, CodingKey { case status = "Status", failingStreak = "FailingStreak" }
    }

    enum CodingKeys: String, CodingKey {
        case status = "Status", running = "Running", paused = "Paused", restarting = "Restarting"
        case oomKilled = "OOMKilled", dead = "Dead", pid = "Pid", exitCode = "ExitCode", error = "Error"
        case startedAt = "StartedAt", finishedAt = "FinishedAt", health = "Health"
    }
}

/// A container's network settings.
public struct NetworkSettings: Codable, Sendable, Equatable {
    /// Published ports by `port/proto`; nil values for exposed but unpublished ports.
    public var ports: [String: [PortBinding]?]?
    /// Endpoints by network name.
    public var networks: [String: EndpointSettings]?
    /// The default bridge address (legacy field).
    public var ipAddress: String?
    /// The network namespace's path.
    public var sandboxKey: String?

    enum CodingKeys: String, CodingKey {
        case ports = "Ports", networks = "Networks", ipAddress = "IPAddress", sandboxKey = "SandboxKey"
    }
}

/// A mount as inspected.
public struct MountPoint: Codable, Sendable, Equatable {
    /// `bind`, `volume` or `tmpfs`.
    public var type: String?
    /// The volume's name.
    public var name: String?
    /// The host path.
    public var source: String?
    /// The container path.
    public var destination: String
    /// Writable.
    public var rw: Bool?

    enum CodingKeys: String, CodingKey {
        case type = "Type", name = "Name", source = "Source", destination = "Destination", rw = "RW"
    }
}
