import DockerSDK
import Foundation
import XCTest

/// Networks API against fixtures recorded from dockerd 20.10 (API 1.41).
///
/// Re-record with `DOCKERSDK_RECORD=1 swift test --filter NetworksFixtureTests`; names are fixed so
/// requests replay byte for byte, and leftovers of an interrupted recording are removed first.
final class NetworksFixtureTests: XCTestCase {
    static let labels = ["com.dockersdk.recipe": "live-test", "com.dockersdk.instance": "networks-fixture"]
    static let image = "dockersdk/busybox:latest"

    func testListHasThePredefinedNetworks() async throws {
        let session = try fixture("networks-list")
        let networks = try await session.docker.networks.list()
        let byName = Dictionary(networks.map { ($0.name, $0) }, uniquingKeysWith: { a, _ in a })
        XCTAssertEqual(byName["bridge"]?.driver, "bridge")
        XCTAssertEqual(byName["host"]?.driver, "host")
        XCTAssertEqual(byName["none"]?.driver, "null")
        XCTAssertEqual(byName["bridge"]?.scope, "local")
        XCTAssertEqual(byName["bridge"]?.ipam?.driver, "default")
        XCTAssertNil(byName["bridge"]?.ipam?.options, "dockerd 20.10 sends IPAM.Options null")
        XCTAssertNotNil(byName["bridge"]?.subnets.first?.subnet.flatMap(IPv4Network.init))
        XCTAssertEqual(byName["bridge"]?.options?["com.docker.network.bridge.default_bridge"], "true")

        let bridges = try await session.docker.networks.list(filters: ["driver": ["bridge"], "name": ["bridge"]])
        XCTAssertTrue(bridges.contains { $0.name == "bridge" })
        XCTAssertTrue(bridges.allSatisfy { $0.driver == "bridge" })
        try session.finish()
    }

    func testCreateInspectConnectDisconnectRemove() async throws {
        let network = "dockersdk-fixture-net-lifecycle"
        let container = "dockersdk-fixture-net-c1"
        try await cleanUpBeforeRecording(networks: [network], containers: [container])
        let session = try fixture("networks-lifecycle")
        let docker = session.docker

        let created = try await docker.networks.create(NetworkCreate(
            name: network,
            subnets: [IPAMConfig(subnet: "10.213.250.0/24", ipRange: "10.213.250.128/25", gateway: "10.213.250.1",
                                 auxiliaryAddresses: ["reserved": "10.213.250.2"])],
            options: ["com.docker.network.driver.mtu": "1400"],
            labels: Self.labels))
        XCTAssertEqual(created.id.count, 64)
        XCTAssertEqual(created.warning ?? "", "")

        let inspected = try await docker.networks.inspect(network)
        XCTAssertEqual(inspected.id, created.id)
        XCTAssertEqual(inspected.name, network)
        XCTAssertEqual(inspected.driver, "bridge")
        XCTAssertEqual(inspected.scope, "local")
        XCTAssertEqual(inspected.internal, false)
        XCTAssertEqual(inspected.enableIPv6, false)
        XCTAssertEqual(inspected.labels, Self.labels)
        XCTAssertEqual(inspected.options?["com.docker.network.driver.mtu"], "1400")
        XCTAssertEqual(inspected.subnets, [IPAMConfig(subnet: "10.213.250.0/24", ipRange: "10.213.250.128/25",
                                                      gateway: "10.213.250.1",
                                                      auxiliaryAddresses: ["reserved": "10.213.250.2"])])
        XCTAssertEqual(inspected.containers, [:])
        XCTAssertNotNil(inspected.created)

        let byPrefix = try await docker.networks.inspect(String(created.id.prefix(12)))
        XCTAssertEqual(byPrefix.name, network)

        let labelled = try await docker.networks.list(filters: .label("com.dockersdk.instance", "networks-fixture"))
        XCTAssertEqual(labelled.map(\.name), [network])

        let containerID = try await FixtureContainers.run(docker, name: container, labels: Self.labels)
        try await docker.networks.connect(inspected, container: containerID,
                                          config: EndpointConfig(ipv4Address: "10.213.250.10", aliases: ["web", "api"]))

        let attached = try await docker.networks.inspect(created.id)
        let endpoint = try XCTUnwrap(attached.containers?[containerID])
        XCTAssertEqual(endpoint.name, container)
        XCTAssertEqual(endpoint.ipv4Address, "10.213.250.10/24")
        XCTAssertEqual(endpoint.ipv4, "10.213.250.10")
        XCTAssertEqual(attached.container(String(containerID.prefix(12)))?.endpointID, endpoint.endpointID)
        XCTAssertEqual(attached.container(container)?.endpointID, endpoint.endpointID)

        // The container's own view of the endpoint decodes as EndpointSettings.
        let settings = try await FixtureContainers.endpoint(docker, container: containerID, network: network)
        XCTAssertEqual(settings.networkID, created.id)
        XCTAssertEqual(settings.ipAddress, "10.213.250.10")
        XCTAssertEqual(settings.ipPrefixLen, 24)
        XCTAssertEqual(settings.gateway, "10.213.250.1")
        XCTAssertEqual(settings.staticIPv4Address, "10.213.250.10")
        XCTAssertEqual(Set(settings.aliases ?? []).isSuperset(of: ["web", "api"]), true)
        XCTAssertEqual(settings.endpointID, endpoint.endpointID)

        // Removing a network in use fails with the daemon's message.
        do {
            try await docker.networks.remove(network)
            XCTFail("removing a network with an attached container must fail")
        } catch let error as DockerError {
            XCTAssertTrue(error.message?.contains("active endpoints") == true, "\(error)")
        }

        try await docker.networks.disconnect(network: network, container: containerID)
        let detached = try await docker.networks.inspect(network)
        XCTAssertEqual(detached.containers, [:])

        // Disconnecting again: the container is no longer connected.
        do {
            try await docker.networks.disconnect(network: network, container: containerID, force: true)
            XCTFail("disconnecting a container that is not connected must fail")
        } catch let error as DockerError {
            XCTAssertNotNil(error.message, "\(error)")
        }

        try await docker.containers.remove(containerID, force: true)
        try await docker.networks.remove(created.id)
        do {
            _ = try await docker.networks.inspect(created.id)
            XCTFail("the network was removed")
        } catch let DockerError.notFound(message) {
            XCTAssertTrue(message.contains("not found"), message)
        }
        try session.finish()
    }

    func testDuplicateNameOverlapAndNotFound() async throws {
        let first = "dockersdk-fixture-net-first"
        let second = "dockersdk-fixture-net-second"
        try await cleanUpBeforeRecording(networks: [first, second], containers: [])
        let session = try fixture("networks-errors")
        let docker = session.docker

        let created = try await docker.networks.create(NetworkCreate(
            name: first, subnets: [IPAMConfig(subnet: "10.213.251.0/24")], labels: Self.labels))

        do {
            try await docker.networks.create(NetworkCreate(name: first, labels: Self.labels))
            XCTFail("a duplicate name must be refused")
        } catch let DockerError.conflict(message) {
            XCTAssertTrue(message.contains("already exists"), message)
        }

        do {
            try await docker.networks.create(NetworkCreate(
                name: second, subnets: [IPAMConfig(subnet: "10.213.251.128/25")], labels: Self.labels))
            XCTFail("an overlapping subnet must be refused")
        } catch let error as DockerError {
            XCTAssertTrue(error.isAddressPoolOverlap, "\(error)")
            XCTAssertEqual(error, .forbidden(message: "Pool overlaps with other one on this address space"))
        }

        do {
            _ = try await docker.networks.inspect("dockersdk-fixture-net-missing")
            XCTFail("no such network")
        } catch let DockerError.notFound(message) {
            XCTAssertEqual(message, "network dockersdk-fixture-net-missing not found")
        }
        do {
            try await docker.networks.remove("dockersdk-fixture-net-missing")
            XCTFail("no such network")
        } catch DockerError.notFound {}
        do {
            try await docker.networks.connect(network: "dockersdk-fixture-net-missing", container: "nothing")
            XCTFail("no such network or container")
        } catch let DockerError.notFound(message) {
            XCTAssertEqual(message, "No such container: nothing", "dockerd 20.10 looks the container up first")
        }

        // Client-side validation: nothing is sent (the fixture has no exchange for these).
        do {
            try await docker.networks.create(NetworkCreate(name: second, subnets: [IPAMConfig(subnet: "10.213.251.1/24")]))
            XCTFail("host bits set")
        } catch let DockerError.invalidArgument(message) {
            XCTAssertTrue(message.contains("host bits"), message)
        }
        do {
            try await docker.networks.create(NetworkCreate(name: "bad/name"))
            XCTFail("bad name")
        } catch DockerError.invalidArgument {}

        try await docker.networks.remove(created.id)
        try session.finish()
    }

    func testPruneRemovesOnlyUnusedLabelledNetworks() async throws {
        let names = ["dockersdk-fixture-net-prune-a", "dockersdk-fixture-net-prune-b"]
        try await cleanUpBeforeRecording(networks: names, containers: [])
        let session = try fixture("networks-prune")
        let docker = session.docker
        var labels = Self.labels
        labels["com.dockersdk.instance"] = "networks-prune"
        for name in names {
            try await docker.networks.create(NetworkCreate(name: name, labels: labels))
        }
        let filter = Filters.label("com.dockersdk.instance", "networks-prune")
        let listed = try await docker.networks.list(filters: filter)
        XCTAssertEqual(Set(listed.map(\.name)), Set(names))
        let deleted = try await docker.networks.prune(filters: filter)
        XCTAssertEqual(Set(deleted), Set(names))
        let left = try await docker.networks.list(filters: filter)
        XCTAssertEqual(left, [])
        let again = try await docker.networks.prune(filters: filter)
        XCTAssertEqual(again, [])
        try session.finish()
    }

    /// When recording, removes what an interrupted earlier recording may have left (outside the fixture).
    private func cleanUpBeforeRecording(networks: [String], containers: [String]) async throws {
        guard recordingFixtures else { return }
        let docker = try DockerClient()
        for name in containers {
            try? await docker.containers.remove(name, force: true)
        }
        for name in networks { try? await docker.networks.remove(name) }
    }
}

/// Containers for the network scenarios, through the typed containers API.
enum FixtureContainers {
    /// Creates and starts a labelled container; returns its ID.
    static func run(_ docker: DockerClient, name: String, cmd: [String] = ["sleep", "300"], labels: [String: String],
                    endpoints: [String: EndpointSettings]? = nil) async throws -> String {
        let spec = ContainerCreate(config: ContainerConfig(image: NetworksFixtureTests.image, cmd: cmd, labels: labels),
                                   endpoints: endpoints)
        let id = try await docker.containers.create(spec, name: name).id
        try await docker.containers.start(id)
        return id
    }

    /// The container's endpoint on `network`, from its inspect.
    static func endpoint(_ docker: DockerClient, container: String, network: String) async throws -> EndpointSettings {
        let inspect = try await docker.containers.inspect(container)
        return try XCTUnwrap(inspect.networkSettings?.networks?[network], "no endpoint on \(network)")
    }
}

/// The Networks API against exchanges synthesized for Docker 29 (API 1.52) from the official reference.
final class NetworksDocker29FixtureTests: XCTestCase {
    func testCreateOmitsCheckDuplicateAndDecodesNewerFields() async throws {
        let session = try fixture("networks-docker29", apiVersion: "1.52")
        let docker = session.docker
        let config = NetworkCreate(name: "backend", subnets: [IPAMConfig(subnet: "10.213.7.0/24", gateway: "10.213.7.1")],
                                   labels: ["com.example.some-label": "some-value"])
        XCTAssertEqual(config.checkDuplicate, true)
        let created = try await docker.networks.create(config)  // the fixture's body has no CheckDuplicate
        XCTAssertEqual(created.id, "7d86d31b1478e7cca9ebed7e73aa0fdeec46c5ca29497431d3007d2d9e15ed99")
        do {
            try await docker.networks.create(config)
            XCTFail("Docker 25+ always refuses a duplicate name")
        } catch let DockerError.conflict(message) {
            XCTAssertEqual(message, "network with name backend already exists")
        }

        let network = try await docker.networks.inspect("backend")
        XCTAssertEqual(network.enableIPv4, true)
        XCTAssertEqual(network.ipam?.options, [:])
        XCTAssertEqual(network.status?.ipam?.subnets?["10.213.7.0/24"]?.ipsInUse, 4)
        XCTAssertEqual(network.status?.ipam?.subnets?["10.213.7.0/24"]?.dynamicIPsAvailable, 252)
        XCTAssertEqual(network.container("test")?.ipv4, "10.213.7.2")

        let listed = try await docker.networks.list(filters: ["name": ["backend"]])
        XCTAssertEqual(listed.map(\.id), [created.id])
        XCTAssertNil(listed[0].containers, "API 1.50+ lists networks without their containers")
        try session.finish()
    }
}
