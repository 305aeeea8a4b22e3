/// The answer of `GET /version`.
public struct SystemVersion: Codable, Sendable, Equatable {
    /// The engine's version, e.g. `20.10.24+dfsg1`.
    public var version: String
    /// The newest API version served.
    public var apiVersion: String
    /// The oldest API version served.
    public var minAPIVersion: String?
    /// The engine's git commit.
    public var gitCommit: String?
    /// The Go version it was built with.
    public var goVersion: String?
    /// The daemon's OS, e.g. `linux`.
    public var os: String
    /// The daemon's CPU architecture, e.g. `amd64`.
    public var arch: String
    /// The host's kernel version.
    public var kernelVersion: String?
    /// When the engine was built.
    public var buildTime: String?
    /// Whether experimental features are on.
    public var experimental: Bool?
    /// The platform's name (e.g. `Docker Engine - Community`).
    public var platform: Platform?
    /// The engine's components (Engine, containerd, runc, docker-init).
    public var components: [Component]?

    /// The platform a daemon reports.
    public struct Platform: Codable, Sendable, Equatable {
        /// The platform's name.
        public var name: String
        enum CodingKeys: String, CodingKey, CaseIterable { case name = "Name" }
    }

    /// One component and its version.
    public struct Component: Codable, Sendable, Equatable {
        /// The component's name.
        public var name: String
        /// The component's version.
        public var version: String
        /// Component-specific details, e.g. `GitCommit`, `ApiVersion`.
        public var details: [String: String]?
        enum CodingKeys: String, CodingKey, CaseIterable {
            case name = "Name", version = "Version", details = "Details"
        }
    }

    enum CodingKeys: String, CodingKey, CaseIterable {
        case version = "Version", apiVersion = "ApiVersion", minAPIVersion = "MinAPIVersion", gitCommit = "GitCommit"
        case goVersion = "GoVersion", os = "Os", arch = "Arch", kernelVersion = "KernelVersion"
        case buildTime = "BuildTime", experimental = "Experimental", platform = "Platform", components = "Components"
    }
}
