import DockerSDK
import Foundation
import XCTest

/// Swarm, Nodes, Services, Tasks, Secrets and Configs against fixtures recorded from a real swarm of
/// dockerd 20.10 (API 1.41): the lab's h1 (manager) and h2 (worker).
///
/// Re-record with the lab up and out of any swarm (`scripts/lab.sh up 2`, then
/// `dockersdk-demo swarm leave --force --host ...` on each host, or `lab.sh up` right after the
/// Swarm live test), then `DOCKERSDK_RECORD=1 swift test --filter SwarmFixtureTests`.
/// Join tokens and unlock keys are scrubbed by the recorder (`<redacted>`); so is the secret's data.
final class SwarmFixtureTests: XCTestCase {
    static let h1 = DockerHost.unix(path: "/run/lab/h1/docker.sock")
    static let h2 = DockerHost.unix(path: "/run/lab/h2/docker.sock")
    static let labels = ["com.dockersdk.recipe": "live-test", "com.dockersdk.instance": "swarm-fixture"]
    static let secretValue = "fixture-secret-value-1234"
    static var secrets: [String] { [secretValue, Data(secretValue.utf8).base64EncodedString()] }

    func testSwarmScenarios() async throws {
        let tokens = try await lifecycle()
        try await join(tokens)
        try await services()
        try await leave()
    }

    /// Init on h1, typed refusals, inspect, update with the version index, token rotation, unlock key.
    private func lifecycle() async throws -> JoinTokens {
        let session = try swarmFixture("swarm-lifecycle", host: Self.h1)
        let docker = session.docker
        let before = try await docker.swarm.localState()
        XCTAssertEqual(before.localNodeState, "inactive")
        XCTAssertFalse(before.isActive)
        let outside = await swarmFailure { _ = try await docker.swarm.inspect() }
        XCTAssertEqual(outside, .notInSwarm)

        let nodeID = try await docker.swarm.initialize(SwarmInit(advertiseAddr: "10.231.0.1",
                                                                 defaultAddrPool: ["10.231.128.0/17"], subnetSize: 24))
        XCTAssertEqual(nodeID.count, 25)
        let twice = await swarmFailure { try await docker.swarm.initialize(SwarmInit(advertiseAddr: "10.231.0.1")) }
        XCTAssertEqual(twice, .alreadyInSwarm)
        let state = try await docker.swarm.localState()
        XCTAssertTrue(state.isActive)
        XCTAssertEqual(state.controlAvailable, true)
        XCTAssertEqual(state.nodeID, nodeID)
        XCTAssertEqual(state.nodeAddr, "10.231.0.1")

        let swarm = try await docker.swarm.inspect()
        XCTAssertEqual(swarm.spec.name, "default")
        XCTAssertEqual(swarm.defaultAddrPool, ["10.231.128.0/17"])
        XCTAssertEqual(swarm.subnetSize, 24)
        XCTAssertEqual(swarm.dataPathPort, 4789)
        XCTAssertEqual(swarm.spec.encryptionConfig?.autoLockManagers, false)
        XCTAssertNotNil(swarm.spec.raft?.electionTick)
        XCTAssertNotNil(swarm.tlsInfo?.trustRoot)
        let firstTokens = try XCTUnwrap(swarm.joinTokens)
        XCTAssertFalse(firstTokens.worker.isEmpty)
        XCTAssertEqual("\(firstTokens)", "JoinTokens(worker: <redacted>, manager: <redacted>)", "tokens print redacted")

        var spec = swarm.spec
        spec.labels = ["com.dockersdk.fixture": "swarm"]
        spec.orchestration = SwarmSpec.Orchestration(taskHistoryRetentionLimit: 2)
        try await docker.swarm.update(spec, version: swarm.version, rotateWorkerToken: true)
        let updated = try await docker.swarm.inspect()
        XCTAssertEqual(updated.spec.labels, ["com.dockersdk.fixture": "swarm"])
        XCTAssertEqual(updated.spec.orchestration?.taskHistoryRetentionLimit, 2)
        XCTAssertGreaterThan(updated.version.index, swarm.version.index)
        XCTAssertEqual(updated.joinTokens?.manager, firstTokens.manager, "only the worker token rotated")
        let stale = await dockerError { try await docker.swarm.update(spec, version: swarm.version) }
        XCTAssertNotNil(stale, "a stale version index is refused")
        XCTAssertTrue(stale?.message?.contains("out of sequence") ?? false, "\(String(describing: stale))")

        let key = try await docker.swarm.unlockKey()
        XCTAssertEqual(key.key, "", "autolock is off")
        let emptyKey = await dockerError { try await docker.swarm.unlock(UnlockKey("")) }
        XCTAssertEqual(emptyKey, .invalidArgument("swarm unlock: the key is empty"), "nothing sent")
        let lastManager = await dockerError { try await docker.swarm.leave() }
        XCTAssertNotNil(lastManager, "the only manager cannot leave without force")
        let tokens = try await docker.swarm.joinTokens()
        try session.finish()
        return tokens
    }

    /// h2 joins as a worker; a worker refuses cluster calls with a typed error.
    private func join(_ tokens: JoinTokens) async throws {
        let session = try swarmFixture("swarm-join", host: Self.h2)
        let docker = session.docker
        let noToken = await dockerError { try await docker.swarm.join(SwarmJoin(remoteAddrs: ["10.231.0.1:2377"], joinToken: "")) }
        XCTAssertEqual(noToken, .invalidArgument("swarm join: the join token is empty"))
        let request = SwarmJoin(remoteAddrs: ["10.231.0.1:2377"], joinToken: tokens.worker, advertiseAddr: "10.231.0.2")
        XCTAssertFalse("\(request)".contains("SWMTKN"), "join requests print redacted")
        try await docker.swarm.join(request)
        let state = try await docker.swarm.localState()
        XCTAssertTrue(state.isActive)
        XCTAssertEqual(state.controlAvailable, false)
        XCTAssertEqual(state.remoteManagers?.first?.addr, "10.231.0.1:2377")
        let refused = await swarmFailure { _ = try await docker.services.list() }
        XCTAssertEqual(refused, .notManager)
        let nodes = await swarmFailure { _ = try await docker.nodes.list() }
        XCTAssertEqual(nodes, .notManager)
        try session.finish()
    }

    /// Nodes, an overlay network, a secret, a config, a placed service, its tasks and logs, update, rollback.
    private func services() async throws {
        let session = try swarmFixture("swarm-services", host: Self.h1, secrets: Self.secrets)
        let docker = session.docker

        let nodes = try await poll(session) { () -> [Node]? in
            let nodes = try await docker.nodes.list()
            return nodes.count == 2 && nodes.allSatisfy({ $0.status?.state == "ready" }) ? nodes : nil
        }
        let byHost = Dictionary(nodes.map { ($0.hostname ?? "", $0) }, uniquingKeysWith: { a, _ in a })
        XCTAssertEqual(Set(byHost.keys), ["h1", "h2"])
        XCTAssertEqual(byHost["h1"]?.managerStatus?.leader, true)
        XCTAssertEqual(byHost["h1"]?.managerStatus?.addr, "10.231.0.1:2377")
        XCTAssertNil(byHost["h2"]?.managerStatus)
        XCTAssertEqual(byHost["h2"]?.spec.role, .worker)
        XCTAssertEqual(byHost["h2"]?.spec.availability, .active)
        XCTAssertEqual(byHost["h2"]?.status?.addr, "10.231.0.2")
        XCTAssertEqual(byHost["h2"]?.description?.platform?.os, "linux")
        XCTAssertNotNil(byHost["h2"]?.description?.resources?.nanoCPUs)
        XCTAssertEqual(byHost["h2"]?.description?.engine?.engineVersion, "20.10.24+dfsg1")
        let h2 = try XCTUnwrap(byHost["h2"])
        try await docker.nodes.update(h2.id, labels: ["com.dockersdk.zone": "b"])
        let labelled = try await docker.nodes.inspect(h2.id)
        XCTAssertEqual(labelled.spec.labels, ["com.dockersdk.zone": "b"])
        XCTAssertGreaterThan(labelled.version.index, h2.version.index)
        let workers = try await docker.nodes.list(filters: ["role": ["worker"]])
        XCTAssertEqual(workers.map(\.id), [h2.id])
        let missing = await dockerError { _ = try await docker.nodes.inspect("dsdk-fx-no-such-node") }
        XCTAssertEqual(missing?.isNotFound, true, "\(String(describing: missing))")

        let network = try await docker.networks.create(.overlay(name: "dsdk-fx-overlay", subnet: "10.231.201.0/24", labels: Self.labels))
        let secretID = try await docker.secrets.create(SecretSpec(name: "dsdk-fx-secret", data: Data(Self.secretValue.utf8),
                                                                  labels: Self.labels)).id
        let secret = try await docker.secrets.inspect(secretID)
        XCTAssertEqual(secret.spec.name, "dsdk-fx-secret")
        XCTAssertNil(secret.spec.data, "the daemon never returns a secret's data")
        try await docker.secrets.update(secretID, labels: Self.labels.merging(["stage": "2"]) { a, _ in a })
        let secrets = try await docker.secrets.list(filters: ["name": ["dsdk-fx-secret"]])
        XCTAssertEqual(secrets.map(\.id), [secretID])
        XCTAssertEqual(secrets.first?.spec.labels?["stage"], "2")
        let duplicate = await dockerError { try await docker.secrets.create(SecretSpec(name: "dsdk-fx-secret", data: Data("x".utf8))) }
        XCTAssertEqual(duplicate?.isConflict, true, "\(String(describing: duplicate))")

        let configID = try await docker.configs.create(ConfigSpec(name: "dsdk-fx-config", data: Data("greeting=hello\n".utf8),
                                                                  labels: Self.labels)).id
        let config = try await docker.configs.inspect(configID)
        XCTAssertEqual(config.spec.data, Data("greeting=hello\n".utf8))
        try await docker.configs.update(configID, labels: Self.labels.merging(["stage": "2"]) { a, _ in a })
        let configs = try await docker.configs.list(filters: .label("stage", "2"))
        XCTAssertEqual(Set(configs.map(\.id)), [configID])

        let spec = ServiceSpec(
            name: "dsdk-fx-reader",
            taskTemplate: TaskSpec(
                containerSpec: ContainerSpec(
                    image: "dockersdk/busybox:latest",
                    command: ["sh", "-c", "echo mode=$MODE on $NODE_HOST; sha256sum /run/secrets/app-secret; cat /etc/app.conf; exec sleep 600"],
                    env: ["MODE=v1", "NODE_HOST={{.Node.Hostname}}"], labels: Self.labels,
                    secrets: [.init(secretID: secretID, secretName: "dsdk-fx-secret", fileName: "app-secret", mode: 0o400)],
                    configs: [.init(configID: configID, configName: "dsdk-fx-config", path: "/etc/app.conf")],
                    stopGracePeriod: 1_000_000_000),
                resources: TaskResources(limits: .init(cpus: 0.5, memoryBytes: 64 << 20, pids: 100),
                                         reservations: ResourceObject(cpus: 0.01, memoryBytes: 4 << 20)),
                restartPolicy: TaskRestartPolicy(condition: .onFailure, delay: 1, maxAttempts: 2, window: 30),
                placement: Placement(constraints: ["node.labels.com.dockersdk.zone==b"],
                                     preferences: [.init(spread: "node.labels.com.dockersdk.zone")], maxReplicas: 1),
                networks: [NetworkAttachmentConfig(target: network.id, aliases: ["reader"])]),
            mode: .replicated(1), labels: Self.labels,
            updateConfig: UpdateConfig(parallelism: 1, monitor: 1, order: "stop-first"),
            rollbackConfig: UpdateConfig(parallelism: 1, monitor: 1, order: "stop-first"),
            endpointSpec: EndpointSpec(mode: .dnsrr))
        let created = try await docker.services.create(spec)
        XCTAssertEqual(created.id.count, 25)
        let service = try await docker.services.inspect("dsdk-fx-reader")
        XCTAssertEqual(service.id, created.id)
        XCTAssertEqual(service.spec.taskTemplate.placement?.constraints, ["node.labels.com.dockersdk.zone==b"])
        XCTAssertEqual(service.spec.taskTemplate.placement?.maxReplicas, 1)
        XCTAssertEqual(service.spec.taskTemplate.placement?.preferences?.first?.spread?.spreadDescriptor, "node.labels.com.dockersdk.zone")
        XCTAssertEqual(service.spec.taskTemplate.resources?.limits?.pids, 100)
        XCTAssertEqual(service.spec.taskTemplate.restartPolicy?.condition, .onFailure)
        XCTAssertEqual(service.spec.taskTemplate.containerSpec?.secrets?.first?.file?.mode, 0o400)
        XCTAssertEqual(service.spec.endpointSpec?.mode, .dnsrr)
        XCTAssertEqual(service.spec.mode?.replicated?.replicas, 1)
        XCTAssertNil(service.previousSpec)
        let same = await dockerError { try await docker.services.create(spec) }
        XCTAssertEqual(same?.isConflict, true, "\(String(describing: same))")

        let task = try await poll(session) { () -> SwarmTask? in
            try await docker.tasks.list(filters: ["service": ["dsdk-fx-reader"], "desired-state": ["running"]]).first { $0.isRunning }
        }
        XCTAssertEqual(task.nodeID, h2.id, "placed by the node label")
        XCTAssertEqual(task.slot, 1)
        XCTAssertEqual(task.serviceID, created.id)
        XCTAssertEqual(task.desiredState, "running")
        XCTAssertTrue(task.networksAttachments?.contains { $0.network?.id == network.id && $0.addresses?.first?.hasPrefix("10.231.201.") == true } ?? false)
        let inspectedTask = try await docker.tasks.inspect(task.id)
        XCTAssertNotNil(inspectedTask.status?.containerStatus?.containerID)
        let digest = "af01152a3d1d31d6d788f8b9086f511a61af159ba766e8c7f91b32f3cea32be3" // sha256sum of secretValue
        let logs = try await poll(session) { () -> String? in
            let (out, _) = try await docker.services.logs("dsdk-fx-reader").collect(limit: 1 << 20)
            let text = String(decoding: out, as: UTF8.self)
            return text.contains("greeting=hello") ? text : nil
        }
        XCTAssertTrue(logs.contains("mode=v1 on h2"), logs)
        XCTAssertTrue(logs.contains("\(digest)  /run/secrets/app-secret"), "the task read the secret: \(logs)")
        XCTAssertFalse(logs.contains(Self.secretValue))
        let (taskOut, taskErr) = try await docker.tasks.logs(task.id, options: LogsOptions(tail: 10)).collect(limit: 1 << 20)
        XCTAssertEqual(String(decoding: taskOut, as: UTF8.self), logs)
        XCTAssertEqual(taskErr, Data())
        let listed = try await docker.services.list(filters: .label("com.dockersdk.instance", "swarm-fixture"), status: true)
        XCTAssertEqual(listed.map(\.id), [created.id])
        XCTAssertEqual(listed.first?.serviceStatus?.runningTasks, 1)

        var changed = service.spec
        changed.taskTemplate.containerSpec?.env = ["MODE=v2", "NODE_HOST={{.Node.Hostname}}"]
        try await docker.services.update(created.id, spec: changed, version: service.version)
        let stale = await dockerError { try await docker.services.update(created.id, spec: changed, version: service.version) }
        XCTAssertTrue(stale?.message?.contains("out of sequence") ?? false, "\(String(describing: stale))")
        try await poll(session) { try await self.runningEnv(docker, created.id)?.first == "MODE=v2" }
        let updated = try await docker.services.inspect(created.id)
        XCTAssertEqual(updated.previousSpec?.taskTemplate.containerSpec?.env?.first, "MODE=v1")
        try await docker.services.rollback(created.id)
        try await poll(session) { try await self.runningEnv(docker, created.id)?.first == "MODE=v1" }
        let rolledBack = try await poll(session) { () -> Service? in
            let s = try await docker.services.inspect(created.id)
            return s.updateStatus?.state == "rollback_completed" ? s : nil
        }
        XCTAssertEqual(rolledBack.spec.taskTemplate.containerSpec?.env?.first, "MODE=v1")

        try await docker.services.remove(created.id)
        let gone = await dockerError { _ = try await docker.services.inspect(created.id) }
        XCTAssertEqual(gone?.isNotFound, true)
        // (a `service` filter naming a removed service is a 404: filter by hand)
        try await poll(session) { try await docker.tasks.list().allSatisfy { $0.serviceID != created.id } }
        try await poll(session) { (try? await docker.secrets.remove(secretID)) != nil }
        try await docker.configs.remove(configID)
        try await poll(session) { (try? await docker.networks.remove(network.id)) != nil }
        let noSecret = await dockerError { _ = try await docker.secrets.inspect(secretID) }
        XCTAssertEqual(noSecret?.isNotFound, true)
        try session.finish()
    }

    /// h2 leaves, then h1 with force; leaving twice is a typed error.
    private func leave() async throws {
        let worker = try swarmFixture("swarm-leave-worker", host: Self.h2)
        try await worker.docker.swarm.leave()
        let workerState = try await worker.docker.swarm.localState()
        XCTAssertEqual(workerState.localNodeState, "inactive")
        let again = await swarmFailure { try await worker.docker.swarm.leave() }
        XCTAssertEqual(again, .notInSwarm)
        try worker.finish()

        let manager = try swarmFixture("swarm-leave-manager", host: Self.h1)
        try await manager.docker.swarm.leave(force: true)
        let managerState = try await manager.docker.swarm.localState()
        XCTAssertEqual(managerState.localNodeState, "inactive")
        try manager.finish()
    }

    // MARK: - Helpers

    private func runningEnv(_ docker: DockerClient, _ service: String) async throws -> [String]? {
        let tasks = try await docker.tasks.list(filters: ["service": [service], "desired-state": ["running"]])
        guard tasks.count == 1, tasks[0].isRunning else { return nil }
        return tasks[0].spec?.containerSpec?.env
    }

    private func swarmFixture(_ scenario: String, host: DockerHost, secrets: [String] = []) throws -> FixtureSession {
        try FixtureSession(scenario: scenario, directory: fixturesDirectory, record: recordingFixtures,
                           secrets: secrets, recordingHost: host)
    }

    /// Polls until `body` gives a value: every second while recording, at once on replay (the same answers come back).
    @discardableResult
    private func poll<T>(_ session: FixtureSession, _ body: () async throws -> T?) async throws -> T {
        for _ in 0..<90 {
            if let value = try await body() { return value }
            if session.recorder != nil { try await Task.sleep(for: .seconds(1)) }
        }
        throw DockerError.timedOut(seconds: 90)
    }

    private func poll(_ session: FixtureSession, _ condition: () async throws -> Bool) async throws {
        try await poll(session) { try await condition() ? true : nil }
    }

    private func swarmFailure(_ body: () async throws -> Void) async -> DockerError.SwarmFailure? {
        do {
            try await body()
            return nil
        } catch DockerError.swarm(let reason, _) {
            return reason
        } catch {
            return nil
        }
    }
}
