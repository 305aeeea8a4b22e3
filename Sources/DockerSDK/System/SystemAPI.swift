import Foundation

/// The System area: `/_ping`, `/version`, `/info`, `/system/df`, `/events`.
public struct SystemAPI: Sendable {
    let client: DockerClient

    /// Pings the daemon (unversioned `GET /_ping`) and reads what its headers say.
    public func ping() async throws -> PingResult {
        let response = try await client.send("GET", "/_ping", timeout: .seconds(30), versioned: false)
        return PingResult(headers: response.headers)
    }

    /// The daemon's version and its components (`GET /version`).
    ///
    /// On Podman, calls made while a `GET /version` is in flight share its answer (Podman runs the package
    /// manager for each answer: README, Podman).
    public func version() async throws -> SystemVersion {
        let client = self.client
        let fetch: @Sendable () async throws -> SystemVersion = { try await client.decode(SystemVersion.self, "GET", "/version") }
        _ = try await client.apiVersion()  // the negotiating ping, which tells the engine
        guard await client.knownEngine?.isPodman == true else { return try await fetch() }
        return try await client.engineDetector.sharedVersion(fetch)
    }

    /// System-wide information (`GET /info`).
    public func info() async throws -> SystemInfo {
        try await client.decode(SystemInfo.self, "GET", "/info")
    }

    /// Space used by images, containers, volumes and the build cache (`GET /system/df`).
    ///
    /// From API 1.52 the daemon lists the objects only with `verbose=1`, which is then sent, so
    /// `images`, `containers` and `volumes` are filled on every version.
    public func diskUsage() async throws -> DiskUsage {
        let query = try await client.apiVersion() >= APIVersion(1, 52) ? [QueryItem("verbose", "1")] : []
        var usage = try await client.decode(DiskUsage.self, "GET", "/system/df", query: query)
        if let images = usage.images, await client.knownEngine?.isPodman == true {
            // Podman's /system/df lists only the tags (`["latest"]`) and bare IDs: take the names from
            // the image list.
            let named = Dictionary(try await client.images.list().map { ($0.id, $0.repoTags) }, uniquingKeysWith: { a, _ in a })
            usage.images = images.map { image in
                var image = image
                image.id = EngineCompatibility.imageID(image.id)
                if let tags = named[image.id] { image.repoTags = tags }
                return image
            }
        }
        return usage
    }

    /// The daemon's events as they happen (`GET /events`); without `until` the stream is endless.
    ///
    /// Cancel the consuming task (or stop iterating) to close it.
    public func events(since: Date? = nil, until: Date? = nil, filters: Filters = Filters()) async throws
        -> JSONLineStream<DockerEvent>
    {
        var query: [QueryItem] = []
        if let since { query.append(QueryItem("since", Self.timestamp(since))) }
        if let until { query.append(QueryItem("until", Self.timestamp(until))) }
        if let filter = filters.queryItem { query.append(filter) }
        let response = try await client.openStream("GET", "/events", query: query)
        return JSONLineStream(bytes: response.body, what: "GET /events")
    }

    static func timestamp(_ date: Date) -> String {
        String(format: "%.9f", date.timeIntervalSince1970)
    }
}

/// What `/_ping` tells through its headers.
public struct PingResult: Sendable, Equatable {
    /// The newest API version the daemon serves (`Api-Version`).
    public var apiVersion: APIVersion?
    /// `linux` or `windows` (`OSType`).
    public var osType: String?
    /// Whether experimental features are on (`Docker-Experimental`).
    public var experimental: Bool
    /// The default builder, `1` or `2` (`Builder-Version`).
    public var builderVersion: String?
    /// The `Server` header, e.g. `Docker/20.10.24+dfsg1 (linux)`.
    public var server: String?
    /// Podman's own API version, when the daemon is Podman (`Libpod-Api-Version`).
    public var libpodAPIVersion: String?

    /// Reads the ping headers.
    public init(headers: HTTPHeaders) {
        apiVersion = headers["Api-Version"].flatMap(APIVersion.init)
        osType = headers["Ostype"]
        experimental = headers["Docker-Experimental"] == "true"
        builderVersion = headers["Builder-Version"]
        server = headers["Server"]
        libpodAPIVersion = headers["Libpod-Api-Version"]
    }
}
