import DockerSDK
import Foundation

/// What a test container is: image, command, environment, files, ports, networks, labels and
/// the wait strategy that says when it is ready.
///
/// ```swift
/// var redis = ContainerDefinition(image: "dockersdk/redis:7", command: ["redis-server", "--save", ""])
/// redis.exposedPorts = [6379]
/// redis.waitStrategy = .all(.logLine("Ready to accept connections"), .tcpPort(6379))
/// try await withContainer(redis) { container in
///     let port = try container.mappedPort(6379)   // on 127.0.0.1, chosen by the daemon
/// }
/// ```
public struct ContainerDefinition: Sendable {
    /// A file copied into the container before it starts.
    public struct File: Sendable, Equatable {
        /// Absolute path in the container; missing parent folders are created.
        public var path: String
        /// The contents.
        public var contents: Data
        /// Permission bits.
        public var mode: Int

        /// A file at `path` with `contents`.
        public init(path: String, contents: Data, mode: Int = 0o644) {
            self.path = path
            self.contents = contents
            self.mode = mode
        }

        /// A text file at `path`.
        public init(path: String, text: String, mode: Int = 0o644) {
            self.init(path: path, contents: Data(text.utf8), mode: mode)
        }
    }

    /// A network to attach the container to, with the DNS names it has there.
    public struct NetworkAttachment: Sendable, Equatable {
        /// The network's name or ID.
        public var network: String
        /// Extra DNS names on that network.
        public var aliases: [String]

        /// An attachment.
        public init(_ network: String, aliases: [String] = []) {
            self.network = network
            self.aliases = aliases
        }
    }

    /// The image; it must be present locally (nothing is pulled). With `build`, the built image's tag
    /// is filled in at start.
    public var image: String
    /// A Dockerfile context to build the image from (once per process and content hash), instead of `image`.
    public var build: DockerfileBuild?
    /// The command (`Cmd`); nil keeps the image's.
    public var command: [String]?
    /// The entrypoint; nil keeps the image's.
    public var entrypoint: [String]?
    /// Environment variables.
    public var env: [String: String]
    /// Files copied in before start.
    public var files: [File]
    /// Container TCP ports published on 127.0.0.1, each on a host port the daemon picks.
    public var exposedPorts: [Int]
    /// Networks to attach to (the first at creation, the others before start).
    public var networks: [NetworkAttachment]
    /// Extra labels (the session's labels are always added).
    public var labels: [String: String]
    /// What makes the container ready; nil: ready once started.
    public var waitStrategy: WaitStrategy?
    /// A Docker health check (for `.healthy`).
    public var healthcheck: HealthConfig?
    /// The container name starts with it; the session id and a counter follow.
    public var namePrefix: String
    /// Anything else, applied to the create request last.
    public var customize: (@Sendable (inout ContainerCreate) -> Void)?

    /// A definition of `image` running `command`.
    public init(image: String, command: [String]? = nil, env: [String: String] = [:], exposedPorts: [Int] = [],
                waitStrategy: WaitStrategy? = nil, namePrefix: String = "dt") {
        self.image = image
        self.command = command
        entrypoint = nil
        self.env = env
        files = []
        self.exposedPorts = exposedPorts
        networks = []
        labels = [:]
        self.waitStrategy = waitStrategy
        healthcheck = nil
        self.namePrefix = namePrefix
        customize = nil
        build = nil
    }

    /// A definition of the image built from `build` (see `DockerfileBuild`), running `command`.
    public init(build: DockerfileBuild, command: [String]? = nil, env: [String: String] = [:], exposedPorts: [Int] = [],
                waitStrategy: WaitStrategy? = nil, namePrefix: String = "dt") {
        self.init(image: "", command: command, env: env, exposedPorts: exposedPorts, waitStrategy: waitStrategy,
                  namePrefix: namePrefix)
        self.build = build
    }

    /// Refuses what cannot work before anything is created.
    func validate() throws {
        guard !image.isEmpty || build != nil else {
            throw DockerError.invalidArgument("a container definition needs an image or a Dockerfile context")
        }
        if let build, build.context.isEmpty { throw DockerError.invalidArgument("a Dockerfile build needs a context folder") }
        for port in exposedPorts where !(1...65535).contains(port) {
            throw DockerError.invalidArgument("exposed port \(port) is not in 1...65535")
        }
        for file in files where !file.path.hasPrefix("/") || file.path.hasSuffix("/") || file.path.contains("/../") {
            throw DockerError.invalidArgument("file path \(file.path) must be an absolute path to a file")
        }
        for key in env.keys where key.isEmpty || key.contains("=") {
            throw DockerError.invalidArgument("environment variable name \"\(key)\" is empty or contains =")
        }
        try waitStrategy?.validate(exposedPorts: exposedPorts)
    }

    /// The create request, labelled for `session`.
    func createRequest(session: TestSession) -> ContainerCreate {
        var config = ContainerConfig(image: image, cmd: command, entrypoint: entrypoint,
                                     env: env.isEmpty ? nil : env.sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value)" },
                                     labels: labels.merging(session.labels) { _, session in session },
                                     healthcheck: healthcheck)
        var host = HostConfig()
        if !exposedPorts.isEmpty {
            config.exposedPorts = exposedPorts.map { "\($0)/tcp" }
            for port in exposedPorts { host.publish(port, hostIP: "127.0.0.1") }
        }
        var endpoints: [String: EndpointSettings]?
        if let first = networks.first {
            host.networkMode = first.network
            endpoints = [first.network: EndpointSettings(aliases: first.aliases.isEmpty ? nil : first.aliases)]
        }
        var request = ContainerCreate(config: config, hostConfig: host, endpoints: endpoints)
        customize?(&request)
        return request
    }

    /// Creates the container, copies the files, starts it and waits until it is ready.
    ///
    /// On any failure (also cancellation) the container is removed before the error is thrown.
    /// Prefer `withContainer`, which also removes it after use.
    public func start(docker: DockerClient? = nil) async throws -> StartedContainer {
        try validate()
        let docker = try docker ?? DockerClient()
        let session = TestSession.shared
        try session.ensureReaper(for: docker)
        var resolved = self
        if let build {
            resolved.image = try await DockerfileImages.shared.image(for: build, docker: docker, session: session)
        }
        return try await resolved.startResolved(docker: docker, session: session)
    }

    private func startResolved(docker: DockerClient, session: TestSession) async throws -> StartedContainer {
        let name = session.uniqueName(namePrefix)
        do {
            let id = try await docker.containers.create(createRequest(session: session), name: name).id
            for attachment in networks.dropFirst() {
                try await docker.networks.connect(network: attachment.network, container: id,
                                                  config: EndpointSettings(aliases: attachment.aliases.isEmpty ? nil : attachment.aliases))
            }
            if !files.isEmpty {
                let entries = files.map { TarArchive.Entry.file(String($0.path.dropFirst()), $0.contents, mode: $0.mode) }
                try await docker.containers.upload(id, files: entries, to: "/")
            }
            try await docker.containers.start(id)
            let container = try await StartedContainer(docker: docker, id: id, name: name, definition: self)
            if let waitStrategy { try await waitStrategy.wait(for: container) }
            return container
        } catch {
            await StartedContainer.remove(name, docker: docker)
            throw error
        }
    }
}

extension ContainerDefinition: CustomStringConvertible, CustomReflectable {
    /// Image, command, ports, networks and the names (never the values) of the environment.
    public var description: String {
        var parts = [build.map { "build \($0.context)" } ?? "image \(image)"]
        if let command { parts.append("command \(command.first ?? "")") }
        if !env.isEmpty { parts.append("env " + env.keys.sorted().joined(separator: ",")) }
        if !exposedPorts.isEmpty { parts.append("ports " + exposedPorts.map(String.init).joined(separator: ",")) }
        if !networks.isEmpty { parts.append("networks " + networks.map(\.network).joined(separator: ",")) }
        if let waitStrategy { parts.append("wait for \(waitStrategy)") }
        return "ContainerDefinition(" + parts.joined(separator: "; ") + ")"
    }

    /// No children: dumps and debuggers show `description`, which leaves environment values out
    /// (they often hold passwords).
    public var customMirror: Mirror { Mirror(self, children: []) }
}
