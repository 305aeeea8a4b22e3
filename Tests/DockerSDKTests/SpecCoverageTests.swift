@testable import DockerSDK
import Foundation
import XCTest
import Yams

/// Reads the Engine API spec and fails when a modelled definition has a property that the Swift model
/// neither codes nor lists as deliberately left out, so model coverage cannot silently regress.
final class SpecCoverageTests: XCTestCase {
    /// One definition of the spec and the Swift model that covers it.
    struct Entry {
        /// `Definition`, `Definition.Property[.Property...]` (inline objects, array items, map values),
        /// or `paths:/some/path` for an inline 200-response schema.
        let path: String
        /// The model's type, for messages.
        let model: String
        /// The JSON keys the model reads and writes.
        let keys: Set<String>
        /// Properties deliberately left out, with the reason.
        var leftOut: [String: String] = [:]
        /// Whether every Swift key must exist in this definition in v1.52 or v1.41 (off where one
        /// model serves a wider definition, e.g. `ContainerConfig` for `ImageConfig`).
        var checkExtraKeys = true
    }

    static func keys<K: CodingKey & CaseIterable>(_ type: K.Type) -> Set<String> {
        Set(type.allCases.map(\.stringValue))
    }

    static let entries: [Entry] = [
        Entry(path: "ContainerConfig", model: "ContainerConfig", keys: keys(ContainerConfig.CodingKeys.self)),
        Entry(path: "ImageConfig", model: "ContainerConfig", keys: keys(ContainerConfig.CodingKeys.self), checkExtraKeys: false),
        Entry(path: "HealthConfig", model: "HealthConfig", keys: keys(HealthConfig.CodingKeys.self)),
        Entry(path: "Health", model: "ContainerState.Health", keys: keys(ContainerState.Health.CodingKeys.self)),
        Entry(path: "HealthcheckResult", model: "HealthcheckResult", keys: keys(HealthcheckResult.CodingKeys.self)),
        Entry(path: "HostConfig", model: "HostConfig",
              keys: keys(HostConfig.CodingKeys.self).union(keys(Resources.CodingKeys.self))),
        Entry(path: "Resources", model: "Resources", keys: keys(Resources.CodingKeys.self)),
        Entry(path: "HostConfig.LogConfig", model: "LogConfig", keys: keys(LogConfig.CodingKeys.self)),
        Entry(path: "Resources.Ulimits", model: "Ulimit", keys: keys(Ulimit.CodingKeys.self)),
        Entry(path: "Resources.BlkioWeightDevice", model: "WeightDevice", keys: keys(WeightDevice.CodingKeys.self)),
        Entry(path: "ThrottleDevice", model: "ThrottleDevice", keys: keys(ThrottleDevice.CodingKeys.self)),
        Entry(path: "DeviceMapping", model: "DeviceMapping", keys: keys(DeviceMapping.CodingKeys.self)),
        Entry(path: "DeviceRequest", model: "DeviceRequest", keys: keys(DeviceRequest.CodingKeys.self)),
        Entry(path: "PortBinding", model: "PortBinding", keys: keys(PortBinding.CodingKeys.self)),
        Entry(path: "RestartPolicy", model: "RestartPolicy", keys: keys(RestartPolicy.CodingKeys.self)),
        Entry(path: "Mount", model: "Mount", keys: keys(Mount.CodingKeys.self)),
        Entry(path: "Mount.BindOptions", model: "Mount.BindOptions", keys: keys(Mount.BindOptions.CodingKeys.self)),
        Entry(path: "Mount.VolumeOptions", model: "Mount.VolumeOptions", keys: keys(Mount.VolumeOptions.CodingKeys.self)),
        Entry(path: "Mount.VolumeOptions.DriverConfig", model: "Mount.VolumeOptions.DriverConfig",
              keys: keys(Mount.VolumeOptions.DriverConfig.CodingKeys.self)),
        Entry(path: "Mount.ImageOptions", model: "Mount.ImageOptions", keys: keys(Mount.ImageOptions.CodingKeys.self)),
        Entry(path: "Mount.TmpfsOptions", model: "Mount.TmpfsOptions", keys: keys(Mount.TmpfsOptions.CodingKeys.self)),
        Entry(path: "NetworkingConfig", model: "NetworkingConfig", keys: keys(NetworkingConfig.CodingKeys.self)),
        Entry(path: "EndpointSettings", model: "EndpointSettings", keys: keys(EndpointSettings.CodingKeys.self)),
        Entry(path: "EndpointIPAMConfig", model: "EndpointIPAMConfig", keys: keys(EndpointIPAMConfig.CodingKeys.self)),
        Entry(path: "body:post:/containers/{id}/update", model: "ContainerUpdate",
              keys: keys(ContainerUpdate.CodingKeys.self).union(keys(Resources.CodingKeys.self))),
        Entry(path: "ContainerCreateResponse", model: "ContainerCreateResponse",
              keys: keys(ContainerCreateResponse.CodingKeys.self)),
        Entry(path: "ContainerInspectResponse", model: "ContainerInspect", keys: keys(ContainerInspect.CodingKeys.self)),
        Entry(path: "ContainerState", model: "ContainerState", keys: keys(ContainerState.CodingKeys.self)),
        Entry(path: "NetworkSettings", model: "NetworkSettings", keys: keys(NetworkSettings.CodingKeys.self)),
        Entry(path: "MountPoint", model: "MountPoint", keys: keys(MountPoint.CodingKeys.self)),
        Entry(path: "DriverData", model: "DriverData", keys: keys(DriverData.CodingKeys.self)),
        Entry(path: "Storage", model: "Storage", keys: keys(Storage.CodingKeys.self)),
        Entry(path: "RootFSStorage", model: "Storage.RootFS", keys: keys(Storage.RootFS.CodingKeys.self)),
        Entry(path: "RootFSStorageSnapshot", model: "Storage.Snapshot", keys: keys(Storage.Snapshot.CodingKeys.self)),
        Entry(path: "ContainerSummary", model: "ContainerSummary", keys: keys(ContainerSummary.CodingKeys.self)),
        Entry(path: "ContainerSummary.HostConfig", model: "ContainerSummary.HostConfigSummary",
              keys: keys(ContainerSummary.HostConfigSummary.CodingKeys.self)),
        Entry(path: "ContainerSummary.Health", model: "ContainerSummary.HealthSummary",
              keys: keys(ContainerSummary.HealthSummary.CodingKeys.self)),
        Entry(path: "ContainerSummary.NetworkSettings", model: "ContainerSummary.NetworkSummary",
              keys: keys(ContainerSummary.NetworkSummary.CodingKeys.self)),
        Entry(path: "ContainerSummary.NetworkSettings.Networks", model: "ContainerSummary.EndpointSummary",
              keys: keys(ContainerSummary.EndpointSummary.CodingKeys.self)),
        Entry(path: "PortSummary", model: "ContainerSummary.Port", keys: keys(ContainerSummary.Port.CodingKeys.self)),
        Entry(path: "ImageInspect", model: "ImageInspect", keys: keys(ImageInspect.CodingKeys.self)),
        Entry(path: "ImageInspect.RootFS", model: "ImageInspect.RootFS", keys: keys(ImageInspect.RootFS.CodingKeys.self)),
        Entry(path: "ImageInspect.Metadata", model: "ImageInspect.Metadata", keys: keys(ImageInspect.Metadata.CodingKeys.self)),
        Entry(path: "OCIDescriptor", model: "OCIDescriptor", keys: keys(OCIDescriptor.CodingKeys.self)),
        Entry(path: "OCIPlatform", model: "OCIPlatform", keys: keys(OCIPlatform.CodingKeys.self)),
        Entry(path: "ImageManifestSummary", model: "ImageManifestSummary", keys: keys(ImageManifestSummary.CodingKeys.self)),
        Entry(path: "ImageManifestSummary.Size", model: "ImageManifestSummary.Size",
              keys: keys(ImageManifestSummary.Size.CodingKeys.self)),
        Entry(path: "ImageManifestSummary.ImageData", model: "ImageManifestSummary.ImageData",
              keys: keys(ImageManifestSummary.ImageData.CodingKeys.self)),
        Entry(path: "ImageManifestSummary.ImageData.Size", model: "ImageManifestSummary.UnpackedSize",
              keys: keys(ImageManifestSummary.UnpackedSize.CodingKeys.self)),
        Entry(path: "ImageManifestSummary.AttestationData", model: "ImageManifestSummary.AttestationData",
              keys: keys(ImageManifestSummary.AttestationData.CodingKeys.self)),
        Entry(path: "ImageSummary", model: "ImageSummary", keys: keys(ImageSummary.CodingKeys.self)),
        Entry(path: "Network", model: "Network", keys: keys(Network.CodingKeys.self), checkExtraKeys: false),
        Entry(path: "NetworkInspect", model: "Network", keys: keys(Network.CodingKeys.self), leftOut: Network.specLeftOut),
        Entry(path: "Volume", model: "Volume", keys: keys(Volume.CodingKeys.self), leftOut: Volume.specLeftOut),
        Entry(path: "Volume.UsageData", model: "Volume.UsageData", keys: keys(Volume.UsageData.CodingKeys.self)),
        Entry(path: "paths:/exec/{id}/json", model: "ExecInspect", keys: keys(ExecInspect.CodingKeys.self)),
        Entry(path: "ProcessConfig", model: "ExecInspect.ProcessConfig", keys: keys(ExecInspect.ProcessConfig.CodingKeys.self)),
        Entry(path: "SystemInfo", model: "SystemInfo", keys: keys(SystemInfo.CodingKeys.self), leftOut: SystemInfo.specLeftOut),
        Entry(path: "PluginsInfo", model: "SystemInfo.PluginsInfo", keys: keys(SystemInfo.PluginsInfo.CodingKeys.self)),
        Entry(path: "RegistryServiceConfig", model: "SystemInfo.RegistryServiceConfig",
              keys: keys(SystemInfo.RegistryServiceConfig.CodingKeys.self)),
        Entry(path: "IndexInfo", model: "SystemInfo.IndexInfo", keys: keys(SystemInfo.IndexInfo.CodingKeys.self)),
        Entry(path: "Runtime", model: "SystemInfo.Runtime", keys: keys(SystemInfo.Runtime.CodingKeys.self)),
        Entry(path: "Commit", model: "SystemInfo.Commit", keys: keys(SystemInfo.Commit.CodingKeys.self)),
        Entry(path: "SwarmInfo", model: "SystemInfo.SwarmInfo", keys: keys(SystemInfo.SwarmInfo.CodingKeys.self),
              leftOut: SystemInfo.SwarmInfo.specLeftOut),
        Entry(path: "SystemInfo.DefaultAddressPools", model: "SystemInfo.AddressPool",
              keys: keys(SystemInfo.AddressPool.CodingKeys.self)),
        Entry(path: "FirewallInfo", model: "SystemInfo.FirewallInfo", keys: keys(SystemInfo.FirewallInfo.CodingKeys.self)),
        Entry(path: "DeviceInfo", model: "SystemInfo.DeviceInfo", keys: keys(SystemInfo.DeviceInfo.CodingKeys.self)),
        Entry(path: "ContainerdInfo", model: "SystemInfo.ContainerdInfo", keys: keys(SystemInfo.ContainerdInfo.CodingKeys.self)),
        Entry(path: "ContainerdInfo.Namespaces", model: "SystemInfo.ContainerdInfo.Namespaces",
              keys: keys(SystemInfo.ContainerdInfo.Namespaces.CodingKeys.self)),
        Entry(path: "SystemVersion", model: "SystemVersion", keys: keys(SystemVersion.CodingKeys.self)),
        Entry(path: "SystemVersion.Platform", model: "SystemVersion.Platform", keys: keys(SystemVersion.Platform.CodingKeys.self)),
        Entry(path: "SystemVersion.Components", model: "SystemVersion.Component",
              keys: keys(SystemVersion.Component.CodingKeys.self)),
        Entry(path: "paths:/system/df", model: "DiskUsage", keys: keys(DiskUsage.CodingKeys.self)),
        Entry(path: "ImagesDiskUsage", model: "DiskUsage.Usage", keys: keys(DiskUsage.Usage<ImageSummary>.CodingKeys.self)),
        Entry(path: "ContainersDiskUsage", model: "DiskUsage.Usage",
              keys: keys(DiskUsage.Usage<ContainerSummary>.CodingKeys.self)),
        Entry(path: "VolumesDiskUsage", model: "DiskUsage.Usage", keys: keys(DiskUsage.Usage<Volume>.CodingKeys.self)),
        Entry(path: "BuildCacheDiskUsage", model: "DiskUsage.Usage",
              keys: keys(DiskUsage.Usage<BuildCacheRecord>.CodingKeys.self)),
        Entry(path: "BuildCache", model: "BuildCacheRecord", keys: keys(BuildCacheRecord.CodingKeys.self)),
        Entry(path: "EventMessage", model: "DockerEvent", keys: keys(DockerEvent.CodingKeys.self)),
        Entry(path: "EventActor", model: "DockerEvent.Actor", keys: keys(DockerEvent.Actor.CodingKeys.self)),
        // Swarm mode: services, tasks, nodes, the swarm, secrets and configs.
        Entry(path: "ServiceSpec", model: "ServiceSpec", keys: keys(ServiceSpec.CodingKeys.self)),
        Entry(path: "ServiceSpec.Mode", model: "ServiceMode", keys: keys(ServiceMode.CodingKeys.self)),
        Entry(path: "ServiceSpec.Mode.Replicated", model: "ServiceMode.Replicated", keys: keys(ServiceMode.Replicated.CodingKeys.self)),
        Entry(path: "ServiceSpec.Mode.ReplicatedJob", model: "ServiceMode.ReplicatedJob",
              keys: keys(ServiceMode.ReplicatedJob.CodingKeys.self)),
        Entry(path: "ServiceSpec.UpdateConfig", model: "UpdateConfig", keys: keys(UpdateConfig.CodingKeys.self)),
        Entry(path: "ServiceSpec.RollbackConfig", model: "UpdateConfig", keys: keys(UpdateConfig.CodingKeys.self)),
        Entry(path: "EndpointSpec", model: "EndpointSpec", keys: keys(EndpointSpec.CodingKeys.self)),
        Entry(path: "EndpointPortConfig", model: "EndpointPortConfig", keys: keys(EndpointPortConfig.CodingKeys.self)),
        Entry(path: "TaskSpec", model: "TaskSpec", keys: keys(TaskSpec.CodingKeys.self)),
        Entry(path: "TaskSpec.ContainerSpec", model: "ContainerSpec", keys: keys(ContainerSpec.CodingKeys.self)),
        Entry(path: "TaskSpec.ContainerSpec.Privileges", model: "ContainerSpec.Privileges",
              keys: keys(ContainerSpec.Privileges.CodingKeys.self)),
        Entry(path: "TaskSpec.ContainerSpec.Privileges.CredentialSpec", model: "ContainerSpec.Privileges.CredentialSpec",
              keys: keys(ContainerSpec.Privileges.CredentialSpec.CodingKeys.self)),
        Entry(path: "TaskSpec.ContainerSpec.Privileges.SELinuxContext", model: "ContainerSpec.Privileges.SELinuxContext",
              keys: keys(ContainerSpec.Privileges.SELinuxContext.CodingKeys.self)),
        Entry(path: "TaskSpec.ContainerSpec.Privileges.Seccomp", model: "ContainerSpec.Privileges.Seccomp",
              keys: keys(ContainerSpec.Privileges.Seccomp.CodingKeys.self)),
        Entry(path: "TaskSpec.ContainerSpec.Privileges.AppArmor", model: "ContainerSpec.Privileges.AppArmor",
              keys: keys(ContainerSpec.Privileges.AppArmor.CodingKeys.self)),
        Entry(path: "TaskSpec.ContainerSpec.Mounts", model: "Mount", keys: keys(Mount.CodingKeys.self)),
        Entry(path: "TaskSpec.ContainerSpec.Mounts.BindOptions", model: "Mount.BindOptions", keys: keys(Mount.BindOptions.CodingKeys.self)),
        Entry(path: "TaskSpec.ContainerSpec.Mounts.VolumeOptions", model: "Mount.VolumeOptions",
              keys: keys(Mount.VolumeOptions.CodingKeys.self)),
        Entry(path: "TaskSpec.ContainerSpec.Mounts.ImageOptions", model: "Mount.ImageOptions", keys: keys(Mount.ImageOptions.CodingKeys.self)),
        Entry(path: "TaskSpec.ContainerSpec.Mounts.TmpfsOptions", model: "Mount.TmpfsOptions", keys: keys(Mount.TmpfsOptions.CodingKeys.self)),
        Entry(path: "TaskSpec.ContainerSpec.HealthCheck", model: "HealthConfig", keys: keys(HealthConfig.CodingKeys.self)),
        Entry(path: "TaskSpec.ContainerSpec.DNSConfig", model: "ContainerSpec.DNSConfig", keys: keys(ContainerSpec.DNSConfig.CodingKeys.self)),
        Entry(path: "TaskSpec.ContainerSpec.Secrets", model: "ContainerSpec.SecretReference",
              keys: keys(ContainerSpec.SecretReference.CodingKeys.self)),
        Entry(path: "TaskSpec.ContainerSpec.Secrets.File", model: "ContainerSpec.FileTarget", keys: keys(ContainerSpec.FileTarget.CodingKeys.self)),
        Entry(path: "TaskSpec.ContainerSpec.Configs", model: "ContainerSpec.ConfigReference",
              keys: keys(ContainerSpec.ConfigReference.CodingKeys.self)),
        Entry(path: "TaskSpec.ContainerSpec.Configs.File", model: "ContainerSpec.FileTarget", keys: keys(ContainerSpec.FileTarget.CodingKeys.self)),
        Entry(path: "TaskSpec.ContainerSpec.Ulimits", model: "Ulimit", keys: keys(Ulimit.CodingKeys.self)),
        Entry(path: "TaskSpec.PluginSpec", model: "PluginSpec", keys: keys(PluginSpec.CodingKeys.self)),
        Entry(path: "TaskSpec.PluginSpec.PluginPrivilege", model: "PluginSpec.PluginPrivilege",
              keys: keys(PluginSpec.PluginPrivilege.CodingKeys.self)),
        Entry(path: "TaskSpec.NetworkAttachmentSpec", model: "NetworkAttachmentSpec", keys: keys(NetworkAttachmentSpec.CodingKeys.self)),
        Entry(path: "TaskSpec.Resources", model: "TaskResources", keys: keys(TaskResources.CodingKeys.self)),
        Entry(path: "TaskSpec.Resources.Limits", model: "TaskResources.Limit", keys: keys(TaskResources.Limit.CodingKeys.self)),
        Entry(path: "TaskSpec.Resources.Reservations", model: "ResourceObject", keys: keys(ResourceObject.CodingKeys.self)),
        Entry(path: "ResourceObject.GenericResources", model: "GenericResource", keys: keys(GenericResource.CodingKeys.self)),
        Entry(path: "ResourceObject.GenericResources.NamedResourceSpec", model: "GenericResource.Named",
              keys: keys(GenericResource.Named.CodingKeys.self)),
        Entry(path: "ResourceObject.GenericResources.DiscreteResourceSpec", model: "GenericResource.Discrete",
              keys: keys(GenericResource.Discrete.CodingKeys.self)),
        Entry(path: "TaskSpec.RestartPolicy", model: "TaskRestartPolicy", keys: keys(TaskRestartPolicy.CodingKeys.self)),
        Entry(path: "TaskSpec.Placement", model: "Placement", keys: keys(Placement.CodingKeys.self)),
        Entry(path: "TaskSpec.Placement.Preferences", model: "Placement.Preference", keys: keys(Placement.Preference.CodingKeys.self)),
        Entry(path: "TaskSpec.Placement.Preferences.Spread", model: "Placement.Preference.Spread",
              keys: keys(Placement.Preference.Spread.CodingKeys.self)),
        Entry(path: "TaskSpec.Placement.Platforms", model: "Platform", keys: keys(Platform.CodingKeys.self)),
        Entry(path: "TaskSpec.Networks", model: "NetworkAttachmentConfig", keys: keys(NetworkAttachmentConfig.CodingKeys.self)),
        Entry(path: "TaskSpec.LogDriver", model: "LogDriver", keys: keys(LogDriver.CodingKeys.self)),
        Entry(path: "Service", model: "Service", keys: keys(Service.CodingKeys.self)),
        Entry(path: "Service.Endpoint", model: "Service.Endpoint", keys: keys(Service.Endpoint.CodingKeys.self)),
        Entry(path: "Service.Endpoint.VirtualIPs", model: "Service.Endpoint.VirtualIP", keys: keys(Service.Endpoint.VirtualIP.CodingKeys.self)),
        Entry(path: "Service.UpdateStatus", model: "Service.UpdateStatus", keys: keys(Service.UpdateStatus.CodingKeys.self)),
        Entry(path: "Service.ServiceStatus", model: "Service.ServiceStatus", keys: keys(Service.ServiceStatus.CodingKeys.self)),
        Entry(path: "Service.JobStatus", model: "Service.JobStatus", keys: keys(Service.JobStatus.CodingKeys.self)),
        Entry(path: "ServiceCreateResponse", model: "ServiceCreateResponse", keys: keys(ServiceCreateResponse.CodingKeys.self)),
        Entry(path: "ServiceUpdateResponse", model: "ServiceUpdateResponse", keys: keys(ServiceUpdateResponse.CodingKeys.self)),
        Entry(path: "Task", model: "SwarmTask", keys: keys(SwarmTask.CodingKeys.self)),
        Entry(path: "Task.Status", model: "SwarmTask.Status", keys: keys(SwarmTask.Status.CodingKeys.self)),
        Entry(path: "Task.Status.ContainerStatus", model: "SwarmTask.Status.ContainerStatus",
              keys: keys(SwarmTask.Status.ContainerStatus.CodingKeys.self)),
        Entry(path: "Task.Status.PortStatus", model: "SwarmTask.Status.PortStatus", keys: keys(SwarmTask.Status.PortStatus.CodingKeys.self)),
        Entry(path: "Task.NetworksAttachments", model: "SwarmTask.NetworkAttachment",
              keys: keys(SwarmTask.NetworkAttachment.CodingKeys.self)),
        // (Task.NetworksAttachments.Network: the spec names the container `Network`, dockerd sends its swarm
        // network object, as the spec's own Task example shows; SwarmTask.NetworkAttachment.AttachedNetwork
        // types that, checked by SwarmShapesFixtureTests.)
        Entry(path: "ObjectVersion", model: "ObjectVersion", keys: keys(ObjectVersion.CodingKeys.self)),
        Entry(path: "Node", model: "Node", keys: keys(Node.CodingKeys.self)),
        Entry(path: "NodeSpec", model: "NodeSpec", keys: keys(NodeSpec.CodingKeys.self)),
        Entry(path: "NodeDescription", model: "NodeDescription", keys: keys(NodeDescription.CodingKeys.self)),
        Entry(path: "EngineDescription", model: "NodeDescription.Engine", keys: keys(NodeDescription.Engine.CodingKeys.self)),
        Entry(path: "EngineDescription.Plugins", model: "NodeDescription.Engine.Plugin",
              keys: keys(NodeDescription.Engine.Plugin.CodingKeys.self)),
        Entry(path: "NodeStatus", model: "NodeStatus", keys: keys(NodeStatus.CodingKeys.self)),
        Entry(path: "ManagerStatus", model: "ManagerStatus", keys: keys(ManagerStatus.CodingKeys.self)),
        Entry(path: "Platform", model: "Platform", keys: keys(Platform.CodingKeys.self)),
        Entry(path: "ResourceObject", model: "ResourceObject", keys: keys(ResourceObject.CodingKeys.self)),
        Entry(path: "TLSInfo", model: "TLSInfo", keys: keys(TLSInfo.CodingKeys.self)),
        Entry(path: "Swarm", model: "Swarm", keys: keys(Swarm.CodingKeys.self)),
        Entry(path: "ClusterInfo", model: "Swarm", keys: keys(Swarm.CodingKeys.self), checkExtraKeys: false),
        Entry(path: "JoinTokens", model: "JoinTokens", keys: keys(JoinTokens.CodingKeys.self)),
        Entry(path: "SwarmSpec", model: "SwarmSpec", keys: keys(SwarmSpec.CodingKeys.self)),
        Entry(path: "SwarmSpec.Orchestration", model: "SwarmSpec.Orchestration", keys: keys(SwarmSpec.Orchestration.CodingKeys.self)),
        Entry(path: "SwarmSpec.Raft", model: "SwarmSpec.Raft", keys: keys(SwarmSpec.Raft.CodingKeys.self)),
        Entry(path: "SwarmSpec.Dispatcher", model: "SwarmSpec.Dispatcher", keys: keys(SwarmSpec.Dispatcher.CodingKeys.self)),
        Entry(path: "SwarmSpec.CAConfig", model: "SwarmSpec.CAConfig", keys: keys(SwarmSpec.CAConfig.CodingKeys.self)),
        Entry(path: "SwarmSpec.CAConfig.ExternalCAs", model: "SwarmSpec.ExternalCA", keys: keys(SwarmSpec.ExternalCA.CodingKeys.self)),
        Entry(path: "SwarmSpec.EncryptionConfig", model: "SwarmSpec.EncryptionConfig",
              keys: keys(SwarmSpec.EncryptionConfig.CodingKeys.self)),
        Entry(path: "SwarmSpec.TaskDefaults", model: "SwarmSpec.TaskDefaults", keys: keys(SwarmSpec.TaskDefaults.CodingKeys.self)),
        Entry(path: "SwarmSpec.TaskDefaults.LogDriver", model: "LogDriver", keys: keys(LogDriver.CodingKeys.self)),
        Entry(path: "SwarmInfo", model: "SwarmInfo", keys: keys(SwarmInfo.CodingKeys.self)),
        Entry(path: "PeerNode", model: "SwarmInfo.RemoteManager", keys: keys(SwarmInfo.RemoteManager.CodingKeys.self)),
        Entry(path: "body:post:/swarm/init", model: "SwarmInit", keys: keys(SwarmInit.CodingKeys.self)),
        Entry(path: "body:post:/swarm/join", model: "SwarmJoin", keys: keys(SwarmJoin.CodingKeys.self)),
        Entry(path: "body:post:/swarm/unlock", model: "UnlockKey", keys: keys(UnlockKey.CodingKeys.self)),
        Entry(path: "paths:/swarm/unlockkey", model: "UnlockKey", keys: keys(UnlockKey.CodingKeys.self)),
        Entry(path: "Secret", model: "SwarmSecret", keys: keys(SwarmSecret.CodingKeys.self)),
        Entry(path: "SecretSpec", model: "SecretSpec", keys: keys(SecretSpec.CodingKeys.self)),
        Entry(path: "Driver", model: "SecretSpec.Driver", keys: keys(SecretSpec.Driver.CodingKeys.self)),
        Entry(path: "Config", model: "SwarmConfig", keys: keys(SwarmConfig.CodingKeys.self)),
        Entry(path: "ConfigSpec", model: "ConfigSpec", keys: keys(ConfigSpec.CodingKeys.self)),
        // (IDResponse, the answer of POST /secrets/create and /configs/create: the v1.52 spec names its key
        // `Id`, dockerd sends `ID`, as recorded in swarm-services.json; the model follows the daemon.)
    ]

    /// Keys the models code that neither v1.52 nor v1.41 has at that place, with the reason.
    static let legacyKeys: [String: [String: String]] = [
        "paths:/system/df": ["BuilderSize": "sent by daemons before API 1.41's BuildCache list (Docker 18.09)"],
        "ServiceCreateResponse": ["Warning": "API 1.41's inline answer of POST /services/create (no definition there)"],
        "Service": ["PreviousSpec": "sent by dockerd (Go's swarm.Service) after an update; the spec never listed it"],
    ]

    static let spec52 = try? EngineAPISpec(file: "v1.52.yaml")
    static let spec41 = try? EngineAPISpec(file: "v1.41.yaml")

    func testEveryPropertyOfTheModelledDefinitionsIsTypedOrLeftOut() throws {
        let spec = try XCTUnwrap(Self.spec52, "cannot read Fixtures/engine-api/v1.52.yaml")
        var report: [String] = []
        for entry in Self.entries {
            guard let properties = spec.properties(at: entry.path) else {
                XCTFail("\(entry.path): not in the v1.52 spec")
                continue
            }
            let missing = Self.untyped(entry, properties)
            XCTAssertEqual(missing, [], "\(entry.path): \(entry.model) neither types nor leaves out \(missing)")
            let stale = Set(entry.leftOut.keys).subtracting(properties).union(Set(entry.leftOut.keys).intersection(entry.keys))
            XCTAssertEqual(stale, [], "\(entry.path): listed as left out but typed or no longer in the spec")
            for (key, reason) in entry.leftOut.sorted(by: { $0.key < $1.key }) {
                XCTAssertFalse(reason.isEmpty, "\(entry.path).\(key): a left-out property needs a reason")
                report.append("\(entry.path).\(key): \(reason)")
            }
        }
        XCTAssertGreaterThanOrEqual(Self.entries.count, 70)
        print("Deliberately left out of the models:\n  " + report.joined(separator: "\n  "))
    }

    /// The spec's properties that `entry` neither codes nor leaves out.
    static func untyped(_ entry: Entry, _ properties: Set<String>) -> [String] {
        properties.subtracting(entry.keys).subtracting(entry.leftOut.keys).sorted()
    }

    func testTheCheckCatchesAnUntypedProperty() throws {
        let spec = try XCTUnwrap(Self.spec52)
        let properties = try XCTUnwrap(spec.properties(at: "HostConfig"))
        var keys = Self.keys(HostConfig.CodingKeys.self).union(Self.keys(Resources.CodingKeys.self))
        keys.remove("ShmSize")
        keys.remove("Annotations")
        var entry = Entry(path: "HostConfig", model: "HostConfig", keys: keys)
        XCTAssertEqual(Self.untyped(entry, properties), ["Annotations", "ShmSize"])
        entry.leftOut = ["Annotations": "a reason"]
        XCTAssertEqual(Self.untyped(entry, properties), ["ShmSize"])
        XCTAssertEqual(spec.properties(at: "Mount.BindOptions"),
                       ["Propagation", "NonRecursive", "CreateMountpoint", "ReadOnlyNonRecursive", "ReadOnlyForceRecursive"])
        XCTAssertNil(spec.properties(at: "NoSuchDefinition"))
    }

    func testEveryCodedKeyExistsInTheSpec() throws {
        let spec52 = try XCTUnwrap(Self.spec52)
        let spec41 = try XCTUnwrap(Self.spec41, "cannot read Fixtures/engine-api/v1.41.yaml")
        for entry in Self.entries where entry.checkExtraKeys {
            let known = (spec52.properties(at: entry.path) ?? [])
                .union(spec41.properties(at: entry.path) ?? [])
                .union(Self.legacyKeys[entry.path]?.keys.map { $0 } ?? [])
            let unknown = entry.keys.subtracting(known).sorted()
            XCTAssertEqual(unknown, [], "\(entry.path): \(entry.model) codes keys no spec version has (typos?)")
        }
    }

    func testTheHeadlineDefinitionsAreFullyTyped() throws {
        let spec = try XCTUnwrap(Self.spec52)
        // The issue counted HostConfig 20 of 69, ContainerInspect 12 of 27, ImageInspect 8 of 17, SystemInfo 23 of 61.
        for (path, keys, total) in [("HostConfig", Self.keys(HostConfig.CodingKeys.self).union(Self.keys(Resources.CodingKeys.self)), 69),
                                    ("ContainerInspectResponse", Self.keys(ContainerInspect.CodingKeys.self), 27),
                                    ("ImageInspect", Self.keys(ImageInspect.CodingKeys.self), 17),
                                    ("SystemInfo", Self.keys(SystemInfo.CodingKeys.self), 61)] {
            let properties = try XCTUnwrap(spec.properties(at: path))
            XCTAssertEqual(properties.count, total, path)
            XCTAssertGreaterThanOrEqual(properties.intersection(keys).count, total - 1, path)
        }
    }
}

/// The parts of a Swagger 2.0 document the coverage test needs.
struct EngineAPISpec: @unchecked Sendable {
    let root: [String: Any]
    var definitions: [String: Any] { root["definitions"] as? [String: Any] ?? [:] }

    /// Reads `file` from the repository's Fixtures/engine-api (vendored), else the shared copy.
    init(file: String) throws {
        let candidates = ["\(fixturesDirectory)/engine-api/\(file)", "/work/shared/engine-api/\(file)"]
        guard let path = candidates.first(where: { FileManager.default.fileExists(atPath: $0) }) else {
            throw DockerError.invalidArgument("no \(file) in \(candidates)")
        }
        let text = try String(contentsOf: URL(fileURLWithPath: path), encoding: .utf8)
        guard let root = try Yams.load(yaml: text) as? [String: Any] else {
            throw DockerError.malformedResponse("\(file) is not a YAML mapping")
        }
        self.root = root
    }

    /// The property names of the object at `path`, with `$ref` and `allOf` resolved; nil when absent.
    func properties(at path: String) -> Set<String>? {
        guard let node = node(at: path) else { return nil }
        return Set(merged(node).keys)
    }

    func node(at path: String) -> [String: Any]? {
        if path.hasPrefix("body:") {
            // `body:post:/route`: the schema of an operation's body parameter.
            let parts = path.dropFirst(5).split(separator: ":", maxSplits: 1).map(String.init)
            guard parts.count == 2, let operations = (root["paths"] as? [String: Any])?[parts[1]] as? [String: Any],
                  let operation = operations[parts[0]] as? [String: Any],
                  let parameters = operation["parameters"] as? [[String: Any]],
                  let body = parameters.first(where: { $0["in"] as? String == "body" })
            else { return nil }
            return body["schema"] as? [String: Any]
        }
        if path.hasPrefix("paths:") {
            let route = String(path.dropFirst(6))
            guard let operations = (root["paths"] as? [String: Any])?[route] as? [String: Any],
                  let get = operations["get"] as? [String: Any],
                  let responses = get["responses"] as? [AnyHashable: Any],
                  let ok = (responses[200] ?? responses["200"] ?? responses[AnyHashable(200)]) as? [String: Any]
            else { return nil }
            return ok["schema"] as? [String: Any]
        }
        var parts = path.split(separator: ".").map(String.init)
        guard !parts.isEmpty, var node = definitions[parts.removeFirst()] as? [String: Any] else { return nil }
        for part in parts {
            guard var next = merged(node)[part] as? [String: Any] else { return nil }
            if let ref = next["$ref"] as? String, let name = ref.split(separator: "/").last,
               let target = definitions[String(name)] as? [String: Any], target["items"] != nil { next = target }
            if let items = next["items"] as? [String: Any] { next = items }
            if next["properties"] == nil, next["allOf"] == nil, next["$ref"] == nil,
               let values = next["additionalProperties"] as? [String: Any] { next = values }
            node = next
        }
        return node
    }

    /// The properties of `node`, following `$ref` and `allOf`.
    func merged(_ node: [String: Any]) -> [String: Any] {
        var out: [String: Any] = [:]
        if let ref = node["$ref"] as? String, let name = ref.split(separator: "/").last,
           let target = definitions[String(name)] as? [String: Any] {
            out.merge(merged(target)) { a, _ in a }
        }
        for part in node["allOf"] as? [[String: Any]] ?? [] { out.merge(merged(part)) { a, _ in a } }
        for (key, value) in node["properties"] as? [String: Any] ?? [:] { out[key] = value }
        return out
    }
}
