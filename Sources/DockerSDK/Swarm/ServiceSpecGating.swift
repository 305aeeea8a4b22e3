/// Which fields of a service need an Engine API newer than 1.41 (from the v1.41/v1.44/v1.52 spec diff,
/// narrowed with the version history: `Privileges.Seccomp`/`AppArmor`/`NoNewPrivileges` and
/// `HealthCheck.StartInterval` 1.44, `OomScoreAdj` 1.46, `Resources.SwapBytes`/`MemorySwappiness` 1.52;
/// mount options as for containers). Names are relative to the task template, e.g. `ContainerSpec.OomScoreAdj`.

extension ContainerSpec.Privileges: VersionGated {
    public var versionRequirements: [VersionRequirement] {
        var list = RequirementList()
        list.add("Seccomp", 44, when: seccomp != nil)
        list.add("AppArmor", 44, when: appArmor != nil)
        list.add("NoNewPrivileges", 44, when: noNewPrivileges != nil)
        return list.items
    }
}

extension ContainerSpec: VersionGated {
    public var versionRequirements: [VersionRequirement] {
        var list = RequirementList()
        list.add("HealthCheck", healthCheck)
        list.add("Privileges", privileges)
        for (index, mount) in (mounts ?? []).enumerated() { list.add("Mounts[\(index)]", mount) }
        list.add("OomScoreAdj", 46, when: oomScoreAdj != nil)
        return list.items
    }
}

extension TaskResources: VersionGated {
    public var versionRequirements: [VersionRequirement] {
        var list = RequirementList()
        list.add("SwapBytes", 52, when: swapBytes != nil)
        list.add("MemorySwappiness", 52, when: memorySwappiness != nil)
        return list.items
    }
}

extension TaskSpec: VersionGated {
    public var versionRequirements: [VersionRequirement] {
        var list = RequirementList()
        list.add("ContainerSpec", containerSpec)
        list.add("Resources", resources)
        return list.items
    }
}

extension ServiceSpec: VersionGated {
    /// The task template's requirements (named as in `TaskSpec`, e.g. `ContainerSpec.OomScoreAdj`).
    public var versionRequirements: [VersionRequirement] { taskTemplate.versionRequirements }
}
