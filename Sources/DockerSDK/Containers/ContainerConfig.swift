/// What a container runs: image, command, environment, labels and the like (`Config` in the Engine API).
public struct ContainerConfig: Codable, Sendable, Equatable {
    /// The image, e.g. `dockersdk/redis:7`.
    public var image: String?
    /// The command (arguments to the entrypoint).
    public var cmd: [String]?
    /// The entrypoint.
    public var entrypoint: [String]?
    /// Environment entries, `NAME=value`.
    public var env: [String]?
    /// Labels.
    public var labels: [String: String]?
    /// The working directory.
    public var workingDir: String?
    /// The user, `name`, `uid` or `uid:gid`.
    public var user: String?
    /// The hostname.
    public var hostname: String?
    /// Whether a TTY is allocated (`-t`); output is then raw, not multiplexed.
    public var tty: Bool?
    /// Whether stdin stays open (`-i`).
    public var openStdin: Bool?
    /// Whether stdin closes after the first attach disconnects.
    public var stdinOnce: Bool?
    /// Whether attach gets stdin.
    public var attachStdin: Bool?
    /// Whether attach gets stdout.
    public var attachStdout: Bool?
    /// Whether attach gets stderr.
    public var attachStderr: Bool?
    /// Exposed ports, e.g. `6379/tcp`.
    public var exposedPorts: [String]?
    /// The health check.
    public var healthcheck: HealthConfig?
    /// The stop signal, e.g. `SIGTERM`.
    public var stopSignal: String?
    /// Seconds to wait after the stop signal before killing.
    public var stopTimeout: Int?

    /// Creates a configuration for `image`.
    public init(image: String? = nil, cmd: [String]? = nil, entrypoint: [String]? = nil, env: [String]? = nil,
                labels: [String: String]? = nil, workingDir: String? = nil, user: String? = nil,
                hostname: String? = nil, tty: Bool? = nil, openStdin: Bool? = nil, exposedPorts: [String]? = nil,
                healthcheck: HealthConfig? = nil) {
        self.image = image
        self.cmd = cmd
        self.entrypoint = entrypoint
        self.env = env
        self.labels = labels
        self.workingDir = workingDir
        self.user = user
        self.hostname = hostname
        self.tty = tty
        self.openStdin = openStdin
        self.exposedPorts = exposedPorts
        self.healthcheck = healthcheck
    }

    enum CodingKeys: String, CodingKey {
        case image = "Image", cmd = "Cmd", entrypoint = "Entrypoint", env = "Env", labels = "Labels"
        case workingDir = "WorkingDir", user = "User", hostname = "Hostname", tty = "Tty", openStdin = "OpenStdin"
        case stdinOnce = "StdinOnce", attachStdin = "AttachStdin", attachStdout = "AttachStdout"
        case attachStderr = "AttachStderr", exposedPorts = "ExposedPorts", healthcheck = "Healthcheck"
        case stopSignal = "StopSignal", stopTimeout = "StopTimeout"
    }

    private struct Empty: Codable, Equatable {}

    public init(from decoder: Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        image = try c.decodeIfPresent(String.self, forKey: .image)
        cmd = try c.decodeIfPresent([String].self, forKey: .cmd)
        entrypoint = try c.decodeIfPresent([String].self, forKey: .entrypoint)
        env = try c.decodeIfPresent([String].self, forKey: .env)
        labels = try c.decodeIfPresent([String: String].self, forKey: .labels)
        workingDir = try c.decodeIfPresent(String.self, forKey: .workingDir)
        user = try c.decodeIfPresent(String.self, forKey: .user)
        hostname = try c.decodeIfPresent(String.self, forKey: .hostname)
        tty = try c.decodeIfPresent(Bool.self, forKey: .tty)
        openStdin = try c.decodeIfPresent(Bool.self, forKey: .openStdin)
        stdinOnce = try c.decodeIfPresent(Bool.self, forKey: .stdinOnce)
        attachStdin = try c.decodeIfPresent(Bool.self, forKey: .attachStdin)
        attachStdout = try c.decodeIfPresent(Bool.self, forKey: .attachStdout)
        attachStderr = try c.decodeIfPresent(Bool.self, forKey: .attachStderr)
        exposedPorts = try c.decodeIfPresent([String: Empty].self, forKey: .exposedPorts).map { $0.keys.sorted() }
        healthcheck = try c.decodeIfPresent(HealthConfig.self, forKey: .healthcheck)
        stopSignal = try c.decodeIfPresent(String.self, forKey: .stopSignal)
        stopTimeout = try c.decodeIfPresent(Int.self, forKey: .stopTimeout)
    }

    public func encode(to encoder: Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encodeIfPresent(image, forKey: .image)
        try c.encodeIfPresent(cmd, forKey: .cmd)
        try c.encodeIfPresent(entrypoint, forKey: .entrypoint)
        try c.encodeIfPresent(env, forKey: .env)
        try c.encodeIfPresent(labels, forKey: .labels)
        try c.encodeIfPresent(workingDir, forKey: .workingDir)
        try c.encodeIfPresent(user, forKey: .user)
        try c.encodeIfPresent(hostname, forKey: .hostname)
        try c.encodeIfPresent(tty, forKey: .tty)
        try c.encodeIfPresent(openStdin, forKey: .openStdin)
        try c.encodeIfPresent(stdinOnce, forKey: .stdinOnce)
        try c.encodeIfPresent(attachStdin, forKey: .attachStdin)
        try c.encodeIfPresent(attachStdout, forKey: .attachStdout)
        try c.encodeIfPresent(attachStderr, forKey: .attachStderr)
        if let exposedPorts {
            try c.encode(Dictionary(uniqueKeysWithValues: exposedPorts.map { ($0, Empty()) }), forKey: .exposedPorts)
        }
        try c.encodeIfPresent(healthcheck, forKey: .healthcheck)
        try c.encodeIfPresent(stopSignal, forKey: .stopSignal)
        try c.encodeIfPresent(stopTimeout, forKey: .stopTimeout)
    }
}

/// A container's health check.
public struct HealthConfig: Codable, Sendable, Equatable {
    /// `["CMD", ...]`, `["CMD-SHELL", "..."]` or `["NONE"]`.
    public var test: [String]?
    /// Nanoseconds between checks.
    public var interval: Int64?
    /// Nanoseconds before a check counts as failed.
    public var timeout: Int64?
    /// Failures before unhealthy.
    public var retries: Int?
    /// Nanoseconds of grace after start.
    public var startPeriod: Int64?

    /// Creates a health check; durations in seconds.
    public init(test: [String], interval: Double? = nil, timeout: Double? = nil, retries: Int? = nil,
                startPeriod: Double? = nil) {
        self.test = test
        self.interval = interval.map { Int64($0 * 1e9) }
        self.timeout = timeout.map { Int64($0 * 1e9) }
        self.retries = retries
        self.startPeriod = startPeriod.map { Int64($0 * 1e9) }
    }

    enum CodingKeys: String, CodingKey {
        case test = "Test", interval = "Interval", timeout = "Timeout", retries = "Retries", startPeriod = "StartPeriod"
    }
}
