import Foundation

/// When `containers.run` pulls the image.
public enum PullPolicy: String, Sendable, Equatable {
    /// Only when it is not there locally (the default, like `docker run`).
    case missing
    /// Every time, to get the newest.
    case always
    /// Never: a missing image is `.notFound`.
    case never
}

/// Everything `containers.run` takes besides the image and the command.
///
/// Fields set here are laid over `config` and `hostConfig`, which carry any other setting.
public struct RunOptions: Sendable {
    /// The container's name; nil lets the daemon pick one.
    public var name: String?
    /// Environment entries, `NAME=value`, added to `config.env`.
    public var env: [String]
    /// Labels, added to `config.labels`.
    public var labels: [String: String]
    /// Ports to publish (`-p`); each is exposed too.
    public var ports: [PortSpec]
    /// The host address for ports whose spec names none: loopback unless said otherwise, so that
    /// nothing is reachable from other machines by accident. `nil` publishes on every address, as the
    /// docker CLI does.
    public var publishAddress: String?
    /// Allocate a TTY (`-t`; `config.tty` does the same); the output then arrives raw, stdout and
    /// stderr together, as stdout.
    public var tty: Bool
    /// The network mode or a network's name (`--network`).
    public var network: String?
    /// When to pull the image.
    public var pull: PullPolicy
    /// Credentials for the pull.
    public var auth: RegistryAuth?
    /// The platform to pull, e.g. `linux/amd64`.
    public var platform: String?
    /// Keep the container after an attached run has ended (normally it is removed).
    public var keep: Bool
    /// For an attached run: kill the container after this long and throw `.timedOut`; nil waits for its end.
    public var timeout: Duration?
    /// For an attached run: the most output kept, stdout and stderr together; more is `.malformedResponse`.
    public var outputLimit: Int
    /// The base configuration (entrypoint, user, working directory, health check...).
    public var config: ContainerConfig
    /// The base host configuration (mounts, limits, capabilities, restart policy...).
    public var hostConfig: HostConfig
    /// Endpoints on networks to join at creation, by network name.
    public var endpoints: [String: EndpointSettings]?

    /// Creates run options.
    public init(name: String? = nil, env: [String] = [], labels: [String: String] = [:], ports: [PortSpec] = [],
                publishAddress: String? = "127.0.0.1", tty: Bool = false, network: String? = nil,
                pull: PullPolicy = .missing, auth: RegistryAuth? = nil, platform: String? = nil, keep: Bool = false,
                timeout: Duration? = nil, outputLimit: Int = 64 << 20, config: ContainerConfig = ContainerConfig(),
                hostConfig: HostConfig = HostConfig(), endpoints: [String: EndpointSettings]? = nil) {
        self.name = name
        self.env = env
        self.labels = labels
        self.ports = ports
        self.publishAddress = publishAddress
        self.tty = tty
        self.network = network
        self.pull = pull
        self.auth = auth
        self.platform = platform
        self.keep = keep
        self.timeout = timeout
        self.outputLimit = outputLimit
        self.config = config
        self.hostConfig = hostConfig
        self.endpoints = endpoints
    }

    /// The create request for `image` and `command`.
    func create(image: String, command: [String]?, attach: Bool) -> ContainerCreate {
        var config = self.config
        config.image = image
        if let command { config.cmd = command }
        if !env.isEmpty { config.env = (config.env ?? []) + env }
        if !labels.isEmpty { config.labels = (config.labels ?? [:]).merging(labels) { $1 } }
        if tty { config.tty = true }
        config.attachStdout = attach
        config.attachStderr = attach
        var host = hostConfig
        if let network { host.networkMode = network }
        for spec in ports {
            config.expose(spec)
            host.publish(spec, defaultHostIP: publishAddress)
        }
        return ContainerCreate(config: config, hostConfig: host, endpoints: endpoints)
    }
}

/// What a container run to its end produced (`containers.run`).
public struct ContainerRunResult: Sendable, Equatable {
    /// The container's ID (removed by now unless `keep` was set).
    public var id: String
    /// The exit code.
    public var exitCode: Int
    /// Everything written to stdout (with a TTY, stdout and stderr together).
    public var stdout: Data
    /// Everything written to stderr (empty with a TTY).
    public var stderr: Data

    /// Creates a result.
    public init(id: String, exitCode: Int, stdout: Data, stderr: Data) {
        self.id = id
        self.exitCode = exitCode
        self.stdout = stdout
        self.stderr = stderr
    }

    /// stdout as UTF-8 text.
    public var stdoutText: String { String(decoding: stdout, as: UTF8.self) }
    /// stderr as UTF-8 text.
    public var stderrText: String { String(decoding: stderr, as: UTF8.self) }
}

extension ContainersAPI {
    /// Runs `command` in a new container of `image` to its end, like `docker run --rm` (docker-py's
    /// `containers.run`): pulls the image when it is missing, creates, attaches, starts, waits, and
    /// removes the container (unless `options.keep`), also when anything fails or the task is cancelled.
    ///
    /// ```swift
    /// let result = try await docker.containers.run("dockersdk/busybox", ["sh", "-c", "echo hi; exit 3"])
    /// result.exitCode     // 3
    /// result.stdoutText   // "hi\n"
    /// ```
    public func run(_ image: String, _ command: [String]? = nil,
                    options: RunOptions = RunOptions()) async throws -> ContainerRunResult {
        try await ensureImage(image, options: options)
        let spec = options.create(image: image, command: command, attach: true)
        let id = try await create(spec, name: options.name).id
        do {
            // One TTY setting, the one the container is created with, decides how its output is read.
            let result = try await attachStartWait(id, tty: spec.config.tty ?? false, options: options)
            if !options.keep { try await remove(id, force: true, volumes: true) }
            return result
        } catch {
            if !options.keep { await removeDetached(id) }
            throw error
        }
    }

    /// Starts `command` in a new container of `image` and returns at once with a handle on it (`docker run
    /// -d`): pulls the image when it is missing, creates and starts it. A container that fails to start
    /// is removed. Ports without an address are published on `options.publishAddress` (127.0.0.1).
    public func runDetached(_ image: String, _ command: [String]? = nil,
                            options: RunOptions = RunOptions()) async throws -> Container {
        try await ensureImage(image, options: options)
        let id = try await create(options.create(image: image, command: command, attach: false), name: options.name).id
        do {
            try await start(id)
        } catch {
            await removeDetached(id)
            throw error
        }
        return Container(id: id, name: options.name, client: client)
    }

    /// Pulls `image` as the pull policy says.
    private func ensureImage(_ image: String, options: RunOptions) async throws {
        switch options.pull {
        case .never:
            return
        case .missing:
            if try await client.images.exists(image) { return }
        case .always:
            break
        }
        try await client.images.pull(image, platform: options.platform, auth: options.auth).wait()
    }

    /// Attaches to stdout and stderr, starts the container, reads its output to the end and waits for its exit code.
    private func attachStartWait(_ id: String, tty: Bool, options: RunOptions) async throws -> ContainerRunResult {
        // The TTY setting is ours: no inspect needed to know how the output is framed.
        let query = [QueryItem("stream", "1"), QueryItem("stdin", "0"), QueryItem("stdout", "1"),
                     QueryItem("stderr", "1"), QueryItem("logs", "0")]
        let connection = try await client.openHijacked("POST", "/containers/\(Self.escape(id))/attach", query: query)
        let session = AttachedSession(connection: connection, multiplexed: !tty)
        defer { session.close() }
        try await start(id)
        let limit = options.outputLimit
        let run: @Sendable () async throws -> ContainerRunResult = {
            let output = try await session.output.collect(limit: limit)
            let status = try await self.wait(id)
            if let message = status.error?.message, !message.isEmpty {
                throw DockerError.streamError(message: "waiting for container \(id): \(message)")
            }
            return ContainerRunResult(id: id, exitCode: status.statusCode, stdout: output.stdout, stderr: output.stderr)
        }
        guard let timeout = options.timeout else { return try await run() }
        return try await withThrowingTaskGroup(of: ContainerRunResult?.self) { group in
            group.addTask { try await run() }
            group.addTask {
                try await Task.sleep(for: timeout)
                return nil
            }
            defer { group.cancelAll() }
            guard let first = try await group.next(), let result = first else {
                try? await self.kill(id)
                session.close()
                let parts = timeout.components
                throw DockerError.timedOut(seconds: Double(parts.seconds) + Double(parts.attoseconds) / 1e18)
            }
            return result
        }
    }

    /// Force-removes a container from a fresh task, so that a cancelled caller still cleans up.
    private func removeDetached(_ id: String) async {
        let api = self
        await Task.detached { try? await api.remove(id, force: true, volumes: true) }.value
    }
}
