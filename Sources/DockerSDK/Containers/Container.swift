import Foundation

/// A handle on one container: its ID and the client, with the everyday operations on it.
///
/// `containers.runDetached` returns one; `containers.container(_:)` makes one for an existing container.
public struct Container: Sendable {
    /// The container's ID.
    public let id: String
    /// The name it was created with, if one was given.
    public let name: String?
    /// The client the operations go through.
    public let client: DockerClient

    /// A handle on the container `id` (an ID or a name) of `client`.
    public init(id: String, name: String? = nil, client: DockerClient) {
        self.id = id
        self.name = name
        self.client = client
    }

    private var containers: ContainersAPI { client.containers }

    /// The container in detail.
    public func inspect() async throws -> ContainerInspect {
        try await containers.inspect(id)
    }

    /// Its output so far (or followed, with `options.follow`).
    public func logs(_ options: LogsOptions = LogsOptions()) async throws -> ContainerOutput {
        try await containers.logs(id, options: options)
    }

    /// Runs `command` in it to the end and returns its output and exit code (see `ExecAPI.run`).
    public func exec(_ command: [String], stdin: Data? = nil, env: [String]? = nil, workingDir: String? = nil,
                     user: String? = nil, privileged: Bool = false, tty: Bool = false) async throws -> ExecResult {
        try await client.exec.run(command, in: id, stdin: stdin, env: env, workingDir: workingDir, user: user,
                                  privileged: privileged, tty: tty)
    }

    /// Starts it; `.alreadyStarted` when it runs.
    @discardableResult
    public func start() async throws -> ContainerStartOutcome {
        try await containers.start(id)
    }

    /// Stops it, killing it after `timeout` seconds; `.alreadyStopped` when it was not running.
    @discardableResult
    public func stop(timeout: Int? = nil) async throws -> ContainerStopOutcome {
        try await containers.stop(id, timeout: timeout)
    }

    /// Sends it a signal (default `SIGKILL`); a container that is not running is `.conflict`.
    public func kill(signal: String? = nil) async throws {
        try await containers.kill(id, signal: signal)
    }

    /// Removes it; `force` kills it first, `volumes` removes its anonymous volumes.
    public func remove(force: Bool = false, volumes: Bool = false) async throws {
        try await containers.remove(id, force: force, volumes: volumes)
    }

    /// Waits until it meets `condition` and returns its exit code.
    public func wait(condition: WaitCondition = .notRunning) async throws -> ContainerWaitResult {
        try await containers.wait(id, condition: condition)
    }

    /// The host port that `port`/`protocol` is published on; `.invalidArgument` when it is not published.
    ///
    /// With bindings on several addresses, the IPv4 one is taken.
    public func mappedPort(_ port: Int, protocol proto: PortSpec.PortProtocol = .tcp) async throws -> Int {
        try await mappedEndpoint(port, protocol: proto).port
    }

    /// The host address and port that `port`/`protocol` is published on (an unspecified address,
    /// `0.0.0.0` or `::`, is given as the loopback address of its family).
    public func mappedEndpoint(_ port: Int, protocol proto: PortSpec.PortProtocol = .tcp) async throws
        -> (host: String, port: Int)
    {
        let key = "\(port)/\(proto.rawValue)"
        let info = try await inspect()
        // A stopped container publishes nothing (Podman still lists the bindings it will use again).
        let bindings = info.state.running ? ((info.networkSettings?.ports?[key] ?? nil) ?? []) : []
        let usable = bindings.compactMap { binding -> (host: String, port: Int)? in
            guard let text = binding.hostPort, let hostPort = Int(text) else { return nil }
            let ip = binding.hostIP ?? ""
            let host = switch ip {
            case "", "0.0.0.0": "127.0.0.1"
            case "::": "::1"
            default: ip
            }
            return (host, hostPort)
        }
        guard let chosen = usable.first(where: { !$0.host.contains(":") }) ?? usable.first else {
            let why = info.state.running ? "" : " (the container is not running)"
            throw DockerError.invalidArgument("port \(key) of container \(name ?? id) is not published\(why)")
        }
        return chosen
    }
}

extension ContainersAPI {
    /// A handle on an existing container, by ID or name.
    public func container(_ id: String) -> Container {
        Container(id: id, client: client)
    }
}
