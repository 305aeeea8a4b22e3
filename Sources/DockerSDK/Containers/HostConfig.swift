/// How the host runs a container: ports, mounts, network mode, limits, privileges (`HostConfig`).
public struct HostConfig: Codable, Sendable, Equatable {
    /// `host-path:container-path[:ro]` or `volume:container-path` binds (`-v`).
    public var binds: [String]?
    /// Typed mounts: bind, volume, tmpfs (`--mount`).
    public var mounts: [Mount]?
    /// Published ports by `port/proto` (`-p`).
    public var portBindings: [String: [PortBinding]]?
    /// Publish every exposed port on a random host port (`-P`).
    public var publishAllPorts: Bool?
    /// `bridge`, `host`, `none`, `container:<id>` or a network's name (`--net`).
    public var networkMode: String?
    /// Legacy links, `name:alias` (`--link`).
    public var links: [String]?
    /// Full privileges (`--privileged`).
    public var privileged: Bool?
    /// What happens when the container exits (`--restart`).
    public var restartPolicy: RestartPolicy?
    /// Remove the container when it exits (`--rm`).
    public var autoRemove: Bool?
    /// Memory limit in bytes.
    public var memory: Int64?
    /// CPU quota in units of 1e-9 CPUs.
    public var nanoCPUs: Int64?
    /// Relative CPU weight.
    public var cpuShares: Int?
    /// Capabilities added.
    public var capAdd: [String]?
    /// Capabilities dropped.
    public var capDrop: [String]?
    /// Extra `/etc/hosts` entries, `name:ip`.
    public var extraHosts: [String]?
    /// DNS servers.
    public var dns: [String]?
    /// Resource limits such as nofile and nproc.
    public var ulimits: [Ulimit]?
    /// A read-only root filesystem.
    public var readonlyRootfs: Bool?
    /// tmpfs mounts, path to options.
    public var tmpfs: [String: String]?
    /// Run an init process as PID 1.
    public var `init`: Bool?

    /// Creates a host configuration.
    public init(binds: [String]? = nil, mounts: [Mount]? = nil, portBindings: [String: [PortBinding]]? = nil,
                networkMode: String? = nil, links: [String]? = nil, privileged: Bool? = nil,
                restartPolicy: RestartPolicy? = nil, autoRemove: Bool? = nil, memory: Int64? = nil,
                nanoCPUs: Int64? = nil, capAdd: [String]? = nil, capDrop: [String]? = nil,
                extraHosts: [String]? = nil, ulimits: [Ulimit]? = nil) {
        self.binds = binds
        self.mounts = mounts
        self.portBindings = portBindings
        self.networkMode = networkMode
        self.links = links
        self.privileged = privileged
        self.restartPolicy = restartPolicy
        self.autoRemove = autoRemove
        self.memory = memory
        self.nanoCPUs = nanoCPUs
        self.capAdd = capAdd
        self.capDrop = capDrop
        self.extraHosts = extraHosts
        self.ulimits = ulimits
    }

    /// Publishes `containerPort` on `hostPort` (nil: any free port) at `hostIP` (`-p ip:host:container`).
    public mutating func publish(_ containerPort: Int, on hostPort: Int? = nil, hostIP: String? = nil,
                                 protocol proto: String = "tcp") {
        let binding = PortBinding(hostIP: hostIP, hostPort: hostPort.map(String.init) ?? "")
        portBindings = portBindings ?? [:]
        portBindings?["\(containerPort)/\(proto)", default: []].append(binding)
    }

    enum CodingKeys: String, CodingKey {
        case binds = "Binds", mounts = "Mounts", portBindings = "PortBindings", publishAllPorts = "PublishAllPorts"
        case networkMode = "NetworkMode", links = "Links", privileged = "Privileged", restartPolicy = "RestartPolicy"
        case autoRemove = "AutoRemove", memory = "Memory", nanoCPUs = "NanoCpus", cpuShares = "CpuShares"
        case capAdd = "CapAdd", capDrop = "CapDrop", extraHosts = "ExtraHosts", dns = "Dns", ulimits = "Ulimits"
        case readonlyRootfs = "ReadonlyRootfs", tmpfs = "Tmpfs", `init` = "Init"
    }
}

/// A published port on the host.
public struct PortBinding: Codable, Sendable, Equatable {
    /// The host address, e.g. `127.0.0.1`; empty or nil for all.
    public var hostIP: String?
    /// The host port as a string; empty for any free port.
    public var hostPort: String?

    /// Creates a binding.
    public init(hostIP: String? = nil, hostPort: String? = nil) {
        self.hostIP = hostIP
        self.hostPort = hostPort
    }

    enum CodingKeys: String, CodingKey {
        case hostIP = "HostIp", hostPort = "HostPort"
    }
}

/// A restart policy.
public struct RestartPolicy: Codable, Sendable, Equatable {
    /// `no`, `always`, `unless-stopped` or `on-failure`.
    public var name: String
    /// Retries for `on-failure`.
    public var maximumRetryCount: Int?

    /// Creates a restart policy.
    public init(name: String, maximumRetryCount: Int? = nil) {
        self.name = name
        self.maximumRetryCount = maximumRetryCount
    }

    /// Never restart.
    public static let no = RestartPolicy(name: "no")
    /// Always restart.
    public static let always = RestartPolicy(name: "always")
    /// Restart unless stopped by hand.
    public static let unlessStopped = RestartPolicy(name: "unless-stopped")

    enum CodingKeys: String, CodingKey {
        case name = "Name", maximumRetryCount = "MaximumRetryCount"
    }
}

/// A resource limit.
public struct Ulimit: Codable, Sendable, Equatable {
    /// e.g. `nofile`.
    public var name: String
    /// The soft limit.
    public var soft: Int64
    /// The hard limit.
    public var hard: Int64

    /// Creates a limit.
    public init(name: String, soft: Int64, hard: Int64) {
        self.name = name
        self.soft = soft
        self.hard = hard
    }

    enum CodingKeys: String, CodingKey {
        case name = "Name", soft = "Soft", hard = "Hard"
    }
}

/// A typed mount (`--mount`).
public struct Mount: Codable, Sendable, Equatable {
    /// `bind`, `volume` or `tmpfs`.
    public var type: String
    /// The host path (bind) or volume name (volume).
    public var source: String?
    /// The path in the container.
    public var target: String
    /// Read-only.
    public var readOnly: Bool?
    /// Options for volume mounts.
    public var volumeOptions: VolumeOptions?
    /// Options for tmpfs mounts.
    public var tmpfsOptions: TmpfsOptions?

    /// A bind mount of a host path.
    public static func bind(_ source: String, at target: String, readOnly: Bool = false) -> Mount {
        Mount(type: "bind", source: source, target: target, readOnly: readOnly)
    }

    /// A named volume.
    public static func volume(_ name: String, at target: String, readOnly: Bool = false, labels: [String: String]? = nil) -> Mount {
        var mount = Mount(type: "volume", source: name, target: target, readOnly: readOnly)
        if let labels { mount.volumeOptions = VolumeOptions(labels: labels) }
        return mount
    }

    /// A tmpfs of at most `sizeBytes`.
    public static func tmpfs(at target: String, sizeBytes: Int64? = nil) -> Mount {
        var mount = Mount(type: "tmpfs", source: nil, target: target)
        if let sizeBytes { mount.tmpfsOptions = TmpfsOptions(sizeBytes: sizeBytes) }
        return mount
    }

    /// Creates a mount.
    public init(type: String, source: String?, target: String, readOnly: Bool? = nil) {
        self.type = type
        self.source = source
        self.target = target
        self.readOnly = readOnly
    }

    /// Volume mount options.
    public struct VolumeOptions: Codable, Sendable, Equatable {
        /// Labels for a volume created by the mount.
        public var labels: [String: String]?
        /// Don't copy the image's content into a new volume.
        public var noCopy: Bool?
        /// Creates volume options.
        public init(labels: [String: String]? = nil, noCopy: Bool? = nil) {
            self.labels = labels
            self.noCopy = noCopy
        }
        enum CodingKeys: String, CodingKey { case labels = "Labels", noCopy = "NoCopy" }
    }

    /// tmpfs mount options.
    public struct TmpfsOptions: Codable, Sendable, Equatable {
        /// The size limit in bytes.
        public var sizeBytes: Int64?
        /// The file mode.
        public var mode: Int?
        /// Creates tmpfs options.
        public init(sizeBytes: Int64? = nil, mode: Int? = nil) {
            self.sizeBytes = sizeBytes
            self.mode = mode
        }
        enum CodingKeys: String, CodingKey { case sizeBytes = "SizeBytes", mode = "Mode" }
    }

    enum CodingKeys: String, CodingKey {
        case type = "Type", source = "Source", target = "Target", readOnly = "ReadOnly"
        case volumeOptions = "VolumeOptions", tmpfsOptions = "TmpfsOptions"
    }
}
