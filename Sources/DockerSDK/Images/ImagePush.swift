import Foundation

/// One event of a push, in the order the daemon reports them.
public enum PushEvent: Sendable, Equatable {
    /// A status line: `Preparing`, `Pushing` with bytes done, `Pushed`, `Layer already exists`...
    case progress(ProgressEvent)
    /// A tag was pushed: its digest in the registry (`aux`).
    case pushed(PushedImage)
}

/// A tag the registry now holds.
public struct PushedImage: Sendable, Equatable {
    /// The tag pushed.
    public var tag: String
    /// The manifest's digest, `sha256:...`.
    public var digest: String
    /// The manifest's size in bytes.
    public var size: Int64?

    /// Creates a pushed-image record.
    public init(tag: String, digest: String, size: Int64? = nil) {
        self.tag = tag
        self.digest = digest
        self.size = size
    }
}

/// The events of a push; an error line ends it with a typed error: `.unauthorized` when the
/// registry refused the credentials (with its message), else `.streamError`.
public struct PushStream: AsyncSequence, Sendable {
    /// One event of the push.
    public typealias Element = PushEvent
    let lines: JSONLineStream<StreamMessage>
    /// The engine, when known: Podman reports the digest only as a status line (EngineCompatibility).
    var engine: Engine? = nil

    /// Stops the push's transfer.
    public func cancel() {
        lines.cancel()
    }

    /// Reads to the end and returns the tags pushed with their digests; throws on an error line.
    @discardableResult
    public func wait() async throws -> [PushedImage] {
        var pushed: [PushedImage] = []
        for try await event in self {
            if case .pushed(let image) = event { pushed.append(image) }
        }
        return pushed
    }

    /// Iterates the push's events.
    public func makeAsyncIterator() -> Iterator {
        Iterator(base: lines.makeAsyncIterator(), engine: engine)
    }

    /// Yields events until the end or an error line.
    public struct Iterator: AsyncIteratorProtocol {
        var base: JSONLineStream<StreamMessage>.Iterator
        var engine: Engine? = nil
        var pending: PushEvent?

        /// The next event; nil at the end; throws on an error line.
        public mutating func next() async throws -> PushEvent? {
            if let event = pending {
                pending = nil
                return event
            }
            guard let message = try await base.next() else { return nil }
            if let error = message.errorMessage {
                throw RegistryErrors.refine(.streamError(message: error))
            }
            if let aux = message.aux, let digest = aux.digest {
                return .pushed(PushedImage(tag: aux.tag ?? "", digest: digest, size: aux.size))
            }
            if let status = message.status, let image = EngineCompatibility.pushedImage(status: status, engine: engine) {
                // The status line, then the record dockerd would have sent as `aux`.
                pending = .pushed(image)
            }
            return .progress(message.progressEvent)
        }
    }
}

extension ImagesAPI {
    /// Pushes `reference` (`docker push`) with credentials from `auth` (e.g.
    /// `DockerConfigFile.load().credentials(forImage:)`); a reference without a tag pushes every tag.
    ///
    /// Progress comes as events; the registry refusing the credentials is `.unauthorized` with the
    /// registry's message.
    /// `platform` (API 1.46+) selects one variant of a multi-platform image.
    public func push(_ reference: String, auth: RegistryAuth? = nil, platform: OCIPlatform? = nil) async throws -> PushStream {
        let (repository, tag) = ImageReference.split(reference)
        var query: [QueryItem] = []
        if let tag { query.append(QueryItem("tag", tag)) }
        if let platform {
            try await client.requireAPI(APIVersion(1, 46), for: "push platform")
            query.append(QueryItem("platform", try platform.queryValue()))
        }
        // The daemon refuses a push without the header; `{}` means anonymous.
        let headers = ["X-Registry-Auth": try (auth ?? RegistryAuth()).headerValue()]
        let response = try await RegistryErrors.refining {
            try await client.openStream("POST", "/images/\(ImageReference.pathComponent(repository))/push",
                                        query: query, headers: headers)
        }
        return PushStream(lines: JSONLineStream(bytes: response.body, what: "image push"), engine: await client.knownEngine)
    }

    /// The history of an image (`docker history`): its layers, newest first.
    /// `platform` (API 1.48+) picks one variant of a multi-platform image.
    public func history(_ name: String, platform: OCIPlatform? = nil) async throws -> [ImageHistoryItem] {
        var query: [QueryItem] = []
        if let platform {
            try await client.requireAPI(APIVersion(1, 48), for: "history platform")
            query.append(QueryItem("platform", try platform.queryValue()))
        }
        let items = try await client.decode([ImageHistoryItem].self, "GET", "/images/\(ImageReference.pathComponent(name))/history",
                                            query: query)
        return EngineCompatibility.familiar(items, engine: await client.knownEngine)
    }

    /// Searches Docker Hub (or the registry a term names) for images (`docker search`). The daemon
    /// asks the registry's v1 search endpoint: Docker Hub has one; the local test registries
    /// (distribution 2.8) do not, and the daemon answers with an error.
    public func search(_ term: String, limit: Int? = nil, filters: Filters = Filters(),
                       auth: RegistryAuth? = nil) async throws -> [ImageSearchResult] {
        var query = [QueryItem("term", term)]
        if let limit {
            guard limit > 0 else { throw DockerError.invalidArgument("search limit must be positive, not \(limit)") }
            query.append(QueryItem("limit", String(limit)))
        }
        if let filter = filters.queryItem { query.append(filter) }
        var headers: [String: String] = [:]
        if let auth { headers["X-Registry-Auth"] = try auth.headerValue() }
        return try await RegistryErrors.refining {
            let response = try await client.send("GET", "/images/search", query: query, headers: headers)
            return try EngineCompatibility.searchResults(response.body, engine: await client.knownEngine)
        }
    }
}

/// One layer in `GET /images/{name}/history`.
public struct ImageHistoryItem: Codable, Sendable, Equatable {
    /// The layer's image ID, or `<missing>` for layers built elsewhere.
    public var id: String
    /// Creation time, seconds since 1970.
    public var created: Int64
    /// The instruction that made it.
    public var createdBy: String
    /// Tags pointing at it.
    public var tags: [String]?
    /// Its size in bytes.
    public var size: Int64
    /// The commit or import message.
    public var comment: String

    enum CodingKeys: String, CodingKey {
        case id = "Id", created = "Created", createdBy = "CreatedBy", tags = "Tags", size = "Size", comment = "Comment"
    }
}

/// One result of `GET /images/search`.
public struct ImageSearchResult: Codable, Sendable, Equatable {
    /// The repository's name.
    public var name: String
    /// Its description.
    public var description: String?
    /// Whether it is an official image.
    public var isOfficial: Bool?
    /// Whether it was built automatically (always false on Docker Hub since 2021; deprecated).
    public var isAutomated: Bool?
    /// Its stars.
    public var starCount: Int?

    enum CodingKeys: String, CodingKey {
        case name, description, isOfficial = "is_official", isAutomated = "is_automated", starCount = "star_count"
    }
}
