/// The answer of `GET /info` (the fields tools use; unknown fields are ignored).
///
/// Lists and maps are optional: dockerd 20.10 sends `null` for several that its spec calls non-nullable.
public struct SystemInfo: Codable, Sendable, Equatable {
    /// The daemon's unique ID.
    public var id: String?
    /// All containers.
    public var containers: Int
    /// Running containers.
    public var containersRunning: Int?
    /// Paused containers.
    public var containersPaused: Int?
    /// Stopped containers.
    public var containersStopped: Int?
    /// Images, counting each once.
    public var images: Int
    /// The storage driver, e.g. `overlay2`.
    public var driver: String?
    /// The host's name.
    public var name: String?
    /// The engine's version.
    public var serverVersion: String?
    /// e.g. `Debian GNU/Linux 12 (bookworm)`.
    public var operatingSystem: String?
    /// `linux` or `windows`.
    public var osType: String?
    /// e.g. `x86_64`.
    public var architecture: String?
    /// The host's kernel version.
    public var kernelVersion: String?
    /// Logical CPUs.
    public var ncpu: Int?
    /// Total memory in bytes.
    public var memTotal: Int64?
    /// Where the daemon keeps its data.
    public var dockerRootDir: String?
    /// `cgroupfs` or `systemd`.
    public var cgroupDriver: String?
    /// `1` or `2`.
    public var cgroupVersion: String?
    /// The default logging driver.
    public var loggingDriver: String?
    /// The daemon's labels.
    public var labels: [String]?
    /// Warnings about the daemon's configuration.
    public var warnings: [String]?
    /// The daemon's time, RFC 3339.
    public var systemTime: String?
    /// Whether the daemon runs in debug mode.
    public var debug: Bool?

    enum CodingKeys: String, CodingKey {
        case id = "ID", containers = "Containers", containersRunning = "ContainersRunning"
        case containersPaused = "ContainersPaused", containersStopped = "ContainersStopped", images = "Images"
        case driver = "Driver", name = "Name", serverVersion = "ServerVersion", operatingSystem = "OperatingSystem"
        case osType = "OSType", architecture = "Architecture", kernelVersion = "KernelVersion", ncpu = "NCPU"
        case memTotal = "MemTotal", dockerRootDir = "DockerRootDir", cgroupDriver = "CgroupDriver"
        case cgroupVersion = "CgroupVersion", loggingDriver = "LoggingDriver", labels = "Labels"
        case warnings = "Warnings", systemTime = "SystemTime", debug = "Debug"
    }
}
