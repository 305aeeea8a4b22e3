import DockerSDK
import Foundation
import XCTest

/// The SDK against exchanges recorded from Podman 4.3.1's Docker-compatible service
/// (`podman system service`, Fixtures/podman-4.3/).
///
/// Re-record against the Podman of `scripts/podman.sh start` (after `scripts/podman.sh load-images`):
/// `DOCKERSDK_RECORD=1 DOCKERSDK_ENGINE=podman DOCKER_HOST=unix:///run/dockersdk-podman/podman.sock
///  swift test --filter PodmanFixtureTests`. A plain `DOCKERSDK_RECORD=1` run (dockerd) replays these.
final class PodmanFixtureTests: XCTestCase {
    static let recording = recordingFixtures && ProcessInfo.processInfo.environment["DOCKERSDK_ENGINE"] == "podman"

    /// A client replaying `Fixtures/podman-4.3/<scenario>.json`, or recording it from Podman.
    final class Session {
        let docker: DockerClient
        let replay: ReplayTransport?
        let recorder: RecordingTransport?
        let path: String

        init(_ scenario: String) throws {
            path = "\(fixturesDirectory)/podman-4.3/\(scenario).json"
            if PodmanFixtureTests.recording {
                let recorder = RecordingTransport(recording: CurlTransport(host: try HostDiscovery().resolve().host),
                                                  scenario: scenario)
                self.recorder = recorder
                replay = nil
                docker = try DockerClient(transport: recorder)
            } else {
                let replay = try ReplayTransport(path: path, chunkSize: 61)
                self.replay = replay
                recorder = nil
                docker = try DockerClient(host: .unix(path: "/replay/\(scenario)"), transport: replay, environment: [:])
            }
        }

        func finish() throws {
            if let recorder {
                let fixture = recorder.fixture
                XCTAssertNotNil(fixture.server?.hasPrefix("Libpod"), "recording from Podman, not \(fixture.server ?? "?")")
                try fixture.save(path: path)
            }
            if let replay { try replay.assertFinished() }
        }
    }

    func testPingDetectsPodmanAndVersionNamesItsComponents() async throws {
        let session = try Session("podman-system")
        let docker = session.docker
        let negotiated = try await docker.apiVersion()
        let engine = try await docker.engine()
        let version = try await docker.system.version()
        let info = try await docker.system.info()
        try session.finish()

        XCTAssertEqual(negotiated, APIVersion(1, 41))
        XCTAssertEqual(engine, Engine(kind: .podman, version: "4.3.1", apiVersion: APIVersion(1, 41)))
        XCTAssertTrue(engine.isPodman)
        XCTAssertEqual(version.version, "4.3.1")
        XCTAssertEqual(version.apiVersion, "1.41")
        XCTAssertEqual(version.minAPIVersion, "1.24")
        XCTAssertTrue(version.components?.contains { $0.name == "Podman Engine" && $0.version == "4.3.1" } ?? false)
        XCTAssertEqual(info.osType, "linux")
        XCTAssertGreaterThanOrEqual(info.images, 1)
        if let replay = session.replay {
            // One ping served both the negotiation and the engine detection.
            XCTAssertEqual(replay.fixture.exchanges.filter { $0.request.path == "/_ping" }.count, 1)
            XCTAssertEqual(replay.fixture.server, "Libpod/4.3.1 (linux)")
        }
    }

    func testRunAContainerAndReadItsDemultiplexedLogs() async throws {
        let name = "dockersdk-fixture-podman-run"
        if Self.recording, let live = try? DockerClient() { try? await live.containers.remove(name, force: true) }
        let session = try Session("podman-container-run")
        let docker = session.docker
        let id = try await docker.containers.create(
            ContainerCreate(image: "dockersdk/busybox:latest",
                            cmd: ["sh", "-c", "echo out-1; echo err-1 >&2; echo out-2; exit 3"],
                            labels: fixtureLabels("podman-container-run")),
            name: name).id
        try await docker.containers.start(id)
        let waited = try await docker.containers.wait(id)
        let logs = try await docker.containers.logs(id).collect()
        let inspected = try await docker.containers.inspect(id)
        try await docker.containers.remove(id)
        let gone = await dockerError { try await docker.containers.inspect(id) }
        try session.finish()

        XCTAssertEqual(id.count, 64)
        XCTAssertEqual(waited.statusCode, 3)
        XCTAssertEqual(String(decoding: logs.stdout, as: UTF8.self), "out-1\nout-2\n")
        XCTAssertEqual(String(decoding: logs.stderr, as: UTF8.self), "err-1\n")
        XCTAssertEqual(inspected.state.exitCode, 3)
        XCTAssertEqual(inspected.config?.labels?["com.dockersdk.fixture"], "podman-container-run")
        XCTAssertTrue(gone?.isNotFound ?? false, "removed: \(String(describing: gone))")
    }

    func testNetworkWithASubnetCreateInspectRemove() async throws {
        let network = "dockersdk-fixture-podman-net"
        if Self.recording, let live = try? DockerClient() { try? await live.networks.remove(network) }
        let session = try Session("podman-network")
        let docker = session.docker
        let created = try await docker.networks.create(NetworkCreate(
            name: network, subnets: [IPAMConfig(subnet: "10.214.250.0/24", gateway: "10.214.250.1")],
            labels: fixtureLabels("podman-network")))
        let inspected = try await docker.networks.inspect(network)
        let conflict = await dockerError {
            try await docker.networks.create(NetworkCreate(name: network, labels: fixtureLabels("podman-network")))
        }
        try await docker.networks.remove(network)
        let gone = await dockerError { try await docker.networks.inspect(network) }
        try session.finish()

        XCTAssertEqual(created.id.count, 64)
        XCTAssertEqual(inspected.id, created.id)
        XCTAssertEqual(inspected.name, network)
        XCTAssertEqual(inspected.driver, "bridge")
        XCTAssertEqual(inspected.subnets.map(\.subnet), ["10.214.250.0/24"])
        XCTAssertEqual(inspected.subnets.first?.gateway, "10.214.250.1")
        XCTAssertEqual(inspected.labels?["com.dockersdk.fixture"], "podman-network")
        XCTAssertTrue(conflict?.isConflict ?? false, "a second network of that name: \(String(describing: conflict))")
        XCTAssertTrue(gone?.isNotFound ?? false, "removed: \(String(describing: gone))")
    }

    /// Podman has no Swarm mode: its refusals are Docker's answer outside a swarm, `.swarm(.notInSwarm)`;
    /// `/swarm/init` keeps Podman's own 503; `/secrets` is Podman's own store and answers.
    func testSwarmCallsAreRefusedAsOutsideASwarm() async throws {
        let session = try Session("podman-swarm")
        let docker = session.docker
        _ = try await docker.apiVersion()
        var refusals: [DockerError?] = []
        refusals.append(await dockerError { try await docker.swarm.inspect() })
        refusals.append(await dockerError { try await docker.services.list() })
        refusals.append(await dockerError { try await docker.nodes.list() })
        refusals.append(await dockerError { try await docker.tasks.list() })
        refusals.append(await dockerError { try await docker.configs.list() })
        refusals.append(await dockerError { try await docker.swarm.unlockKey() })
        refusals.append(await dockerError { try await docker.services.inspect("dockersdk-fixture-no-such-service") })
        refusals.append(await dockerError { try await docker.swarm.leave(force: true) })
        let initialize = await dockerError { try await docker.swarm.initialize(SwarmInit(listenAddr: "127.0.0.1:2377", advertiseAddr: "127.0.0.1")) }
        let secrets = try await docker.secrets.list(filters: .label("com.dockersdk.fixture", "podman-swarm"))
        try session.finish()

        XCTAssertEqual(refusals.count, 8)
        for refusal in refusals {
            guard case .swarm(reason: .notInSwarm, let message)? = refusal else {
                XCTFail("expected .swarm(.notInSwarm), got \(String(describing: refusal))")
                continue
            }
            XCTAssertTrue(message.hasPrefix("Podman is not part of a swarm: it has no Swarm mode and does not serve "), message)
        }
        if case .swarm(_, let message)? = refusals[6] {
            XCTAssertTrue(message.contains("GET /services/{id}"), "the route, never the name: \(message)")
            XCTAssertFalse(message.contains("does not serve GET /services/dockersdk-fixture"), message)
        }
        guard case .serverError(503, let message)? = initialize else {
            return XCTFail("swarm init: Podman's own 503, got \(String(describing: initialize))")
        }
        XCTAssertTrue(message.contains("Podman does not support service"), message)
        XCTAssertEqual(secrets, [])
    }

    /// Podman refuses to remove a container whose network namespace another one joins (HTTP 500, cause
    /// "container already exists"): a typed `.conflict`, as Docker's 409; removable once the other is gone.
    func testRemovingANamespaceHolderWithDependentsIsAConflict() async throws {
        let holderName = "dockersdk-fixture-podman-holder", dependentName = "dockersdk-fixture-podman-dependent"
        if Self.recording, let live = try? DockerClient() {
            try? await live.containers.remove(dependentName, force: true)
            try? await live.containers.remove(holderName, force: true)
        }
        let session = try Session("podman-dependent-remove")
        let docker = session.docker
        let labels = fixtureLabels("podman-dependent-remove")
        let holder = try await docker.containers.create(
            ContainerCreate(image: "dockersdk/busybox:latest", cmd: ["sleep", "60"], labels: labels), name: holderName).id
        try await docker.containers.start(holder)
        let dependent = try await docker.containers.create(
            ContainerCreate(image: "dockersdk/busybox:latest", cmd: ["sleep", "60"], labels: labels,
                            hostConfig: HostConfig(networkMode: "container:\(holder)")), name: dependentName).id
        try await docker.containers.start(dependent)
        let top = try await docker.containers.top(holder, psArgs: "-eo pid,args")
        let refused = await dockerError { try await docker.containers.remove(holder, force: true) }
        try await docker.containers.remove(dependent, force: true)
        try await docker.containers.remove(holder, force: true)
        let gone = await dockerError { try await docker.containers.inspect(holder) }
        try session.finish()

        guard case .conflict(let message)? = refused else {
            return XCTFail("expected .conflict, got \(String(describing: refused))")
        }
        XCTAssertTrue(message.contains("has dependent containers which must be removed before it"), message)
        // `ps_args` Podman hands to ps: its unsplit lines split into Docker's columns.
        XCTAssertEqual(top.titles, ["PID", "COMMAND"])
        XCTAssertEqual(top.processes, [["1", "sleep 60"]])
        XCTAssertTrue(gone?.isNotFound ?? false, "removed: \(String(describing: gone))")
    }

    /// Podman's container inspect in Docker's shape: `HostConfig.Ulimits` named `nofile` (Podman says
    /// `RLIMIT_NOFILE`, which its own create refuses) and `NetworkMode` naming the one user-defined network
    /// (Podman says `bridge`), so that `ContainerCreate(recreating:)` makes a twin Podman accepts.
    func testInspectedSettingsRecreateATwin() async throws {
        let network = "dockersdk-fixture-podman-recreate-net"
        let names = ["dockersdk-fixture-podman-recreate", "dockersdk-fixture-podman-recreate-twin"]
        if Self.recording, let live = try? DockerClient() {
            for name in names { try? await live.containers.remove(name, force: true) }
            try? await live.networks.remove(network)
        }
        let session = try Session("podman-container-recreate")
        let docker = session.docker
        let labels = fixtureLabels("podman-container-recreate")
        _ = try await docker.networks.create(NetworkCreate(
            name: network, subnets: [IPAMConfig(subnet: "10.214.251.0/24", gateway: "10.214.251.1")], labels: labels))
        var host = HostConfig(networkMode: network, ulimits: [Ulimit(name: "nofile", soft: 1024, hard: 2048)])
        host.restartPolicy = .unlessStopped
        let id = try await docker.containers.create(ContainerCreate(
            config: ContainerConfig(image: "dockersdk/busybox:latest", cmd: ["sleep", "60"], labels: labels),
            hostConfig: host, endpoints: [network: EndpointSettings(aliases: ["db"])]), name: names[0]).id
        let info = try await docker.containers.inspect(id)
        let twinID = try await docker.containers.create(ContainerCreate(recreating: info), name: names[1]).id
        let twin = try await docker.containers.inspect(twinID)
        try await docker.containers.remove(twinID, force: true)
        try await docker.containers.remove(id, force: true)
        try await docker.networks.remove(network)
        try session.finish()

        XCTAssertEqual(info.hostConfig?.networkMode, network)
        XCTAssertEqual(info.hostConfig?.ulimits?.first { $0.name == "nofile" }?.soft, 1024)
        XCTAssertFalse(info.hostConfig?.ulimits?.contains { $0.name.hasPrefix("RLIMIT_") } ?? true, "\(String(describing: info.hostConfig?.ulimits))")
        XCTAssertEqual(twin.hostConfig?.networkMode, network)
        XCTAssertEqual(twin.hostConfig?.ulimits, info.hostConfig?.ulimits)
        XCTAssertEqual(twin.hostConfig?.restartPolicy, info.hostConfig?.restartPolicy)
    }
}
