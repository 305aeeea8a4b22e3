/// The answer of `GET /info` (`SystemInfo`).
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
    /// The storage driver's status, name-value pairs.
    public var driverStatus: [[String]]?
    /// Where the daemon keeps its data.
    public var dockerRootDir: String?
    /// The plugins available, by kind.
    public var plugins: PluginsInfo?
    /// Whether memory limits are supported.
    public var memoryLimit: Bool?
    /// Whether swap limits are supported.
    public var swapLimit: Bool?
    /// Whether CFS periods are supported.
    public var cpuCfsPeriod: Bool?
    /// Whether CFS quotas are supported.
    public var cpuCfsQuota: Bool?
    /// Whether CPU shares are supported.
    public var cpuShares: Bool?
    /// Whether cpusets are supported.
    public var cpuSet: Bool?
    /// Whether PID limits are supported.
    public var pidsLimit: Bool?
    /// Whether the OOM killer can be disabled.
    public var oomKillDisable: Bool?
    /// Whether IPv4 forwarding is on.
    public var ipv4Forwarding: Bool?
    /// Whether the daemon runs in debug mode.
    public var debug: Bool?
    /// Open file descriptors (debug mode).
    public var nFd: Int?
    /// Goroutines (debug mode).
    public var nGoroutines: Int?
    /// The daemon's time, RFC 3339.
    public var systemTime: String?
    /// The default logging driver.
    public var loggingDriver: String?
    /// `cgroupfs` or `systemd`.
    public var cgroupDriver: String?
    /// `1` or `2`.
    public var cgroupVersion: String?
    /// Event listeners.
    public var nEventsListener: Int?
    /// The host's kernel version.
    public var kernelVersion: String?
    /// e.g. `Debian GNU/Linux 12 (bookworm)`.
    public var operatingSystem: String?
    /// The OS version, e.g. `12`.
    public var osVersion: String?
    /// `linux` or `windows`.
    public var osType: String?
    /// e.g. `x86_64`.
    public var architecture: String?
    /// Logical CPUs.
    public var ncpu: Int?
    /// Total memory in bytes.
    public var memTotal: Int64?
    /// The default registry's address.
    public var indexServerAddress: String?
    /// Registry settings: insecure registries, mirrors.
    public var registryConfig: RegistryServiceConfig?
    /// The HTTP proxy (credentials masked by the daemon).
    public var httpProxy: String?
    /// The HTTPS proxy (credentials masked by the daemon).
    public var httpsProxy: String?
    /// Hosts reached without the proxy.
    public var noProxy: String?
    /// The host's name.
    public var name: String?
    /// The daemon's labels.
    public var labels: [String]?
    /// Whether experimental features are on.
    public var experimentalBuild: Bool?
    /// The engine's version.
    public var serverVersion: String?
    /// The OCI runtimes, by name.
    public var runtimes: [String: Runtime]?
    /// The default runtime.
    public var defaultRuntime: String?
    /// The node's Swarm status.
    public var swarm: SwarmInfo?
    /// Whether containers keep running while the daemon is down.
    public var liveRestoreEnabled: Bool?
    /// The default isolation (Windows).
    public var isolation: String?
    /// The `docker-init` binary.
    public var initBinary: String?
    /// containerd's commit.
    public var containerdCommit: Commit?
    /// runc's commit.
    public var runcCommit: Commit?
    /// docker-init's commit.
    public var initCommit: Commit?
    /// Security features, e.g. `name=seccomp,profile=default`.
    public var securityOptions: [String]?
    /// The product license.
    public var productLicense: String?
    /// Address pools for new networks.
    public var defaultAddressPools: [AddressPool]?
    /// The firewall backend (API 1.49+).
    public var firewallBackend: FirewallInfo?
    /// Devices discovered by drivers, e.g. CDI (API 1.50+).
    public var discoveredDevices: [DeviceInfo]?
    /// Warnings about the daemon's configuration.
    public var warnings: [String]?
    /// CDI specification directories (API 1.44+).
    public var cdiSpecDirs: [String]?
    /// The containerd the daemon uses (API 1.46+).
    public var containerd: ContainerdInfo?

    enum CodingKeys: String, CodingKey, CaseIterable {
        case id = "ID", containers = "Containers", containersRunning = "ContainersRunning"
        case containersPaused = "ContainersPaused", containersStopped = "ContainersStopped", images = "Images"
        case driver = "Driver", driverStatus = "DriverStatus", dockerRootDir = "DockerRootDir", plugins = "Plugins"
        case memoryLimit = "MemoryLimit", swapLimit = "SwapLimit", cpuCfsPeriod = "CpuCfsPeriod"
        case cpuCfsQuota = "CpuCfsQuota", cpuShares = "CPUShares", cpuSet = "CPUSet", pidsLimit = "PidsLimit"
        case oomKillDisable = "OomKillDisable", ipv4Forwarding = "IPv4Forwarding", debug = "Debug", nFd = "NFd"
        case nGoroutines = "NGoroutines", systemTime = "SystemTime", loggingDriver = "LoggingDriver"
        case cgroupDriver = "CgroupDriver", cgroupVersion = "CgroupVersion", nEventsListener = "NEventsListener"
        case kernelVersion = "KernelVersion", operatingSystem = "OperatingSystem", osVersion = "OSVersion"
        case osType = "OSType", architecture = "Architecture", ncpu = "NCPU", memTotal = "MemTotal"
        case indexServerAddress = "IndexServerAddress", registryConfig = "RegistryConfig", httpProxy = "HttpProxy"
        case httpsProxy = "HttpsProxy", noProxy = "NoProxy", name = "Name", labels = "Labels"
        case experimentalBuild = "ExperimentalBuild", serverVersion = "ServerVersion", runtimes = "Runtimes"
        case defaultRuntime = "DefaultRuntime", swarm = "Swarm", liveRestoreEnabled = "LiveRestoreEnabled"
        case isolation = "Isolation", initBinary = "InitBinary", containerdCommit = "ContainerdCommit"
        case runcCommit = "RuncCommit", initCommit = "InitCommit", securityOptions = "SecurityOptions"
        case productLicense = "ProductLicense", defaultAddressPools = "DefaultAddressPools"
        case firewallBackend = "FirewallBackend", discoveredDevices = "DiscoveredDevices", warnings = "Warnings"
        case cdiSpecDirs = "CDISpecDirs", containerd = "Containerd"
    }

    /// Plugins by kind (`PluginsInfo`).
    public struct PluginsInfo: Codable, Sendable, Equatable {
        /// Volume drivers.
        public var volume: [String]?
        /// Network drivers.
        public var network: [String]?
        /// Authorization plugins.
        public var authorization: [String]?
        /// Log drivers.
        public var log: [String]?
        enum CodingKeys: String, CodingKey, CaseIterable {
            case volume = "Volume", network = "Network", authorization = "Authorization", log = "Log"
        }
    }

    /// Registry settings (`RegistryServiceConfig`).
    public struct RegistryServiceConfig: Codable, Sendable, Equatable {
        /// Subnets of insecure registries.
        public var insecureRegistryCIDRs: [String]?
        /// Per-registry settings by name.
        public var indexConfigs: [String: IndexInfo]?
        /// Registry mirrors.
        public var mirrors: [String]?
        enum CodingKeys: String, CodingKey, CaseIterable {
            case insecureRegistryCIDRs = "InsecureRegistryCIDRs", indexConfigs = "IndexConfigs", mirrors = "Mirrors"
        }
    }

    /// One registry's settings (`IndexInfo`).
    public struct IndexInfo: Codable, Sendable, Equatable {
        /// The registry's name, e.g. `docker.io`.
        public var name: String?
        /// Its mirrors.
        public var mirrors: [String]?
        /// Whether TLS is verified.
        public var secure: Bool?
        /// Whether it is the official index.
        public var official: Bool?
        enum CodingKeys: String, CodingKey, CaseIterable {
            case name = "Name", mirrors = "Mirrors", secure = "Secure", official = "Official"
        }
    }

    /// An OCI runtime (`Runtime`).
    public struct Runtime: Codable, Sendable, Equatable {
        /// The executable.
        public var path: String?
        /// Its arguments.
        public var runtimeArgs: [String]?
        /// Runtime-specific status (API 1.44+).
        public var status: [String: String]?
        enum CodingKeys: String, CodingKey, CaseIterable { case path, runtimeArgs, status }
    }

    /// A component's commit (`Commit`).
    public struct Commit: Codable, Sendable, Equatable {
        /// The commit ID.
        public var id: String?
        /// The commit the daemon expected (API 1.41; removed later).
        public var expected: String?
        enum CodingKeys: String, CodingKey, CaseIterable { case id = "ID", expected = "Expected" }
    }

    /// A node's Swarm status (`SwarmInfo`).
    public struct SwarmInfo: Codable, Sendable, Equatable {
        /// The node's ID.
        public var nodeID: String?
        /// The node's address.
        public var nodeAddr: String?
        /// `inactive`, `pending`, `active`, `error` or `locked`.
        public var localNodeState: String?
        /// Whether the node is a manager.
        public var controlAvailable: Bool?
        /// The last error.
        public var error: String?
        /// The managers known.
        public var remoteManagers: [PeerNode]?
        /// Nodes in the swarm.
        public var nodes: Int?
        /// Managers in the swarm.
        public var managers: Int?
        enum CodingKeys: String, CodingKey, CaseIterable {
            case nodeID = "NodeID", nodeAddr = "NodeAddr", localNodeState = "LocalNodeState"
            case controlAvailable = "ControlAvailable", error = "Error", remoteManagers = "RemoteManagers"
            case nodes = "Nodes", managers = "Managers"
        }
        /// The cluster's details are the Swarm API's business.
        static let specLeftOut = ["Cluster": "the Swarm cluster's spec belongs to the Swarm API, out of scope"]

        /// A manager node.
        public struct PeerNode: Codable, Sendable, Equatable {
            /// Its ID.
            public var nodeID: String?
            /// Its address.
            public var addr: String?
            enum CodingKeys: String, CodingKey { case nodeID = "NodeID", addr = "Addr" }
        }
    }

    /// An address pool for new networks.
    public struct AddressPool: Codable, Sendable, Equatable {
        /// The pool, in CIDR notation.
        public var base: String?
        /// The prefix length of each network taken from it.
        public var size: Int?
        enum CodingKeys: String, CodingKey, CaseIterable { case base = "Base", size = "Size" }
    }

    /// The firewall backend (`FirewallInfo`, API 1.49+).
    public struct FirewallInfo: Codable, Sendable, Equatable {
        /// e.g. `iptables`, `nftables`.
        public var driver: String?
        /// Name-value pairs about it.
        public var info: [[String]]?
        enum CodingKeys: String, CodingKey, CaseIterable { case driver = "Driver", info = "Info" }
    }

    /// A device a driver discovered (`DeviceInfo`, API 1.50+).
    public struct DeviceInfo: Codable, Sendable, Equatable {
        /// The driver that found it, e.g. `cdi`.
        public var source: String?
        /// Its ID, e.g. `vendor.com/gpu=0`.
        public var id: String?
        enum CodingKeys: String, CodingKey, CaseIterable { case source = "Source", id = "ID" }
    }

    /// The containerd the daemon uses (`ContainerdInfo`, API 1.46+).
    public struct ContainerdInfo: Codable, Sendable, Equatable {
        /// containerd's socket.
        public var address: String?
        /// The containerd namespaces used.
        public var namespaces: Namespaces?
        enum CodingKeys: String, CodingKey, CaseIterable { case address = "Address", namespaces = "Namespaces" }

        /// containerd namespaces.
        public struct Namespaces: Codable, Sendable, Equatable {
            /// For containers.
            public var containers: String?
            /// For plugins.
            public var plugins: String?
            enum CodingKeys: String, CodingKey, CaseIterable { case containers = "Containers", plugins = "Plugins" }
        }
    }

    /// Swarm generic resources are left out.
    static let specLeftOut = [
        "GenericResources": "Swarm generic resources (node-level, for Swarm services), out of scope",
    ]
}
