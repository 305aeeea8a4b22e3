/// What `POST /services/create` takes and `POST /services/{id}/update` replaces (`ServiceSpec`).
///
/// ```swift
/// var spec = ServiceSpec(name: "web", taskTemplate: TaskSpec(
///     containerSpec: ContainerSpec(image: "dockersdk/busybox", command: ["httpd", "-f", "-p", "8080"])),
///     mode: .replicated(3), labels: ["com.example.app": "shop"])
/// spec.taskTemplate.placement = Placement(constraints: ["node.role==worker"], maxReplicas: 1)
/// spec.endpointSpec = EndpointSpec(mode: .dnsrr)   // no VIP: `tasks.web` resolves to every task
/// ```
public struct ServiceSpec: Codable, Sendable, Equatable {
    /// The service's name.
    public var name: String?
    /// Service labels (not the containers': those are in `ContainerSpec.labels`).
    public var labels: [String: String]?
    /// What each task runs.
    public var taskTemplate: TaskSpec
    /// Replicated, global, or a job.
    public var mode: ServiceMode?
    /// How updates roll out.
    public var updateConfig: UpdateConfig?
    /// How rollbacks roll out.
    public var rollbackConfig: UpdateConfig?
    /// Deprecated: networks belong in `TaskSpec.networks` (kept as the daemon sent it).
    public var networks: [NetworkAttachmentConfig]?
    /// How the service is reached: VIP or DNS round robin, and published ports.
    public var endpointSpec: EndpointSpec?

    /// Creates a service spec.
    public init(name: String?, taskTemplate: TaskSpec, mode: ServiceMode? = nil, labels: [String: String]? = nil,
                updateConfig: UpdateConfig? = nil, rollbackConfig: UpdateConfig? = nil, endpointSpec: EndpointSpec? = nil) {
        self.name = name
        self.taskTemplate = taskTemplate
        self.mode = mode
        self.labels = labels
        self.updateConfig = updateConfig
        self.rollbackConfig = rollbackConfig
        self.endpointSpec = endpointSpec
    }

    enum CodingKeys: String, CodingKey, CaseIterable {
        case name = "Name", labels = "Labels", taskTemplate = "TaskTemplate", mode = "Mode", updateConfig = "UpdateConfig"
        case rollbackConfig = "RollbackConfig", networks = "Networks", endpointSpec = "EndpointSpec"
    }
}

/// How many tasks a service runs (`Mode`).
public struct ServiceMode: Codable, Sendable, Equatable {
    /// A fixed number of tasks.
    public var replicated: Replicated?
    /// One task on every eligible node.
    public var global: Empty?
    /// Tasks that run to completion, a total number of them.
    public var replicatedJob: ReplicatedJob?
    /// One task to completion on every eligible node.
    public var globalJob: Empty?

    /// `replicas` tasks.
    public static func replicated(_ replicas: UInt64) -> ServiceMode { ServiceMode(replicated: Replicated(replicas: replicas)) }
    /// One task per eligible node.
    public static var global: ServiceMode { ServiceMode(global: Empty()) }
    /// A job of `totalCompletions` runs, `maxConcurrent` at a time.
    public static func replicatedJob(maxConcurrent: UInt64? = nil, totalCompletions: UInt64? = nil) -> ServiceMode {
        ServiceMode(replicatedJob: ReplicatedJob(maxConcurrent: maxConcurrent, totalCompletions: totalCompletions))
    }
    /// A job once per eligible node.
    public static var globalJob: ServiceMode { ServiceMode(globalJob: Empty()) }

    /// Creates a mode; set exactly one.
    public init(replicated: Replicated? = nil, global: Empty? = nil, replicatedJob: ReplicatedJob? = nil, globalJob: Empty? = nil) {
        self.replicated = replicated
        self.global = global
        self.replicatedJob = replicatedJob
        self.globalJob = globalJob
    }

    /// The number of replicas.
    public struct Replicated: Codable, Sendable, Equatable {
        /// Tasks to run.
        public var replicas: UInt64?
        /// Creates a replicated mode.
        public init(replicas: UInt64?) { self.replicas = replicas }
        enum CodingKeys: String, CodingKey, CaseIterable { case replicas = "Replicas" }
    }

    /// A replicated job.
    public struct ReplicatedJob: Codable, Sendable, Equatable {
        /// Tasks at a time.
        public var maxConcurrent: UInt64?
        /// Successful runs wanted.
        public var totalCompletions: UInt64?
        enum CodingKeys: String, CodingKey, CaseIterable { case maxConcurrent = "MaxConcurrent", totalCompletions = "TotalCompletions" }
    }

    /// An empty JSON object (`"Global": {}`).
    public struct Empty: Codable, Sendable, Equatable {
        /// Creates it.
        public init() {}
    }

    enum CodingKeys: String, CodingKey, CaseIterable {
        case replicated = "Replicated", global = "Global", replicatedJob = "ReplicatedJob", globalJob = "GlobalJob"
    }
}

/// How an update or rollback rolls out.
public struct UpdateConfig: Codable, Sendable, Equatable {
    /// Tasks updated at once (0 is all).
    public var parallelism: Int64?
    /// Nanoseconds between batches.
    public var delay: Int64?
    /// `continue`, `pause` or `rollback` (update only).
    public var failureAction: String?
    /// Nanoseconds to watch each task for failure after it changes.
    public var monitor: Int64?
    /// The share of failed tasks tolerated.
    public var maxFailureRatio: Double?
    /// `stop-first` or `start-first`.
    public var order: String?

    /// Creates an update configuration; `delay` and `monitor` in seconds.
    public init(parallelism: Int64? = nil, delay: Double? = nil, failureAction: String? = nil, monitor: Double? = nil,
                maxFailureRatio: Double? = nil, order: String? = nil) {
        self.parallelism = parallelism
        self.delay = delay.map { Int64(($0 * 1e9).rounded()) }
        self.failureAction = failureAction
        self.monitor = monitor.map { Int64(($0 * 1e9).rounded()) }
        self.maxFailureRatio = maxFailureRatio
        self.order = order
    }

    enum CodingKeys: String, CodingKey, CaseIterable {
        case parallelism = "Parallelism", delay = "Delay", failureAction = "FailureAction", monitor = "Monitor"
        case maxFailureRatio = "MaxFailureRatio", order = "Order"
    }
}

/// How a service is reached (`EndpointSpec`).
public struct EndpointSpec: Codable, Sendable, Equatable {
    /// `vip` (one virtual IP, load-balanced by IPVS) or `dnsrr` (DNS answers every task's address).
    public var mode: Mode?
    /// Published ports (`dnsrr` allows only `host` publish mode).
    public var ports: [EndpointPortConfig]?

    /// Creates an endpoint spec.
    public init(mode: Mode? = nil, ports: [EndpointPortConfig]? = nil) {
        self.mode = mode
        self.ports = ports
    }

    /// The resolution mode.
    public enum Mode: String, Codable, Sendable {
        /// A virtual IP in front of the tasks (needs IPVS in the kernel).
        case vip
        /// DNS round robin over the tasks' addresses.
        case dnsrr
    }

    enum CodingKeys: String, CodingKey, CaseIterable { case mode = "Mode", ports = "Ports" }
}

/// A published port of a service.
public struct EndpointPortConfig: Codable, Sendable, Equatable {
    /// A name for the port.
    public var name: String?
    /// `tcp`, `udp` or `sctp`.
    public var `protocol`: String?
    /// The port inside the tasks.
    public var targetPort: Int?
    /// The port on the nodes (0 or nil lets the swarm pick, in ingress mode).
    public var publishedPort: Int?
    /// `ingress` (routing mesh on every node) or `host` (only where a task runs).
    public var publishMode: String?

    /// Creates a published port.
    public init(targetPort: Int, publishedPort: Int? = nil, protocol: String = "tcp", publishMode: String? = nil, name: String? = nil) {
        self.targetPort = targetPort
        self.publishedPort = publishedPort
        self.protocol = `protocol`
        self.publishMode = publishMode
        self.name = name
    }

    enum CodingKeys: String, CodingKey, CaseIterable {
        case name = "Name", `protocol` = "Protocol", targetPort = "TargetPort", publishedPort = "PublishedPort", publishMode = "PublishMode"
    }
}
