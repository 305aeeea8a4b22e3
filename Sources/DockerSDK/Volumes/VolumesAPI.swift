import Foundation

extension DockerClient {
    /// The Volumes area: create, list, inspect, remove, prune.
    public var volumes: VolumesAPI { VolumesAPI(client: self) }
}

/// The Volumes area of the Engine API (`/volumes/...`).
public struct VolumesAPI: Sendable {
    let client: DockerClient

    /// Creates a volume (`docker volume create`).
    public func create(name: String? = nil, driver: String = "local", driverOpts: [String: String]? = nil,
                       labels: [String: String]? = nil) async throws -> Volume {
        struct Body: Encodable {
            let Name: String?
            let Driver: String
            let DriverOpts: [String: String]?
            let Labels: [String: String]?
        }
        return try await client.decode(Volume.self, "POST", "/volumes/create",
                                       body: .json(Body(Name: name, Driver: driver, DriverOpts: driverOpts, Labels: labels)))
    }

    /// Lists volumes.
    public func list(filters: Filters = Filters()) async throws -> [Volume] {
        struct List: Decodable { let Volumes: [Volume]? }
        return try await client.decode(List.self, "GET", "/volumes", query: filters.queryItem.map { [$0] } ?? []).Volumes ?? []
    }

    /// Inspects a volume; a missing one is `.notFound`.
    public func inspect(_ name: String) async throws -> Volume {
        try await client.decode(Volume.self, "GET", "/volumes/\(ContainersAPI.escape(name))")
    }

    /// Removes a volume; one in use is `.conflict`.
    public func remove(_ name: String, force: Bool = false) async throws {
        _ = try await client.send("DELETE", "/volumes/\(ContainersAPI.escape(name))",
                                  query: force ? [QueryItem("force", "1")] : [])
    }

    /// Removes unused volumes.
    public func prune(filters: Filters = Filters()) async throws -> VolumePruneResult {
        try await client.decode(VolumePruneResult.self, "POST", "/volumes/prune",
                                query: filters.queryItem.map { [$0] } ?? [])
    }
}

/// The answer of `POST /volumes/prune`.
public struct VolumePruneResult: Codable, Sendable, Equatable {
    /// Names removed.
    public var volumesDeleted: [String]?
    /// Bytes freed.
    public var spaceReclaimed: Int64
    enum CodingKeys: String, CodingKey { case volumesDeleted = "VolumesDeleted", spaceReclaimed = "SpaceReclaimed" }
}
