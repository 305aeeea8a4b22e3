/// The cgroup limits of a container (`Resources`): CPU, memory, block IO, devices, pids, ulimits.
///
/// The API has no `Resources` object on the wire: `HostConfig` (create) and the body of
/// `POST /containers/{id}/update` carry these fields flat, and both types code them from here, so the
/// list exists once. Every field is optional; a nil field is not sent.
public struct Resources: Codable, Sendable, Equatable {
    /// Relative CPU weight (`--cpu-shares`).
    public var cpuShares: Int?
    /// Memory limit in bytes (`-m`).
    public var memory: Int64?
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
    /// CPUs the container may use, e.g. `0-3` or `0,1`.
    public var cpusetCpus: String?
    /// Memory nodes the container may use (NUMA).
    public var cpusetMems: String?
    /// Host devices made available (`--device`).
    public var devices: [DeviceMapping]?
    /// cgroup device rules, e.g. `c 13:* rwm`.
    public var deviceCgroupRules: [String]?
    /// Device requests, e.g. GPUs (`--gpus`).
    public var deviceRequests: [DeviceRequest]?
    /// Soft memory limit in bytes.
    public var memoryReservation: Int64?
    /// Memory plus swap limit in bytes; -1 unlimited.
    public var memorySwap: Int64?
    /// Swappiness 0 to 100.
    public var memorySwappiness: Int64?
    /// CPU quota in units of 1e-9 CPUs (`--cpus`).
    public var nanoCPUs: Int64?
    /// Whether the OOM killer is disabled.
    public var oomKillDisable: Bool?
    /// Run an init process as PID 1.
    public var `init`: Bool?
    /// Process limit; 0 or -1 unlimited.
    public var pidsLimit: Int64?
    /// Resource limits such as nofile and nproc.
    public var ulimits: [Ulimit]?
    /// CPUs available (Windows).
    public var cpuCount: Int64?
    /// Usable percentage of the CPUs (Windows).
    public var cpuPercent: Int64?
    /// Maximum IO operations per second of the system drive (Windows).
    public var ioMaximumIOps: Int64?
    /// Maximum IO bytes per second of the system drive (Windows).
    public var ioMaximumBandwidth: Int64?

    /// Creates an empty set of limits (nothing is sent, nothing changes).
    public init() {}

    enum CodingKeys: String, CodingKey, CaseIterable {
        case cpuShares = "CpuShares", memory = "Memory", cgroupParent = "CgroupParent", blkioWeight = "BlkioWeight"
        case blkioWeightDevice = "BlkioWeightDevice", blkioDeviceReadBps = "BlkioDeviceReadBps"
        case blkioDeviceWriteBps = "BlkioDeviceWriteBps", blkioDeviceReadIOps = "BlkioDeviceReadIOps"
        case blkioDeviceWriteIOps = "BlkioDeviceWriteIOps", cpuPeriod = "CpuPeriod", cpuQuota = "CpuQuota"
        case cpuRealtimePeriod = "CpuRealtimePeriod", cpuRealtimeRuntime = "CpuRealtimeRuntime"
        case cpusetCpus = "CpusetCpus", cpusetMems = "CpusetMems", devices = "Devices"
        case deviceCgroupRules = "DeviceCgroupRules", deviceRequests = "DeviceRequests"
        case memoryReservation = "MemoryReservation", memorySwap = "MemorySwap", memorySwappiness = "MemorySwappiness"
        case nanoCPUs = "NanoCpus", oomKillDisable = "OomKillDisable", `init` = "Init", pidsLimit = "PidsLimit"
        case ulimits = "Ulimits", cpuCount = "CpuCount", cpuPercent = "CpuPercent", ioMaximumIOps = "IOMaximumIOps"
        case ioMaximumBandwidth = "IOMaximumBandwidth"
    }
}
