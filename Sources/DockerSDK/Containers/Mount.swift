/// A typed mount (`Mount`, `--mount`).
public struct Mount: Codable, Sendable, Equatable {
    /// bind, volume, tmpfs, image...
    public var mountType: MountType
    /// The host path (bind), volume name (volume) or image reference (image).
    public var source: String?
    /// The path in the container.
    public var target: String
    /// Read-only.
    public var readOnly: Bool?
    /// `default`, `consistent`, `cached` or `delegated` (meaningful on Docker Desktop only).
    public var consistency: String?
    /// Options for bind mounts.
    public var bindOptions: BindOptions?
    /// Options for volume mounts.
    public var volumeOptions: VolumeOptions?
    /// Options for image mounts (API 1.48+).
    public var imageOptions: ImageOptions?
    /// Options for tmpfs mounts.
    public var tmpfsOptions: TmpfsOptions?

    /// `bind`, `volume` or `tmpfs`.
    @available(*, deprecated, renamed: "mountType")
    public var type: String {
        get { mountType.rawValue }
        set { mountType = MountType(rawValue: newValue) }
    }

    /// A bind mount of a host path.
    public static func bind(_ source: String, at target: String, readOnly: Bool = false) -> Mount {
        Mount(mountType: .bind, source: source, target: target, readOnly: readOnly)
    }

    /// A named volume.
    public static func volume(_ name: String, at target: String, readOnly: Bool = false, labels: [String: String]? = nil) -> Mount {
        var mount = Mount(mountType: .volume, source: name, target: target, readOnly: readOnly)
        if let labels { mount.volumeOptions = VolumeOptions(labels: labels) }
        return mount
    }

    /// A tmpfs of at most `sizeBytes`.
    public static func tmpfs(at target: String, sizeBytes: Int64? = nil) -> Mount {
        var mount = Mount(mountType: .tmpfs, source: nil, target: target)
        if let sizeBytes { mount.tmpfsOptions = TmpfsOptions(sizeBytes: sizeBytes) }
        return mount
    }

    /// An image's filesystem, read-only (API 1.48+).
    public static func image(_ reference: String, at target: String, subpath: String? = nil) -> Mount {
        var mount = Mount(mountType: .image, source: reference, target: target, readOnly: true)
        if let subpath { mount.imageOptions = ImageOptions(subpath: subpath) }
        return mount
    }

    /// Creates a mount from the API's name of its type.
    public init(type: String, source: String?, target: String, readOnly: Bool? = nil) {
        self.init(mountType: MountType(rawValue: type), source: source, target: target, readOnly: readOnly)
    }

    /// Creates a mount.
    public init(mountType: MountType, source: String?, target: String, readOnly: Bool? = nil) {
        self.mountType = mountType
        self.source = source
        self.target = target
        self.readOnly = readOnly
    }

    /// Bind mount options.
    public struct BindOptions: Codable, Sendable, Equatable {
        /// How sub-mounts propagate.
        public var propagation: MountPropagation?
        /// Don't bind sub-mounts recursively.
        public var nonRecursive: Bool?
        /// Create the host path when missing (API 1.42+).
        public var createMountpoint: Bool?
        /// Make only the top mount read-only, not sub-mounts (API 1.44+).
        public var readOnlyNonRecursive: Bool?
        /// Make sub-mounts read-only too, or fail (API 1.44+).
        public var readOnlyForceRecursive: Bool?

        /// Creates bind options.
        public init(propagation: MountPropagation? = nil, nonRecursive: Bool? = nil, createMountpoint: Bool? = nil,
                    readOnlyNonRecursive: Bool? = nil, readOnlyForceRecursive: Bool? = nil) {
            self.propagation = propagation
            self.nonRecursive = nonRecursive
            self.createMountpoint = createMountpoint
            self.readOnlyNonRecursive = readOnlyNonRecursive
            self.readOnlyForceRecursive = readOnlyForceRecursive
        }

        enum CodingKeys: String, CodingKey, CaseIterable {
            case propagation = "Propagation", nonRecursive = "NonRecursive", createMountpoint = "CreateMountpoint"
            case readOnlyNonRecursive = "ReadOnlyNonRecursive", readOnlyForceRecursive = "ReadOnlyForceRecursive"
        }
    }

    /// Volume mount options.
    public struct VolumeOptions: Codable, Sendable, Equatable {
        /// Labels for a volume created by the mount.
        public var labels: [String: String]?
        /// Don't copy the image's content into a new volume.
        public var noCopy: Bool?
        /// The driver and options for a volume created by the mount.
        public var driverConfig: DriverConfig?
        /// Mount only this path inside the volume (API 1.45+).
        public var subpath: String?

        /// Creates volume options.
        public init(labels: [String: String]? = nil, noCopy: Bool? = nil, driverConfig: DriverConfig? = nil,
                    subpath: String? = nil) {
            self.labels = labels
            self.noCopy = noCopy
            self.driverConfig = driverConfig
            self.subpath = subpath
        }

        /// A volume driver and its options.
        public struct DriverConfig: Codable, Sendable, Equatable {
            /// The driver's name.
            public var name: String?
            /// Driver options.
            public var options: [String: String]?
            /// Creates a driver configuration.
            public init(name: String? = nil, options: [String: String]? = nil) {
                self.name = name
                self.options = options
            }
            enum CodingKeys: String, CodingKey, CaseIterable { case name = "Name", options = "Options" }
        }

        enum CodingKeys: String, CodingKey, CaseIterable {
            case labels = "Labels", noCopy = "NoCopy", driverConfig = "DriverConfig", subpath = "Subpath"
        }
    }

    /// Image mount options (API 1.48+).
    public struct ImageOptions: Codable, Sendable, Equatable {
        /// Mount only this path inside the image.
        public var subpath: String?
        /// Creates image options.
        public init(subpath: String? = nil) { self.subpath = subpath }
        enum CodingKeys: String, CodingKey, CaseIterable { case subpath = "Subpath" }
    }

    /// tmpfs mount options.
    public struct TmpfsOptions: Codable, Sendable, Equatable {
        /// The size limit in bytes.
        public var sizeBytes: Int64?
        /// The file mode, e.g. `0o1777`.
        public var mode: Int?
        /// Extra mount options, each `[option]` or `[option, value]` (API 1.46+).
        public var options: [[String]]?
        /// Creates tmpfs options.
        public init(sizeBytes: Int64? = nil, mode: Int? = nil, options: [[String]]? = nil) {
            self.sizeBytes = sizeBytes
            self.mode = mode
            self.options = options
        }
        enum CodingKeys: String, CodingKey, CaseIterable { case sizeBytes = "SizeBytes", mode = "Mode", options = "Options" }
    }

    enum CodingKeys: String, CodingKey, CaseIterable {
        case mountType = "Type", source = "Source", target = "Target", readOnly = "ReadOnly", consistency = "Consistency"
        case bindOptions = "BindOptions", volumeOptions = "VolumeOptions", imageOptions = "ImageOptions"
        case tmpfsOptions = "TmpfsOptions"
    }
}
