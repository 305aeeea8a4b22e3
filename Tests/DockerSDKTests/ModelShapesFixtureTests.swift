import DockerSDK
import Foundation
import XCTest

/// The models decode the API 1.44 (Docker 25) and 1.52 (Docker 29) shapes of container inspect and list,
/// /info, /system/df, image list and inspect, and events, from fixtures synthesized from the official
/// specs (`Fixtures/synthesize-model-fixtures.py`); the recorded 1.41 fixtures are replayed by the
/// other *FixtureTests.
final class ModelShapesFixtureTests: XCTestCase {
    static let containerID = "aa86eacfb3b3ed4cd362c1e88fc89a53908ad05fb3a4103bca3f9b28292d14bf"
    static let imageID = "sha256:ec3f0931a6e6b6855d76b2d7b0be30e81860baccd891b2e243280bf1cd8ad710"

    struct Read {
        var inspect: ContainerInspect
        var list: [ContainerSummary]
        var info: SystemInfo
        var df: DiskUsage
        var images: [ImageSummary]
        var image: ImageInspect
        var events: [DockerEvent]
    }

    /// Makes the calls every shape fixture answers, in its order.
    func read(_ scenario: String, _ version: String) async throws -> Read {
        let session = try fixture(scenario, apiVersion: version, chunkSize: 97)
        XCTAssertEqual(session.replay?.fixture.synthesized, true)
        XCTAssertTrue(session.replay?.fixture.source?.contains("v\(version).yaml") ?? false)
        let docker = session.docker
        let inspect = try await docker.containers.inspect(Self.containerID)
        let list = try await docker.containers.list(all: true)
        let info = try await docker.system.info()
        let df = try await docker.system.diskUsage()
        let images = try await docker.images.list()
        let image = try await docker.images.inspect(Self.imageID)
        var events: [DockerEvent] = []
        for try await event in try await docker.system.events(since: Date(timeIntervalSince1970: 1_700_000_000),
                                                              until: Date(timeIntervalSince1970: 1_700_000_010)) {
            events.append(event)
        }
        try session.finish()
        let negotiated = try await docker.apiVersion()
        XCTAssertEqual(negotiated.description, version)
        return Read(inspect: inspect, list: list, info: info, df: df, images: images, image: image, events: events)
    }

    /// What both shapes have.
    func checkCommon(_ read: Read, _ version: APIVersion) throws {
        let inspect = read.inspect
        XCTAssertEqual(inspect.id, Self.containerID)
        XCTAssertEqual(inspect.shortName, "dockersdk-fx-models")
        XCTAssertEqual(inspect.state.containerStatus, .running)
        XCTAssertEqual(inspect.state.health?.healthStatus, .healthy)
        XCTAssertEqual(inspect.state.health?.log?.first?.exitCode, 0)
        XCTAssertNotNil(inspect.state.health?.log?.first?.start)
        let health = try XCTUnwrap(inspect.config?.healthcheck)
        XCTAssertEqual(health.intervalDuration, .seconds(30))
        XCTAssertEqual(health.timeoutDuration, .seconds(5))
        XCTAssertEqual(health.startPeriodDuration, .seconds(10))
        XCTAssertEqual(health.startInterval, .seconds(2))
        let host = try XCTUnwrap(inspect.hostConfig)
        XCTAssertEqual(host.deviceRequests?.first?.capabilities, [["gpu", "nvidia", "compute"]])
        XCTAssertEqual(host.deviceRequests?.first?.count, -1)
        XCTAssertEqual(host.devices?.first?.cgroupPermissions, "mrw")
        XCTAssertFalse(host.logConfig?.type.isEmpty ?? true)
        XCTAssertNotNil(host.maskedPaths)
        XCTAssertNotNil(host.restartPolicy?.mode)
        XCTAssertEqual(inspect.networkSettings?.ports?["2377/tcp"], .some(nil), "exposed but unpublished")
        XCTAssertEqual(inspect.networkSettings?.ports?["443/tcp"]??.first?.hostPort, "4443")
        let bridge = try XCTUnwrap(inspect.networkSettings?.networks?["bridge"])
        XCTAssertEqual(bridge.dnsNames, ["foobar", "server_x", "server_y", "my.ctr"])
        XCTAssertEqual(bridge.staticIPv4Address, "172.20.30.33")
        XCTAssertEqual(inspect.graphDriver?.name, "overlay2")
        XCTAssertEqual(inspect.mounts?.first?.mountType, .volume)

        // Re-creating from inspect keeps what inspect said, StartInterval included (gated: 1.44+).
        let recreate = ContainerCreate(config: inspect.config, hostConfig: inspect.hostConfig)
        XCTAssertNoThrow(try recreate.checkSupported(by: version))
        XCTAssertThrowsError(try recreate.checkSupported(by: APIVersion(1, 41)))
        let encoded = try JSONDecoder().decode(ContainerInspect.self, from: JSONEncoder().encode(inspect))
        XCTAssertEqual(encoded, inspect, "inspect round-trips through encode and decode")

        let summary = try XCTUnwrap(read.list.first)
        XCTAssertEqual(summary.id, Self.containerID)
        XCTAssertEqual(summary.imageID, Self.imageID)
        XCTAssertEqual(summary.mounts?.first?.name, "myvolume")
        XCTAssertEqual(summary.ports?.first?.publicPort, 80)

        let info = read.info
        XCTAssertEqual(info.containers, 14)
        XCTAssertEqual(info.cdiSpecDirs, ["/etc/cdi", "/var/run/cdi"])
        XCTAssertEqual(info.defaultAddressPools?.first?.size, 24)
        XCTAssertEqual(info.plugins?.volume, ["local"])
        XCTAssertEqual(info.registryConfig?.indexConfigs?["127.0.0.1:5000"]?.secure, false)
        XCTAssertNotNil(info.runtimes?["runc"]?.path)
        XCTAssertNotNil(info.swarm?.localNodeState)
        XCTAssertNotNil(info.containerdCommit?.id)
        XCTAssertEqual(info.driverStatus?.first, ["Backing Filesystem", "extfs"])

        XCTAssertEqual(read.df.images?.first?.id, Self.imageID)
        XCTAssertEqual(read.df.containers?.first?.id, Self.containerID)
        XCTAssertEqual(read.df.volumes?.count, 1)
        XCTAssertEqual(read.df.buildCache?.first?.parents, ["hw53o5aio51xtltp5xjp8v7fx"])

        let image = read.image
        XCTAssertEqual(image.id, Self.imageID)
        XCTAssertFalse(image.repoDigests?.isEmpty ?? true)
        XCTAssertEqual(image.rootFS?.type, "layers")
        XCTAssertFalse(image.rootFS?.layers?.isEmpty ?? true)
        XCTAssertNotNil(image.config?.env)
        XCTAssertNotNil(image.metadata?.lastTagTime)
        XCTAssertEqual(read.images.first?.id, Self.imageID)
        XCTAssertNil(read.images.first?.virtualSize, "gone from API 1.44")

        XCTAssertEqual(read.events.map(\.action), ["create", "die"])
        XCTAssertEqual(read.events.map(\.eventType), [.container, .container])
        XCTAssertEqual(read.events.last?.actor.attributes?["exitCode"], "0")
        XCTAssertEqual(read.events.first?.actor.id, Self.containerID)
    }

    func testDocker25Shapes() async throws {
        let read = try await read("models-docker25", "1.44")
        try checkCommon(read, APIVersion(1, 44))
        // 1.44 still has the default bridge's legacy top-level fields and the flat /system/df lists.
        XCTAssertEqual(read.inspect.networkSettings?.ipAddress, "172.17.0.4")
        XCTAssertEqual(read.inspect.networkSettings?.bridge, "docker0")
        XCTAssertNotNil(read.df.layersSize)
        XCTAssertNil(read.df.imageUsage)
        XCTAssertEqual(read.info.containerdCommit?.expected, "2d41c047c83e09a6d61d464906feb2a2f3c52aa4")
        XCTAssertNil(read.info.containerd)
        XCTAssertNil(read.list.first?.health)
    }

    func testDocker29Shapes() async throws {
        let read = try await read("models-docker29", "1.52")
        try checkCommon(read, APIVersion(1, 52))
        XCTAssertThrowsError(try ContainerCreate(config: read.inspect.config, hostConfig: read.inspect.hostConfig)
            .checkSupported(by: APIVersion(1, 44)), "the 1.52 mount options need 1.45 to 1.48")
        // 1.52: no legacy network fields; manifests and descriptors; health in the list; /system/df per kind.
        XCTAssertNil(read.inspect.networkSettings?.ipAddress)
        XCTAssertEqual(read.inspect.networkSettings?.networks?["bridge"]?.gwPriority, 10)
        XCTAssertEqual(read.inspect.hostConfig?.logConfig, LogConfig(type: "local", config: ["max-file": "5", "max-size": "10m"]))
        XCTAssertEqual(read.inspect.imageManifestDescriptor?.mediaType, "application/vnd.oci.image.manifest.v1+json")
        XCTAssertEqual(read.inspect.imageManifestDescriptor?.platform?.osVersion, "10.0.19041.1165")
        XCTAssertEqual(read.inspect.platform, "linux")
        XCTAssertEqual(read.inspect.sizeRootFs, 1_653_948_416)
        XCTAssertNotNil(read.inspect.storage?.rootFS?.snapshot)
        XCTAssertEqual(read.list.first?.health?.healthStatus, .healthy)
        XCTAssertEqual(read.list.first?.hostConfig?.annotations?["io.kubernetes.docker.type"], "container")
        XCTAssertEqual(read.list.first?.imageManifestDescriptor?.size, 424)
        XCTAssertNil(read.df.layersSize)
        XCTAssertEqual(read.df.imageUsage?.totalCount, 4)
        XCTAssertEqual(read.df.containerUsage?.activeCount, 1)
        XCTAssertNotNil(read.df.volumeUsage?.reclaimable)
        XCTAssertNotNil(read.df.buildCacheUsage?.totalSize)
        XCTAssertNotNil(read.info.containerd?.namespaces?.containers)
        XCTAssertNotNil(read.info.firewallBackend?.driver)
        XCTAssertNotNil(read.info.discoveredDevices?.first?.source)
        XCTAssertNotNil(read.image.descriptor?.digest)
        XCTAssertNil(read.image.parent, "gone from API 1.52")
        XCTAssertNotNil(read.images.first?.descriptor)
    }
}
