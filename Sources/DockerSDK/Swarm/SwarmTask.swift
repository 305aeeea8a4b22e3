/// A task (one scheduled run of a service's container) as `GET /tasks` describes it.
///
/// Named `SwarmTask` so it never shadows Swift's `Task`.
public struct SwarmTask: Codable, Sendable, Equatable {
    /// The task's ID.
    public var id: String
    /// Its version.
    public var version: ObjectVersion?
    /// Creation time, RFC 3339.
    public var createdAt: String?
    /// Last update time, RFC 3339.
    public var updatedAt: String?
    /// A name, when set.
    public var name: String?
    /// Labels.
    public var labels: [String: String]?
    /// The task template it was made from.
    public var spec: TaskSpec?
    /// Its service's ID.
    public var serviceID: String?
    /// Its slot (replicated services: 1...replicas).
    public var slot: Int?
    /// The node it was assigned to (empty until scheduled).
    public var nodeID: String?
    /// Generic resources assigned to it.
    public var assignedGenericResources: [GenericResource]?
    /// Its current state.
    public var status: Status?
    /// The state the orchestrator wants: `running`, `shutdown`, ...
    public var desiredState: String?
    /// The job run it belongs to (jobs).
    public var jobIteration: ObjectVersion?
    /// Its addresses on the networks it is attached to.
    public var networksAttachments: [NetworkAttachment]?

    /// A task's state.
    public struct Status: Codable, Sendable, Equatable {
        /// When it entered the state.
        public var timestamp: String?
        /// `new`, `pending`, `assigned`, `accepted`, `preparing`, `starting`, `running`, `complete`,
        /// `shutdown`, `failed`, `rejected`, `remove`, `orphaned`.
        public var state: String?
        /// What the orchestrator says.
        public var message: String?
        /// Why it failed.
        public var err: String?
        /// Its container.
        public var containerStatus: ContainerStatus?
        /// Ports published in host mode (API 1.44+ documents it).
        public var portStatus: PortStatus?

        /// A task's container.
        public struct ContainerStatus: Codable, Sendable, Equatable {
            /// The container's ID on its node.
            public var containerID: String?
            /// Its main process.
            public var pid: Int?
            /// Its exit code, when it ended.
            public var exitCode: Int?
            enum CodingKeys: String, CodingKey, CaseIterable { case containerID = "ContainerID", pid = "PID", exitCode = "ExitCode" }
        }

        /// Host-mode published ports.
        public struct PortStatus: Codable, Sendable, Equatable {
            /// The ports.
            public var ports: [EndpointPortConfig]?
            enum CodingKeys: String, CodingKey, CaseIterable { case ports = "Ports" }
        }

        enum CodingKeys: String, CodingKey, CaseIterable {
            case timestamp = "Timestamp", state = "State", message = "Message", err = "Err"
            case containerStatus = "ContainerStatus", portStatus = "PortStatus"
        }
    }

    /// A task's attachment to one network.
    public struct NetworkAttachment: Codable, Sendable, Equatable {
        /// The network (partly).
        public var network: AttachedNetwork?
        /// The task's addresses on it, CIDR.
        public var addresses: [String]?

        /// The network a task is attached to, as the swarm keeps it (dockerd sends its swarm network
        /// object here, not the `Network` the spec names).
        public struct AttachedNetwork: Codable, Sendable, Equatable {
            /// The network's ID.
            public var id: String?
            /// Its version in the swarm.
            public var version: ObjectVersion?
            /// Creation time, RFC 3339.
            public var createdAt: String?
            /// Last update time, RFC 3339.
            public var updatedAt: String?
            /// Its name and driver.
            public var spec: Spec?
            /// The driver in use and its options, e.g. the overlay's VXLAN IDs.
            public var driverState: Driver?
            /// The address management in use: driver and subnets.
            public var ipamOptions: IPAMOptions?

            /// Its name and driver.
            public struct Spec: Codable, Sendable, Equatable {
                /// The network's name.
                public var name: String?
                /// Labels.
                public var labels: [String: String]?
                enum CodingKeys: String, CodingKey, CaseIterable { case name = "Name", labels = "Labels" }
            }
            /// A driver and its options.
            public struct Driver: Codable, Sendable, Equatable {
                /// The driver's name, e.g. `overlay`.
                public var name: String?
                /// Its options.
                public var options: [String: String]?
                enum CodingKeys: String, CodingKey, CaseIterable { case name = "Name", options = "Options" }
            }
            /// Address management of a swarm network.
            public struct IPAMOptions: Codable, Sendable, Equatable {
                /// The IPAM driver.
                public var driver: Driver?
                /// Its subnets and gateways.
                public var configs: [IPAMConfig]?
                enum CodingKeys: String, CodingKey, CaseIterable { case driver = "Driver", configs = "Configs" }
            }
            enum CodingKeys: String, CodingKey, CaseIterable {
                case id = "ID", version = "Version", createdAt = "CreatedAt", updatedAt = "UpdatedAt", spec = "Spec"
                case driverState = "DriverState", ipamOptions = "IPAMOptions"
            }
        }
        enum CodingKeys: String, CodingKey, CaseIterable { case network = "Network", addresses = "Addresses" }
    }

    /// Whether the task's container is running.
    public var isRunning: Bool { status?.state == "running" }

    enum CodingKeys: String, CodingKey, CaseIterable {
        case id = "ID", version = "Version", createdAt = "CreatedAt", updatedAt = "UpdatedAt", name = "Name"
        case labels = "Labels", spec = "Spec", serviceID = "ServiceID", slot = "Slot", nodeID = "NodeID"
        case assignedGenericResources = "AssignedGenericResources", status = "Status", desiredState = "DesiredState"
        case jobIteration = "JobIteration", networksAttachments = "NetworksAttachments"
    }
}
