import Foundation

extension DockerClient {
    /// The Images area: list, inspect, import, pull, tag, remove, prune.
    public var images: ImagesAPI { ImagesAPI(client: self) }
}

/// The Images area of the Engine API (`/images/...`).
public struct ImagesAPI: Sendable {
    let client: DockerClient

    /// Lists images; `all` includes intermediate ones.
    public func list(all: Bool = false, filters: Filters = Filters()) async throws -> [ImageSummary] {
        var query = [QueryItem("all", all ? "1" : "0")]
        if let filter = filters.queryItem { query.append(filter) }
        let images = try await client.decode([ImageSummary].self, "GET", "/images/json", query: query)
        return EngineCompatibility.familiar(images, engine: await client.knownEngine)
    }

    /// Inspects an image by name or ID; a missing one is `.notFound`.
    public func inspect(_ name: String) async throws -> ImageInspect {
        let image = try await client.decode(ImageInspect.self, "GET", "/images/\(ImageReference.pathComponent(name))/json")
        return EngineCompatibility.familiar(image, engine: await client.knownEngine)
    }

    /// Whether an image exists locally.
    public func exists(_ name: String) async throws -> Bool {
        do {
            _ = try await inspect(name)
            return true
        } catch DockerError.notFound {
            return false
        }
    }

    /// Imports a root filesystem tarball as `reference` (`docker import`), with Dockerfile changes
    /// such as `CMD ["sh"]`. Progress comes as events; an error line throws.
    public func importTarball(_ source: ImportSource, reference: String, changes: [String] = [],
                              message: String? = nil) async throws -> ProgressStream {
        let (repo, tag) = ImageReference.split(reference)
        _ = try await client.apiVersion()
        var query = [QueryItem("fromSrc", "-")]
        query += EngineCompatibility.importQuery(repo: repo, tag: tag, engine: await client.knownEngine)
        for change in EngineCompatibility.importChanges(changes, engine: await client.knownEngine) {
            query.append(QueryItem("changes", change))
        }
        if let message { query.append(QueryItem("message", message)) }
        let body: RequestBody = switch source {
        case .file(let path): .file(path: path, contentType: "application/x-tar")
        case .data(let data): .data(data, contentType: "application/x-tar")
        }
        let response = try await client.openStream("POST", "/images/create", query: query, body: body)
        return ProgressStream(JSONLineStream(bytes: response.body, what: "image import"))
    }

    /// Pulls `reference` (`docker pull`), with credentials from `auth`. Progress comes as events;
    /// an error line inside the stream throws `.streamError`; refused credentials are `.unauthorized`.
    public func pull(_ reference: String, platform: String? = nil, auth: RegistryAuth? = nil) async throws -> ProgressStream {
        let (repo, tag) = ImageReference.split(reference)
        var query = [QueryItem("fromImage", repo), QueryItem("tag", tag ?? "latest")]
        if let platform { query.append(QueryItem("platform", platform)) }
        var headers: [String: String] = [:]
        if let auth { headers["X-Registry-Auth"] = try auth.headerValue() }
        let response = try await RegistryErrors.refining {
            try await client.openStream("POST", "/images/create", query: query, headers: headers)
        }
        return ProgressStream(JSONLineStream(bytes: response.body, what: "image pull"))
    }

    /// Tags `source` as `reference`.
    public func tag(_ source: String, as reference: String) async throws {
        let (repo, tag) = ImageReference.split(reference)
        var query = [QueryItem("repo", repo)]
        if let tag { query.append(QueryItem("tag", tag)) }
        _ = try await client.send("POST", "/images/\(ImageReference.pathComponent(source))/tag", query: query)
    }

    /// Removes an image; returns what was untagged and deleted.
    @discardableResult
    public func remove(_ name: String, force: Bool = false, noPrune: Bool = false) async throws -> [ImageDeleteItem] {
        var query: [QueryItem] = []
        if force { query.append(QueryItem("force", "1")) }
        if noPrune { query.append(QueryItem("noprune", "1")) }
        let items = try await client.decode([ImageDeleteItem].self, "DELETE", "/images/\(ImageReference.pathComponent(name))", query: query)
        return EngineCompatibility.familiar(items, engine: await client.knownEngine)
    }

    /// Removes unused images (dangling only unless filters say otherwise).
    public func prune(filters: Filters = Filters()) async throws -> ImagePruneResult {
        try await client.decode(ImagePruneResult.self, "POST", "/images/prune",
                                query: filters.queryItem.map { [$0] } ?? [])
    }
}

/// Where an imported tarball comes from.
public enum ImportSource: Sendable {
    /// A file, streamed from disk.
    case file(String)
    /// Bytes in memory.
    case data(Data)
}

/// Splits image references into repository and tag.
public enum ImageReference {
    /// The reference as a path segment: `/`, `:` and `@` kept (the daemon routes on them), the rest percent-encoded.
    public static func pathComponent(_ reference: String) -> String {
        DockerRequest.pathSegment(reference, keeping: .imageReference)
    }

    /// `redis:7` -> (`redis`, `7`); `host:5000/redis` -> (`host:5000/redis`, nil); digests stay whole.
    public static func split(_ reference: String) -> (repository: String, tag: String?) {
        if reference.contains("@") { return (reference, nil) }
        guard let colon = reference.lastIndex(of: ":"), !reference[colon...].contains("/") else { return (reference, nil) }
        return (String(reference[..<colon]), String(reference[reference.index(after: colon)...]))
    }
}

/// One line of `DELETE /images/{name}`.
public struct ImageDeleteItem: Codable, Sendable, Equatable {
    /// A reference removed.
    public var untagged: String?
    /// An image ID deleted.
    public var deleted: String?
    enum CodingKeys: String, CodingKey { case untagged = "Untagged", deleted = "Deleted" }
}

/// The answer of `POST /images/prune`.
public struct ImagePruneResult: Codable, Sendable, Equatable {
    /// What was removed.
    public var imagesDeleted: [ImageDeleteItem]?
    /// Bytes freed.
    public var spaceReclaimed: Int64
    enum CodingKeys: String, CodingKey { case imagesDeleted = "ImagesDeleted", spaceReclaimed = "SpaceReclaimed" }
}
