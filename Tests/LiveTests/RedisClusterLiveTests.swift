import DockerRecipes
import DockerSDK
import Foundation
import XCTest
#if canImport(Glibc)
import Glibc
#endif

/// The whole life of a 3 x 1 Redis Cluster against the real daemon, in bridge mode (a private subnet)
/// and in host mode (ports on 127.0.0.1 only): up, up again, check, status, MOVED, failover,
/// scale-out, scale-in, down, and nothing left behind. Everything carries the recipe's labels and is
/// removed by `down`, also when an assertion or a step fails midway.
final class RedisClusterLiveTests: RecipeLiveTestCase {
    func testBridgeModeLifecycle() async throws {
        let docker = try await Live.client()
        let subnet = try await Self.freePrivateSubnet(docker)
        let prefix = tracked("lt-redis-br-\(UInt32.random(in: 0...UInt32.max))")
        let options = RedisClusterOptions(masters: 3, replicasPerMaster: 1, image: "dockersdk/redis:7",
                                          mode: .bridge(network: nil, subnet: subnet), namePrefix: prefix)
        try await lifecycle(docker, options: options)
    }

    func testHostModeLifecycle() async throws {
        let docker = try await Live.client()
        // 6 nodes, 2 more while scaled out: client ports base...base+7, bus ports +10000.
        let basePort = try Self.freeLoopbackPortBlock(count: 8)
        let prefix = tracked("lt-redis-host-\(UInt32.random(in: 0...UInt32.max))")
        let options = RedisClusterOptions(masters: 3, replicasPerMaster: 1, image: "dockersdk/redis:7",
                                          mode: .hostNetwork(basePort: basePort, announceIP: "127.0.0.1"), namePrefix: prefix)
        try await lifecycle(docker, options: options) { cluster in
            // Host networking shares the machine's interfaces: every node listens on loopback only.
            let ports = Set(cluster.plan.nodes.flatMap { [$0.port, $0.busPort] })
            let listeners = Self.tcpListeners().filter { ports.contains($0.port) }
            XCTAssertEqual(Set(listeners.map(\.port)), ports, "every client and bus port listens")
            XCTAssertEqual(listeners.filter { !$0.loopback }.map { "\($0.address):\($0.port)" }, [],
                           "a node listens beyond 127.0.0.1")
        }
    }

    func testBridgeModePublishedOnLoopbackLifecycle() async throws {
        let docker = try await Live.client()
        let subnet = try await Self.freePrivateSubnet(docker)
        // 6 nodes and the 4 spare ports the namespace holder publishes for scale-out.
        let basePort = try Self.freeLoopbackPortBlock(count: 6 + RedisClusterPlan.spareNodes)
        let prefix = "lt-redis-lo-\(UInt32.random(in: 0...UInt32.max))"
        let options = RedisClusterOptions(masters: 3, replicasPerMaster: 1, image: "dockersdk/redis:7",
                                          mode: .bridge(network: nil, subnet: subnet), namePrefix: prefix, loopbackBasePort: basePort)
        try await lifecycle(docker, options: options) { cluster in
            let endpoints = try await cluster.endpoints()
            XCTAssertEqual(endpoints, (0..<6).map { "127.0.0.1:\(basePort + $0)" })
            let status = try await cluster.status()
            XCTAssertEqual(status.endpoints, endpoints)
            XCTAssertEqual(status.nodes.compactMap(\.cluster?.address), endpoints, "every node announces its loopback endpoint")
            // Published by the daemon on loopback only (docker-proxy listens there for each port).
            let ports = Set((0..<(6 + RedisClusterPlan.spareNodes)).map { basePort + $0 })
            let listeners = Self.tcpListeners().filter { ports.contains($0.port) }
            XCTAssertEqual(Set(listeners.map(\.port)), ports, "every published port listens on the host")
            XCTAssertEqual(listeners.filter { !$0.loopback }.map { "\($0.address):\($0.port)" }, [], "a port is published beyond 127.0.0.1")
        }
    }

    // MARK: - The lifecycle

    func lifecycle(_ docker: DockerClient, options: RedisClusterOptions,
                   afterUp: (RedisCluster) async throws -> Void = { _ in }) async throws {
        let cluster = try await RedisCluster(docker: docker, options: options)
        let prefix = options.namePrefix
        let events = EventLog()
        let progress = RecipeProgress { events.append($0) }
        let clock = ContinuousClock()
        let started = clock.now
        var timings: [String] = []
        func timed<T>(_ what: String, _ body: () async throws -> T) async throws -> T {
            let start = clock.now
            let value = try await body()
            timings.append("\(what) \(Self.seconds(clock.now - start))")
            return value
        }
        do {
            // up, then up again.
            let outcome = try await timed("up") { try await cluster.up(progress: progress) }
            guard case .created = outcome else { throw DockerError.invalidArgument("the first up found a cluster: \(outcome)") }
            let again = try await timed("up again") { try await cluster.up(progress: progress) }
            XCTAssertEqual(again, .alreadyRunning)
            try await afterUp(cluster)

            let problems = try await timed("check") { try await cluster.check() }
            XCTAssertEqual(problems, [], problems.map(\.description).joined(separator: "; "))

            // status: 3 masters own all 16384 slots, 3 replicas each follow one of them.
            let status = try await timed("status") { try await cluster.status() }
            try Self.assertTopology(status, masters: 3, replicasPerMaster: 1, plan: cluster.plan)

            // MOVED for k1 (slot 12706) names its owner.
            let redirect = try await timed("redirect") { try await cluster.demonstrateRedirect(key: "k1") }
            XCTAssertTrue(redirect.passed, "\(redirect)")
            XCTAssertEqual(redirect.slot, 12706)
            XCTAssertEqual(redirect.redirect?.kind, .moved)
            XCTAssertEqual(redirect.redirect?.slot, 12706)
            let owner = try XCTUnwrap(status.nodes.first { $0.cluster?.slots.contains { $0.contains(12706) } == true })
            XCTAssertEqual(redirect.redirect?.address, owner.address)
            XCTAssertEqual(redirect.ownerAddress, owner.address)
            XCTAssertNotEqual(redirect.askedNode, owner.address)
            XCTAssertEqual(redirect.redirectedReply, "OK")
            XCTAssertEqual(redirect.readBack, "v1")

            // The failover drill: no acknowledged key lost; the old master comes back as a replica of the new one.
            let drill = try await timed("failover") { try await cluster.failoverDrill(key: "k1", keyCount: 100, progress: progress) }
            XCTAssertTrue(drill.passed, "\(drill)")
            XCTAssertEqual(drill.slot, 12706)
            XCTAssertEqual(drill.oldMaster, owner.container)
            XCTAssertNotEqual(drill.newMaster, drill.oldMaster)
            XCTAssertEqual(drill.keysReadBack, 100)
            XCTAssertEqual(drill.keysWritten, 100)
            XCTAssertGreaterThanOrEqual(drill.replicasAcknowledged, 1)
            XCTAssertGreaterThan(drill.promotedAfter, 0)
            XCTAssertLessThanOrEqual(drill.failureDetectedAfter, drill.promotedAfter)
            XCTAssertGreaterThanOrEqual(drill.rejoinedAfter, 0)
            let afterDrill = try await cluster.status()
            try Self.assertTopology(afterDrill, masters: 3, replicasPerMaster: 1, plan: cluster.plan)
            let oldMaster = try XCTUnwrap(afterDrill.nodes.first { $0.container == drill.oldMaster }?.cluster)
            let newMaster = try XCTUnwrap(afterDrill.nodes.first { $0.container == drill.newMaster }?.cluster)
            XCTAssertEqual(oldMaster.role, .replica)
            XCTAssertEqual(oldMaster.masterID, newMaster.id)
            XCTAssertEqual(newMaster.role, .master)
            XCTAssertTrue(newMaster.slots.contains { $0.contains(12706) }, "\(newMaster.slots)")

            // Scale out: a fourth master with about a quarter of the slots, and its replica.
            let out = try await timed("scale-out") { try await cluster.scaleOut(keyCount: 300, progress: progress) }
            XCTAssertTrue(out.passed, "\(out)")
            XCTAssertEqual(out.master, "\(prefix)-7")
            XCTAssertEqual(out.replica, "\(prefix)-8")
            XCTAssertEqual(out.keysReadBack, 300)
            XCTAssertLessThanOrEqual(abs(out.masterSlots - 4096), 410, "the new master owns \(out.masterSlots) slots")
            let scaled = try await cluster.status()
            XCTAssertEqual(scaled.nodes.count, 8)
            try Self.assertTopology(scaled, masters: 4, replicasPerMaster: 1, plan: cluster.plan)
            let outProblems = try await cluster.check()
            XCTAssertEqual(outProblems, [], outProblems.map(\.description).joined(separator: "; "))

            // Scale in: the added pair leaves, every key stays readable.
            let back = try await timed("scale-in") { try await cluster.scaleIn(keyCount: 300, progress: progress) }
            XCTAssertTrue(back.passed, "\(back)")
            XCTAssertEqual(back.keysWritten, 300)
            XCTAssertEqual(back.keysReadBack, 300)
            XCTAssertEqual(back.master, "\(prefix)-7")
            XCTAssertEqual(back.replica, "\(prefix)-8")
            XCTAssertEqual(back.masterSlots, out.masterSlots)
            let finalProblems = try await timed("check") { try await cluster.check() }
            XCTAssertEqual(finalProblems, [], finalProblems.map(\.description).joined(separator: "; "))
            let final = try await cluster.status()
            XCTAssertEqual(final.nodes.map(\.container), (1...6).map { "\(prefix)-\($0)" })
            try Self.assertTopology(final, masters: 3, replicasPerMaster: 1, plan: cluster.plan)

            let removed = try await timed("down") { try await cluster.down(progress: progress) }
            XCTAssertEqual(removed.containers, ((1...6).map { "\(prefix)-\($0)" } + [cluster.plan.namespaceHolderName].compactMap { $0 }).sorted())
            XCTAssertEqual(removed.networks, cluster.plan.networkName.map { [$0] } ?? [])
            XCTAssertEqual(removed.volumes.sorted(), (1...6).map { "\(prefix)-\($0)-data" })
        } catch {
            _ = try? await cluster.down()
            try? await Self.assertNothingLeft(docker, instance: prefix)
            print(events.lines.joined(separator: "\n"))
            throw error
        }
        try await Self.assertNothingLeft(docker, instance: prefix)
        if (testRun?.totalFailureCount ?? 0) > 0 { print(events.lines.joined(separator: "\n")) }
        print("\(name): \(timings.joined(separator: ", ")); total \(Self.seconds(clock.now - started))")
    }

    /// `masters` masters own all slots between them; every replica follows one, each master has `replicasPerMaster`.
    static func assertTopology(_ status: RedisClusterStatus, masters: Int, replicasPerMaster: Int, plan: RedisClusterPlan,
                               file: StaticString = #filePath, line: UInt = #line) throws {
        XCTAssertEqual(status.info?.state, .ok, file: file, line: line)
        XCTAssertEqual(status.info?.slotsAssigned, KeySlot.slotCount, file: file, line: line)
        XCTAssertEqual(status.nodes.count, masters * (1 + replicasPerMaster), file: file, line: line)
        XCTAssertTrue(status.nodes.allSatisfy { $0.containerState == "running" }, "\(status.nodes.map(\.containerState))",
                      file: file, line: line)
        let records = try status.nodes.map { node in
            try XCTUnwrap(node.cluster, "\(node.container) is unknown to the cluster", file: file, line: line)
        }
        for (node, record) in zip(status.nodes, records) {
            XCTAssertEqual(node.address, record.address, file: file, line: line)
            XCTAssertEqual(record.busPort, (try? plan.node(Int(node.container.split(separator: "-").last!)! - 1))?.busPort,
                           file: file, line: line)
            XCTAssertFalse(record.isFailing, "\(node.container) is flagged \(record.flags)", file: file, line: line)
        }
        let masterRecords = records.filter { $0.role == .master }
        let replicaRecords = records.filter { $0.role == .replica }
        XCTAssertEqual(masterRecords.count, masters, file: file, line: line)
        XCTAssertEqual(masterRecords.map(\.slotCount).reduce(0, +), KeySlot.slotCount, file: file, line: line)
        XCTAssertTrue(masterRecords.allSatisfy { $0.slotCount > 0 }, file: file, line: line)
        XCTAssertEqual(replicaRecords.count, masters * replicasPerMaster, file: file, line: line)
        let masterIDs = Set(masterRecords.map(\.id))
        for replica in replicaRecords {
            XCTAssertTrue(replica.masterID.map(masterIDs.contains) ?? false, "\(replica.address) follows \(replica.masterID ?? "-")",
                          file: file, line: line)
        }
        for master in masterRecords {
            XCTAssertEqual(replicaRecords.filter { $0.masterID == master.id }.count, replicasPerMaster,
                           "replicas of \(master.address)", file: file, line: line)
        }
    }

    /// Nothing with the instance label: no container, network or volume.
    static func assertNothingLeft(_ docker: DockerClient, instance: String, file: StaticString = #filePath, line: UInt = #line) async throws {
        let filter = Filters.label(RecipeLabels.instance, instance)
        let containers = try await docker.containers.list(all: true, filters: filter)
        let networks = try await docker.networks.list(filters: filter)
        let volumes = try await docker.volumes.list(filters: filter)
        XCTAssertEqual(containers.compactMap(\.name), [], file: file, line: line)
        XCTAssertEqual(networks.map(\.name), [], file: file, line: line)
        XCTAssertEqual(volumes.map(\.name), [], file: file, line: line)
    }

    // MARK: - Picking safe addresses

    /// A `10.213.X.0/24` (X in 100...200) that overlaps no existing Docker network.
    static func freePrivateSubnet(_ docker: DockerClient) async throws -> String {
        let taken = try await docker.networks.list().flatMap { $0.subnets.compactMap { IPv4Network($0.subnet ?? "") } }
        for _ in 0..<50 {
            let candidate = try IPv4Network.parse("10.213.\(Int.random(in: 100...200)).0/24")
            if !taken.contains(where: { $0.overlaps(candidate) }) { return candidate.description }
        }
        try Live.unavailable("no free 10.213.100-200.0/24 subnet among the daemon's networks")
    }

    /// A base port in 7301...7491 such that base..<base+count and their bus ports (+10000) are free on 127.0.0.1.
    static func freeLoopbackPortBlock(count: Int) throws -> Int {
        let candidates = [7301] + (0..<20).map { _ in 7301 + 10 * Int.random(in: 1...19) }
        for base in candidates {
            let ports = Array(base..<(base + count)) + Array((base + 10000)..<(base + 10000 + count))
            if ports.allSatisfy(isFreeOnLoopback) { return base }
        }
        try Live.unavailable("no free block of \(count) ports (and bus ports) on 127.0.0.1 between 7301 and 7499")
    }

    /// Whether a TCP socket can bind 127.0.0.1:`port` (nothing listens there now).
    static func isFreeOnLoopback(_ port: Int) -> Bool {
        #if canImport(Glibc)
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard fd >= 0 else { return false }
        defer { close(fd) }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = in_port_t(UInt16(port).bigEndian)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        let result = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
        }
        return result == 0
        #else
        return true
        #endif
    }

    /// Listening TCP sockets from /proc/net/tcp and tcp6 (Linux); empty elsewhere.
    static func tcpListeners() -> [(address: String, port: Int, loopback: Bool)] {
        var listeners: [(String, Int, Bool)] = []
        for file in ["/proc/net/tcp", "/proc/net/tcp6"] {
            // Read to EOF: /proc files report size 0 and String(contentsOfFile:) stops after 4 KB.
            guard let handle = FileHandle(forReadingAtPath: file), let data = try? handle.readToEnd() else { continue }
            try? handle.close()
            let text = String(decoding: data, as: UTF8.self)
            for row in text.split(separator: "\n").dropFirst() {
                let fields = row.split(separator: " ")
                guard fields.count > 3, fields[3] == "0A" else { continue }   // 0A: LISTEN
                let local = fields[1].split(separator: ":")
                guard local.count == 2, let port = Int(local[1], radix: 16) else { continue }
                let hex = String(local[0])
                // 127.x.x.x is stored little-endian: the last byte is 7F. ::1 is 0...0 01000000.
                let loopback = hex.count == 8 ? hex.hasSuffix("7F") : hex == "00000000000000000000000001000000"
                listeners.append((hex, port, loopback))
            }
        }
        return listeners
    }

    static func seconds(_ duration: Duration) -> String {
        String(format: "%.1fs", Double(duration.components.seconds) + Double(duration.components.attoseconds) / 1e18)
    }
}

/// Collects progress events for the failure message.
final class EventLog: @unchecked Sendable {
    private let lock = NSLock()
    private var events: [RecipeEvent] = []
    func append(_ event: RecipeEvent) { lock.withLock { events.append(event) } }
    var lines: [String] { lock.withLock { events.map(\.description) } }
}
