/// A container in detail, from `GET /containers/{id}/json` (`ContainerInspectResponse`).
///
/// `ContainerCreate(config: info.config, hostConfig: info.hostConfig)` re-creates its settings.
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
    /// The path of its resolv.conf on the host.
    public var resolvConfPath: String?
    /// The path of its hostname file on the host.
    public var hostnamePath: String?
    /// The path of its hosts file on the host.
    public var hostsPath: String?
    /// The path of its json-file log on the host.
    public var logPath: String?
    /// How many times it was restarted.
    public var restartCount: Int?
    /// The storage driver.
    public var driver: String?
    /// The platform (OS), e.g. `linux`.
    public var platform: String?
    /// The image manifest it was created from (API 1.48+, containerd image store).
    public var imageManifestDescriptor: OCIDescriptor?
    /// The SELinux mount label.
    public var mountLabel: String?
    /// The SELinux process label.
    public var processLabel: String?
    /// The AppArmor profile.
    public var appArmorProfile: String?
    /// IDs of its execs.
    public var execIDs: [String]?
    /// How the host runs it.
    public var hostConfig: HostConfig?
    /// The storage driver's data about its filesystem.
    public var graphDriver: DriverData?
    /// Its filesystem in the containerd snapshotter (API 1.50+).
    public var storage: Storage?
    /// Bytes written by it (with `size=1`).
    public var sizeRw: Int64?
    /// The size of its whole filesystem in bytes (with `size=1`).
    public var sizeRootFs: Int64?
    /// Its mounts.
    public var mounts: [MountPoint]?
    /// What it runs.
    public var config: ContainerConfig?
    /// Its addresses and ports.
    public var networkSettings: NetworkSettings?

    /// The name without its leading `/`.
    public var shortName: String { name.hasPrefix("/") ? String(name.dropFirst()) : name }

    enum CodingKeys: String, CodingKey, CaseIterable {
        case id = "Id", name = "Name", created = "Created", path = "Path", args = "Args", state = "State"
        case image = "Image", resolvConfPath = "ResolvConfPath", hostnamePath = "HostnamePath", hostsPath = "HostsPath"
        case logPath = "LogPath", restartCount = "RestartCount", driver = "Driver", platform = "Platform"
        case imageManifestDescriptor = "ImageManifestDescriptor", mountLabel = "MountLabel"
        case processLabel = "ProcessLabel", appArmorProfile = "AppArmorProfile", execIDs = "ExecIDs"
        case hostConfig = "HostConfig", graphDriver = "GraphDriver", storage = "Storage", sizeRw = "SizeRw"
        case sizeRootFs = "SizeRootFs", mounts = "Mounts", config = "Config", networkSettings = "NetworkSettings"
    }
}

/// A container's state (`ContainerState`).
public struct ContainerState: Codable, Sendable, Equatable {
    /// created, running, paused, restarting, removing, exited or dead.
    public var containerStatus: ContainerStatus
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

    /// `created`, `running`, `paused`, `restarting`, `removing`, `exited` or `dead`.
    @available(*, deprecated, renamed: "containerStatus")
    public var status: String {
        get { containerStatus.rawValue }
        set { containerStatus = ContainerStatus(rawValue: newValue) }
    }

    /// A container's health (`Health`).
    public struct Health: Codable, Sendable, Equatable {
        /// starting, healthy, unhealthy or none.
        public var healthStatus: HealthStatus
        /// Consecutive failures.
        public var failingStreak: Int?
        /// The last checks, oldest first (at most five).
        public var log: [HealthcheckResult]?

        /// `starting`, `healthy` or `unhealthy`.
        @available(*, deprecated, renamed: "healthStatus")
        public var status: String {
            get { healthStatus.rawValue }
            set { healthStatus = HealthStatus(rawValue: newValue) }
        }

        enum CodingKeys: String, CodingKey, CaseIterable {
            case healthStatus = "Status", failingStreak = "FailingStreak", log = "Log"
        }
    }

    enum CodingKeys: String, CodingKey, CaseIterable {
        case containerStatus = "Status", running = "Running", paused = "Paused", restarting = "Restarting"
        case oomKilled = "OOMKilled", dead = "Dead", pid = "Pid", exitCode = "ExitCode", error = "Error"
        case startedAt = "StartedAt", finishedAt = "FinishedAt", health = "Health"
    }
}

/// One run of a health check (`HealthcheckResult`).
public struct HealthcheckResult: Codable, Sendable, Equatable {
    /// When it started, RFC 3339.
    public var start: String?
    /// When it ended, RFC 3339.
    public var end: String?
    /// 0 healthy, 1 unhealthy, 2 reserved, other: failed to run.
    public var exitCode: Int?
    /// The check's output (truncated by the daemon).
    public var output: String?

    enum CodingKeys: String, CodingKey, CaseIterable {
        case start = "Start", end = "End", exitCode = "ExitCode", output = "Output"
    }
}

/// A container's network settings (`NetworkSettings`); the top-level address fields are the default
/// bridge's, sent by daemons before API 1.52 only.
public struct NetworkSettings: Codable, Sendable, Equatable {
    /// Published ports by `port/proto`; nil values for exposed but unpublished ports.
    public var ports: [String: [PortBinding]?]?
    /// Endpoints by network name.
    public var networks: [String: EndpointSettings]?
    /// The network sandbox's ID.
    public var sandboxID: String?
    /// The network namespace's path.
    public var sandboxKey: String?
    /// The default bridge address (legacy field).
    public var ipAddress: String?
    /// The default bridge's prefix length (legacy field).
    public var ipPrefixLen: Int?
    /// The default bridge's gateway (legacy field).
    public var gateway: String?
    /// The MAC address on the default bridge (legacy field).
    public var macAddress: String?
    /// The default bridge endpoint's ID (legacy field).
    public var endpointID: String?
    /// The bridge's name (legacy field).
    public var bridge: String?

    enum CodingKeys: String, CodingKey, CaseIterable {
        case ports = "Ports", networks = "Networks", sandboxID = "SandboxID", sandboxKey = "SandboxKey"
        case ipAddress = "IPAddress", ipPrefixLen = "IPPrefixLen", gateway = "Gateway", macAddress = "MacAddress"
        case endpointID = "EndpointID", bridge = "Bridge"
    }
}

/// A mount as inspected (`MountPoint`).
public struct MountPoint: Codable, Sendable, Equatable {
    /// bind, volume, tmpfs...
    public var mountType: MountType?
    /// The volume's name.
    public var name: String?
    /// The host path.
    public var source: String?
    /// The container path.
    public var destination: String
    /// The volume driver.
    public var driver: String?
    /// The mode given with `-v`, e.g. `ro,z`.
    public var mode: String?
    /// Writable.
    public var rw: Bool?
    /// Propagation, for bind mounts.
    public var propagation: MountPropagation?

    /// `bind`, `volume` or `tmpfs`.
    @available(*, deprecated, renamed: "mountType")
    public var type: String? {
        get { mountType?.rawValue }
        set { mountType = newValue.map(MountType.init(rawValue:)) }
    }

    enum CodingKeys: String, CodingKey, CaseIterable {
        case mountType = "Type", name = "Name", source = "Source", destination = "Destination", driver = "Driver"
        case mode = "Mode", rw = "RW", propagation = "Propagation"
    }
}

/// A storage driver's name and data (`DriverData`, `GraphDriver`).
public struct DriverData: Codable, Sendable, Equatable {
    /// The driver, e.g. `overlay2`.
    public var name: String
    /// Driver-specific data, e.g. `MergedDir`, `UpperDir`.
    public var data: [String: String]?
    enum CodingKeys: String, CodingKey, CaseIterable { case name = "Name", data = "Data" }
}

/// A container's filesystem in the containerd snapshotter (`Storage`, API 1.50+).
public struct Storage: Codable, Sendable, Equatable {
    /// The root filesystem.
    public var rootFS: RootFS?
    enum CodingKeys: String, CodingKey, CaseIterable { case rootFS = "RootFS" }

    /// The root filesystem's snapshot (`RootFSStorage`).
    public struct RootFS: Codable, Sendable, Equatable {
        /// The snapshot.
        public var snapshot: Snapshot?
        enum CodingKeys: String, CodingKey, CaseIterable { case snapshot = "Snapshot" }
    }

    /// A containerd snapshot (`RootFSStorageSnapshot`).
    public struct Snapshot: Codable, Sendable, Equatable {
        /// The snapshotter's name.
        public var name: String?
        enum CodingKeys: String, CodingKey, CaseIterable { case name = "Name" }
    }
}
