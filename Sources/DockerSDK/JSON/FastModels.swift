// The hot models' fast paths (see FastDecoding.swift for the design and why they cannot drift from
// `init(from:)`). Each reads its object's members once; every `switch` is over the model's own
// `CodingKeys`, so it names every key `init(from:)` decodes. Required fields go through locals and
// `required`, optional ones are stored as they come (absent stays nil, null gives nil, as
// `decodeIfPresent` does). Types read rarely (and only in newer API versions) go through
// `FastValue.codable()`, i.e. their own `init(from:)`.

// MARK: - Container inspect

extension ContainerInspect: FastDecodable {
    static let fastKeys = FastKeys<CodingKeys>()

    init(fast value: FastValue) throws(FastFallback) {
        var members = try value.members(Self.fastKeys)
        // Optional fields are stored as they come (no copy of the model at the end); required ones wait.
        var id: String?, name: String?, state: ContainerState?
        while case let (key, v)? = try members.next() {
            switch key {
            case .id: id = try v.string()
            case .name: name = try v.string()
            case .created: created = try v.decode()
            case .path: path = try v.decode()
            case .args: args = try v.decode()
            case .state: state = try v.decode()
            case .image: image = try v.decode()
            case .resolvConfPath: resolvConfPath = try v.decode()
            case .hostnamePath: hostnamePath = try v.decode()
            case .hostsPath: hostsPath = try v.decode()
            case .logPath: logPath = try v.decode()
            case .restartCount: restartCount = try v.decode()
            case .driver: driver = try v.decode()
            case .platform: platform = try v.decode()
            case .imageManifestDescriptor: imageManifestDescriptor = try v.codableIfPresent()
            case .mountLabel: mountLabel = try v.decode()
            case .processLabel: processLabel = try v.decode()
            case .appArmorProfile: appArmorProfile = try v.decode()
            case .execIDs: execIDs = try v.decode()
            case .hostConfig: hostConfig = try v.decode()
            case .graphDriver: graphDriver = try v.decode()
            case .storage: storage = try v.codableIfPresent()
            case .sizeRw: sizeRw = try v.decode()
            case .sizeRootFs: sizeRootFs = try v.decode()
            case .mounts: mounts = try v.decode()
            case .config: config = try v.decode()
            case .networkSettings: networkSettings = try v.decode()
            }
        }
        self.id = try fastRequired(id)
        self.name = try fastRequired(name)
        self.state = try fastRequired(state)
    }
}

extension ContainerState: FastDecodable {
    static let fastKeys = FastKeys<CodingKeys>()

    init(fast value: FastValue) throws(FastFallback) {
        var members = try value.members(Self.fastKeys)
        var status: ContainerStatus?, running: Bool?
        var paused: Bool?, restarting: Bool?, oomKilled: Bool?, dead: Bool?, pid: Int?, exitCode: Int?
        var error: String?, startedAt: String?, finishedAt: String?, health: Health?
        while case let (key, v)? = try members.next() {
            switch key {
            case .containerStatus: status = try v.decode()
            case .running: running = try v.bool()
            case .paused: paused = try v.decode()
            case .restarting: restarting = try v.decode()
            case .oomKilled: oomKilled = try v.decode()
            case .dead: dead = try v.decode()
            case .pid: pid = try v.decode()
            case .exitCode: exitCode = try v.decode()
            case .error: error = try v.decode()
            case .startedAt: startedAt = try v.decode()
            case .finishedAt: finishedAt = try v.decode()
            case .health: health = try v.decode()
            }
        }
        containerStatus = try fastRequired(status)
        self.running = try fastRequired(running)
        self.paused = paused
        self.restarting = restarting
        self.oomKilled = oomKilled
        self.dead = dead
        self.pid = pid
        self.exitCode = exitCode
        self.error = error
        self.startedAt = startedAt
        self.finishedAt = finishedAt
        self.health = health
    }
}

extension ContainerStatus: FastDecodable {}
extension HealthStatus: FastDecodable {}
extension MountType: FastDecodable {}
extension MountPropagation: FastDecodable {}
extension RestartPolicyMode: FastDecodable {}

extension ContainerState.Health: FastDecodable {
    static let fastKeys = FastKeys<CodingKeys>()

    init(fast value: FastValue) throws(FastFallback) {
        var members = try value.members(Self.fastKeys)
        var status: HealthStatus?, failingStreak: Int?, log: [HealthcheckResult]?
        while case let (key, v)? = try members.next() {
            switch key {
            case .healthStatus: status = try v.decode()
            case .failingStreak: failingStreak = try v.decode()
            case .log: log = try v.decode()
            }
        }
        healthStatus = try fastRequired(status)
        self.failingStreak = failingStreak
        self.log = log
    }
}

extension HealthcheckResult: FastDecodable {
    static let fastKeys = FastKeys<CodingKeys>()

    init(fast value: FastValue) throws(FastFallback) {
        var members = try value.members(Self.fastKeys)
        start = nil; end = nil; exitCode = nil; output = nil
        while case let (key, v)? = try members.next() {
            switch key {
            case .start: start = try v.decode()
            case .end: end = try v.decode()
            case .exitCode: exitCode = try v.decode()
            case .output: output = try v.decode()
            }
        }
    }
}

extension NetworkSettings: FastDecodable {
    static let fastKeys = FastKeys<CodingKeys>()

    init(fast value: FastValue) throws(FastFallback) {
        var members = try value.members(Self.fastKeys)
        ports = nil; networks = nil; sandboxID = nil; sandboxKey = nil; ipAddress = nil
        ipPrefixLen = nil; gateway = nil; macAddress = nil; endpointID = nil; bridge = nil
        while case let (key, v)? = try members.next() {
            switch key {
            case .ports: ports = try v.decode()
            case .networks: networks = try v.decode()
            case .sandboxID: sandboxID = try v.decode()
            case .sandboxKey: sandboxKey = try v.decode()
            case .ipAddress: ipAddress = try v.decode()
            case .ipPrefixLen: ipPrefixLen = try v.decode()
            case .gateway: gateway = try v.decode()
            case .macAddress: macAddress = try v.decode()
            case .endpointID: endpointID = try v.decode()
            case .bridge: bridge = try v.decode()
            }
        }
    }
}

extension EndpointSettings: FastDecodable {
    static let fastKeys = FastKeys<CodingKeys>()

    init(fast value: FastValue) throws(FastFallback) {
        var members = try value.members(Self.fastKeys)
        ipamConfig = nil; links = nil; aliases = nil; networkID = nil; endpointID = nil; gateway = nil
        ipAddress = nil; ipPrefixLen = nil; ipv6Gateway = nil; globalIPv6Address = nil; globalIPv6PrefixLen = nil
        macAddress = nil; driverOpts = nil; dnsNames = nil; gwPriority = nil
        while case let (key, v)? = try members.next() {
            switch key {
            case .ipamConfig: ipamConfig = try v.decode()
            case .links: links = try v.decode()
            case .aliases: aliases = try v.decode()
            case .networkID: networkID = try v.decode()
            case .endpointID: endpointID = try v.decode()
            case .gateway: gateway = try v.decode()
            case .ipAddress: ipAddress = try v.decode()
            case .ipPrefixLen: ipPrefixLen = try v.decode()
            case .ipv6Gateway: ipv6Gateway = try v.decode()
            case .globalIPv6Address: globalIPv6Address = try v.decode()
            case .globalIPv6PrefixLen: globalIPv6PrefixLen = try v.decode()
            case .macAddress: macAddress = try v.decode()
            case .driverOpts: driverOpts = try v.decode()
            case .dnsNames: dnsNames = try v.decode()
            case .gwPriority: gwPriority = try v.decode()
            }
        }
    }
}

extension EndpointIPAMConfig: FastDecodable {
    static let fastKeys = FastKeys<CodingKeys>()

    init(fast value: FastValue) throws(FastFallback) {
        var members = try value.members(Self.fastKeys)
        ipv4Address = nil; ipv6Address = nil; linkLocalIPs = nil
        while case let (key, v)? = try members.next() {
            switch key {
            case .ipv4Address: ipv4Address = try v.decode()
            case .ipv6Address: ipv6Address = try v.decode()
            case .linkLocalIPs: linkLocalIPs = try v.decode()
            }
        }
    }
}

extension MountPoint: FastDecodable {
    static let fastKeys = FastKeys<CodingKeys>()

    init(fast value: FastValue) throws(FastFallback) {
        var members = try value.members(Self.fastKeys)
        var destination: String?
        mountType = nil; name = nil; source = nil; driver = nil; mode = nil; rw = nil; propagation = nil
        while case let (key, v)? = try members.next() {
            switch key {
            case .mountType: mountType = try v.decode()
            case .name: name = try v.decode()
            case .source: source = try v.decode()
            case .destination: destination = try v.string()
            case .driver: driver = try v.decode()
            case .mode: mode = try v.decode()
            case .rw: rw = try v.decode()
            case .propagation: propagation = try v.decode()
            }
        }
        self.destination = try fastRequired(destination)
    }
}

extension DriverData: FastDecodable {
    static let fastKeys = FastKeys<CodingKeys>()

    init(fast value: FastValue) throws(FastFallback) {
        var members = try value.members(Self.fastKeys)
        var name: String?, data: [String: String]?
        while case let (key, v)? = try members.next() {
            switch key {
            case .name: name = try v.string()
            case .data: data = try v.decode()
            }
        }
        self.name = try fastRequired(name)
        self.data = data
    }
}

// MARK: - Container config and host config

extension ContainerConfig: FastDecodable {
    static let fastKeys = FastKeys<CodingKeys>()

    init(fast value: FastValue) throws(FastFallback) {
        self.init()
        var members = try value.members(Self.fastKeys)
        while case let (key, v)? = try members.next() {
            switch key {
            case .image: image = try v.decode()
            case .cmd: cmd = try v.decode()
            case .entrypoint: entrypoint = try v.decode()
            case .env: env = try v.decode()
            case .labels: labels = try v.decode()
            case .workingDir: workingDir = try v.decode()
            case .user: user = try v.decode()
            case .hostname: hostname = try v.decode()
            case .domainname: domainname = try v.decode()
            case .tty: tty = try v.decode()
            case .openStdin: openStdin = try v.decode()
            case .stdinOnce: stdinOnce = try v.decode()
            case .attachStdin: attachStdin = try v.decode()
            case .attachStdout: attachStdout = try v.decode()
            case .attachStderr: attachStderr = try v.decode()
            case .exposedPorts: exposedPorts = v.isNull ? nil : try v.keysOfObjects()
            case .healthcheck: healthcheck = try v.decode()
            case .stopSignal: stopSignal = try v.decode()
            case .stopTimeout: stopTimeout = try v.decode()
            case .volumes: volumes = v.isNull ? nil : try v.keysOfObjects()
            case .networkDisabled: networkDisabled = try v.decode()
            case .onBuild: onBuild = try v.decode()
            case .shell: shell = try v.decode()
            case .argsEscaped: argsEscaped = try v.decode()
            case .macAddress: macAddress = try v.decode()
            }
        }
    }
}

extension HealthConfig: FastDecodable {
    static let fastKeys = FastKeys<CodingKeys>()

    init(fast value: FastValue) throws(FastFallback) {
        var members = try value.members(Self.fastKeys)
        test = nil; intervalDuration = nil; timeoutDuration = nil; retries = nil
        startPeriodDuration = nil; startInterval = nil
        while case let (key, v)? = try members.next() {
            @inline(__always) func duration() throws(FastFallback) -> Duration? {
                (try v.decode() as Int64?).map { .nanoseconds($0) }
            }
            switch key {
            case .test: test = try v.decode()
            case .interval: intervalDuration = try duration()
            case .timeout: timeoutDuration = try duration()
            case .retries: retries = try v.decode()
            case .startPeriod: startPeriodDuration = try duration()
            case .startInterval: startInterval = try duration()
            }
        }
    }
}

extension HostConfig: FastDecodable {
    static let fastKeys = FastKeys<CodingKeys>()

    /// The same object read twice, as `init(from:)` does: the `Resources` fields, then the host's own.
    init(fast value: FastValue) throws(FastFallback) {
        resources = try Resources(fast: value)
        var members = try value.members(Self.fastKeys)
        while case let (key, v)? = try members.next() {
            switch key {
            case .binds: binds = try v.decode()
            case .containerIDFile: containerIDFile = try v.decode()
            case .logConfig: logConfig = try v.decode()
            case .networkMode: networkMode = try v.decode()
            case .portBindings:
                // The KeyedDecodingContainer overload in HostConfig.swift: a null list is an empty one.
                portBindings = (try v.decode() as [String: [PortBinding]?]?)?.mapValues { $0 ?? [] }
            case .restartPolicy: restartPolicy = try v.decode()
            case .autoRemove: autoRemove = try v.decode()
            case .volumeDriver: volumeDriver = try v.decode()
            case .volumesFrom: volumesFrom = try v.decode()
            case .mounts: mounts = try v.codableIfPresent()
            case .consoleSize: consoleSize = try v.decode()
            case .annotations: annotations = try v.decode()
            case .capAdd: capAdd = try v.decode()
            case .capDrop: capDrop = try v.decode()
            case .cgroupnsMode: cgroupnsMode = try v.decode()
            case .dns: dns = try v.decode()
            case .dnsOptions: dnsOptions = try v.decode()
            case .dnsSearch: dnsSearch = try v.decode()
            case .extraHosts: extraHosts = try v.decode()
            case .groupAdd: groupAdd = try v.decode()
            case .ipcMode: ipcMode = try v.decode()
            case .cgroup: cgroup = try v.decode()
            case .links: links = try v.decode()
            case .oomScoreAdj: oomScoreAdj = try v.decode()
            case .pidMode: pidMode = try v.decode()
            case .privileged: privileged = try v.decode()
            case .publishAllPorts: publishAllPorts = try v.decode()
            case .readonlyRootfs: readonlyRootfs = try v.decode()
            case .securityOpt: securityOpt = try v.decode()
            case .storageOpt: storageOpt = try v.decode()
            case .tmpfs: tmpfs = try v.decode()
            case .utsMode: utsMode = try v.decode()
            case .usernsMode: usernsMode = try v.decode()
            case .shmSize: shmSize = try v.decode()
            case .sysctls: sysctls = try v.decode()
            case .runtime: runtime = try v.decode()
            case .isolation: isolation = try v.decode()
            case .maskedPaths: maskedPaths = try v.decode()
            case .readonlyPaths: readonlyPaths = try v.decode()
            }
        }
    }
}

extension Resources: FastDecodable {
    static let fastKeys = FastKeys<CodingKeys>()

    init(fast value: FastValue) throws(FastFallback) {
        self.init()
        var members = try value.members(Self.fastKeys)
        while case let (key, v)? = try members.next() {
            switch key {
            case .cpuShares: cpuShares = try v.decode()
            case .memory: memory = try v.decode()
            case .cgroupParent: cgroupParent = try v.decode()
            case .blkioWeight: blkioWeight = try v.decode()
            case .blkioWeightDevice: blkioWeightDevice = try v.codableIfPresent()
            case .blkioDeviceReadBps: blkioDeviceReadBps = try v.codableIfPresent()
            case .blkioDeviceWriteBps: blkioDeviceWriteBps = try v.codableIfPresent()
            case .blkioDeviceReadIOps: blkioDeviceReadIOps = try v.codableIfPresent()
            case .blkioDeviceWriteIOps: blkioDeviceWriteIOps = try v.codableIfPresent()
            case .cpuPeriod: cpuPeriod = try v.decode()
            case .cpuQuota: cpuQuota = try v.decode()
            case .cpuRealtimePeriod: cpuRealtimePeriod = try v.decode()
            case .cpuRealtimeRuntime: cpuRealtimeRuntime = try v.decode()
            case .cpusetCpus: cpusetCpus = try v.decode()
            case .cpusetMems: cpusetMems = try v.decode()
            case .devices: devices = try v.codableIfPresent()
            case .deviceCgroupRules: deviceCgroupRules = try v.decode()
            case .deviceRequests: deviceRequests = try v.codableIfPresent()
            case .memoryReservation: memoryReservation = try v.decode()
            case .memorySwap: memorySwap = try v.decode()
            case .memorySwappiness: memorySwappiness = try v.decode()
            case .nanoCPUs: nanoCPUs = try v.decode()
            case .oomKillDisable: oomKillDisable = try v.decode()
            case .`init`: `init` = try v.decode()
            case .pidsLimit: pidsLimit = try v.decode()
            case .ulimits: ulimits = try v.decode()
            case .cpuCount: cpuCount = try v.decode()
            case .cpuPercent: cpuPercent = try v.decode()
            case .ioMaximumIOps: ioMaximumIOps = try v.decode()
            case .ioMaximumBandwidth: ioMaximumBandwidth = try v.decode()
            }
        }
    }
}

extension PortBinding: FastDecodable {
    static let fastKeys = FastKeys<CodingKeys>()

    init(fast value: FastValue) throws(FastFallback) {
        var members = try value.members(Self.fastKeys)
        hostIP = nil; hostPort = nil
        while case let (key, v)? = try members.next() {
            switch key {
            case .hostIP: hostIP = try v.decode()
            case .hostPort: hostPort = try v.decode()
            }
        }
    }
}

extension RestartPolicy: FastDecodable {
    static let fastKeys = FastKeys<CodingKeys>()

    init(fast value: FastValue) throws(FastFallback) {
        var members = try value.members(Self.fastKeys)
        var mode: RestartPolicyMode?, maximumRetryCount: Int?
        while case let (key, v)? = try members.next() {
            switch key {
            case .mode: mode = try v.decode()
            case .maximumRetryCount: maximumRetryCount = try v.decode()
            }
        }
        self.mode = try fastRequired(mode)
        self.maximumRetryCount = maximumRetryCount
    }
}

extension Ulimit: FastDecodable {
    static let fastKeys = FastKeys<CodingKeys>()

    init(fast value: FastValue) throws(FastFallback) {
        var members = try value.members(Self.fastKeys)
        var name: String?, soft: Int64?, hard: Int64?
        while case let (key, v)? = try members.next() {
            switch key {
            case .name: name = try v.string()
            case .soft: soft = try v.integer(Int64.self)
            case .hard: hard = try v.integer(Int64.self)
            }
        }
        self.name = try fastRequired(name)
        self.soft = try fastRequired(soft)
        self.hard = try fastRequired(hard)
    }
}

extension LogConfig: FastDecodable {
    static let fastKeys = FastKeys<CodingKeys>()

    init(fast value: FastValue) throws(FastFallback) {
        var members = try value.members(Self.fastKeys)
        var type: String?, config: [String: String]?
        while case let (key, v)? = try members.next() {
            switch key {
            case .type: type = try v.string()
            case .config: config = try v.decode()
            }
        }
        self.type = try fastRequired(type)
        self.config = config
    }
}

// MARK: - Container list

extension ContainerSummary: FastDecodable {
    static let fastKeys = FastKeys<CodingKeys>()

    init(fast value: FastValue) throws(FastFallback) {
        var members = try value.members(Self.fastKeys)
        var id: String?, image: String?, created: Int64?, status: ContainerStatus?
        var names: [String]?, imageID: String?, imageManifestDescriptor: OCIDescriptor?, command: String?
        var statusText: String?, ports: [Port]?, labels: [String: String]?, sizeRw: Int64?, sizeRootFs: Int64?
        var hostConfig: HostConfigSummary?, networkSettings: NetworkSummary?, mounts: [MountPoint]?
        var health: HealthSummary?
        while case let (key, v)? = try members.next() {
            switch key {
            case .id: id = try v.string()
            case .names: names = try v.decode()
            case .image: image = try v.string()
            case .imageID: imageID = try v.decode()
            case .imageManifestDescriptor: imageManifestDescriptor = try v.codableIfPresent()
            case .command: command = try v.decode()
            case .created: created = try v.integer(Int64.self)
            case .containerStatus: status = try ContainerStatus(fast: v)
            case .status: statusText = try v.decode()
            case .ports: ports = try v.decode()
            case .labels: labels = try v.decode()
            case .sizeRw: sizeRw = try v.decode()
            case .sizeRootFs: sizeRootFs = try v.decode()
            case .hostConfig: hostConfig = try v.decode()
            case .networkSettings: networkSettings = try v.decode()
            case .mounts: mounts = try v.decode()
            case .health: health = try v.decode()
            }
        }
        self.id = try fastRequired(id)
        self.image = try fastRequired(image)
        self.created = try fastRequired(created)
        containerStatus = try fastRequired(status)
        self.names = names
        self.imageID = imageID
        self.imageManifestDescriptor = imageManifestDescriptor
        self.command = command
        self.status = statusText
        self.ports = ports
        self.labels = labels
        self.sizeRw = sizeRw
        self.sizeRootFs = sizeRootFs
        self.hostConfig = hostConfig
        self.networkSettings = networkSettings
        self.mounts = mounts
        self.health = health
    }
}

extension ContainerSummary.Port: FastDecodable {
    static let fastKeys = FastKeys<CodingKeys>()

    init(fast value: FastValue) throws(FastFallback) {
        var members = try value.members(Self.fastKeys)
        var ip: String?, privatePort: Int?, publicPort: Int?, type: String?
        while case let (key, v)? = try members.next() {
            switch key {
            case .ip: ip = try v.decode()
            case .privatePort: privatePort = try v.integer(Int.self)
            case .publicPort: publicPort = try v.decode()
            case .type: type = try v.string()
            }
        }
        self.ip = ip
        self.privatePort = try fastRequired(privatePort)
        self.publicPort = publicPort
        self.type = try fastRequired(type)
    }
}

extension ContainerSummary.HostConfigSummary: FastDecodable {
    static let fastKeys = FastKeys<CodingKeys>()

    init(fast value: FastValue) throws(FastFallback) {
        var members = try value.members(Self.fastKeys)
        networkMode = nil; annotations = nil
        while case let (key, v)? = try members.next() {
            switch key {
            case .networkMode: networkMode = try v.decode()
            case .annotations: annotations = try v.decode()
            }
        }
    }
}

extension ContainerSummary.HealthSummary: FastDecodable {
    static let fastKeys = FastKeys<CodingKeys>()

    init(fast value: FastValue) throws(FastFallback) {
        var members = try value.members(Self.fastKeys)
        healthStatus = nil; failingStreak = nil
        while case let (key, v)? = try members.next() {
            switch key {
            case .healthStatus: healthStatus = try v.decode()
            case .failingStreak: failingStreak = try v.decode()
            }
        }
    }
}

extension ContainerSummary.NetworkSummary: FastDecodable {
    static let fastKeys = FastKeys<CodingKeys>()

    init(fast value: FastValue) throws(FastFallback) {
        var members = try value.members(Self.fastKeys)
        networks = nil
        while case let (key, v)? = try members.next() {
            switch key {
            case .networks: networks = try v.decode()
            }
        }
    }
}

extension ContainerSummary.EndpointSummary: FastDecodable {
    static let fastKeys = FastKeys<CodingKeys>()

    init(fast value: FastValue) throws(FastFallback) {
        var members = try value.members(Self.fastKeys)
        networkID = nil; endpointID = nil; ipAddress = nil; ipPrefixLen = nil; gateway = nil; macAddress = nil
        globalIPv6Address = nil; globalIPv6PrefixLen = nil; ipv6Gateway = nil; ipamConfig = nil; links = nil
        aliases = nil; dnsNames = nil; driverOpts = nil; gwPriority = nil
        while case let (key, v)? = try members.next() {
            switch key {
            case .networkID: networkID = try v.decode()
            case .endpointID: endpointID = try v.decode()
            case .ipAddress: ipAddress = try v.decode()
            case .ipPrefixLen: ipPrefixLen = try v.decode()
            case .gateway: gateway = try v.decode()
            case .macAddress: macAddress = try v.decode()
            case .globalIPv6Address: globalIPv6Address = try v.decode()
            case .globalIPv6PrefixLen: globalIPv6PrefixLen = try v.decode()
            case .ipv6Gateway: ipv6Gateway = try v.decode()
            case .ipamConfig: ipamConfig = try v.decode()
            case .links: links = try v.decode()
            case .aliases: aliases = try v.decode()
            case .dnsNames: dnsNames = try v.decode()
            case .driverOpts: driverOpts = try v.decode()
            case .gwPriority: gwPriority = try v.decode()
            }
        }
    }
}

// MARK: - Images, events, version

extension ImageSummary: FastDecodable {
    static let fastKeys = FastKeys<CodingKeys>()

    init(fast value: FastValue) throws(FastFallback) {
        var members = try value.members(Self.fastKeys)
        var id: String?, created: Int64?, size: Int64?
        var parentID: String?, repoTags: [String]?, repoDigests: [String]?, sharedSize: Int64?
        var virtualSize: Int64?, labels: [String: String]?, containers: Int?
        var manifests: [ImageManifestSummary]?, descriptor: OCIDescriptor?
        while case let (key, v)? = try members.next() {
            switch key {
            case .id: id = try v.string()
            case .parentID: parentID = try v.decode()
            case .repoTags: repoTags = try v.decode()
            case .repoDigests: repoDigests = try v.decode()
            case .created: created = try v.integer(Int64.self)
            case .size: size = try v.integer(Int64.self)
            case .sharedSize: sharedSize = try v.decode()
            case .virtualSize: virtualSize = try v.decode()
            case .labels: labels = try v.decode()
            case .containers: containers = try v.decode()
            case .manifests: manifests = try v.codableIfPresent()
            case .descriptor: descriptor = try v.codableIfPresent()
            }
        }
        self.id = try fastRequired(id)
        self.created = try fastRequired(created)
        self.size = try fastRequired(size)
        self.parentID = parentID
        self.repoTags = repoTags
        self.repoDigests = repoDigests
        self.sharedSize = sharedSize
        self.virtualSize = virtualSize
        self.labels = labels
        self.containers = containers
        self.manifests = manifests
        self.descriptor = descriptor
    }
}

extension DockerEvent: FastDecodable {
    static let fastKeys = FastKeys<CodingKeys>()

    init(fast value: FastValue) throws(FastFallback) {
        var members = try value.members(Self.fastKeys)
        var type: String?, action: String?, actor: Actor?, scope: String?, time: Int64?, timeNano: Int64?
        while case let (key, v)? = try members.next() {
            switch key {
            case .type: type = try v.string()
            case .action: action = try v.string()
            case .actor: actor = try Actor(fast: v)
            case .scope: scope = try v.decode()
            case .time: time = try v.decode()
            case .timeNano: timeNano = try v.decode()
            }
        }
        self.type = try fastRequired(type)
        self.action = try fastRequired(action)
        self.actor = try fastRequired(actor)
        self.scope = scope
        self.time = time
        self.timeNano = timeNano
    }
}

extension DockerEvent.Actor: FastDecodable {
    static let fastKeys = FastKeys<CodingKeys>()

    init(fast value: FastValue) throws(FastFallback) {
        var members = try value.members(Self.fastKeys)
        var id: String?, attributes: [String: String]?
        while case let (key, v)? = try members.next() {
            switch key {
            case .id: id = try v.string()
            case .attributes: attributes = try v.decode()
            }
        }
        self.id = try fastRequired(id)
        self.attributes = attributes
    }
}

extension SystemVersion: FastDecodable {
    static let fastKeys = FastKeys<CodingKeys>()

    init(fast value: FastValue) throws(FastFallback) {
        var members = try value.members(Self.fastKeys)
        var version: String?, apiVersion: String?, os: String?, arch: String?
        var minAPIVersion: String?, gitCommit: String?, goVersion: String?, kernelVersion: String?
        var buildTime: String?, experimental: Bool?, platform: Platform?, components: [Component]?
        while case let (key, v)? = try members.next() {
            switch key {
            case .version: version = try v.string()
            case .apiVersion: apiVersion = try v.string()
            case .minAPIVersion: minAPIVersion = try v.decode()
            case .gitCommit: gitCommit = try v.decode()
            case .goVersion: goVersion = try v.decode()
            case .os: os = try v.string()
            case .arch: arch = try v.string()
            case .kernelVersion: kernelVersion = try v.decode()
            case .buildTime: buildTime = try v.decode()
            case .experimental: experimental = try v.decode()
            case .platform: platform = try v.decode()
            case .components: components = try v.decode()
            }
        }
        self.version = try fastRequired(version)
        self.apiVersion = try fastRequired(apiVersion)
        self.os = try fastRequired(os)
        self.arch = try fastRequired(arch)
        self.minAPIVersion = minAPIVersion
        self.gitCommit = gitCommit
        self.goVersion = goVersion
        self.kernelVersion = kernelVersion
        self.buildTime = buildTime
        self.experimental = experimental
        self.platform = platform
        self.components = components
    }
}

extension SystemVersion.Platform: FastDecodable {
    static let fastKeys = FastKeys<CodingKeys>()

    init(fast value: FastValue) throws(FastFallback) {
        var members = try value.members(Self.fastKeys)
        var name: String?
        while case let (key, v)? = try members.next() {
            switch key {
            case .name: name = try v.string()
            }
        }
        self.name = try fastRequired(name)
    }
}

extension SystemVersion.Component: FastDecodable {
    static let fastKeys = FastKeys<CodingKeys>()

    init(fast value: FastValue) throws(FastFallback) {
        var members = try value.members(Self.fastKeys)
        var name: String?, version: String?, details: [String: String]?
        while case let (key, v)? = try members.next() {
            switch key {
            case .name: name = try v.string()
            case .version: version = try v.string()
            case .details: details = try v.decode()
            }
        }
        self.name = try fastRequired(name)
        self.version = try fastRequired(version)
        self.details = details
    }
}
