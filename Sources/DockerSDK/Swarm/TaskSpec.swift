/// What a service's tasks run (`TaskTemplate` of a `ServiceSpec`, `Spec` of a task).
///
/// ```swift
/// var template = TaskSpec(containerSpec: ContainerSpec(image: "dockersdk/busybox", command: ["sleep", "600"]))
/// template.placement = Placement(constraints: ["node.hostname==h2"], maxReplicas: 1)
/// template.restartPolicy = TaskRestartPolicy(condition: .onFailure, maxAttempts: 3)
/// ```
public struct TaskSpec: Codable, Sendable, Equatable {
    /// The container to run.
    public var containerSpec: ContainerSpec?
    /// A plugin to run instead of a container (`Runtime: plugin`), as the daemon sent it.
    public var pluginSpec: PluginSpec?
    /// For `Runtime: attachment` (a standalone container's attachment to a swarm network).
    public var networkAttachmentSpec: NetworkAttachmentSpec?
    /// CPU and memory limits and reservations.
    public var resources: TaskResources?
    /// When to restart a task's container.
    public var restartPolicy: TaskRestartPolicy?
    /// Where tasks may run.
    public var placement: Placement?
    /// Bump to force an update without a change.
    public var forceUpdate: UInt64?
    /// `container`, `plugin` or `attachment`.
    public var runtime: String?
    /// Networks to attach the tasks to.
    public var networks: [NetworkAttachmentConfig]?
    /// The tasks' log driver.
    public var logDriver: LogDriver?

    /// Creates a task template.
    public init(containerSpec: ContainerSpec? = nil, resources: TaskResources? = nil,
                restartPolicy: TaskRestartPolicy? = nil, placement: Placement? = nil,
                networks: [NetworkAttachmentConfig]? = nil, logDriver: LogDriver? = nil, forceUpdate: UInt64? = nil) {
        self.containerSpec = containerSpec
        self.resources = resources
        self.restartPolicy = restartPolicy
        self.placement = placement
        self.networks = networks
        self.logDriver = logDriver
        self.forceUpdate = forceUpdate
    }

    enum CodingKeys: String, CodingKey, CaseIterable {
        case containerSpec = "ContainerSpec", pluginSpec = "PluginSpec", networkAttachmentSpec = "NetworkAttachmentSpec"
        case resources = "Resources", restartPolicy = "RestartPolicy", placement = "Placement"
        case forceUpdate = "ForceUpdate", runtime = "Runtime", networks = "Networks", logDriver = "LogDriver"
    }
}

/// The container of a task (`ContainerSpec`).
public struct ContainerSpec: Codable, Sendable, Equatable {
    /// The image; it must be present on (or pullable by) every node that may run the task.
    public var image: String
    /// Container labels.
    public var labels: [String: String]?
    /// The command (replaces the image's entrypoint).
    public var command: [String]?
    /// Arguments to the command.
    public var args: [String]?
    /// The container's hostname (templates such as `{{.Node.Hostname}}` work).
    public var hostname: String?
    /// `NAME=value` entries.
    public var env: [String]?
    /// The working directory.
    public var dir: String?
    /// The user.
    public var user: String?
    /// Extra groups.
    public var groups: [String]?
    /// Security options (credential spec, SELinux).
    public var privileges: Privileges?
    /// Allocate a TTY (logs are then raw, not multiplexed).
    public var tty: Bool?
    /// Keep stdin open.
    public var openStdin: Bool?
    /// A read-only root filesystem.
    public var readOnly: Bool?
    /// Mounts (bind, volume, tmpfs).
    public var mounts: [Mount]?
    /// The stop signal.
    public var stopSignal: String?
    /// Nanoseconds to wait before killing on stop.
    public var stopGracePeriod: Int64?
    /// The health check.
    public var healthCheck: HealthConfig?
    /// `IP HOST...` lines for /etc/hosts.
    public var hosts: [String]?
    /// The resolver's configuration.
    public var dnsConfig: DNSConfig?
    /// Secrets to mount as files.
    public var secrets: [SecretReference]?
    /// Configs to mount as files.
    public var configs: [ConfigReference]?
    /// Isolation technology (Windows).
    public var isolation: String?
    /// Run an init process.
    public var `init`: Bool?
    /// Kernel parameters.
    public var sysctls: [String: String]?
    /// Capabilities to add.
    public var capabilityAdd: [String]?
    /// Capabilities to drop.
    public var capabilityDrop: [String]?
    /// Resource limits.
    public var ulimits: [Ulimit]?
    /// The OOM killer's score adjustment (API 1.46+; refused on older daemons).
    public var oomScoreAdj: Int64?

    /// Creates a container spec.
    public init(image: String, command: [String]? = nil, args: [String]? = nil, env: [String]? = nil,
                labels: [String: String]? = nil, hostname: String? = nil, dir: String? = nil, user: String? = nil,
                tty: Bool? = nil, mounts: [Mount]? = nil, secrets: [SecretReference]? = nil,
                configs: [ConfigReference]? = nil, stopGracePeriod: Int64? = nil, healthCheck: HealthConfig? = nil) {
        self.image = image
        self.command = command
        self.args = args
        self.env = env
        self.labels = labels
        self.hostname = hostname
        self.dir = dir
        self.user = user
        self.tty = tty
        self.mounts = mounts
        self.secrets = secrets
        self.configs = configs
        self.stopGracePeriod = stopGracePeriod
        self.healthCheck = healthCheck
    }

    /// Security options of a task's container.
    public struct Privileges: Codable, Sendable, Equatable {
        /// A Windows credential spec, as sent.
        public var credentialSpec: CredentialSpec?
        /// SELinux labels.
        public var seLinuxContext: SELinuxContext?
        /// The seccomp profile (API 1.44+).
        public var seccomp: Seccomp?
        /// The AppArmor profile (API 1.44+).
        public var appArmor: AppArmor?
        /// Set the no_new_privs bit: no process gains privileges through setuid or file capabilities (API 1.44+).
        public var noNewPrivileges: Bool?

        /// Creates security options; nil fields take the daemon's defaults.
        public init(credentialSpec: CredentialSpec? = nil, seLinuxContext: SELinuxContext? = nil, seccomp: Seccomp? = nil,
                    appArmor: AppArmor? = nil, noNewPrivileges: Bool? = nil) {
            self.credentialSpec = credentialSpec
            self.seLinuxContext = seLinuxContext
            self.seccomp = seccomp
            self.appArmor = appArmor
            self.noNewPrivileges = noNewPrivileges
        }

        /// A Windows credential spec.
        public struct CredentialSpec: Codable, Sendable, Equatable {
            /// A config holding it.
            public var config: String?
            /// A file holding it.
            public var file: String?
            /// A registry value holding it.
            public var registry: String?
            /// Creates a credential spec; set one of the three.
            public init(config: String? = nil, file: String? = nil, registry: String? = nil) {
                self.config = config
                self.file = file
                self.registry = registry
            }
            enum CodingKeys: String, CodingKey, CaseIterable { case config = "Config", file = "File", registry = "Registry" }
        }
        /// SELinux labels.
        public struct SELinuxContext: Codable, Sendable, Equatable {
            /// Disable SELinux labelling.
            public var disable: Bool?
            /// User, role, type and level.
            public var user: String?, role: String?, type: String?, level: String?
            /// Creates SELinux labels.
            public init(disable: Bool? = nil, user: String? = nil, role: String? = nil, type: String? = nil, level: String? = nil) {
                self.disable = disable
                self.user = user
                self.role = role
                self.type = type
                self.level = level
            }
            enum CodingKeys: String, CodingKey, CaseIterable {
                case disable = "Disable", user = "User", role = "Role", type = "Type", level = "Level"
            }
        }
        /// Which seccomp profile confines the container (API 1.44+).
        public struct Seccomp: Codable, Sendable, Equatable {
            /// `default`, `unconfined` or `custom`.
            public var mode: String?
            /// The JSON profile, with mode `custom`.
            public var profile: String?
            /// Creates seccomp options.
            public init(mode: String?, profile: String? = nil) {
                self.mode = mode
                self.profile = profile
            }
            enum CodingKeys: String, CodingKey, CaseIterable { case mode = "Mode", profile = "Profile" }
        }
        /// Whether AppArmor confines the container (API 1.44+).
        public struct AppArmor: Codable, Sendable, Equatable {
            /// `default` or `disabled`.
            public var mode: String?
            /// Creates AppArmor options.
            public init(mode: String?) { self.mode = mode }
            enum CodingKeys: String, CodingKey, CaseIterable { case mode = "Mode" }
        }
        enum CodingKeys: String, CodingKey, CaseIterable {
            case credentialSpec = "CredentialSpec", seLinuxContext = "SELinuxContext", seccomp = "Seccomp"
            case appArmor = "AppArmor", noNewPrivileges = "NoNewPrivileges"
        }
    }

    /// The resolver's configuration.
    public struct DNSConfig: Codable, Sendable, Equatable {
        /// Name servers.
        public var nameservers: [String]?
        /// Search domains.
        public var search: [String]?
        /// Resolver options.
        public var options: [String]?
        /// Creates a resolver configuration.
        public init(nameservers: [String]? = nil, search: [String]? = nil, options: [String]? = nil) {
            self.nameservers = nameservers
            self.search = search
            self.options = options
        }
        enum CodingKeys: String, CodingKey, CaseIterable { case nameservers = "Nameservers", search = "Search", options = "Options" }
    }

    /// Where a secret or config appears in a task's container.
    public struct FileTarget: Codable, Sendable, Equatable {
        /// The file name under /run/secrets (secrets) or an absolute path (configs).
        public var name: String
        /// The owner's user ID, e.g. `"0"`.
        public var uid: String?
        /// The owner's group ID.
        public var gid: String?
        /// The permission bits, e.g. 0o444.
        public var mode: UInt32?
        /// Creates a file target.
        public init(name: String, uid: String? = "0", gid: String? = "0", mode: UInt32? = 0o444) {
            self.name = name
            self.uid = uid
            self.gid = gid
            self.mode = mode
        }
        enum CodingKeys: String, CodingKey, CaseIterable { case name = "Name", uid = "UID", gid = "GID", mode = "Mode" }
    }

    /// A secret given to a task: which one and where its file appears.
    public struct SecretReference: Codable, Sendable, Equatable {
        /// The file in the container.
        public var file: FileTarget?
        /// The secret's ID.
        public var secretID: String
        /// The secret's name.
        public var secretName: String
        /// Mounts `secret` at /run/secrets/`fileName` (the secret's name by default).
        public init(secretID: String, secretName: String, fileName: String? = nil, mode: UInt32 = 0o444) {
            self.secretID = secretID
            self.secretName = secretName
            file = FileTarget(name: fileName ?? secretName, mode: mode)
        }
        enum CodingKeys: String, CodingKey, CaseIterable { case file = "File", secretID = "SecretID", secretName = "SecretName" }
    }

    /// A config given to a task: which one and where its file appears.
    public struct ConfigReference: Codable, Sendable, Equatable {
        /// The file in the container (absolute path, or relative to the root).
        public var file: FileTarget?
        /// The config's ID.
        public var configID: String
        /// The config's name.
        public var configName: String
        /// Set instead of `file` for a config the runtime uses without mounting it (a Windows credential spec).
        public var runtime: RuntimeTarget?
        /// Mounts a config at `path` (`/CONFIGNAME` by default).
        public init(configID: String, configName: String, path: String? = nil, mode: UInt32 = 0o444) {
            self.configID = configID
            self.configName = configName
            file = FileTarget(name: path ?? "/\(configName)", mode: mode)
        }
        /// A config the runtime reads without a file in the container (`Runtime: {}`), e.g. for
        /// `Privileges.CredentialSpec.Config`.
        public static func runtime(configID: String, configName: String) -> ConfigReference {
            var reference = ConfigReference(configID: configID, configName: configName)
            reference.file = nil
            reference.runtime = RuntimeTarget()
            return reference
        }
        /// The empty `Runtime` object: a config used by the runtime, not mounted.
        public struct RuntimeTarget: Codable, Sendable, Equatable {
            /// Creates it.
            public init() {}
        }
        enum CodingKeys: String, CodingKey, CaseIterable {
            case file = "File", configID = "ConfigID", configName = "ConfigName", runtime = "Runtime"
        }
    }

    enum CodingKeys: String, CodingKey, CaseIterable {
        case image = "Image", labels = "Labels", command = "Command", args = "Args", hostname = "Hostname", env = "Env"
        case dir = "Dir", user = "User", groups = "Groups", privileges = "Privileges", tty = "TTY", openStdin = "OpenStdin"
        case readOnly = "ReadOnly", mounts = "Mounts", stopSignal = "StopSignal", stopGracePeriod = "StopGracePeriod"
        case healthCheck = "HealthCheck", hosts = "Hosts", dnsConfig = "DNSConfig", secrets = "Secrets", configs = "Configs"
        case isolation = "Isolation", `init` = "Init", sysctls = "Sysctls", capabilityAdd = "CapabilityAdd"
        case capabilityDrop = "CapabilityDrop", ulimits = "Ulimits", oomScoreAdj = "OomScoreAdj"
    }
}

/// A plugin task, as sent by the daemon (kept so updates do not lose it).
public struct PluginSpec: Codable, Sendable, Equatable {
    /// The plugin's name.
    public var name: String?
    /// Its remote reference.
    public var remote: String?
    /// Whether it is disabled.
    public var disabled: Bool?
    /// The permissions granted to the plugin.
    public var pluginPrivilege: [PluginPrivilege]?

    /// A permission a plugin asks for, e.g. `network: host`.
    public struct PluginPrivilege: Codable, Sendable, Equatable {
        /// e.g. `network`, `mount`, `capabilities`.
        public var name: String?
        /// What it means.
        public var description: String?
        /// The values granted, e.g. `["host"]`.
        public var value: [String]?
        enum CodingKeys: String, CodingKey, CaseIterable { case name = "Name", description = "Description", value = "Value" }
    }
    enum CodingKeys: String, CodingKey, CaseIterable {
        case name = "Name", remote = "Remote", disabled = "Disabled", pluginPrivilege = "PluginPrivilege"
    }
}

/// The container a network-attachment task stands for.
public struct NetworkAttachmentSpec: Codable, Sendable, Equatable {
    /// The container's ID.
    public var containerID: String?
    enum CodingKeys: String, CodingKey, CaseIterable { case containerID = "ContainerID" }
}

/// Limits and reservations of a task.
public struct TaskResources: Codable, Sendable, Equatable {
    /// At most this much.
    public var limits: Limit?
    /// The scheduler places the task only where this much is free.
    public var reservations: ResourceObject?
    /// Swap bytes with the memory limit; -1 unlimited (API 1.52+; refused on older daemons).
    public var swapBytes: Int64?
    /// Memory swappiness 0-100, -1 unsets (API 1.52+; refused on older daemons).
    public var memorySwappiness: Int64?

    /// Creates limits and reservations.
    public init(limits: Limit? = nil, reservations: ResourceObject? = nil) {
        self.limits = limits
        self.reservations = reservations
    }

    /// Upper bounds of a task.
    public struct Limit: Codable, Sendable, Equatable {
        /// CPUs in units of 1e-9.
        public var nanoCPUs: Int64?
        /// Bytes of memory.
        public var memoryBytes: Int64?
        /// Process count (0 is unlimited).
        public var pids: Int64?
        /// Creates limits; `cpus` in CPUs.
        public init(cpus: Double? = nil, memoryBytes: Int64? = nil, pids: Int64? = nil) {
            nanoCPUs = cpus.map { Int64(($0 * 1e9).rounded()) }
            self.memoryBytes = memoryBytes
            self.pids = pids
        }
        enum CodingKeys: String, CodingKey, CaseIterable { case nanoCPUs = "NanoCPUs", memoryBytes = "MemoryBytes", pids = "Pids" }
    }

    enum CodingKeys: String, CodingKey, CaseIterable {
        case limits = "Limits", reservations = "Reservations", swapBytes = "SwapBytes", memorySwappiness = "MemorySwappiness"
    }
}

/// When the swarm restarts a task's container.
public struct TaskRestartPolicy: Codable, Sendable, Equatable {
    /// `none`, `on-failure` or `any`.
    public var condition: Condition?
    /// Nanoseconds between restart attempts.
    public var delay: Int64?
    /// Attempts before giving up (0 is unlimited).
    public var maxAttempts: UInt64?
    /// Nanoseconds over which restarts are counted.
    public var window: Int64?

    /// Creates a restart policy; `delay` and `window` in seconds.
    public init(condition: Condition? = nil, delay: Double? = nil, maxAttempts: UInt64? = nil, window: Double? = nil) {
        self.condition = condition
        self.delay = delay.map { Int64(($0 * 1e9).rounded()) }
        self.maxAttempts = maxAttempts
        self.window = window.map { Int64(($0 * 1e9).rounded()) }
    }

    /// When to restart.
    public enum Condition: String, Codable, Sendable {
        /// Never.
        case none
        /// When it exits non-zero.
        case onFailure = "on-failure"
        /// Whenever it exits.
        case any
    }

    enum CodingKeys: String, CodingKey, CaseIterable { case condition = "Condition", delay = "Delay", maxAttempts = "MaxAttempts", window = "Window" }
}

/// Where a service's tasks may run.
public struct Placement: Codable, Sendable, Equatable {
    /// Constraints such as `node.hostname==h2`, `node.role==worker`, `node.labels.zone!=b`.
    public var constraints: [String]?
    /// Spread preferences, applied in order.
    public var preferences: [Preference]?
    /// At most this many tasks of the service per node (0 is unlimited).
    public var maxReplicas: UInt64?
    /// Platforms the image supports; the scheduler picks matching nodes.
    public var platforms: [Platform]?

    /// Creates a placement.
    public init(constraints: [String]? = nil, preferences: [Preference]? = nil, maxReplicas: UInt64? = nil,
                platforms: [Platform]? = nil) {
        self.constraints = constraints
        self.preferences = preferences
        self.maxReplicas = maxReplicas
        self.platforms = platforms
    }

    /// A placement preference: spread tasks evenly over the values of a node attribute.
    public struct Preference: Codable, Sendable, Equatable {
        /// The spread.
        public var spread: Spread?
        /// Spreads over `descriptor`, e.g. `node.labels.zone`.
        public init(spread descriptor: String) { spread = Spread(spreadDescriptor: descriptor) }

        /// What to spread over.
        public struct Spread: Codable, Sendable, Equatable {
            /// A node label or attribute, e.g. `node.labels.zone`.
            public var spreadDescriptor: String
            enum CodingKeys: String, CodingKey, CaseIterable { case spreadDescriptor = "SpreadDescriptor" }
        }
        enum CodingKeys: String, CodingKey, CaseIterable { case spread = "Spread" }
    }

    enum CodingKeys: String, CodingKey, CaseIterable {
        case constraints = "Constraints", preferences = "Preferences", maxReplicas = "MaxReplicas", platforms = "Platforms"
    }
}

/// A network a service's tasks attach to.
public struct NetworkAttachmentConfig: Codable, Sendable, Equatable {
    /// The network's ID or name.
    public var target: String
    /// Extra DNS names of the tasks on it.
    public var aliases: [String]?
    /// Driver options for the endpoint.
    public var driverOpts: [String: String]?
    /// Attaches to `target` with `aliases`.
    public init(target: String, aliases: [String]? = nil, driverOpts: [String: String]? = nil) {
        self.target = target
        self.aliases = aliases
        self.driverOpts = driverOpts
    }
    enum CodingKeys: String, CodingKey, CaseIterable { case target = "Target", aliases = "Aliases", driverOpts = "DriverOpts" }
}
