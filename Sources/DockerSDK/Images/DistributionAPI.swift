import Foundation

extension DockerClient {
    /// The Distribution area: what a registry holds for a reference, asked through the daemon.
    public var distribution: DistributionAPI { DistributionAPI(client: self) }
}

/// The Distribution area of the Engine API (`/distribution/...`).
public struct DistributionAPI: Sendable {
    let client: DockerClient

    /// The manifest descriptor and platforms the registry holds for `reference`, without pulling
    /// (`docker manifest inspect`-like); wrong or missing credentials are `.unauthorized`.
    public func inspect(_ reference: String, auth: RegistryAuth? = nil) async throws -> DistributionInspect {
        var headers: [String: String] = [:]
        if let auth { headers["X-Registry-Auth"] = try auth.headerValue() }
        do {
            return try await RegistryErrors.refining {
                try await client.decode(DistributionInspect.self, "GET",
                                        "/distribution/\(ImageReference.pathComponent(reference))/json", headers: headers)
            }
        } catch DockerError.notFound(let message) {
            throw EngineCompatibility.missingEndpoint(message, "GET /distribution/{name}/json", engine: await client.knownEngine)
        }
    }
}

/// The answer of `GET /distribution/{name}/json`.
public struct DistributionInspect: Codable, Sendable, Equatable {
    /// The manifest (or index) descriptor.
    public var descriptor: Descriptor
    /// The platforms it serves.
    public var platforms: [Platform]?

    /// An OCI content descriptor.
    public struct Descriptor: Codable, Sendable, Equatable {
        /// The media type, e.g. `application/vnd.docker.distribution.manifest.v2+json`.
        public var mediaType: String?
        /// The content's digest, `sha256:...`.
        public var digest: String
        /// The content's size in bytes.
        public var size: Int64?
        /// Where else the content may be fetched.
        public var urls: [String]?
        /// Annotations.
        public var annotations: [String: String]?
    }

    /// An OCI platform.
    public typealias Platform = OCIPlatform

    enum CodingKeys: String, CodingKey { case descriptor = "Descriptor", platforms = "Platforms" }
}

/// An OCI platform: what `platform` options select and what registries list.
public struct OCIPlatform: Codable, Sendable, Equatable {
    /// e.g. `amd64`.
    public var architecture: String?
    /// e.g. `linux`.
    public var os: String?
    /// e.g. `10.0.17763.1040` (Windows).
    public var osVersion: String?
    /// Required OS features.
    public var osFeatures: [String]?
    /// e.g. `v7` for arm.
    public var variant: String?

    /// Creates a platform.
    public init(architecture: String? = nil, os: String? = nil, osVersion: String? = nil, osFeatures: [String]? = nil,
                variant: String? = nil) {
        self.architecture = architecture
        self.os = os
        self.osVersion = osVersion
        self.osFeatures = osFeatures
        self.variant = variant
    }

    /// The JSON the Engine API takes as a `platform` query value, e.g. `{"architecture":"arm","os":"linux","variant":"v5"}`.
    public func queryValue() throws -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        return String(decoding: try encoder.encode(self), as: UTF8.self)
    }

    enum CodingKeys: String, CodingKey, CaseIterable {
        case architecture, os, osVersion = "os.version", osFeatures = "os.features", variant
    }
}

extension DockerClient {
    /// Throws `.requiresAPIVersion` naming `minimum` when the negotiated version is older
    /// (moby's NewVersionError habit): an option the daemon would ignore is never dropped silently.
    func requireAPI(_ minimum: APIVersion, for option: String) async throws {
        let version = try await apiVersion()
        guard version >= minimum else {
            throw DockerError.requiresAPIVersion(feature: option, minimum: minimum, negotiated: version)
        }
    }
}
