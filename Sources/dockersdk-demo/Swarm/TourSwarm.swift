import ArgumentParser
import DockerRecipes
import DockerSDK
import Foundation

/// The tour's Swarm part (issue 11): the Redis Cluster and MySQL replication across the lab's hosts,
/// run when the lab of `scripts/lab.sh up 3` is there, skipped with a line saying why when it is not.
extension TourCommand {
    /// The lab's first manager and where each of its hosts answers.
    static let labManager = "unix:///run/lab/h1/docker.sock"
    static let labSockets = "unix:///run/lab/%h/docker.sock"

    /// Runs the Swarm part (true), or prints why it is skipped (false).
    @discardableResult
    static func swarmTour(manager url: String = labManager) async throws -> Bool {
        section("Swarm: Redis Cluster and MySQL replication across the lab's hosts (issue 11)")
        let manager: DockerClient
        let hosts: [SwarmHost]
        switch await availableLab(url) {
        case .failure(let reason):
            print("skipped: \(reason.description)")
            return false
        case .success(let found):
            (manager, hosts) = found
        }
        print("lab: \(hosts.map { "\($0.name) \($0.address)" }.joined(separator: ", ")) (manager \(url))")

        let redis = try RedisClusterSwarm(manager: manager, hosts: hosts, prefix: "tour-rcs")
        if let leftover = try await RedisClusterSwarm.deployed(manager: manager, hosts: hosts, prefix: "tour-rcs") {
            try await leftover.down()  // an interrupted tour's
        }
        do {
            let status = try await redis.up(progress: .terminal)
            SwarmRedisDemo.printStatus(status)
            let check = try await redis.check()
            print(check.ok ? "check: [OK] all slots covered, all nodes agree, no replica on its master's host" : "check: \(check.messages)")
            let lose = hosts[1].name
            let link = "dsdklab-\(lose)"
            let report = try await redis.hostLossDrill(lose: lose, progress: .terminal,
                                                       cut: { try setLink(link, "down") }, restore: { try setLink(link, "up") })
            print(String(format: "host-loss %@: %@ promoted after %.1f s, %d acknowledged writes, %d lost; its nodes back as replicas",
                         lose, report.promoted.joined(separator: ", "), report.promotedAfter, report.acknowledgedWrites, report.lostWrites))
            try await redis.restorePlannedMasters(progress: .terminal)
            guard check.ok, report.passed else { throw ScenarioFailed(description: "redis cluster on the swarm") }
        } catch {
            _ = try? setLink("dsdklab-\(hosts[1].name)", "up")
            try? await redis.down(progress: .terminal)
            throw error
        }
        try await redis.down(progress: .terminal)

        var missing: [String] = []
        for host in hosts.prefix(3) where !(try await host.docker.images.exists(MySQLReplicationPlan.devImage)) { missing.append(host.name) }
        guard missing.isEmpty else {
            print("MySQL on the swarm skipped: \(MySQLReplicationPlan.devImage) is not on \(missing.joined(separator: ", ")) "
                + "(LAB_IMAGES=\"dockersdk/busybox:latest dockersdk/redis:7 \(MySQLReplicationPlan.devImage)\" scripts/lab.sh up 3)")
            return true
        }
        let mysql = try MySQLReplicationSwarm(manager: manager, hosts: Array(hosts.prefix(3)), replicas: 2, prefix: "tour-mys")
        if let leftover = try await MySQLReplicationSwarm.deployed(manager: manager, hosts: hosts, prefix: "tour-mys") {
            try await leftover.down()
        }
        do {
            let status = try await mysql.up(progress: .terminal)
            print(status.servers.map { "\($0.name) (\($0.role)) on \($0.host) at \($0.address)" }.joined(separator: "\n"))
            let verify = try await mysql.verify(progress: .terminal)
            print("\(verify.rowsWritten) rows on \(verify.rowsRead.count) replicas on other hosts; replica writes refused: \(verify.replicaWriteRefused.count)")
            guard verify.passed else { throw ScenarioFailed(description: "mysql replication on the swarm") }
        } catch {
            try? await mysql.down(progress: .terminal)
            throw error
        }
        try await mysql.down(progress: .terminal)
        return true
    }

    /// Why the Swarm part cannot run.
    struct LabUnavailable: Error, CustomStringConvertible {
        let description: String
    }

    /// The lab's manager and its ready hosts, when `url` is a manager of at least 3 ready nodes whose
    /// daemons answer and hold the Redis image, and this process can cut a host's link (root, `ip`).
    static func availableLab(_ url: String) async -> Result<(DockerClient, [SwarmHost]), LabUnavailable> {
        let hint = "(as root: scripts/lab.sh up 3)"
        guard url.hasPrefix("unix://"), FileManager.default.fileExists(atPath: String(url.dropFirst("unix://".count))) else {
            return .failure(LabUnavailable(description: "no Swarm lab at \(url) \(hint)"))
        }
        guard getuid() == 0, FileManager.default.isExecutableFile(atPath: "/usr/sbin/ip") || FileManager.default.isExecutableFile(atPath: "/sbin/ip") else {
            return .failure(LabUnavailable(description: "the host-loss drill needs root and iproute2"))
        }
        do {
            let manager = try DockerClient(host: try DockerHost(url: url))
            let state = try await manager.swarm.localState()
            guard state.isActive, state.controlAvailable == true else {
                return .failure(LabUnavailable(description: "\(url) is not a swarm manager \(hint)"))
            }
            let hosts = try await swarmHosts(manager, socketTemplate: labSockets, readyOnly: true)
            guard hosts.count >= 3 else {
                return .failure(LabUnavailable(description: "the swarm has \(hosts.count) ready nodes, the tour needs 3 \(hint)"))
            }
            for host in hosts {
                guard try await host.docker.images.exists("dockersdk/redis:7") else {
                    return .failure(LabUnavailable(description: "dockersdk/redis:7 is not on \(host.name) \(hint)"))
                }
            }
            return .success((manager, hosts))
        } catch {
            return .failure(LabUnavailable(description: "the lab at \(url) does not answer: \(error)"))
        }
    }
}
