/// A service as `GET /services` and `GET /services/{id}` describe it.
public struct Service: Codable, Sendable, Equatable {
    /// The service's ID.
    public var id: String
    /// The version to send back with `update`.
    public var version: ObjectVersion
    /// Creation time, RFC 3339.
    public var createdAt: String?
    /// Last update time, RFC 3339.
    public var updatedAt: String?
    /// The current spec.
    public var spec: ServiceSpec
    /// The spec before the last update (what `rollback` returns to).
    public var previousSpec: ServiceSpec?
    /// Its endpoint: spec, published ports and virtual IPs.
    public var endpoint: Endpoint?
    /// The state of the last update or rollback.
    public var updateStatus: UpdateStatus?
    /// Running and desired task counts (`list(status: true)`).
    public var serviceStatus: ServiceStatus?
    /// The last job run (job modes).
    public var jobStatus: JobStatus?

    /// The service's name.
    public var name: String? { spec.name }

    /// A service's endpoint.
    public struct Endpoint: Codable, Sendable, Equatable {
        /// The endpoint spec in force.
        public var spec: EndpointSpec?
        /// Ports published.
        public var ports: [EndpointPortConfig]?
        /// One virtual IP per network (vip mode).
        public var virtualIPs: [VirtualIP]?

        /// A service's address on one network.
        public struct VirtualIP: Codable, Sendable, Equatable {
            /// The network's ID.
            public var networkID: String?
            /// The address, CIDR.
            public var addr: String?
            enum CodingKeys: String, CodingKey, CaseIterable { case networkID = "NetworkID", addr = "Addr" }
        }
        enum CodingKeys: String, CodingKey, CaseIterable { case spec = "Spec", ports = "Ports", virtualIPs = "VirtualIPs" }
    }

    /// The state of an update or rollback.
    public struct UpdateStatus: Codable, Sendable, Equatable {
        /// `updating`, `paused`, `completed`, `rollback_started`, `rollback_paused`, `rollback_completed`.
        public var state: String?
        /// When it started.
        public var startedAt: String?
        /// When it ended.
        public var completedAt: String?
        /// What happened.
        public var message: String?
        enum CodingKeys: String, CodingKey, CaseIterable { case state = "State", startedAt = "StartedAt", completedAt = "CompletedAt", message = "Message" }
    }

    /// Task counts.
    public struct ServiceStatus: Codable, Sendable, Equatable {
        /// Tasks running.
        public var runningTasks: UInt64?
        /// Tasks wanted.
        public var desiredTasks: UInt64?
        /// Job runs completed.
        public var completedTasks: UInt64?
        enum CodingKeys: String, CodingKey, CaseIterable { case runningTasks = "RunningTasks", desiredTasks = "DesiredTasks", completedTasks = "CompletedTasks" }
    }

    /// The last run of a job.
    public struct JobStatus: Codable, Sendable, Equatable {
        /// Which run.
        public var jobIteration: ObjectVersion?
        /// When it was last run.
        public var lastExecution: String?
        enum CodingKeys: String, CodingKey, CaseIterable { case jobIteration = "JobIteration", lastExecution = "LastExecution" }
    }

    enum CodingKeys: String, CodingKey, CaseIterable {
        case id = "ID", version = "Version", createdAt = "CreatedAt", updatedAt = "UpdatedAt", spec = "Spec"
        case previousSpec = "PreviousSpec", endpoint = "Endpoint", updateStatus = "UpdateStatus"
        case serviceStatus = "ServiceStatus", jobStatus = "JobStatus"
    }
}

/// What `POST /services/create` answers.
public struct ServiceCreateResponse: Codable, Sendable, Equatable {
    /// The new service's ID.
    public var id: String
    /// Warnings, e.g. an image that could not be pinned to a digest (what dockerd sends).
    public var warnings: [String]?
    /// A warning (the field the API reference names; dockerd sends `Warnings`).
    public var warning: String?
    enum CodingKeys: String, CodingKey, CaseIterable { case id = "ID", warnings = "Warnings", warning = "Warning" }
}

/// What `POST /services/{id}/update` answers.
public struct ServiceUpdateResponse: Codable, Sendable, Equatable {
    /// Warnings.
    public var warnings: [String]?
    enum CodingKeys: String, CodingKey, CaseIterable { case warnings = "Warnings" }
}
