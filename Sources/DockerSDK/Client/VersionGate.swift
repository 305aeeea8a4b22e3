/// A field or option of a request that only newer Engine API versions have, in use in that request.
///
/// The fields and their minimum versions come from diffing the v1.41, v1.44 and v1.52 specs, narrowed
/// to the exact release with the Engine API's version history (e.g. `BindOptions.CreateMountpoint` 1.42,
/// `HostConfig.Annotations` 1.43, `HealthConfig.StartInterval` 1.44, `VolumeOptions.Subpath` 1.45,
/// `TmpfsOptions.Options` 1.46, image mounts and `GwPriority` 1.48).
public struct VersionRequirement: Sendable, Hashable, CustomStringConvertible {
    /// The field or option, spelled as in the API, e.g. `HealthConfig.StartInterval`.
    public var feature: String
    /// The first API version that has it.
    public var minimum: APIVersion

    /// Creates a requirement.
    public init(_ feature: String, _ minimum: APIVersion) {
        self.feature = feature
        self.minimum = minimum
    }

    /// The feature and its minimum version, e.g. `startInterval (API 1.44+)`.
    public var description: String { "\(feature) (API \(minimum)+)" }
}

/// A request body that can tell which of its set fields need an API version newer than 1.41.
public protocol VersionGated {
    /// The requirements of the fields that are set (nil fields need nothing).
    var versionRequirements: [VersionRequirement] { get }
}

extension VersionGated {
    /// Throws `DockerError.requiresAPIVersion` naming the first field `version` lacks.
    public func checkSupported(by version: APIVersion) throws {
        if let missing = versionRequirements.first(where: { $0.minimum > version }) {
            throw DockerError.requiresAPIVersion(feature: missing.feature, minimum: missing.minimum, negotiated: version)
        }
    }
}

extension DockerClient {
    /// Checks `body` against the negotiated version before it is sent (the Go client's NewVersionError habit).
    func checkVersion(of body: some VersionGated) async throws {
        try body.checkSupported(by: try await apiVersion())
    }
}

/// Collects requirements of set fields.
struct RequirementList {
    private(set) var items: [VersionRequirement] = []

    mutating func add(_ feature: String, _ minor: Int, when set: Bool) {
        if set { items.append(VersionRequirement(feature, APIVersion(1, minor))) }
    }

    mutating func add(_ prefix: String, _ nested: (any VersionGated)?) {
        guard let nested else { return }
        items += nested.versionRequirements.map { VersionRequirement("\(prefix).\($0.feature)", $0.minimum) }
    }
}

extension HealthConfig: VersionGated {
    public var versionRequirements: [VersionRequirement] {
        var list = RequirementList()
        list.add("StartInterval", 44, when: startInterval != nil)
        return list.items
    }
}

extension Mount: VersionGated {
    public var versionRequirements: [VersionRequirement] {
        var list = RequirementList()
        list.add("Type=cluster", 42, when: mountType == .cluster)
        list.add("Type=image", 48, when: mountType == .image)
        list.add("ImageOptions", 48, when: imageOptions != nil)
        list.add("BindOptions.CreateMountpoint", 42, when: bindOptions?.createMountpoint != nil)
        list.add("BindOptions.ReadOnlyNonRecursive", 44, when: bindOptions?.readOnlyNonRecursive != nil)
        list.add("BindOptions.ReadOnlyForceRecursive", 44, when: bindOptions?.readOnlyForceRecursive != nil)
        list.add("VolumeOptions.Subpath", 45, when: volumeOptions?.subpath != nil)
        list.add("TmpfsOptions.Options", 46, when: tmpfsOptions?.options != nil)
        return list.items
    }
}

extension HostConfig: VersionGated {
    public var versionRequirements: [VersionRequirement] {
        var list = RequirementList()
        list.add("Annotations", 43, when: annotations != nil)
        for (index, mount) in (mounts ?? []).enumerated() { list.add("Mounts[\(index)]", mount) }
        return list.items
    }
}

extension ContainerConfig: VersionGated {
    public var versionRequirements: [VersionRequirement] {
        var list = RequirementList()
        list.add("Healthcheck", healthcheck)
        return list.items
    }
}

extension EndpointSettings: VersionGated {
    public var versionRequirements: [VersionRequirement] {
        var list = RequirementList()
        list.add("MacAddress", 44, when: macAddress.map { !$0.isEmpty } ?? false)
        list.add("DNSNames", 44, when: dnsNames != nil)
        list.add("GwPriority", 48, when: gwPriority != nil)
        return list.items
    }
}

extension ContainerCreate: VersionGated {
    public var versionRequirements: [VersionRequirement] {
        var list = RequirementList()
        list.add("Config", config)
        list.add("HostConfig", hostConfig)
        list.add("NetworkingConfig.EndpointsConfig with more than one network", 44, when: (endpoints?.count ?? 0) > 1)
        for (name, endpoint) in (endpoints ?? [:]).sorted(by: { $0.key < $1.key }) {
            list.add("NetworkingConfig.EndpointsConfig[\(name)]", endpoint)
        }
        return list.items
    }
}

extension NetworkCreate: VersionGated {
    public var versionRequirements: [VersionRequirement] {
        var list = RequirementList()
        list.add("EnableIPv4", 47, when: enableIPv4 != nil)
        return list.items
    }
}
