// The models of this folder are written by hand, not generated from the spec: the public API that
// exists must keep compiling (generated names and types would differ), the daemon's quirks need
// custom decoding (null for non-nullable lists, maps of empty objects that read better as lists,
// nanosecond integers that are `Duration`s), and version gating needs to know each field's history.
// SpecCoverageTests reads the v1.52 spec and fails when a definition gains a property these models
// neither type nor list in `specLeftOut`, so hand-writing cannot silently fall behind.

/// What a container runs: image, command, environment, labels and the like (`ContainerConfig` in the
/// Engine API; `Config` of container inspect and the top level of `POST /containers/create`).
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
    /// The domain name.
    public var domainname: String?
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
    /// Paths in the container that get anonymous volumes (`VOLUME`).
    public var volumes: [String]?
    /// Whether networking is disabled.
    public var networkDisabled: Bool?
    /// `ONBUILD` instructions of the image.
    public var onBuild: [String]?
    /// The shell for the shell form of RUN, CMD and ENTRYPOINT.
    public var shell: [String]?
    /// Whether the command is already escaped (Windows).
    public var argsEscaped: Bool?
    /// The MAC address (API 1.41; from 1.44 set it per endpoint in `EndpointSettings.macAddress`).
    public var macAddress: String?

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

    enum CodingKeys: String, CodingKey, CaseIterable {
        case image = "Image", cmd = "Cmd", entrypoint = "Entrypoint", env = "Env", labels = "Labels"
        case workingDir = "WorkingDir", user = "User", hostname = "Hostname", domainname = "Domainname", tty = "Tty"
        case openStdin = "OpenStdin", stdinOnce = "StdinOnce", attachStdin = "AttachStdin"
        case attachStdout = "AttachStdout", attachStderr = "AttachStderr", exposedPorts = "ExposedPorts"
        case healthcheck = "Healthcheck", stopSignal = "StopSignal", stopTimeout = "StopTimeout", volumes = "Volumes"
        case networkDisabled = "NetworkDisabled", onBuild = "OnBuild", shell = "Shell", argsEscaped = "ArgsEscaped"
        case macAddress = "MacAddress"
    }

    private struct Empty: Codable, Equatable {}

    /// Decodes the Engine API's JSON.
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
        domainname = try c.decodeIfPresent(String.self, forKey: .domainname)
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
        volumes = try c.decodeIfPresent([String: Empty].self, forKey: .volumes).map { $0.keys.sorted() }
        networkDisabled = try c.decodeIfPresent(Bool.self, forKey: .networkDisabled)
        onBuild = try c.decodeIfPresent([String].self, forKey: .onBuild)
        shell = try c.decodeIfPresent([String].self, forKey: .shell)
        argsEscaped = try c.decodeIfPresent(Bool.self, forKey: .argsEscaped)
        macAddress = try c.decodeIfPresent(String.self, forKey: .macAddress)
    }

    /// Encodes the Engine API's JSON; nil fields are left out.
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
        try c.encodeIfPresent(domainname, forKey: .domainname)
        try c.encodeIfPresent(tty, forKey: .tty)
        try c.encodeIfPresent(openStdin, forKey: .openStdin)
        try c.encodeIfPresent(stdinOnce, forKey: .stdinOnce)
        try c.encodeIfPresent(attachStdin, forKey: .attachStdin)
        try c.encodeIfPresent(attachStdout, forKey: .attachStdout)
        try c.encodeIfPresent(attachStderr, forKey: .attachStderr)
        if let exposedPorts {
            try c.encode(Dictionary(exposedPorts.map { ($0, Empty()) }, uniquingKeysWith: { a, _ in a }), forKey: .exposedPorts)
        }
        try c.encodeIfPresent(healthcheck, forKey: .healthcheck)
        try c.encodeIfPresent(stopSignal, forKey: .stopSignal)
        try c.encodeIfPresent(stopTimeout, forKey: .stopTimeout)
        if let volumes {
            try c.encode(Dictionary(volumes.map { ($0, Empty()) }, uniquingKeysWith: { a, _ in a }), forKey: .volumes)
        }
        try c.encodeIfPresent(networkDisabled, forKey: .networkDisabled)
        try c.encodeIfPresent(onBuild, forKey: .onBuild)
        try c.encodeIfPresent(shell, forKey: .shell)
        try c.encodeIfPresent(argsEscaped, forKey: .argsEscaped)
        try c.encodeIfPresent(macAddress, forKey: .macAddress)
    }
}

/// A container's health check (`HealthConfig`); durations are whole nanoseconds on the wire.
public struct HealthConfig: Codable, Sendable, Equatable {
    /// `["CMD", ...]`, `["CMD-SHELL", "..."]` or `["NONE"]`; empty inherits the image's.
    public var test: [String]?
    /// Time between checks (0 or nil: the default, 30 s).
    public var intervalDuration: Duration?
    /// Time before a check counts as failed (0 or nil: 30 s).
    public var timeoutDuration: Duration?
    /// Failures before unhealthy (0 or nil: 3).
    public var retries: Int?
    /// Grace after start during which failures do not count (0 or nil: none).
    public var startPeriodDuration: Duration?
    /// Time between checks during the start period (API 1.44+; 0 or nil: 5 s).
    public var startInterval: Duration?

    /// Nanoseconds between checks.
    @available(*, deprecated, renamed: "intervalDuration")
    public var interval: Int64? {
        get { intervalDuration.map(Self.nanoseconds) }
        set { intervalDuration = newValue.map { .nanoseconds($0) } }
    }
    /// Nanoseconds before a check counts as failed.
    @available(*, deprecated, renamed: "timeoutDuration")
    public var timeout: Int64? {
        get { timeoutDuration.map(Self.nanoseconds) }
        set { timeoutDuration = newValue.map { .nanoseconds($0) } }
    }
    /// Nanoseconds of grace after start.
    @available(*, deprecated, renamed: "startPeriodDuration")
    public var startPeriod: Int64? {
        get { startPeriodDuration.map(Self.nanoseconds) }
        set { startPeriodDuration = newValue.map { .nanoseconds($0) } }
    }

    /// Creates a health check; durations in seconds.
    public init(test: [String], interval: Double? = nil, timeout: Double? = nil, retries: Int? = nil,
                startPeriod: Double? = nil) {
        self.test = test
        intervalDuration = interval.map { .nanoseconds(Int64($0 * 1e9)) }
        timeoutDuration = timeout.map { .nanoseconds(Int64($0 * 1e9)) }
        self.retries = retries
        startPeriodDuration = startPeriod.map { .nanoseconds(Int64($0 * 1e9)) }
    }

    /// Creates a health check with `Duration`s (`startInterval` needs API 1.44).
    public init(test: [String], interval: Duration?, timeout: Duration? = nil, retries: Int? = nil,
                startPeriod: Duration? = nil, startInterval: Duration? = nil) {
        self.test = test
        intervalDuration = interval
        timeoutDuration = timeout
        self.retries = retries
        startPeriodDuration = startPeriod
        self.startInterval = startInterval
    }

    /// A duration in whole nanoseconds, as the API counts.
    static func nanoseconds(_ duration: Duration) -> Int64 {
        let (seconds, attoseconds) = duration.components
        return seconds * 1_000_000_000 + attoseconds / 1_000_000_000
    }

    enum CodingKeys: String, CodingKey, CaseIterable {
        case test = "Test", interval = "Interval", timeout = "Timeout", retries = "Retries"
        case startPeriod = "StartPeriod", startInterval = "StartInterval"
    }

    /// Decodes the Engine API's JSON (durations in nanoseconds).
    public init(from decoder: Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        func duration(_ key: CodingKeys) throws -> Duration? {
            try c.decodeIfPresent(Int64.self, forKey: key).map { .nanoseconds($0) }
        }
        test = try c.decodeIfPresent([String].self, forKey: .test)
        intervalDuration = try duration(.interval)
        timeoutDuration = try duration(.timeout)
        retries = try c.decodeIfPresent(Int.self, forKey: .retries)
        startPeriodDuration = try duration(.startPeriod)
        startInterval = try duration(.startInterval)
    }

    /// Encodes the Engine API's JSON (durations in nanoseconds); nil fields are left out.
    public func encode(to encoder: Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encodeIfPresent(test, forKey: .test)
        try c.encodeIfPresent(intervalDuration.map(Self.nanoseconds), forKey: .interval)
        try c.encodeIfPresent(timeoutDuration.map(Self.nanoseconds), forKey: .timeout)
        try c.encodeIfPresent(retries, forKey: .retries)
        try c.encodeIfPresent(startPeriodDuration.map(Self.nanoseconds), forKey: .startPeriod)
        try c.encodeIfPresent(startInterval.map(Self.nanoseconds), forKey: .startInterval)
    }
}
