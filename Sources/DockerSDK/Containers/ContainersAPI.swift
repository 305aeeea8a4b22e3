import Foundation

extension DockerClient {
    /// The Containers area: create, inspect, start, stop, logs, archives...
    public var containers: ContainersAPI { ContainersAPI(client: self) }
}

/// The Containers area of the Engine API (`/containers/...`).
public struct ContainersAPI: Sendable {
    let client: DockerClient

    /// Lists containers (`docker ps`); `all` includes stopped ones.
    public func list(all: Bool = false, filters: Filters = Filters(), size: Bool = false) async throws -> [ContainerSummary] {
        var query = [QueryItem("all", all ? "1" : "0")]
        if size { query.append(QueryItem("size", "1")) }
        if let filter = filters.queryItem { query.append(filter) }
        return try await client.decode([ContainerSummary].self, "GET", "/containers/json", query: query)
    }

    /// Creates a container; a missing image is `.notFound` naming it, a name in use `.conflict`, a field
    /// newer than the negotiated API version `.requiresAPIVersion` (nothing is sent then).
    @discardableResult
    public func create(_ spec: ContainerCreate, name: String? = nil) async throws -> ContainerCreateResponse {
        let query = name.map { [QueryItem("name", $0)] } ?? []
        try await client.checkVersion(of: spec)
        try await EngineCompatibility.createLabelledVolumes(of: spec, client: client)
        return try await client.decode(ContainerCreateResponse.self, "POST", "/containers/create", query: query,
                                       body: .json(spec))
    }

    /// Inspects a container by ID or name.
    public func inspect(_ id: String) async throws -> ContainerInspect {
        let path = "/containers/\(Self.escape(id))/json"
        let response = try await client.send("GET", path)
        let body = EngineCompatibility.containerInspectBody(response.body, engine: await client.knownEngine)
        return try JSONCoding.decode(ContainerInspect.self, from: body, what: "GET \(path)")
    }

    /// Starts a container; starting a running one is not an error but answers `.alreadyStarted` (HTTP 304).
    @discardableResult
    public func start(_ id: String) async throws -> ContainerStartOutcome {
        let response = try await client.send("POST", "/containers/\(Self.escape(id))/start", accept: [304])
        return response.status == 304 ? .alreadyStarted : .started
    }

    /// Stops a container, killing it after `timeout` seconds; stopping a stopped one is not an error but
    /// answers `.alreadyStopped` (HTTP 304).
    @discardableResult
    public func stop(_ id: String, timeout: Int? = nil) async throws -> ContainerStopOutcome {
        let query = timeout.map { [QueryItem("t", String($0))] } ?? []
        let response = try await client.send("POST", "/containers/\(Self.escape(id))/stop", query: query, accept: [304],
                                             longRunning: true)
        return response.status == 304 ? .alreadyStopped : .stopped
    }

    /// Restarts a container.
    public func restart(_ id: String, timeout: Int? = nil) async throws {
        let query = timeout.map { [QueryItem("t", String($0))] } ?? []
        _ = try await client.send("POST", "/containers/\(Self.escape(id))/restart", query: query, longRunning: true)
    }

    /// Sends a signal (default `SIGKILL`).
    public func kill(_ id: String, signal: String? = nil) async throws {
        let query = signal.map { [QueryItem("signal", $0)] } ?? []
        _ = try await client.send("POST", "/containers/\(Self.escape(id))/kill", query: query)
    }

    /// Pauses every process in the container.
    public func pause(_ id: String) async throws {
        _ = try await client.send("POST", "/containers/\(Self.escape(id))/pause")
    }

    /// Resumes a paused container.
    public func unpause(_ id: String) async throws {
        _ = try await client.send("POST", "/containers/\(Self.escape(id))/unpause")
    }

    /// Renames a container.
    public func rename(_ id: String, to name: String) async throws {
        _ = try await client.send("POST", "/containers/\(Self.escape(id))/rename", query: [QueryItem("name", name)])
    }

    /// Changes a container's resource limits or restart policy.
    @discardableResult
    public func update(_ id: String, _ update: ContainerUpdate) async throws -> ContainerUpdateResult {
        try await client.decode(ContainerUpdateResult.self, "POST", "/containers/\(Self.escape(id))/update",
                                body: .json(update))
    }

    /// Removes a container; `force` kills it first, `volumes` removes its anonymous volumes.
    public func remove(_ id: String, force: Bool = false, volumes: Bool = false) async throws {
        var query: [QueryItem] = []
        if force { query.append(QueryItem("force", "1")) }
        if volumes { query.append(QueryItem("v", "1")) }
        _ = try await client.send("DELETE", "/containers/\(Self.escape(id))", query: query)
    }

    /// Waits until the container meets `condition` and returns its exit code.
    public func wait(_ id: String, condition: WaitCondition = .notRunning) async throws -> ContainerWaitResult {
        try await client.decode(ContainerWaitResult.self, "POST", "/containers/\(Self.escape(id))/wait",
                                query: [QueryItem("condition", condition.rawValue)], longRunning: true)
    }

    /// The container's output: stdout and stderr demultiplexed, or raw for a TTY.
    ///
    /// With `follow` the stream stays open until the container stops or the task is cancelled.
    public func logs(_ id: String, options: LogsOptions = LogsOptions()) async throws -> ContainerOutput {
        // From API 1.42 the answer's Content-Type says; before, the container's Tty setting does.
        let tty: Bool? = try await client.apiVersion() < Self.contentTypeSaysMultiplexing ? isMultiplexed(container: id) : nil
        var query = [QueryItem("stdout", options.stdout ? "1" : "0"), QueryItem("stderr", options.stderr ? "1" : "0")]
        if options.follow { query.append(QueryItem("follow", "1")) }
        if options.timestamps { query.append(QueryItem("timestamps", "1")) }
        if let tail = options.tail { query.append(QueryItem("tail", String(tail))) }
        if let since = options.since { query.append(QueryItem("since", SystemAPI.timestamp(since))) }
        if let until = options.until { query.append(QueryItem("until", SystemAPI.timestamp(until))) }
        let response = try await client.openStream("GET", "/containers/\(Self.escape(id))/logs", query: query)
        let multiplexed = try await multiplexing(known: tty, contentType: response.headers["Content-Type"], container: id)
        return ContainerOutput(bytes: response.body, multiplexed: multiplexed)
    }

    /// One resource-usage sample.
    public func stats(_ id: String) async throws -> ContainerStats {
        try await client.decode(ContainerStats.self, "GET", "/containers/\(Self.escape(id))/stats",
                                query: [QueryItem("stream", "0")])
    }

    /// Resource-usage samples, about one a second, until cancelled.
    public func statsStream(_ id: String) async throws -> JSONLineStream<ContainerStats> {
        let response = try await client.openStream("GET", "/containers/\(Self.escape(id))/stats",
                                                   query: [QueryItem("stream", "1")])
        return JSONLineStream(bytes: response.body, what: "container stats")
    }

    /// The processes running in the container (`docker top`).
    public func top(_ id: String, psArgs: String? = nil) async throws -> ContainerTop {
        _ = try await client.apiVersion()
        let engine = await client.knownEngine
        let query = psArgs.map { [QueryItem("ps_args", EngineCompatibility.topArguments($0, engine: engine))] } ?? []
        let path = "/containers/\(Self.escape(id))/top"
        let response = try await client.send("GET", path, query: query)
        if response.body.isEmpty, engine?.isPodman == true {
            throw DockerError.malformedResponse("GET \(path): Podman answered nothing; for ps_args it cannot read itself "
                + "it runs ps inside the container, which this image may not have")
        }
        let top = try JSONCoding.decode(ContainerTop.self, from: response.body, what: "GET \(path)")
        return EngineCompatibility.top(top, engine: engine)
    }

    /// Removes stopped containers.
    public func prune(filters: Filters = Filters()) async throws -> ContainerPruneResult {
        try await client.decode(ContainerPruneResult.self, "POST", "/containers/prune",
                                query: filters.queryItem.map { [$0] } ?? [])
    }

    /// Uploads a tar archive and extracts it into `path` in the container (which must exist).
    public func putArchive(_ id: String, path: String, tar: Data) async throws {
        _ = try await client.send("PUT", "/containers/\(Self.escape(id))/archive", query: [QueryItem("path", path)],
                                  body: .data(tar, contentType: "application/x-tar"))
    }

    /// Uploads files from memory into the folder `path` in the container, dated `modificationTime`.
    public func upload(_ id: String, files: [TarArchive.Entry], to path: String,
                       modificationTime: Date = Date()) async throws {
        try await putArchive(id, path: path, tar: TarArchive.write(files, modificationTime: modificationTime))
    }

    /// Downloads `path` from the container as a tar archive; a missing path is `.notFound`. The archive
    /// is held in memory, up to `Configuration.maxResponseBodySize`: `archive(_:path:)` streams larger ones.
    public func getArchive(_ id: String, path: String) async throws -> Data {
        try await client.send("GET", "/containers/\(Self.escape(id))/archive", query: [QueryItem("path", path)]).body
    }

    /// Reads one regular file from the container.
    public func readFile(_ id: String, path: String) async throws -> Data {
        let entries = try TarArchive.read(try await getArchive(id, path: path))
        // The archive's first entry is `path` itself; a folder's archive also holds the files inside it.
        guard let file = entries.first, file.kind == .file else {
            throw DockerError.invalidArgument("\(path) in container \(id) is not a regular file")
        }
        return file.data
    }

    /// Attaches to the container's stdio over a hijacked connection (`docker attach`).
    public func attach(_ id: String, stdin: Bool = true, stdout: Bool = true, stderr: Bool = true,
                       logs: Bool = false) async throws -> AttachedSession {
        let tty: Bool? = try await client.apiVersion() < Self.contentTypeSaysMultiplexing ? isMultiplexed(container: id) : nil
        let query = [QueryItem("stream", "1"), QueryItem("stdin", stdin ? "1" : "0"),
                     QueryItem("stdout", stdout ? "1" : "0"), QueryItem("stderr", stderr ? "1" : "0"),
                     QueryItem("logs", logs ? "1" : "0")]
        let connection = try await client.openHijacked("POST", "/containers/\(Self.escape(id))/attach", query: query)
        let multiplexed: Bool
        do {
            multiplexed = try await multiplexing(known: tty, contentType: connection.headers["Content-Type"], container: id)
        } catch {
            connection.close()
            throw error
        }
        return AttachedSession(connection: connection, multiplexed: multiplexed)
    }

    /// The first API version whose logs and attach answers say by their Content-Type whether the
    /// output is multiplexed (1.41 sends `raw-stream` for multiplexed output too).
    static let contentTypeSaysMultiplexing = APIVersion(1, 42)

    /// Whether the container's output is multiplexed (no TTY).
    func isMultiplexed(container id: String) async throws -> Bool {
        !((try await inspect(id)).config?.tty ?? false)
    }

    /// `known` (from the Tty setting, below 1.42), else the answer's Content-Type, else an inspect.
    private func multiplexing(known: Bool?, contentType: String?, container id: String) async throws -> Bool {
        if let known { return known }
        if let contentType {
            if contentType.hasPrefix("application/vnd.docker.multiplexed-stream") { return true }
            if contentType.hasPrefix("application/vnd.docker.raw-stream") { return false }
        }
        return try await isMultiplexed(container: id)
    }

    /// An ID or name as one path segment.
    static func escape(_ id: String) -> String {
        DockerRequest.pathSegment(id)
    }
}

/// Options for `logs`.
public struct LogsOptions: Sendable, Equatable {
    /// Include stdout.
    public var stdout = true
    /// Include stderr.
    public var stderr = true
    /// Keep streaming new output.
    public var follow = false
    /// Prefix each line with its RFC 3339 timestamp.
    public var timestamps = false
    /// Only the last N lines.
    public var tail: Int?
    /// Only output after this time.
    public var since: Date?
    /// Only output before this time.
    public var until: Date?

    /// Creates log options.
    public init(stdout: Bool = true, stderr: Bool = true, follow: Bool = false, timestamps: Bool = false,
                tail: Int? = nil, since: Date? = nil, until: Date? = nil) {
        self.stdout = stdout
        self.stderr = stderr
        self.follow = follow
        self.timestamps = timestamps
        self.tail = tail
        self.since = since
        self.until = until
    }
}

/// A two-way session with a process's stdio (attach, or exec with stdin).
public struct AttachedSession: Sendable {
    /// The raw connection.
    public let connection: any HijackedConnection
    /// The process's output, demultiplexed unless it has a TTY.
    public let output: ContainerOutput

    /// Wraps a hijacked connection.
    public init(connection: any HijackedConnection, multiplexed: Bool) {
        self.connection = connection
        output = ContainerOutput(bytes: connection.output, multiplexed: multiplexed)
    }

    /// Sends bytes to the process's stdin.
    public func write(_ data: Data) async throws {
        try await connection.write(data)
    }

    /// Ends the process's stdin (EOF); output keeps coming.
    public func closeStdin() async throws {
        try await connection.closeWrite()
    }

    /// Closes the session.
    public func close() {
        connection.close()
    }
}
