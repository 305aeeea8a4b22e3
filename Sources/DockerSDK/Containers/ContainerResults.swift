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
/// Nil fields are not sent (and so not changed). The `Resources` fields are properties too, e.g.
/// `update.memory`, and go flat into the body.
@dynamicMemberLookup
public struct ContainerUpdate: Codable, Sendable, Equatable {
    /// The limits to change.
    public var resources: Resources = Resources()
    /// The restart policy.
    public var restartPolicy: RestartPolicy?

    /// Creates an update.
    public init(memory: Int64? = nil, memorySwap: Int64? = nil, nanoCPUs: Int64? = nil, cpuShares: Int? = nil,
                restartPolicy: RestartPolicy? = nil) {
        resources.memory = memory
        resources.memorySwap = memorySwap
        resources.nanoCPUs = nanoCPUs
        resources.cpuShares = cpuShares
        self.restartPolicy = restartPolicy
    }

    /// A `Resources` field as a property of the update, e.g. `update.pidsLimit`.
    public subscript<Value>(dynamicMember field: WritableKeyPath<Resources, Value>) -> Value {
        get { resources[keyPath: field] }
        set { resources[keyPath: field] = newValue }
    }

    /// Decodes the flat JSON body.
    public init(from decoder: any Decoder) throws {
        resources = try Resources(from: decoder)
        restartPolicy = try decoder.container(keyedBy: CodingKeys.self).decodeIfPresent(RestartPolicy.self, forKey: .restartPolicy)
    }

    /// Encodes the body flat, as the API wants it.
    public func encode(to encoder: any Encoder) throws {
        try resources.encode(to: encoder)
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encodeIfPresent(restartPolicy, forKey: .restartPolicy)
    }

    enum CodingKeys: String, CodingKey, CaseIterable {
        case restartPolicy = "RestartPolicy"
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
