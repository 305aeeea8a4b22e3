import Foundation

/// The version of a Swarm object; updates must name the current `index` (optimistic concurrency).
public struct ObjectVersion: Codable, Sendable, Equatable, Hashable {
    /// The index that the next update must send.
    public var index: UInt64
    /// Creates a version.
    public init(index: UInt64) { self.index = index }
    enum CodingKeys: String, CodingKey, CaseIterable { case index = "Index" }
}

/// A swarm as `GET /swarm` describes it (on a manager).
public struct Swarm: Codable, Sendable, Equatable {
    /// The swarm's ID.
    public var id: String
    /// The version to send back with `update`.
    public var version: ObjectVersion
    /// Creation time, RFC 3339.
    public var createdAt: String?
    /// Last update time, RFC 3339.
    public var updatedAt: String?
    /// The user-settable configuration.
    public var spec: SwarmSpec
    /// Whether the swarm uses its own root CA.
    public var tlsInfo: TLSInfo?
    /// Whether a root CA rotation is in progress.
    public var rootRotationInProgress: Bool?
    /// The UDP port of the data path (VXLAN), 4789 by default.
    public var dataPathPort: Int?
    /// Address pools for global-scope (overlay) networks.
    public var defaultAddrPool: [String]?
    /// Subnet size of networks taken from the pools.
    public var subnetSize: Int?
    /// The tokens to join as worker or manager (secrets: never log them).
    public var joinTokens: JoinTokens?

    enum CodingKeys: String, CodingKey, CaseIterable {
        case id = "ID", version = "Version", createdAt = "CreatedAt", updatedAt = "UpdatedAt", spec = "Spec"
        case tlsInfo = "TLSInfo", rootRotationInProgress = "RootRotationInProgress", dataPathPort = "DataPathPort"
        case defaultAddrPool = "DefaultAddrPool", subnetSize = "SubnetSize", joinTokens = "JoinTokens"
    }
}

/// The tokens a node presents to join a swarm. They are secrets: the description redacts them.
public struct JoinTokens: Codable, Sendable, Equatable, CustomStringConvertible {
    /// The token to join as a worker.
    public var worker: String
    /// The token to join as a manager.
    public var manager: String
    /// Creates join tokens.
    public init(worker: String, manager: String) {
        self.worker = worker
        self.manager = manager
    }
    public var description: String { "JoinTokens(worker: <redacted>, manager: <redacted>)" }
    enum CodingKeys: String, CodingKey, CaseIterable { case worker = "Worker", manager = "Manager" }
}

/// A node's or swarm's certificate information.
public struct TLSInfo: Codable, Sendable, Equatable {
    /// The root CA certificate(s) trusted, PEM.
    public var trustRoot: String?
    /// The issuer's subject, base64 DER.
    public var certIssuerSubject: String?
    /// The issuer's public key, base64 DER.
    public var certIssuerPublicKey: String?
    enum CodingKeys: String, CodingKey, CaseIterable {
        case trustRoot = "TrustRoot", certIssuerSubject = "CertIssuerSubject", certIssuerPublicKey = "CertIssuerPublicKey"
    }
}

/// The user-settable configuration of a swarm (`SwarmSpec`); `update` replaces it whole.
public struct SwarmSpec: Codable, Sendable, Equatable {
    /// The swarm's name (`default`).
    public var name: String?
    /// Labels.
    public var labels: [String: String]?
    /// Orchestration settings.
    public var orchestration: Orchestration?
    /// Raft consensus settings.
    public var raft: Raft?
    /// Dispatcher settings.
    public var dispatcher: Dispatcher?
    /// Certificate authority settings.
    public var caConfig: CAConfig?
    /// Encryption at rest of the managers' Raft data.
    public var encryptionConfig: EncryptionConfig?
    /// Defaults for the tasks of every service.
    public var taskDefaults: TaskDefaults?

    /// Creates a spec; nil fields take the daemon's defaults.
    public init(name: String? = nil, labels: [String: String]? = nil, orchestration: Orchestration? = nil,
                raft: Raft? = nil, dispatcher: Dispatcher? = nil, caConfig: CAConfig? = nil,
                encryptionConfig: EncryptionConfig? = nil, taskDefaults: TaskDefaults? = nil) {
        self.name = name
        self.labels = labels
        self.orchestration = orchestration
        self.raft = raft
        self.dispatcher = dispatcher
        self.caConfig = caConfig
        self.encryptionConfig = encryptionConfig
        self.taskDefaults = taskDefaults
    }

    /// How many old tasks a service keeps.
    public struct Orchestration: Codable, Sendable, Equatable {
        /// Tasks kept in history per slot.
        public var taskHistoryRetentionLimit: Int64?
        /// Creates orchestration settings.
        public init(taskHistoryRetentionLimit: Int64? = nil) { self.taskHistoryRetentionLimit = taskHistoryRetentionLimit }
        enum CodingKeys: String, CodingKey, CaseIterable { case taskHistoryRetentionLimit = "TaskHistoryRetentionLimit" }
    }

    /// Raft settings.
    public struct Raft: Codable, Sendable, Equatable {
        /// Log entries between snapshots.
        public var snapshotInterval: UInt64?
        /// Snapshots kept besides the current one.
        public var keepOldSnapshots: UInt64?
        /// Entries kept for slow followers after a snapshot.
        public var logEntriesForSlowFollowers: UInt64?
        /// Ticks without a leader before an election.
        public var electionTick: Int?
        /// Ticks between heartbeats.
        public var heartbeatTick: Int?
        enum CodingKeys: String, CodingKey, CaseIterable {
            case snapshotInterval = "SnapshotInterval", keepOldSnapshots = "KeepOldSnapshots"
            case logEntriesForSlowFollowers = "LogEntriesForSlowFollowers", electionTick = "ElectionTick"
            case heartbeatTick = "HeartbeatTick"
        }
    }

    /// Dispatcher settings.
    public struct Dispatcher: Codable, Sendable, Equatable {
        /// Nanoseconds between agent heartbeats.
        public var heartbeatPeriod: Int64?
        enum CodingKeys: String, CodingKey, CaseIterable { case heartbeatPeriod = "HeartbeatPeriod" }
    }

    /// Certificate authority settings.
    public struct CAConfig: Codable, Sendable, Equatable {
        /// Nanoseconds node certificates stay valid.
        public var nodeCertExpiry: Int64?
        /// External CAs issuing node certificates.
        public var externalCAs: [ExternalCA]?
        /// A PEM CA certificate to sign with.
        public var signingCACert: String?
        /// Its PEM key (a secret: never log it).
        public var signingCAKey: String?
        /// Bumped to force a root rotation.
        public var forceRotate: UInt64?
        enum CodingKeys: String, CodingKey, CaseIterable {
            case nodeCertExpiry = "NodeCertExpiry", externalCAs = "ExternalCAs", signingCACert = "SigningCACert"
            case signingCAKey = "SigningCAKey", forceRotate = "ForceRotate"
        }
    }

    /// An external certificate authority.
    public struct ExternalCA: Codable, Sendable, Equatable {
        /// `cfssl`.
        public var `protocol`: String?
        /// Where to send signing requests.
        public var url: String?
        /// Protocol options.
        public var options: [String: String]?
        /// The CA's root certificate, PEM.
        public var caCert: String?
        enum CodingKeys: String, CodingKey, CaseIterable { case `protocol` = "Protocol", url = "URL", options = "Options", caCert = "CACert" }
    }

    /// Encryption settings.
    public struct EncryptionConfig: Codable, Sendable, Equatable {
        /// Lock managers' keys at rest; a restarted manager then needs `unlock`.
        public var autoLockManagers: Bool?
        /// Creates encryption settings.
        public init(autoLockManagers: Bool?) { self.autoLockManagers = autoLockManagers }
        enum CodingKeys: String, CodingKey, CaseIterable { case autoLockManagers = "AutoLockManagers" }
    }

    /// Defaults for new tasks.
    public struct TaskDefaults: Codable, Sendable, Equatable {
        /// The log driver of new tasks.
        public var logDriver: LogDriver?
        enum CodingKeys: String, CodingKey, CaseIterable { case logDriver = "LogDriver" }
    }

    enum CodingKeys: String, CodingKey, CaseIterable {
        case name = "Name", labels = "Labels", orchestration = "Orchestration", raft = "Raft", dispatcher = "Dispatcher"
        case caConfig = "CAConfig", encryptionConfig = "EncryptionConfig", taskDefaults = "TaskDefaults"
    }
}

/// A log driver and its options.
public struct LogDriver: Codable, Sendable, Equatable {
    /// The driver's name, e.g. `json-file`.
    public var name: String?
    /// Driver options.
    public var options: [String: String]?
    /// Creates a log driver setting.
    public init(name: String?, options: [String: String]? = nil) {
        self.name = name
        self.options = options
    }
    enum CodingKeys: String, CodingKey, CaseIterable { case name = "Name", options = "Options" }
}

/// What `POST /swarm/init` takes.
public struct SwarmInit: Codable, Sendable, Equatable {
    /// Where to listen for the cluster's control traffic, e.g. `0.0.0.0:2377`.
    public var listenAddr: String
    /// The address other nodes reach this one at, e.g. `10.231.0.1` or `eth0`.
    public var advertiseAddr: String?
    /// The address for data-path (overlay) traffic.
    public var dataPathAddr: String?
    /// The UDP port for data-path traffic (default 4789).
    public var dataPathPort: Int?
    /// Address pools for overlay networks, CIDRs.
    public var defaultAddrPool: [String]?
    /// Recreate a single-manager swarm from this node's state.
    public var forceNewCluster: Bool?
    /// The size of subnets taken from the pools (default 24).
    public var subnetSize: Int?
    /// The swarm's configuration.
    public var spec: SwarmSpec?

    /// Creates an init request.
    public init(listenAddr: String = "0.0.0.0:2377", advertiseAddr: String? = nil, dataPathAddr: String? = nil,
                dataPathPort: Int? = nil, defaultAddrPool: [String]? = nil, forceNewCluster: Bool? = nil,
                subnetSize: Int? = nil, spec: SwarmSpec? = nil) {
        self.listenAddr = listenAddr
        self.advertiseAddr = advertiseAddr
        self.dataPathAddr = dataPathAddr
        self.dataPathPort = dataPathPort
        self.defaultAddrPool = defaultAddrPool
        self.forceNewCluster = forceNewCluster
        self.subnetSize = subnetSize
        self.spec = spec
    }

    enum CodingKeys: String, CodingKey, CaseIterable {
        case listenAddr = "ListenAddr", advertiseAddr = "AdvertiseAddr", dataPathAddr = "DataPathAddr"
        case dataPathPort = "DataPathPort", defaultAddrPool = "DefaultAddrPool", forceNewCluster = "ForceNewCluster"
        case subnetSize = "SubnetSize", spec = "Spec"
    }
}

/// What `POST /swarm/join` takes. The token is a secret: the description redacts it.
public struct SwarmJoin: Codable, Sendable, Equatable, CustomStringConvertible {
    /// Where to listen for the cluster's control traffic.
    public var listenAddr: String
    /// The address other nodes reach this one at.
    public var advertiseAddr: String?
    /// The address for data-path traffic.
    public var dataPathAddr: String?
    /// Managers already in the swarm, `HOST:PORT`.
    public var remoteAddrs: [String]
    /// The worker or manager join token.
    public var joinToken: String

    /// Creates a join request.
    public init(remoteAddrs: [String], joinToken: String, listenAddr: String = "0.0.0.0:2377",
                advertiseAddr: String? = nil, dataPathAddr: String? = nil) {
        self.listenAddr = listenAddr
        self.advertiseAddr = advertiseAddr
        self.dataPathAddr = dataPathAddr
        self.remoteAddrs = remoteAddrs
        self.joinToken = joinToken
    }

    public var description: String {
        "SwarmJoin(remoteAddrs: \(remoteAddrs), advertiseAddr: \(advertiseAddr ?? "-"), joinToken: <redacted>)"
    }

    enum CodingKeys: String, CodingKey, CaseIterable {
        case listenAddr = "ListenAddr", advertiseAddr = "AdvertiseAddr", dataPathAddr = "DataPathAddr"
        case remoteAddrs = "RemoteAddrs", joinToken = "JoinToken"
    }
}

/// The local node's view of swarm membership (the `Swarm` part of `GET /info`): answers on any node.
public struct SwarmInfo: Codable, Sendable, Equatable {
    /// This node's ID, empty outside a swarm.
    public var nodeID: String?
    /// This node's advertised address.
    public var nodeAddr: String?
    /// `inactive`, `pending`, `active`, `error` or `locked`.
    public var localNodeState: String?
    /// Whether this node is a manager.
    public var controlAvailable: Bool?
    /// The last error, if any.
    public var error: String?
    /// Managers this node knows.
    public var remoteManagers: [RemoteManager]?
    /// Nodes in the swarm (managers only).
    public var nodes: Int?
    /// Managers in the swarm (managers only).
    public var managers: Int?
    /// The swarm as `GET /swarm` describes it, without join tokens (managers only).
    public var cluster: Swarm?

    /// Whether the node is an active member.
    public var isActive: Bool { localNodeState == "active" }

    /// A manager as a peer knows it.
    public struct RemoteManager: Codable, Sendable, Equatable {
        /// Its node ID.
        public var nodeID: String?
        /// Its address, `HOST:PORT`.
        public var addr: String?
        enum CodingKeys: String, CodingKey, CaseIterable { case nodeID = "NodeID", addr = "Addr" }
    }

    enum CodingKeys: String, CodingKey, CaseIterable {
        case nodeID = "NodeID", nodeAddr = "NodeAddr", localNodeState = "LocalNodeState"
        case controlAvailable = "ControlAvailable", error = "Error", remoteManagers = "RemoteManagers"
        case nodes = "Nodes", managers = "Managers", cluster = "Cluster"
    }
}
