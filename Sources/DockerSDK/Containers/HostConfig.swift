/// How the host runs a container: ports, mounts, network mode, limits, privileges (`HostConfig`, which
/// includes every `Resources` field, flat in the JSON and reached as properties: `host.memory`). Every
/// field is optional and a nil field is not sent: the daemon treats some zero values specially (a 0
/// `MemorySwappiness` is not "unset"), so only what is set goes out.
/// Byte sizes are integers, CPU periods and quotas microseconds, as in the API.
@dynamicMemberLookup
public struct HostConfig: Codable, Sendable, Equatable {
    /// The `Resources` fields (limits, cgroup, devices, ulimits): the API sends them flat in HostConfig.
    /// Each is also a property of its own here, e.g. `host.memory` (`Resources.memory`).
    public var resources: Resources = Resources()

    // MARK: Host
    /// `host-path:container-path[:ro]` or `volume:container-path` binds (`-v`).
    public var binds: [String]?
    /// Where the daemon writes the container's ID.
    public var containerIDFile: String?
    /// The log driver and its options (`--log-driver`, `--log-opt`).
    public var logConfig: LogConfig?
    /// `bridge`, `host`, `none`, `container:<id>` or a network's name (`--net`); typed as `network`.
    public var networkMode: String?
    /// Published ports by `port/proto` (`-p`).
    public var portBindings: [String: [PortBinding]]?
    /// What happens when the container exits (`--restart`).
    public var restartPolicy: RestartPolicy?
    /// Remove the container when it exits (`--rm`).
    public var autoRemove: Bool?
    /// The volume driver for `binds` naming volumes.
    public var volumeDriver: String?
    /// Containers whose volumes are mounted too, `name[:ro|rw]`.
    public var volumesFrom: [String]?
    /// Typed mounts: bind, volume, tmpfs, image (`--mount`).
    public var mounts: [Mount]?
    /// The initial TTY size, `[height, width]`.
    public var consoleSize: [Int]?
    /// Arbitrary annotations for the runtime (API 1.43+).
    public var annotations: [String: String]?
    /// Capabilities added.
    public var capAdd: [String]?
    /// Capabilities dropped.
    public var capDrop: [String]?
    /// The cgroup namespace: `private` or `host`.
    public var cgroupnsMode: String?
    /// DNS servers.
    public var dns: [String]?
    /// DNS options.
    public var dnsOptions: [String]?
    /// DNS search domains.
    public var dnsSearch: [String]?
    /// Extra `/etc/hosts` entries, `name:ip`.
    public var extraHosts: [String]?
    /// Extra groups of the container's process.
    public var groupAdd: [String]?
    /// The IPC namespace: `none`, `private`, `shareable`, `container:<id>` or `host`.
    public var ipcMode: String?
    /// The cgroup to use.
    public var cgroup: String?
    /// Legacy links, `name:alias` (`--link`).
    public var links: [String]?
    /// OOM score adjustment, -1000 to 1000.
    public var oomScoreAdj: Int?
    /// The PID namespace: `container:<id>` or `host`.
    public var pidMode: String?
    /// Full privileges (`--privileged`).
    public var privileged: Bool?
    /// Publish every exposed port on a random host port (`-P`).
    public var publishAllPorts: Bool?
    /// A read-only root filesystem.
    public var readonlyRootfs: Bool?
    /// Security options, e.g. `no-new-privileges`, `seccomp=unconfined`.
    public var securityOpt: [String]?
    /// Storage driver options.
    public var storageOpt: [String: String]?
    /// tmpfs mounts, path to options (`--tmpfs`).
    public var tmpfs: [String: String]?
    /// The UTS namespace: `host` or empty.
    public var utsMode: String?
    /// The user namespace: `host` or empty.
    public var usernsMode: String?
    /// Size of `/dev/shm` in bytes.
    public var shmSize: Int64?
    /// Kernel parameters, e.g. `net.ipv4.ip_forward`.
    public var sysctls: [String: String]?
    /// The OCI runtime, e.g. `runc`.
    public var runtime: String?
    /// The isolation technology (Windows): `default`, `process`, `hyperv`.
    public var isolation: String?
    /// Paths masked in the container (overrides the daemon's defaults).
    public var maskedPaths: [String]?
    /// Paths made read-only in the container (overrides the daemon's defaults).
    public var readonlyPaths: [String]?

    /// The network mode, typed.
    public var network: NetworkMode? {
        get { networkMode.map(NetworkMode.init(rawValue:)) }
        set { networkMode = newValue?.rawValue }
    }

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

    /// A `Resources` field as a property of the host configuration, e.g. `host.memory`.
    public subscript<Value>(dynamicMember field: WritableKeyPath<Resources, Value>) -> Value {
        get { resources[keyPath: field] }
        set { resources[keyPath: field] = newValue }
    }

    /// Decodes the flat JSON: the `Resources` fields and the host's own.
    public init(from decoder: any Decoder) throws {
        resources = try Resources(from: decoder)
        let c = try decoder.container(keyedBy: CodingKeys.self)
        binds = try c.decodeIfPresent([String].self, forKey: .binds)
        containerIDFile = try c.decodeIfPresent(String.self, forKey: .containerIDFile)
        logConfig = try c.decodeIfPresent(LogConfig.self, forKey: .logConfig)
        networkMode = try c.decodeIfPresent(String.self, forKey: .networkMode)
        portBindings = try c.decodeIfPresent([String: [PortBinding]].self, forKey: .portBindings)
        restartPolicy = try c.decodeIfPresent(RestartPolicy.self, forKey: .restartPolicy)
        autoRemove = try c.decodeIfPresent(Bool.self, forKey: .autoRemove)
        volumeDriver = try c.decodeIfPresent(String.self, forKey: .volumeDriver)
        volumesFrom = try c.decodeIfPresent([String].self, forKey: .volumesFrom)
        mounts = try c.decodeIfPresent([Mount].self, forKey: .mounts)
        consoleSize = try c.decodeIfPresent([Int].self, forKey: .consoleSize)
        annotations = try c.decodeIfPresent([String: String].self, forKey: .annotations)
        capAdd = try c.decodeIfPresent([String].self, forKey: .capAdd)
        capDrop = try c.decodeIfPresent([String].self, forKey: .capDrop)
        cgroupnsMode = try c.decodeIfPresent(String.self, forKey: .cgroupnsMode)
        dns = try c.decodeIfPresent([String].self, forKey: .dns)
        dnsOptions = try c.decodeIfPresent([String].self, forKey: .dnsOptions)
        dnsSearch = try c.decodeIfPresent([String].self, forKey: .dnsSearch)
        extraHosts = try c.decodeIfPresent([String].self, forKey: .extraHosts)
        groupAdd = try c.decodeIfPresent([String].self, forKey: .groupAdd)
        ipcMode = try c.decodeIfPresent(String.self, forKey: .ipcMode)
        cgroup = try c.decodeIfPresent(String.self, forKey: .cgroup)
        links = try c.decodeIfPresent([String].self, forKey: .links)
        oomScoreAdj = try c.decodeIfPresent(Int.self, forKey: .oomScoreAdj)
        pidMode = try c.decodeIfPresent(String.self, forKey: .pidMode)
        privileged = try c.decodeIfPresent(Bool.self, forKey: .privileged)
        publishAllPorts = try c.decodeIfPresent(Bool.self, forKey: .publishAllPorts)
        readonlyRootfs = try c.decodeIfPresent(Bool.self, forKey: .readonlyRootfs)
        securityOpt = try c.decodeIfPresent([String].self, forKey: .securityOpt)
        storageOpt = try c.decodeIfPresent([String: String].self, forKey: .storageOpt)
        tmpfs = try c.decodeIfPresent([String: String].self, forKey: .tmpfs)
        utsMode = try c.decodeIfPresent(String.self, forKey: .utsMode)
        usernsMode = try c.decodeIfPresent(String.self, forKey: .usernsMode)
        shmSize = try c.decodeIfPresent(Int64.self, forKey: .shmSize)
        sysctls = try c.decodeIfPresent([String: String].self, forKey: .sysctls)
        runtime = try c.decodeIfPresent(String.self, forKey: .runtime)
        isolation = try c.decodeIfPresent(String.self, forKey: .isolation)
        maskedPaths = try c.decodeIfPresent([String].self, forKey: .maskedPaths)
        readonlyPaths = try c.decodeIfPresent([String].self, forKey: .readonlyPaths)
    }

    /// Encodes flat, as the API wants: the set `Resources` fields next to the host's own.
    public func encode(to encoder: any Encoder) throws {
        try resources.encode(to: encoder)
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encodeIfPresent(binds, forKey: .binds)
        try c.encodeIfPresent(containerIDFile, forKey: .containerIDFile)
        try c.encodeIfPresent(logConfig, forKey: .logConfig)
        try c.encodeIfPresent(networkMode, forKey: .networkMode)
        try c.encodeIfPresent(portBindings, forKey: .portBindings)
        try c.encodeIfPresent(restartPolicy, forKey: .restartPolicy)
        try c.encodeIfPresent(autoRemove, forKey: .autoRemove)
        try c.encodeIfPresent(volumeDriver, forKey: .volumeDriver)
        try c.encodeIfPresent(volumesFrom, forKey: .volumesFrom)
        try c.encodeIfPresent(mounts, forKey: .mounts)
        try c.encodeIfPresent(consoleSize, forKey: .consoleSize)
        try c.encodeIfPresent(annotations, forKey: .annotations)
        try c.encodeIfPresent(capAdd, forKey: .capAdd)
        try c.encodeIfPresent(capDrop, forKey: .capDrop)
        try c.encodeIfPresent(cgroupnsMode, forKey: .cgroupnsMode)
        try c.encodeIfPresent(dns, forKey: .dns)
        try c.encodeIfPresent(dnsOptions, forKey: .dnsOptions)
        try c.encodeIfPresent(dnsSearch, forKey: .dnsSearch)
        try c.encodeIfPresent(extraHosts, forKey: .extraHosts)
        try c.encodeIfPresent(groupAdd, forKey: .groupAdd)
        try c.encodeIfPresent(ipcMode, forKey: .ipcMode)
        try c.encodeIfPresent(cgroup, forKey: .cgroup)
        try c.encodeIfPresent(links, forKey: .links)
        try c.encodeIfPresent(oomScoreAdj, forKey: .oomScoreAdj)
        try c.encodeIfPresent(pidMode, forKey: .pidMode)
        try c.encodeIfPresent(privileged, forKey: .privileged)
        try c.encodeIfPresent(publishAllPorts, forKey: .publishAllPorts)
        try c.encodeIfPresent(readonlyRootfs, forKey: .readonlyRootfs)
        try c.encodeIfPresent(securityOpt, forKey: .securityOpt)
        try c.encodeIfPresent(storageOpt, forKey: .storageOpt)
        try c.encodeIfPresent(tmpfs, forKey: .tmpfs)
        try c.encodeIfPresent(utsMode, forKey: .utsMode)
        try c.encodeIfPresent(usernsMode, forKey: .usernsMode)
        try c.encodeIfPresent(shmSize, forKey: .shmSize)
        try c.encodeIfPresent(sysctls, forKey: .sysctls)
        try c.encodeIfPresent(runtime, forKey: .runtime)
        try c.encodeIfPresent(isolation, forKey: .isolation)
        try c.encodeIfPresent(maskedPaths, forKey: .maskedPaths)
        try c.encodeIfPresent(readonlyPaths, forKey: .readonlyPaths)
    }

    enum CodingKeys: String, CodingKey, CaseIterable {
        case binds = "Binds", containerIDFile = "ContainerIDFile", logConfig = "LogConfig", networkMode = "NetworkMode"
        case portBindings = "PortBindings", restartPolicy = "RestartPolicy", autoRemove = "AutoRemove"
        case volumeDriver = "VolumeDriver", volumesFrom = "VolumesFrom", mounts = "Mounts", consoleSize = "ConsoleSize"
        case annotations = "Annotations", capAdd = "CapAdd", capDrop = "CapDrop", cgroupnsMode = "CgroupnsMode"
        case dns = "Dns", dnsOptions = "DnsOptions", dnsSearch = "DnsSearch", extraHosts = "ExtraHosts"
        case groupAdd = "GroupAdd", ipcMode = "IpcMode", cgroup = "Cgroup", links = "Links", oomScoreAdj = "OomScoreAdj"
        case pidMode = "PidMode", privileged = "Privileged", publishAllPorts = "PublishAllPorts"
        case readonlyRootfs = "ReadonlyRootfs", securityOpt = "SecurityOpt", storageOpt = "StorageOpt", tmpfs = "Tmpfs"
        case utsMode = "UTSMode", usernsMode = "UsernsMode", shmSize = "ShmSize", sysctls = "Sysctls"
        case runtime = "Runtime", isolation = "Isolation", maskedPaths = "MaskedPaths", readonlyPaths = "ReadonlyPaths"
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

    enum CodingKeys: String, CodingKey, CaseIterable {
        case hostIP = "HostIp", hostPort = "HostPort"
    }
}

/// A restart policy (`RestartPolicy`).
public struct RestartPolicy: Codable, Sendable, Equatable {
    /// What it does.
    public var mode: RestartPolicyMode
    /// Retries for `on-failure`.
    public var maximumRetryCount: Int?

    /// `no`, `always`, `unless-stopped` or `on-failure`.
    @available(*, deprecated, renamed: "mode")
    public var name: String {
        get { mode.rawValue }
        set { mode = RestartPolicyMode(rawValue: newValue) }
    }

    /// Creates a restart policy from its API name.
    public init(name: String, maximumRetryCount: Int? = nil) {
        self.init(RestartPolicyMode(rawValue: name), maximumRetryCount: maximumRetryCount)
    }

    /// Creates a restart policy.
    public init(_ mode: RestartPolicyMode, maximumRetryCount: Int? = nil) {
        self.mode = mode
        self.maximumRetryCount = maximumRetryCount
    }

    /// Never restart.
    public static let no = RestartPolicy(RestartPolicyMode.no)
    /// Always restart.
    public static let always = RestartPolicy(RestartPolicyMode.always)
    /// Restart unless stopped by hand.
    public static let unlessStopped = RestartPolicy(RestartPolicyMode.unlessStopped)
    /// Restart on a non-zero exit, at most `maximumRetryCount` times (0: no limit).
    public static func onFailure(maximumRetryCount: Int = 0) -> RestartPolicy {
        RestartPolicy(.onFailure, maximumRetryCount: maximumRetryCount)
    }

    enum CodingKeys: String, CodingKey, CaseIterable {
        case mode = "Name", maximumRetryCount = "MaximumRetryCount"
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

    enum CodingKeys: String, CodingKey, CaseIterable {
        case name = "Name", soft = "Soft", hard = "Hard"
    }
}

/// The log driver of a container and its options.
public struct LogConfig: Codable, Sendable, Equatable {
    /// The driver: `json-file`, `local`, `syslog`, `journald`, `none`, ...
    public var type: String
    /// Driver options, e.g. `max-size`.
    public var config: [String: String]?

    /// Creates a log configuration.
    public init(type: String, config: [String: String]? = nil) {
        self.type = type
        self.config = config
    }

    enum CodingKeys: String, CodingKey, CaseIterable { case type = "Type", config = "Config" }
}

/// A block IO weight for one device.
public struct WeightDevice: Codable, Sendable, Equatable {
    /// The device path.
    public var path: String
    /// The weight, 10 to 1000.
    public var weight: Int

    /// Creates a device weight.
    public init(path: String, weight: Int) {
        self.path = path
        self.weight = weight
    }

    enum CodingKeys: String, CodingKey, CaseIterable { case path = "Path", weight = "Weight" }
}

/// A rate limit for one device (`ThrottleDevice`).
public struct ThrottleDevice: Codable, Sendable, Equatable {
    /// The device path.
    public var path: String
    /// Bytes or operations per second.
    public var rate: Int64

    /// Creates a device limit.
    public init(path: String, rate: Int64) {
        self.path = path
        self.rate = rate
    }

    enum CodingKeys: String, CodingKey, CaseIterable { case path = "Path", rate = "Rate" }
}

/// A host device made available in the container (`DeviceMapping`).
public struct DeviceMapping: Codable, Sendable, Equatable {
    /// The host's device path.
    public var pathOnHost: String
    /// The path in the container.
    public var pathInContainer: String
    /// cgroup permissions, e.g. `rwm`.
    public var cgroupPermissions: String?

    /// Creates a device mapping.
    public init(pathOnHost: String, pathInContainer: String, cgroupPermissions: String? = "rwm") {
        self.pathOnHost = pathOnHost
        self.pathInContainer = pathInContainer
        self.cgroupPermissions = cgroupPermissions
    }

    enum CodingKeys: String, CodingKey, CaseIterable {
        case pathOnHost = "PathOnHost", pathInContainer = "PathInContainer", cgroupPermissions = "CgroupPermissions"
    }
}

/// A request for devices from a device driver, e.g. GPUs (`DeviceRequest`, `--gpus`).
public struct DeviceRequest: Codable, Sendable, Equatable {
    /// The driver, e.g. `nvidia`; empty picks by capability.
    public var driver: String?
    /// How many devices; -1 all.
    public var count: Int?
    /// Device IDs, exclusive with `count`.
    public var deviceIDs: [String]?
    /// Alternative sets of capabilities, e.g. `[["gpu"]]`.
    public var capabilities: [[String]]?
    /// Driver options.
    public var options: [String: String]?

    /// Creates a device request.
    public init(driver: String? = nil, count: Int? = nil, deviceIDs: [String]? = nil,
                capabilities: [[String]]? = nil, options: [String: String]? = nil) {
        self.driver = driver
        self.count = count
        self.deviceIDs = deviceIDs
        self.capabilities = capabilities
        self.options = options
    }

    /// `--gpus all` (or `count` of them).
    public static func gpus(count: Int = -1) -> DeviceRequest {
        DeviceRequest(count: count, capabilities: [["gpu"]])
    }

    enum CodingKeys: String, CodingKey, CaseIterable {
        case driver = "Driver", count = "Count", deviceIDs = "DeviceIDs", capabilities = "Capabilities"
        case options = "Options"
    }
}

extension KeyedDecodingContainer {
    /// `HostConfig.PortBindings` as daemons send it: a port exposed without a binding has a `null`
    /// list (the spec's `PortMap` is nullable per port). It decodes as an empty list, which means the
    /// same when sent back (no binding), so the key is kept and nothing else changes.
    /// (The synthesized `HostConfig.init(from:)` picks this overload for that property.)
    func decodeIfPresent(_ type: [String: [PortBinding]].Type, forKey key: Key) throws -> [String: [PortBinding]]? {
        guard contains(key), try !decodeNil(forKey: key) else { return nil }
        return try decode([String: [PortBinding]?].self, forKey: key).mapValues { $0 ?? [] }
    }
}
