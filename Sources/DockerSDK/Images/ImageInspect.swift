/// An image in detail (`GET /images/{name}/json`, `ImageInspect`).
public struct ImageInspect: Codable, Sendable, Equatable {
    /// The image ID.
    public var id: String
    /// The image's OCI descriptor (API 1.48+, containerd image store).
    public var descriptor: OCIDescriptor?
    /// The manifests of a multi-platform image (API 1.48+, with `manifests=1`).
    public var manifests: [ImageManifestSummary]?
    /// `repo:tag` references.
    public var repoTags: [String]?
    /// `repo@sha256:...` digests, from pulls and pushes.
    public var repoDigests: [String]?
    /// The parent image's ID (legacy builder; gone from API 1.52).
    public var parent: String?
    /// The import or commit message.
    public var comment: String?
    /// Creation time, RFC 3339.
    public var created: String?
    /// The Docker version that built it (gone from API 1.52).
    public var dockerVersion: String?
    /// The author.
    public var author: String?
    /// The default configuration of containers made from it.
    public var config: ContainerConfig?
    /// `amd64`, `arm64`...
    public var architecture: String?
    /// The CPU variant, e.g. `v8`.
    public var variant: String?
    /// `linux`...
    public var os: String?
    /// The OS version (Windows).
    public var osVersion: String?
    /// Size in bytes.
    public var size: Int64?
    /// Size in bytes with shared layers (gone from API 1.44).
    public var virtualSize: Int64?
    /// The storage driver's data about its layers.
    public var graphDriver: DriverData?
    /// Its layers.
    public var rootFS: RootFS?
    /// Local metadata.
    public var metadata: Metadata?

    /// An image's layers.
    public struct RootFS: Codable, Sendable, Equatable {
        /// `layers`.
        public var type: String
        /// The layers' diff IDs, bottom first.
        public var layers: [String]?
        enum CodingKeys: String, CodingKey, CaseIterable { case type = "Type", layers = "Layers" }
    }

    /// Local metadata of an image.
    public struct Metadata: Codable, Sendable, Equatable {
        /// When it was last tagged here, RFC 3339; nil or the zero time when never.
        public var lastTagTime: String?
        enum CodingKeys: String, CodingKey, CaseIterable { case lastTagTime = "LastTagTime" }
    }

    enum CodingKeys: String, CodingKey, CaseIterable {
        case id = "Id", descriptor = "Descriptor", manifests = "Manifests", repoTags = "RepoTags"
        case repoDigests = "RepoDigests", parent = "Parent", comment = "Comment", created = "Created"
        case dockerVersion = "DockerVersion", author = "Author", config = "Config", architecture = "Architecture"
        case variant = "Variant", os = "Os", osVersion = "OsVersion", size = "Size", virtualSize = "VirtualSize"
        case graphDriver = "GraphDriver", rootFS = "RootFS", metadata = "Metadata"
    }
}

/// An OCI content descriptor (`OCIDescriptor`).
public struct OCIDescriptor: Codable, Sendable, Equatable {
    /// The media type, e.g. `application/vnd.oci.image.manifest.v1+json`.
    public var mediaType: String?
    /// The content's digest, `sha256:...`.
    public var digest: String?
    /// The content's size in bytes.
    public var size: Int64?
    /// Where else the content can be fetched.
    public var urls: [String]?
    /// Annotations.
    public var annotations: [String: String]?
    /// The content itself, base64 (small contents only).
    public var data: String?
    /// The platform it is for.
    public var platform: OCIPlatform?
    /// The artifact type, for artifacts.
    public var artifactType: String?

    enum CodingKeys: String, CodingKey, CaseIterable {
        case mediaType, digest, size, urls, annotations, data, platform, artifactType
    }
}

/// One manifest of an image in the containerd image store (`ImageManifestSummary`, API 1.48+).
public struct ImageManifestSummary: Codable, Sendable, Equatable {
    /// The manifest's digest.
    public var id: String
    /// Its descriptor.
    public var descriptor: OCIDescriptor?
    /// Whether its content is all present locally.
    public var available: Bool?
    /// Its sizes.
    public var size: Size?
    /// `image`, `attestation` or `unknown`.
    public var kind: String?
    /// For `image` manifests: platform, containers, unpacked size.
    public var imageData: ImageData?
    /// For `attestation` manifests: what it attests.
    public var attestationData: AttestationData?

    /// A manifest's sizes in bytes.
    public struct Size: Codable, Sendable, Equatable {
        /// Everything, unpacked included.
        public var total: Int64?
        /// The content (compressed blobs).
        public var content: Int64?
        enum CodingKeys: String, CodingKey, CaseIterable { case total = "Total", content = "Content" }
    }

    /// What an image manifest holds.
    public struct ImageData: Codable, Sendable, Equatable {
        /// Its platform.
        public var platform: OCIPlatform?
        /// IDs of containers using it.
        public var containers: [String]?
        /// Its unpacked size.
        public var size: UnpackedSize?
        enum CodingKeys: String, CodingKey, CaseIterable { case platform = "Platform", containers = "Containers", size = "Size" }
    }

    /// An unpacked size in bytes.
    public struct UnpackedSize: Codable, Sendable, Equatable {
        /// Bytes when unpacked.
        public var unpacked: Int64?
        enum CodingKeys: String, CodingKey, CaseIterable { case unpacked = "Unpacked" }
    }

    /// What an attestation manifest attests.
    public struct AttestationData: Codable, Sendable, Equatable {
        /// The attested manifest's digest.
        public var `for`: String?
        enum CodingKeys: String, CodingKey, CaseIterable { case `for` = "For" }
    }

    enum CodingKeys: String, CodingKey, CaseIterable {
        case id = "ID", descriptor = "Descriptor", available = "Available", size = "Size", kind = "Kind"
        case imageData = "ImageData", attestationData = "AttestationData"
    }
}
