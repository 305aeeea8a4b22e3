/// An exec's state (`GET /exec/{id}/json`).
public struct ExecInspect: Codable, Sendable, Equatable {
    /// The exec's ID.
    public var id: String
    /// Whether it still runs.
    public var running: Bool
    /// The exit code, once it ended.
    public var exitCode: Int?
    /// The container it runs in.
    public var containerID: String?
    /// The process's PID on the host.
    public var pid: Int?
    /// Whether it can be removed.
    public var canRemove: Bool?
    /// The key sequence that detaches.
    public var detachKeys: String?
    /// What it runs and how.
    public var processConfig: ProcessConfig?
    /// Whether stdin is attached.
    public var openStdin: Bool?
    /// Whether stderr is attached.
    public var openStderr: Bool?
    /// Whether stdout is attached.
    public var openStdout: Bool?

    /// An exec's process (`ProcessConfig`).
    public struct ProcessConfig: Codable, Sendable, Equatable {
        /// Whether it has extended privileges.
        public var privileged: Bool?
        /// The user.
        public var user: String?
        /// Whether it has a TTY.
        public var tty: Bool?
        /// The executable.
        public var entrypoint: String?
        /// Its arguments.
        public var arguments: [String]?
        enum CodingKeys: String, CodingKey, CaseIterable { case privileged, user, tty, entrypoint, arguments }
    }

    enum CodingKeys: String, CodingKey, CaseIterable {
        case id = "ID", running = "Running", exitCode = "ExitCode", containerID = "ContainerID", pid = "Pid"
        case canRemove = "CanRemove", detachKeys = "DetachKeys", processConfig = "ProcessConfig"
        case openStdin = "OpenStdin", openStderr = "OpenStderr", openStdout = "OpenStdout"
    }
}
