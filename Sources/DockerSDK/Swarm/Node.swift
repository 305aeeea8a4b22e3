/// A swarm node as `GET /nodes` and `GET /nodes/{id}` describe it.
public struct Node: Codable, Sendable, Equatable {
    /// The node's ID.
    public var id: String
    /// The version to send back with `update`.
    public var version: ObjectVersion
    /// Creation time, RFC 3339.
    public var createdAt: String?
    /// Last update time, RFC 3339.
    public var updatedAt: String?
    /// The user-settable part: name, labels, role, availability.
    public var spec: NodeSpec
    /// What the node reports about itself: hostname, platform, resources, engine.
    public var description: NodeDescription?
    /// Whether it is ready, and its address.
    public var status: NodeStatus?
    /// Its Raft membership, for managers.
    public var managerStatus: ManagerStatus?

    /// The node's hostname (what `node.hostname==` constraints match).
    public var hostname: String? { description?.hostname }

    enum CodingKeys: String, CodingKey, CaseIterable {
        case id = "ID", version = "Version", createdAt = "CreatedAt", updatedAt = "UpdatedAt", spec = "Spec"
        case description = "Description", status = "Status", managerStatus = "ManagerStatus"
    }
}

/// The user-settable part of a node (`POST /nodes/{id}/update` replaces it whole).
public struct NodeSpec: Codable, Sendable, Equatable {
    /// A name for the node.
    public var name: String?
    /// Labels (what `node.labels.KEY==VALUE` constraints match).
    public var labels: [String: String]?
    /// `worker` or `manager`.
    public var role: Role?
    /// `active`, `pause` or `drain`.
    public var availability: Availability?

    /// Creates a node spec.
    public init(name: String? = nil, labels: [String: String]? = nil, role: Role? = nil, availability: Availability? = nil) {
        self.name = name
        self.labels = labels
        self.role = role
        self.availability = availability
    }

    /// A node's role.
    public enum Role: String, Codable, Sendable {
        /// Runs tasks.
        case worker
        /// Runs tasks and holds the cluster state.
        case manager
    }

    /// Whether the scheduler places tasks on the node.
    public enum Availability: String, Codable, Sendable {
        /// Takes new tasks.
        case active
        /// Keeps its tasks, takes no new ones.
        case pause
        /// Its tasks move elsewhere.
        case drain
    }

    enum CodingKeys: String, CodingKey, CaseIterable { case name = "Name", labels = "Labels", role = "Role", availability = "Availability" }
}

/// What a node reports about itself.
public struct NodeDescription: Codable, Sendable, Equatable {
    /// Its hostname.
    public var hostname: String?
    /// Its OS and architecture.
    public var platform: Platform?
    /// Its CPUs and memory.
    public var resources: ResourceObject?
    /// Its engine's version, labels and plugins.
    public var engine: Engine?
    /// Its certificate information.
    public var tlsInfo: TLSInfo?

    /// A node's engine.
    public struct Engine: Codable, Sendable, Equatable {
        /// e.g. `20.10.24+dfsg1`.
        public var engineVersion: String?
        /// Engine labels.
        public var labels: [String: String]?
        /// Plugins, by type and name.
        public var plugins: [Plugin]?

        /// A plugin of the engine.
        public struct Plugin: Codable, Sendable, Equatable {
            /// e.g. `Network`, `Volume`, `Log`.
            public var type: String?
            /// e.g. `overlay`.
            public var name: String?
            enum CodingKeys: String, CodingKey, CaseIterable { case type = "Type", name = "Name" }
        }
        enum CodingKeys: String, CodingKey, CaseIterable { case engineVersion = "EngineVersion", labels = "Labels", plugins = "Plugins" }
    }

    enum CodingKeys: String, CodingKey, CaseIterable {
        case hostname = "Hostname", platform = "Platform", resources = "Resources", engine = "Engine", tlsInfo = "TLSInfo"
    }
}

/// An OS and architecture.
public struct Platform: Codable, Sendable, Equatable {
    /// e.g. `x86_64`, `amd64`.
    public var architecture: String?
    /// e.g. `linux`.
    public var os: String?
    /// Creates a platform.
    public init(architecture: String? = nil, os: String? = nil) {
        self.architecture = architecture
        self.os = os
    }
    enum CodingKeys: String, CodingKey, CaseIterable { case architecture = "Architecture", os = "OS" }
}

/// CPUs and memory (node capacity, task limits and reservations).
public struct ResourceObject: Codable, Sendable, Equatable {
    /// CPUs in units of 1e-9.
    public var nanoCPUs: Int64?
    /// Bytes of memory.
    public var memoryBytes: Int64?
    /// User-defined resources, e.g. GPUs.
    public var genericResources: [GenericResource]?

    /// Creates a resource amount; `cpus` in CPUs (0.5 is half a CPU).
    public init(cpus: Double? = nil, memoryBytes: Int64? = nil, genericResources: [GenericResource]? = nil) {
        nanoCPUs = cpus.map { Int64(($0 * 1e9).rounded()) }
        self.memoryBytes = memoryBytes
        self.genericResources = genericResources
    }

    enum CodingKeys: String, CodingKey, CaseIterable { case nanoCPUs = "NanoCPUs", memoryBytes = "MemoryBytes", genericResources = "GenericResources" }
}

/// A user-defined resource: a named value or a count.
public struct GenericResource: Codable, Sendable, Equatable {
    /// A named resource, e.g. `GPU=UUID1`.
    public var namedResourceSpec: Named?
    /// A counted resource, e.g. `SSD=3`.
    public var discreteResourceSpec: Discrete?

    /// A named resource.
    public struct Named: Codable, Sendable, Equatable {
        /// Its kind.
        public var kind: String?
        /// Its value.
        public var value: String?
        enum CodingKeys: String, CodingKey, CaseIterable { case kind = "Kind", value = "Value" }
    }
    /// A counted resource.
    public struct Discrete: Codable, Sendable, Equatable {
        /// Its kind.
        public var kind: String?
        /// How many.
        public var value: Int64?
        enum CodingKeys: String, CodingKey, CaseIterable { case kind = "Kind", value = "Value" }
    }
    enum CodingKeys: String, CodingKey, CaseIterable { case namedResourceSpec = "NamedResourceSpec", discreteResourceSpec = "DiscreteResourceSpec" }
}

/// A node's state as the managers see it.
public struct NodeStatus: Codable, Sendable, Equatable {
    /// `unknown`, `down`, `ready` or `disconnected`.
    public var state: String?
    /// Why, when not ready.
    public var message: String?
    /// Its IP address.
    public var addr: String?
    enum CodingKeys: String, CodingKey, CaseIterable { case state = "State", message = "Message", addr = "Addr" }
}

/// A manager's Raft membership.
public struct ManagerStatus: Codable, Sendable, Equatable {
    /// Whether it is the leader.
    public var leader: Bool?
    /// `unknown`, `unreachable` or `reachable`.
    public var reachability: String?
    /// Its control address, `IP:2377`.
    public var addr: String?
    enum CodingKeys: String, CodingKey, CaseIterable { case leader = "Leader", reachability = "Reachability", addr = "Addr" }
}
