/// The answer of `POST /containers/{id}/wait`.
public struct ContainerWaitResult: Codable, Sendable, Equatable {
    /// The exit code.
    public var statusCode: Int
    /// An error waiting, if any.
    public var error: WaitError?

    /// An error from waiting.
    public struct WaitError: Codable, Sendable, Equatable {
        /// The message.
        public var message: String?
        enum CodingKeys: String, CodingKey { case message = "Message" }
    }

    enum CodingKeys: String, CodingKey { case statusCode = "StatusCode", error = "Error" }
}

/// What to wait for.
public enum WaitCondition: String, Sendable {
    /// Until it is not running (default).
    case notRunning = "not-running"
    /// Until its next exit.
    case nextExit = "next-exit"
    /// Until it is removed.
    case removed
}

/// The answer of `GET /containers/{id}/top`.
public struct ContainerTop: Codable, Sendable, Equatable {
    /// Column titles, e.g. `PID`, `CMD`.
    public var titles: [String]
    /// One row per process.
    public var processes: [[String]]
    enum CodingKeys: String, CodingKey { case titles = "Titles", processes = "Processes" }
}

/// The answer of `POST /containers/prune`.
public struct ContainerPruneResult: Codable, Sendable, Equatable {
    /// IDs removed.
    public var containersDeleted: [String]?
    /// Bytes freed.
    public var spaceReclaimed: Int64
    enum CodingKeys: String, CodingKey { case containersDeleted = "ContainersDeleted", spaceReclaimed = "SpaceReclaimed" }
}

/// Limits `POST /containers/{id}/update` changes: every `Resources` field and the restart policy.
/// Nil fields are not sent (and so not changed).
public struct ContainerUpdate: Codable, Sendable, Equatable {
    /// Memory limit in bytes.
    public var memory: Int64?
    /// Memory plus swap limit in bytes (-1 unlimited).
    public var memorySwap: Int64?
    /// CPU quota in units of 1e-9 CPUs.
    public var nanoCPUs: Int64?
    /// Relative CPU weight.
    public var cpuShares: Int?
    /// The restart policy.
    public var restartPolicy: RestartPolicy?
    /// The parent cgroup.
    public var cgroupParent: String?
    /// Relative block IO weight, 10 to 1000.
    public var blkioWeight: Int?
    /// Block IO weight per device.
    public var blkioWeightDevice: [WeightDevice]?
    /// Read limit in bytes per second per device.
    public var blkioDeviceReadBps: [ThrottleDevice]?
    /// Write limit in bytes per second per device.
    public var blkioDeviceWriteBps: [ThrottleDevice]?
    /// Read limit in IO operations per second per device.
    public var blkioDeviceReadIOps: [ThrottleDevice]?
    /// Write limit in IO operations per second per device.
    public var blkioDeviceWriteIOps: [ThrottleDevice]?
    /// CFS period in microseconds.
    public var cpuPeriod: Int64?
    /// CFS quota in microseconds per period.
    public var cpuQuota: Int64?
    /// Real-time scheduler period in microseconds.
    public var cpuRealtimePeriod: Int64?
    /// Real-time scheduler runtime in microseconds.
    public var cpuRealtimeRuntime: Int64?
    /// CPUs the container may use, e.g. `0-3`.
    public var cpusetCpus: String?
    /// Memory nodes the container may use.
    public var cpusetMems: String?
    /// Host devices made available.
    public var devices: [DeviceMapping]?
    /// cgroup device rules.
    public var deviceCgroupRules: [String]?
    /// Device requests, e.g. GPUs.
    public var deviceRequests: [DeviceRequest]?
    /// Soft memory limit in bytes.
    public var memoryReservation: Int64?
    /// Swappiness 0 to 100.
    public var memorySwappiness: Int64?
    /// Whether the OOM killer is disabled.
    public var oomKillDisable: Bool?
    /// Run an init process as PID 1.
    public var `init`: Bool?
    /// Process limit; 0 or -1 unlimited.
    public var pidsLimit: Int64?
    /// Resource limits.
    public var ulimits: [Ulimit]?
    /// CPUs available (Windows).
    public var cpuCount: Int64?
    /// Usable percentage of the CPUs (Windows).
    public var cpuPercent: Int64?
    /// Maximum IO operations per second (Windows).
    public var ioMaximumIOps: Int64?
    /// Maximum IO bytes per second (Windows).
    public var ioMaximumBandwidth: Int64?

    /// Creates an update.
    public init(memory: Int64? = nil, memorySwap: Int64? = nil, nanoCPUs: Int64? = nil, cpuShares: Int? = nil,
                restartPolicy: RestartPolicy? = nil) {
        self.memory = memory
        self.memorySwap = memorySwap
        self.nanoCPUs = nanoCPUs
        self.cpuShares = cpuShares
        self.restartPolicy = restartPolicy
    }

    enum CodingKeys: String, CodingKey, CaseIterable {
        case memory = "Memory", memorySwap = "MemorySwap", nanoCPUs = "NanoCpus", cpuShares = "CpuShares"
        case restartPolicy = "RestartPolicy", cgroupParent = "CgroupParent", blkioWeight = "BlkioWeight"
        case blkioWeightDevice = "BlkioWeightDevice", blkioDeviceReadBps = "BlkioDeviceReadBps"
        case blkioDeviceWriteBps = "BlkioDeviceWriteBps", blkioDeviceReadIOps = "BlkioDeviceReadIOps"
        case blkioDeviceWriteIOps = "BlkioDeviceWriteIOps", cpuPeriod = "CpuPeriod", cpuQuota = "CpuQuota"
        case cpuRealtimePeriod = "CpuRealtimePeriod", cpuRealtimeRuntime = "CpuRealtimeRuntime"
        case cpusetCpus = "CpusetCpus", cpusetMems = "CpusetMems", devices = "Devices"
        case deviceCgroupRules = "DeviceCgroupRules", deviceRequests = "DeviceRequests"
        case memoryReservation = "MemoryReservation", memorySwappiness = "MemorySwappiness"
        case oomKillDisable = "OomKillDisable", `init` = "Init", pidsLimit = "PidsLimit", ulimits = "Ulimits"
        case cpuCount = "CpuCount", cpuPercent = "CpuPercent", ioMaximumIOps = "IOMaximumIOps"
        case ioMaximumBandwidth = "IOMaximumBandwidth"
    }
}

/// The answer of `POST /containers/{id}/update`.
public struct ContainerUpdateResult: Codable, Sendable, Equatable {
    /// Warnings.
    public var warnings: [String]?
    enum CodingKeys: String, CodingKey { case warnings = "Warnings" }
}

/// One sample of `GET /containers/{id}/stats` (the commonly used parts).
public struct ContainerStats: Codable, Sendable, Equatable {
    /// When the sample was taken.
    public var read: String?
    /// The container's name.
    public var name: String?
    /// The container's ID.
    public var id: String?
    /// CPU usage now.
    public var cpuStats: CPUStats?
    /// CPU usage at the previous sample.
    public var precpuStats: CPUStats?
    /// Memory usage.
    public var memoryStats: MemoryStats?
    /// Processes.
    public var pidsStats: PidsStats?
    /// Network traffic by interface.
    public var networks: [String: NetworkStats]?

    /// CPU counters.
    public struct CPUStats: Codable, Sendable, Equatable {
        /// Usage totals.
        public var cpuUsage: CPUUsage?
        /// The host's total CPU time.
        public var systemCPUUsage: UInt64?
        /// CPUs online.
        public var onlineCPUs: Int?
        /// CPU time totals.
        public struct CPUUsage: Codable, Sendable, Equatable {
            /// Nanoseconds of CPU time used.
            public var totalUsage: UInt64?
            enum CodingKeys: String, CodingKey { case totalUsage = "total_usage" }
        }
        enum CodingKeys: String, CodingKey {
            case cpuUsage = "cpu_usage", systemCPUUsage = "system_cpu_usage", onlineCPUs = "online_cpus"
        }
    }

    /// Memory counters.
    public struct MemoryStats: Codable, Sendable, Equatable {
        /// Bytes in use.
        public var usage: UInt64?
        /// The limit.
        public var limit: UInt64?
        enum CodingKeys: String, CodingKey { case usage, limit }
    }

    /// Process counters.
    public struct PidsStats: Codable, Sendable, Equatable {
        /// Processes now.
        public var current: Int?
        enum CodingKeys: String, CodingKey { case current }
    }

    /// Traffic counters of one interface.
    public struct NetworkStats: Codable, Sendable, Equatable {
        /// Bytes received.
        public var rxBytes: UInt64?
        /// Bytes sent.
        public var txBytes: UInt64?
        enum CodingKeys: String, CodingKey { case rxBytes = "rx_bytes", txBytes = "tx_bytes" }
    }

    enum CodingKeys: String, CodingKey {
        case read, name, id, cpuStats = "cpu_stats", precpuStats = "precpu_stats", memoryStats = "memory_stats"
        case pidsStats = "pids_stats", networks
    }
}
