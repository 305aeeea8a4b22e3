import DockerSDK
import Foundation
import XCTest

/// Swarm mode across the three-host lab (`scripts/lab.sh up 3`): nodes, placement, logs, secrets,
/// configs, update and rollback, leave and join, and a teardown that leaves nothing behind.
///
/// The test brings the lab up itself when none is there and tears it down at the end (also when a
/// step fails). Under CI=true a machine that cannot run the lab (not root, no `ip`) fails the test.
final class SwarmLiveTests: XCTestCase {
    /// A node outside any swarm answers Swarm calls with a typed error (the main daemon is not in one).
    func testAStandaloneDaemonGivesTypedSwarmErrors() async throws {
        let docker = try await Live.client()
        let state = try await docker.swarm.localState()
        guard state.localNodeState == "inactive" else {
            try Live.unavailable("the main daemon is in a swarm (\(state.localNodeState ?? "?")); this test needs it standalone")
        }
        var calls: [@Sendable () async throws -> Void] = [
            { _ = try await docker.services.list() }, { _ = try await docker.swarm.inspect() },
            { _ = try await docker.nodes.list() }, { _ = try await docker.tasks.list() },
            { _ = try await docker.configs.list() }, { _ = try await docker.swarm.unlockKey() },
        ]
        if Live.isPodman {
            // Podman keeps secrets of its own, without a swarm: `/secrets` answers there (README, Podman).
            _ = try await docker.secrets.list()
        } else {
            calls.append { _ = try await docker.secrets.list() }
        }
        for call in calls {
            do {
                try await call()
                XCTFail("a standalone daemon answered a Swarm call")
            } catch let error as DockerError {
                guard case .swarm(reason: .notInSwarm, let message) = error else {
                    return XCTFail("expected .swarm(.notInSwarm), got \(error)")
                }
                XCTAssertTrue(message.contains("not a swarm manager") || message.contains("not part of a swarm"), message)
            }
        }
        let leave = await swarmError { try await docker.swarm.leave() }
        XCTAssertEqual(leave, .notInSwarm)
    }

    func testSwarmAcrossThreeHosts() async throws {
        // The lab's hosts are dockerds of its own: nothing of the engine under test; Podman has no Swarm mode.
        try await Live.requireSwarmMode("the Swarm lab (scripts/lab.sh) runs dockerd hosts; Podman has no Swarm mode")
        // One manager: the placement steps use h2 and h3 as workers (the Redis tests use 3 managers).
        let lab = try SwarmLab.up(3, managers: 1)
        var failure: (any Error)?
        do {
            try await exercise(lab)
        } catch {
            failure = error
        }
        let down = try SwarmLab.down(ifStartedBy: lab)
        if let failure { throw failure }
        if lab.startedHere {
            XCTAssertEqual(down.status, 0, String(decoding: down.stderr, as: UTF8.self))
            XCTAssertEqual(SwarmLab.leftovers(), [], "lab.sh down leaves nothing")
        }
    }

    // MARK: - The steps

    private func exercise(_ lab: SwarmLab) async throws {
        let clock = ContinuousClock.now
        func mark(_ step: String) { print("[swarm-live] \(step) at \(clock.duration(to: .now))") }
        let manager = try lab.client("h1")
        let h2 = try lab.client("h2")
        let h3 = try lab.client("h3")
        let tag = "dsdk-swarm-\(UInt32.random(in: 0...UInt32.max))"
        let labels = Live.labels(tag)

        // The swarm as lab.sh formed it through the SDK: three ready nodes, h1 the leader, distinct hostnames.
        let hostOf = try await readyNodes(manager, count: 3)
        XCTAssertEqual(Set(hostOf.values), ["h1", "h2", "h3"])
        let nodes = try await manager.nodes.list()
        let leader = nodes.first { $0.managerStatus?.leader == true }
        XCTAssertEqual(leader?.hostname, "h1")
        XCTAssertEqual(nodes.first { $0.hostname == "h2" }?.status?.addr, "10.231.0.2")
        let workerState = try await h2.swarm.localState()
        XCTAssertTrue(workerState.isActive)
        XCTAssertEqual(workerState.controlAvailable, false)
        let onWorker = await swarmError { _ = try await h2.services.list() }
        XCTAssertEqual(onWorker, .notManager, "a worker refuses cluster calls, typed")
        let swarm = try await manager.swarm.inspect()
        XCTAssertFalse(swarm.joinTokens?.worker.isEmpty ?? true)
        XCTAssertFalse("\(swarm.joinTokens!)".contains("SWMTKN"), "join tokens print redacted")
        XCTAssertEqual(swarm.defaultAddrPool, ["10.231.128.0/17"])
        let again = await swarmError { try await manager.swarm.initialize(SwarmInit(advertiseAddr: "10.231.0.1")) }
        XCTAssertEqual(again, .alreadyInSwarm)
        let key = try await manager.swarm.unlockKey()
        XCTAssertEqual(key.key, "", "autolock is off")

        mark("Leave and join again")
        // Leave and join again through the SDK: h3 leaves, is removed, rejoins with the worker token.
        try await h3.swarm.leave()
        let oldH3 = try XCTUnwrap(hostOf.first { $0.value == "h3" }?.key)
        try await swarmPoll("h3 is down on the manager") { try await manager.nodes.inspect(oldH3).status?.state == "down" }
        try await manager.nodes.remove(oldH3)
        let tokens = try await manager.swarm.joinTokens()
        try await h3.swarm.join(SwarmJoin(remoteAddrs: ["10.231.0.1:2377"], joinToken: tokens.worker,
                                          advertiseAddr: "10.231.0.3"), attempts: 3)
        let rejoined = try await readyNodes(manager, count: 3)
        XCTAssertEqual(Set(rejoined.values), ["h1", "h2", "h3"])
        XCTAssertFalse(rejoined.keys.contains(oldH3), "h3 came back as a new node")
        let idOf = Dictionary(uniqueKeysWithValues: rejoined.map { ($0.value, $0.key) })

        mark("Node update with the version")
        // Node update with the version index: labels for placement; a stale version is refused.
        for (host, zone) in [("h2", "b"), ("h3", "c")] {
            try await manager.nodes.update(idOf[host]!, labels: ["com.dockersdk.zone": zone])
        }
        let h2Node = try await manager.nodes.inspect(idOf["h2"]!)
        XCTAssertEqual(h2Node.spec.labels?["com.dockersdk.zone"], "b")
        var stale = h2Node.spec
        stale.availability = .active
        let staleError = await dockerErrorLive {
            try await manager.nodes.update(h2Node.id, spec: stale, version: ObjectVersion(index: h2Node.version.index - 1))
        }
        XCTAssertNotNil(staleError, "an update with an old version index is refused")
        let zoneC = try await manager.nodes.list(filters: ["node.label": ["com.dockersdk.zone=c"]])
        XCTAssertEqual(zoneC.map(\.hostname), ["h3"])

        mark("An attachable overlay")
        // An attachable overlay network on a private subnet.
        let network = try await manager.networks.create(.overlay(name: "\(tag)-net", subnet: "10.231.200.0/24", labels: labels))
        var created: [String] = []
        var secretID: String?
        var configID: String?
        do {
            // The manager fills the driver in once the network is allocated.
            let inspected = try await swarmPoll("the overlay network is allocated") { () -> Network? in
                let found = try await manager.networks.inspect(network.id)
                return found.driver?.isEmpty == false ? found : nil
            }
            XCTAssertEqual(inspected.driver, "overlay")
            XCTAssertEqual(inspected.scope, "swarm")
            XCTAssertEqual(inspected.attachable, true)

            // Placement: 3 replicas on workers only, at most one per node: two run (h2, h3), one stays pending.
            var placed = ServiceSpec(
                name: "\(tag)-placed",
                taskTemplate: TaskSpec(
                    containerSpec: ContainerSpec(image: "dockersdk/busybox:latest",
                                                 command: ["sh", "-c", "echo placed-on-$NODE_HOST; exec sleep 600"],
                                                 env: ["NODE_HOST={{.Node.Hostname}}"], labels: labels,
                                                 stopGracePeriod: 1_000_000_000),
                    resources: TaskResources(limits: .init(cpus: 0.25, memoryBytes: 64 << 20),
                                             reservations: ResourceObject(memoryBytes: 8 << 20)),
                    restartPolicy: TaskRestartPolicy(condition: .onFailure, delay: 1, maxAttempts: 3),
                    placement: Placement(constraints: ["node.role==worker"],
                                         preferences: [.init(spread: "node.labels.com.dockersdk.zone")], maxReplicas: 1),
                    networks: [NetworkAttachmentConfig(target: network.id, aliases: ["placed"])]),
                mode: .replicated(3), labels: labels, endpointSpec: EndpointSpec(mode: .dnsrr))
            placed.updateConfig = UpdateConfig(parallelism: 1, failureAction: "pause")
            let placedID = try await manager.services.create(placed).id
            created.append(placedID)
            let running = try await swarmPoll("two placed tasks run") { () -> [SwarmTask]? in
                let tasks = try await manager.tasks.list(filters: ["service": [placedID], "desired-state": ["running"]])
                let up = tasks.filter(\.isRunning)
                return up.count == 2 ? up : nil
            }
            XCTAssertEqual(Set(running.compactMap { $0.nodeID.flatMap { rejoined[$0] } }), ["h2", "h3"],
                           "tasks on the workers, one per node")
            let all = try await manager.tasks.list(filters: ["service": [placedID], "desired-state": ["running"]])
            let waiting = all.filter { !$0.isRunning }
            XCTAssertEqual(waiting.count, 1, "MaxReplicas 1 leaves the third task unscheduled")
            XCTAssertEqual(waiting.first?.status?.state, "pending")
            XCTAssertTrue(waiting.first?.status?.err?.contains("max replicas") ?? false, "\(String(describing: waiting.first?.status))")
            let service = try await manager.services.inspect(placedID)
            XCTAssertEqual(service.spec.taskTemplate.placement?.maxReplicas, 1)
            XCTAssertEqual(service.spec.endpointSpec?.mode, .dnsrr)
            XCTAssertEqual(service.spec.taskTemplate.resources?.limits?.nanoCPUs, 250_000_000)
            XCTAssertEqual(running.first?.networksAttachments?.contains { $0.network?.id == network.id }, true)
            let listed = try await manager.services.list(filters: .label("com.dockersdk.instance", tag), status: true)
            XCTAssertEqual(listed.map(\.id), [placedID])
            XCTAssertEqual(listed.first?.serviceStatus?.desiredTasks, 3)

            mark("Service logs")
            // Service logs: every running task's line, demultiplexed; one task's logs: its own host only.
            let serviceLogs = try await swarmPoll("both tasks logged") { () -> String? in
                let text = try await logText(try await manager.services.logs(placedID))
                return text.contains("placed-on-h2") && text.contains("placed-on-h3") ? text : nil
            }
            XCTAssertFalse(serviceLogs.contains("placed-on-h1"))
            let onH2 = try XCTUnwrap(running.first { $0.nodeID == idOf["h2"] })
            let taskLog = try await logText(try await manager.tasks.logs(onH2.id))
            XCTAssertEqual(taskLog.trimmingCharacters(in: .whitespacesAndNewlines), "placed-on-h2")
            let inspectedTask = try await manager.tasks.inspect(onH2.id)
            XCTAssertEqual(inspectedTask.serviceID, placedID)
            XCTAssertNotNil(inspectedTask.status?.containerStatus?.containerID)
            try await manager.services.remove(placedID)
            created.removeAll { $0 == placedID }

            mark("A secret and a config")
            // A secret and a config, read by a task pinned to h2 (it prints the secret's digest, never the secret).
            let secretValue = "live-secret-\(UUID().uuidString)"
            secretID = try await manager.secrets.create(SecretSpec(name: "\(tag)-secret", data: Data(secretValue.utf8), labels: labels)).id
            configID = try await manager.configs.create(ConfigSpec(name: "\(tag)-config", data: Data("greeting=hello\n".utf8), labels: labels)).id
            let secret = try await manager.secrets.inspect(secretID!)
            XCTAssertNil(secret.spec.data, "the daemon never returns a secret's data")
            XCTAssertFalse("\(SecretSpec(name: "x", data: Data(secretValue.utf8)))".contains(secretValue))
            try await manager.secrets.update(secretID!, labels: labels.merging(["rotated": "no"]) { a, _ in a })
            let relabelled = try await manager.secrets.inspect(secretID!)
            XCTAssertEqual(relabelled.spec.labels?["rotated"], "no")
            XCTAssertGreaterThan(relabelled.version.index, secret.version.index)
            let config = try await manager.configs.inspect(configID!)
            XCTAssertEqual(config.spec.data, Data("greeting=hello\n".utf8))
            try await manager.configs.update(configID!, labels: labels.merging(["kind": "greeting"]) { a, _ in a })
            let configs = try await manager.configs.list(filters: ["label": ["kind=greeting"], "name": ["\(tag)-config"]])
            XCTAssertEqual(configs.map(\.id), [configID!])
            let secrets = try await manager.secrets.list(filters: .label("com.dockersdk.instance", tag))
            XCTAssertEqual(secrets.map(\.id), [secretID!])

            let reader = ServiceSpec(
                name: "\(tag)-reader",
                taskTemplate: TaskSpec(
                    containerSpec: ContainerSpec(
                        image: "dockersdk/busybox:latest",
                        command: ["sh", "-c", "echo mode=$MODE; sha256sum /run/secrets/app-secret; cat /etc/app.conf; exec sleep 600"],
                        env: ["MODE=v1"], labels: labels,
                        secrets: [.init(secretID: secretID!, secretName: "\(tag)-secret", fileName: "app-secret", mode: 0o400)],
                        configs: [.init(configID: configID!, configName: "\(tag)-config", path: "/etc/app.conf")],
                        stopGracePeriod: 1_000_000_000),
                    placement: Placement(constraints: ["node.hostname==h2"])),
                mode: .replicated(1), labels: labels,
                updateConfig: UpdateConfig(parallelism: 1, monitor: 1, order: "stop-first"),
                rollbackConfig: UpdateConfig(parallelism: 1, monitor: 1, order: "stop-first"),
                endpointSpec: EndpointSpec(mode: .dnsrr))
            let readerID = try await manager.services.create(reader).id
            created.append(readerID)
            let digest = try sha256(secretValue)
            let firstLog = try await swarmPoll("the reader logged its files") { () -> String? in
                let text = try await logText(try await manager.services.logs(readerID))
                return text.contains("greeting=hello") ? text : nil
            }
            XCTAssertTrue(firstLog.contains("mode=v1"), firstLog)
            XCTAssertTrue(firstLog.contains("\(digest)  /run/secrets/app-secret"), "the task read the secret: \(firstLog)")
            XCTAssertFalse(firstLog.contains(secretValue))
            let readerTasks = try await manager.tasks.list(filters: ["service": [readerID], "desired-state": ["running"]])
            XCTAssertEqual(readerTasks.compactMap { $0.nodeID.flatMap { rejoined[$0] } }, ["h2"], "pinned by node.hostname")
            let inUse = await dockerErrorLive { try await manager.secrets.remove(secretID!) }
            XCTAssertNotNil(inUse, "a secret in use cannot be removed")

            mark("Update")
            // Update (new env, with the version index), then roll back to the previous spec.
            let before = try await manager.services.inspect(readerID)
            var changed = before.spec
            changed.taskTemplate.containerSpec?.env = ["MODE=v2"]
            try await manager.services.update(readerID, spec: changed, version: before.version)
            let staleUpdate = await dockerErrorLive { try await manager.services.update(readerID, spec: changed, version: before.version) }
            XCTAssertNotNil(staleUpdate, "a second update with the same version index is refused")
            try await swarmPoll("the update completed with MODE=v2") { try await runningEnv(manager, readerID) == ["MODE=v2"] }
            try await swarmPoll("the new task logged mode=v2") { try await logText(try await manager.services.logs(readerID)).contains("mode=v2") }
            let updated = try await manager.services.inspect(readerID)
            XCTAssertEqual(updated.previousSpec?.taskTemplate.containerSpec?.env, ["MODE=v1"])
            XCTAssertGreaterThan(updated.version.index, before.version.index)

            mark("rollback")
            try await manager.services.rollback(readerID)
            try await swarmPoll("the rollback completed with MODE=v1") { try await runningEnv(manager, readerID) == ["MODE=v1"] }
            let rolledBack = try await manager.services.inspect(readerID)
            XCTAssertEqual(rolledBack.spec.taskTemplate.containerSpec?.env, ["MODE=v1"])
            try await swarmPoll("rollback state completed") {
                try await manager.services.inspect(readerID).updateStatus?.state == "rollback_completed"
            }
        } catch {
            await cleanup(manager, services: created, secret: secretID, config: configID, network: network.id)
            throw error
        }
        await cleanup(manager, services: created, secret: secretID, config: configID, network: network.id)
        let leftServices = try await manager.services.list(filters: .label("com.dockersdk.instance", tag))
        XCTAssertEqual(leftServices.count, 0)
        let leftSecrets = try await manager.secrets.list(filters: .label("com.dockersdk.instance", tag))
        XCTAssertEqual(leftSecrets.count, 0)

        mark("Leave")
        // Leave: the workers first, then the manager with force.
        for client in [h2, h3] { try await client.swarm.leave() }
        try await manager.swarm.leave(force: true)
        for client in [manager, h2, h3] {
            let state = try await client.swarm.localState()
            XCTAssertEqual(state.localNodeState, "inactive")
        }
    }

    // MARK: - Helpers

    /// Node ID to hostname of the ready nodes, once there are `count` of them.
    private func readyNodes(_ manager: DockerClient, count: Int) async throws -> [String: String] {
        try await swarmPoll("\(count) nodes ready") { () -> [String: String]? in
            let ready = try await manager.nodes.list().filter { $0.status?.state == "ready" }
            guard ready.count == count else { return nil }
            return Dictionary(uniqueKeysWithValues: ready.map { ($0.id, $0.hostname ?? "") })
        }
    }

    /// The env of the service's running tasks' specs, once exactly one task runs.
    private func runningEnv(_ manager: DockerClient, _ service: String) async throws -> [String]? {
        let tasks = try await manager.tasks.list(filters: ["service": [service], "desired-state": ["running"]])
        let up = tasks.filter(\.isRunning)
        guard up.count == 1, tasks.count == 1 else { return nil }
        return up[0].spec?.containerSpec?.env
    }

    private func cleanup(_ manager: DockerClient, services: [String], secret: String?, config: String?, network: String) async {
        for id in services { try? await manager.services.remove(id) }
        // Tasks go away asynchronously: secrets, configs and the network are free once they have.
        _ = try? await swarmPoll("services' tasks gone") {
            try await manager.tasks.list(filters: ["desired-state": ["running"]]).allSatisfy { !services.contains($0.serviceID ?? "") }
        }
        if let secret { _ = try? await swarmPoll("secret removed") { (try? await manager.secrets.remove(secret)) != nil } }
        if let config { _ = try? await swarmPoll("config removed") { (try? await manager.configs.remove(config)) != nil } }
        _ = try? await swarmPoll("network removed") { (try? await manager.networks.remove(network)) != nil }
    }
}

/// The lab of `scripts/lab.sh`: its hosts, and whether this test brought it up.
struct SwarmLab {
    var hosts: [String: String]
    var startedHere: Bool

    static let script: String = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().appendingPathComponent("scripts/lab.sh").path

    /// The running lab, or a new one of `size` hosts (a machine that cannot run it fails under CI);
    /// `managers` (LAB_MANAGERS) h1..hM are managers, by default 3 when `size` >= 3, else 1.
    /// `images` (LAB_IMAGES) are loaded into every host (default: busybox and redis).
    static func up(_ size: Int, managers: Int? = nil, images: [String]? = nil) throws -> SwarmLab {
        guard getuid() == 0, FileManager.default.isExecutableFile(atPath: "/usr/sbin/ip") || FileManager.default.isExecutableFile(atPath: "/sbin/ip") else {
            try Live.unavailable("the Swarm lab needs root and iproute2")
        }
        // A lab already up is kept (and its swarm formed again if a run left it); otherwise this test owns it.
        let status = try LabProcess.run(["/bin/bash", script, "status"], timeout: 30)
        let existing = status.status == 0 ? parse(status.stdout) : nil
        if let existing, existing.count > size {
            try Live.unavailable("a lab of \(existing.count) hosts is up; this test needs \(size)")
        }
        let demo = try Exec.demo
        let up = try runScript(["up", String(size)], demo: demo, timeout: 240,
                               environment: (managers.map { ["LAB_MANAGERS": String($0)] } ?? [:])
                                   .merging(images.map { ["LAB_IMAGES": $0.joined(separator: " ")] } ?? [:]) { a, _ in a })
        guard up.status == 0, let hosts = parse(up.stdout), hosts.count == size else {
            let failed = String(decoding: up.stderr, as: UTF8.self)
            if existing == nil { _ = try? runScript(["down"], demo: demo, timeout: 120) }
            try Live.unavailable("lab.sh up \(size) failed: \(failed.suffix(2000))")
        }
        printTimings(up)
        if existing != nil { return SwarmLab(hosts: hosts, startedHere: false) }
        return SwarmLab(hosts: hosts, startedHere: true)
    }

    /// Tears the lab down when this test brought it up.
    static func down(ifStartedBy lab: SwarmLab) throws -> Exec.Result {
        guard lab.startedHere else { return Exec.Result(stdout: Data(), stderr: Data(), status: 0) }
        let down = try runScript(["down"], demo: try Exec.demo, timeout: 120)
        printTimings(down)
        return down
    }

    /// Echoes lab.sh's own timing lines into the test log (how long the lab adds to a run).
    private static func printTimings(_ result: Exec.Result) {
        for line in String(decoding: result.stderr, as: UTF8.self).split(separator: "\n")
        where line.hasPrefix("[lab]") && (line.contains(" up in ") || line.contains(" down in ") || line.contains("formed after")) {
            print(line)
        }
    }

    private static func runScript(_ arguments: [String], demo: String, timeout: TimeInterval,
                                  environment: [String: String] = [:]) throws -> Exec.Result {
        try LabProcess.run(["/bin/bash", script] + arguments, environment: environment.merging(["DOCKERSDK_DEMO": demo]) { _, new in new },
                           timeout: timeout)
    }

    /// `hN unix:///PATH ADDRESS` lines to host name and socket URL.
    static func parse(_ output: Data) -> [String: String]? {
        var hosts: [String: String] = [:]
        for line in String(decoding: output, as: UTF8.self).split(separator: "\n") {
            let fields = line.split(separator: " ")
            guard fields.count == 3, fields[1].hasPrefix("unix://") else { return nil }
            hosts[String(fields[0])] = String(fields[1])
        }
        return hosts.isEmpty ? nil : hosts
    }

    /// A client for host `name`.
    func client(_ name: String) throws -> DockerClient {
        guard let url = hosts[name] else { throw DockerError.invalidArgument("no lab host \(name)") }
        return try DockerClient(host: try DockerHost(url: url))
    }

    /// What a torn-down lab must not leave: namespaces, links, the iptables rule, folders.
    static func leftovers() -> [String] {
        var left: [String] = []
        let netns = (try? FileManager.default.contentsOfDirectory(atPath: "/var/run/netns")) ?? []
        left += netns.filter { $0.hasPrefix("dsdklab-") }.map { "netns \($0)" }
        let links = (try? FileManager.default.contentsOfDirectory(atPath: "/sys/class/net")) ?? []
        left += links.filter { $0.hasPrefix("dsdklab") }.map { "link \($0)" }
        if let rules = try? LabProcess.run(["/usr/sbin/iptables", "-S"], timeout: 30) {
            left += String(decoding: rules.stdout, as: UTF8.self).split(separator: "\n").filter { $0.contains("dsdklab0") }.map { "rule \($0)" }
        }
        for path in ["/run/lab", "/var/lib/lab"] where FileManager.default.fileExists(atPath: path) { left.append(path) }
        let mounts = (try? String(contentsOfFile: "/proc/self/mountinfo", encoding: .utf8)) ?? ""
        left += mounts.split(separator: "\n").filter { $0.contains(" /run/lab/") || $0.contains(" /var/lib/lab/") }.map { "mount \($0)" }
        return left
    }
}

/// The reason of a `DockerError.swarm`, nil for any other outcome.
func swarmError(_ body: () async throws -> Void) async -> DockerError.SwarmFailure? {
    do {
        try await body()
        return nil
    } catch DockerError.swarm(let reason, _) {
        return reason
    } catch {
        return nil
    }
}

/// Polls `body` every 250 ms until it returns a value, for at most `seconds` (then fails with `what`).
@discardableResult
func swarmPoll<T>(_ what: String, seconds: Double = 60, _ body: () async throws -> T?) async throws -> T {
    let attempts = Int(seconds * 4)
    for _ in 0..<attempts {
        if let value = try await body() { return value }
        try await Task.sleep(for: .milliseconds(250))
    }
    throw DockerError.invalidArgument("timed out after \(seconds) s waiting until \(what)")
}

/// Polls a condition (see `poll(_:seconds:_:)`).
func swarmPoll(_ what: String, seconds: Double = 60, _ condition: () async throws -> Bool) async throws {
    try await swarmPoll(what, seconds: seconds) { try await condition() ? true : nil }
}

/// Reads a log stream the daemon ends (no follow) as text, giving up after `seconds`.
func logText(_ output: ContainerOutput, seconds: Double = 30) async throws -> String {
    let text = try await withThrowingTaskGroup(of: String?.self) { group in
        group.addTask {
            let (stdout, stderr) = try await output.collect(limit: 1 << 20)
            return String(decoding: stdout + stderr, as: UTF8.self)
        }
        group.addTask {
            try await Task.sleep(for: .seconds(seconds))
            return nil
        }
        defer { group.cancelAll() }
        return try await group.next() ?? nil
    }
    guard let text else {
        output.cancel()
        throw DockerError.timedOut(seconds: seconds)
    }
    return text
}

/// The hex SHA-256 of `text`, as busybox sha256sum prints it.
func sha256(_ text: String) throws -> String {
    let file = FileManager.default.temporaryDirectory.appendingPathComponent("dsdk-digest-\(UUID().uuidString)")
    try Data(text.utf8).write(to: file, options: .withoutOverwriting)
    defer { try? FileManager.default.removeItem(at: file) }
    let result = try LabProcess.run(["/usr/bin/sha256sum", file.path], timeout: 10)
    return String(String(decoding: result.stdout, as: UTF8.self).prefix(64))
}

/// Runs a command with its output in files and its exit polled with `waitpid(WNOHANG)`, killed at the deadline.
///
/// lab.sh leaves daemons running (setsid): Foundation's `Process.waitUntilExit` was seen never to
/// return after such a script exited (a zombie child, a hung test), so the lab does not use it.
enum LabProcess {
    static func run(_ arguments: [String], environment extra: [String: String] = [:], timeout: TimeInterval) throws -> Exec.Result {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("dsdk-lab-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        let outPath = dir.appendingPathComponent("stdout").path
        let errPath = dir.appendingPathComponent("stderr").path
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0)
        posix_spawn_file_actions_addopen(&actions, 1, outPath, O_WRONLY | O_CREAT | O_TRUNC, 0o600)
        posix_spawn_file_actions_addopen(&actions, 2, errPath, O_WRONLY | O_CREAT | O_TRUNC, 0o600)
        let argv: [UnsafeMutablePointer<CChar>?] = arguments.map { strdup($0) } + [nil]
        let environment = ProcessInfo.processInfo.environment.merging(extra) { _, new in new }
        let envp: [UnsafeMutablePointer<CChar>?] = environment.map { strdup("\($0.key)=\($0.value)") } + [nil]
        defer { (argv + envp).forEach { free($0) } }
        var pid: pid_t = 0
        let spawned = posix_spawn(&pid, arguments[0], &actions, nil, argv, envp)
        guard spawned == 0 else { throw DockerError.invalidArgument("cannot start \(arguments[0]): errno \(spawned)") }
        var status: Int32 = 0
        let deadline = Date().addingTimeInterval(timeout)
        var exited = false
        while !exited {
            let result = waitpid(pid, &status, WNOHANG)
            if result == pid { exited = true; break }
            if result < 0, errno != EINTR { throw DockerError.invalidArgument("waitpid failed: errno \(errno)") }
            if Date() > deadline {
                kill(pid, SIGTERM)
                for _ in 0..<50 where waitpid(pid, &status, WNOHANG) != pid { usleep(100_000) }
                kill(pid, SIGKILL)
                _ = waitpid(pid, &status, 0)
                break
            }
            usleep(100_000)
        }
        let out = (try? Data(contentsOf: URL(fileURLWithPath: outPath))) ?? Data()
        let err = (try? Data(contentsOf: URL(fileURLWithPath: errPath))) ?? Data()
        let code: Int32 = !exited ? 124 : (status & 0x7f) == 0 ? (status >> 8) & 0xff : 128 + (status & 0x7f)
        return Exec.Result(stdout: out, stderr: err, status: code)
    }
}
