import DockerSDK
import Foundation
import XCTest

/// The Swarm models decode the API 1.52 (Docker 29) shapes of swarm inspect, /info's Swarm part,
/// node list, service list and inspect, and task list, from a fixture synthesized from the official
/// spec (`Fixtures/synthesize-swarm-fixtures.py`); the recorded 1.41 swarm is replayed by
/// SwarmFixtureTests. The checks look at fields that only API 1.44+ (or 1.52) has, and at the gating
/// that keeps them from an older daemon.
final class SwarmShapesFixtureTests: XCTestCase {
    static let serviceID = "9mnpnzenvg8p8tdbtq4wvbkcz"
    static let nodeID = "24ifsmvkjbyhk"
    static let swarmID = "abajmipo7b4xz5ip2nrla6b11"

    struct Read {
        var swarm: Swarm
        var local: SwarmInfo
        var nodes: [Node]
        var services: [Service]
        var service: Service
        var tasks: [SwarmTask]
    }

    func read() async throws -> Read {
        let session = try fixture("swarm-docker29", apiVersion: "1.52", chunkSize: 113)
        XCTAssertEqual(session.replay?.fixture.synthesized, true)
        XCTAssertTrue(session.replay?.fixture.source?.contains("v1.52.yaml") ?? false)
        let docker = session.docker
        let read = Read(swarm: try await docker.swarm.inspect(), local: try await docker.swarm.localState(),
                        nodes: try await docker.nodes.list(), services: try await docker.services.list(status: true),
                        service: try await docker.services.inspect(Self.serviceID), tasks: try await docker.tasks.list())
        try session.finish()
        let negotiated = try await docker.apiVersion()
        XCTAssertEqual(negotiated, APIVersion(1, 52))
        return read
    }

    func testDocker29SwarmNodesAndLocalState() async throws {
        let read = try await read()
        XCTAssertEqual(read.swarm.id, Self.swarmID)
        XCTAssertEqual(read.swarm.defaultAddrPool, ["10.10.0.0/16", "20.20.0.0/16"])
        XCTAssertEqual(read.swarm.dataPathPort, 4789)
        XCTAssertEqual(read.swarm.spec.taskDefaults?.logDriver?.name, "json-file")
        XCTAssertEqual(read.swarm.spec.caConfig?.externalCAs?.first?.protocol, "cfssl")
        XCTAssertEqual(read.swarm.joinTokens?.worker, "<redacted>", "tokens are kept scrubbed")
        // /info's Swarm part carries the cluster (the same object without join tokens).
        XCTAssertEqual(read.local.nodeID, Self.nodeID)
        XCTAssertEqual(read.local.cluster?.id, Self.swarmID)
        XCTAssertNil(read.local.cluster?.joinTokens)
        XCTAssertEqual(read.local.cluster?.spec, read.swarm.spec)
        XCTAssertFalse(read.local.remoteManagers?.isEmpty ?? true)

        let node = try XCTUnwrap(read.nodes.first)
        XCTAssertEqual(node.id, Self.nodeID)
        XCTAssertEqual(node.description?.resources?.genericResources?.first?.discreteResourceSpec?.value, 3)
        XCTAssertEqual(node.description?.resources?.genericResources?.last?.namedResourceSpec?.kind, "GPU")
        XCTAssertTrue(node.description?.engine?.plugins?.contains { $0.type == "Network" && $0.name == "overlay" } ?? false)
        XCTAssertNotNil(node.description?.tlsInfo?.certIssuerSubject)
        XCTAssertNotNil(node.managerStatus?.reachability)
    }

    func testDocker29ServiceCarriesThe144To152Fields() async throws {
        let read = try await read()
        XCTAssertEqual(read.services.map(\.id), [Self.serviceID])
        XCTAssertEqual(read.services.first, read.service)
        let service = read.service
        XCTAssertEqual(service.name, "dsdk-fx-web")
        XCTAssertEqual(service.spec.mode?.replicated?.replicas, 3)
        XCTAssertEqual(service.serviceStatus?.runningTasks, 7)
        XCTAssertEqual(service.jobStatus?.jobIteration?.index, 373531)
        let template = service.spec.taskTemplate
        let container = try XCTUnwrap(template.containerSpec)
        // 1.44
        XCTAssertEqual(container.healthCheck?.startInterval, .seconds(2))
        XCTAssertEqual(container.privileges?.seccomp?.mode, "custom")
        XCTAssertEqual(container.privileges?.seccomp?.profile, #"{"defaultAction":"SCMP_ACT_ERRNO"}"#)
        XCTAssertEqual(container.privileges?.appArmor?.mode, "disabled")
        XCTAssertEqual(container.privileges?.noNewPrivileges, true)
        XCTAssertEqual(container.privileges?.credentialSpec?.config, "0bt9dmxjvjiqermk6xrop3ekq")
        let mount = try XCTUnwrap(container.mounts?.first)
        XCTAssertEqual(mount.bindOptions?.readOnlyNonRecursive, true)
        XCTAssertEqual(mount.bindOptions?.createMountpoint, true)
        // 1.45, 1.46, 1.48
        XCTAssertEqual(mount.volumeOptions?.subpath, "data/app")
        XCTAssertEqual(mount.tmpfsOptions?.options, [["noexec"], ["size", "64m"]])
        XCTAssertEqual(mount.imageOptions?.subpath, "/usr/share")
        XCTAssertEqual(container.oomScoreAdj, 250)
        // 1.52
        XCTAssertEqual(template.resources?.swapBytes, 268_435_456)
        XCTAssertEqual(template.resources?.memorySwappiness, 10)
        XCTAssertEqual(template.resources?.limits?.pids, 100)
        // Older fields next to them.
        XCTAssertEqual(container.configs?.first?.runtime, ContainerSpec.ConfigReference.RuntimeTarget())
        XCTAssertEqual(container.capabilityAdd?.first, "CAP_NET_RAW")
        XCTAssertEqual(template.resources?.reservations?.genericResources?.count, 3)
        XCTAssertEqual(template.placement?.platforms?.first?.os, "linux")
        XCTAssertNotNil(template.pluginSpec?.pluginPrivilege?.first?.name)

        // What 1.52 sent cannot go back to a 1.41 (or 1.44) daemon: the spec names the first field it lacks.
        XCTAssertNoThrow(try service.spec.checkSupported(by: APIVersion(1, 52)))
        XCTAssertThrowsError(try service.spec.checkSupported(by: APIVersion(1, 41))) { error in
            XCTAssertEqual(error as? DockerError, .requiresAPIVersion(feature: "ContainerSpec.HealthCheck.StartInterval",
                                                                       minimum: APIVersion(1, 44), negotiated: APIVersion(1, 41)))
        }
        let features = Set(service.spec.versionRequirements.map(\.description))
        XCTAssertEqual(features, [
            "ContainerSpec.HealthCheck.StartInterval (API 1.44+)", "ContainerSpec.Privileges.Seccomp (API 1.44+)",
            "ContainerSpec.Privileges.AppArmor (API 1.44+)", "ContainerSpec.Privileges.NoNewPrivileges (API 1.44+)",
            "ContainerSpec.Mounts[0].ImageOptions (API 1.48+)",
            "ContainerSpec.Mounts[0].BindOptions.CreateMountpoint (API 1.42+)",
            "ContainerSpec.Mounts[0].BindOptions.ReadOnlyNonRecursive (API 1.44+)",
            "ContainerSpec.Mounts[0].BindOptions.ReadOnlyForceRecursive (API 1.44+)",
            "ContainerSpec.Mounts[0].VolumeOptions.Subpath (API 1.45+)", "ContainerSpec.Mounts[0].TmpfsOptions.Options (API 1.46+)",
            "ContainerSpec.OomScoreAdj (API 1.46+)", "Resources.SwapBytes (API 1.52+)", "Resources.MemorySwappiness (API 1.52+)",
        ])
        let encoded = try JSONDecoder().decode(Service.self, from: JSONEncoder().encode(service))
        XCTAssertEqual(encoded, service, "the service round-trips through encode and decode")
    }

    func testDocker29TaskShapes() async throws {
        let read = try await read()
        let task = try XCTUnwrap(read.tasks.first)
        XCTAssertEqual(task.serviceID, Self.serviceID)
        XCTAssertEqual(task.nodeID, Self.nodeID)
        XCTAssertTrue(task.isRunning)
        XCTAssertEqual(task.spec?.containerSpec?.privileges?.noNewPrivileges, true)
        XCTAssertEqual(task.spec?.resources?.swapBytes, 268_435_456)
        XCTAssertEqual(task.status?.portStatus?.ports?.first?.protocol, "tcp")
        XCTAssertEqual(task.assignedGenericResources?.count, 3)
        XCTAssertEqual(task.jobIteration?.index, 373531)
        // The attachment as dockerd sends it: the swarm's network object.
        let network = try XCTUnwrap(task.networksAttachments?.first?.network)
        XCTAssertEqual(network.spec?.name, "ingress")
        XCTAssertEqual(network.version?.index, 18)
        XCTAssertEqual(network.driverState?.name, "overlay")
        XCTAssertEqual(network.driverState?.options?["com.docker.network.driver.overlay.vxlanid_list"], "256")
        XCTAssertEqual(network.ipamOptions?.configs?.first?.subnet, "10.255.0.0/16")
        XCTAssertEqual(task.networksAttachments?.first?.addresses, ["10.255.0.10/16"])
    }

    func testServiceGatingNamesEachNewerField() throws {
        var container = ContainerSpec(image: "dockersdk/busybox")
        XCTAssertEqual(ServiceSpec(name: "s", taskTemplate: TaskSpec(containerSpec: container)).versionRequirements, [])
        container.privileges = .init(seLinuxContext: .init(disable: true))
        XCTAssertEqual(container.versionRequirements, [], "SELinux labels are 1.41")
        container.privileges?.noNewPrivileges = false
        XCTAssertEqual(container.versionRequirements.map(\.description), ["Privileges.NoNewPrivileges (API 1.44+)"],
                       "set to false is still set")
        container.privileges = .init(appArmor: .init(mode: "default"))
        container.mounts = [.bind("/srv", at: "/srv"), .image("dockersdk/busybox", at: "/img")]
        let spec = ServiceSpec(name: "s", taskTemplate: TaskSpec(containerSpec: container))
        XCTAssertEqual(spec.versionRequirements.map(\.description), [
            "ContainerSpec.Privileges.AppArmor (API 1.44+)", "ContainerSpec.Mounts[1].Type=image (API 1.48+)",
        ])
        XCTAssertThrowsError(try spec.checkSupported(by: APIVersion(1, 47)))
        XCTAssertNoThrow(try spec.checkSupported(by: APIVersion(1, 48)))
        let runtime = ContainerSpec.ConfigReference.runtime(configID: "id", configName: "credspec")
        XCTAssertNil(runtime.file)
        let json = try XCTUnwrap(String(data: JSONEncoder().encode(runtime), encoding: .utf8))
        XCTAssertTrue(json.contains(#""Runtime":{}"#), json)
        XCTAssertFalse(json.contains("File"), json)
    }
}
