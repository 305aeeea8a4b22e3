import DockerSDK
import Foundation

/// Seed 000's data path: a SET on a node that does not own the key's slot answers MOVED; with
/// redirection (`redis-cli -c`) it lands on the owner.
public struct RedirectDemonstration: Sendable, Codable, Equatable {
    /// The key.
    public var key: String
    /// Its slot (CRC16 mod 16384).
    public var slot: Int
    /// The node asked first (not the owner).
    public var askedNode: String
    /// The owner's address according to the cluster's slot map.
    public var ownerAddress: String
    /// What the asked node answered without redirection.
    public var redirect: ClusterRedirect?
    /// What `redis-cli -c` answered.
    public var redirectedReply: String
    /// The value read back from the owner directly.
    public var readBack: String
    /// Whether everything matched: MOVED named the owner and the slot, and the value landed there.
    public var passed: Bool
}

extension RedisCluster {
    /// Shows MOVED without redirection and the redirected write with it, for `key`.
    public func demonstrateRedirect(key: String = "k1", value: String = "v1") async throws -> RedirectDemonstration {
        let cli = try await anyCLI()
        let nodes = try await currentNodes().filter { $0.container.containerStatus == .running }.map(\.plan)
        guard let first = nodes.first else { throw DockerError.invalidArgument("no node is running") }
        let view = try await cli.nodes(first)
        let slot = KeySlot.slot(for: key)
        guard let owner = view.masters.first(where: { $0.slots.contains { $0.contains(slot) } }),
              let asked = view.masters.first(where: { $0.id != owner.id && $0.slotCount > 0 }),
              let askedPlan = nodes.first(where: { $0.host == asked.host && $0.port == asked.port }),
              let ownerPlan = nodes.first(where: { $0.host == owner.host && $0.port == owner.port }) else {
            throw DockerError.invalidArgument("the cluster has no owner for slot \(slot), or a single master")
        }
        let plain = try await docker.exec.run(["redis-cli", "-h", askedPlan.host, "-p", String(askedPlan.port), "set", key, value],
                                              in: cli.container)
        let redirectLine = (plain.stdoutText + plain.stderrText).split(separator: "\n")
            .first { $0.contains("MOVED") || $0.contains("ASK") }
        let redirect = redirectLine.flatMap { ClusterRedirect(parsing: $0) }
        let redirected = try await cli.run(askedPlan, ["set", key, value], cluster: true)
            .trimmingCharacters(in: .whitespacesAndNewlines)
        let readBack = try await cli.run(ownerPlan, ["get", key]).trimmingCharacters(in: .whitespacesAndNewlines)
        let passed = redirect?.kind == .moved && redirect?.slot == slot && redirect?.address == owner.address
            && redirected == "OK" && readBack == value
        return RedirectDemonstration(key: key, slot: slot, askedNode: asked.address, ownerAddress: owner.address,
                                     redirect: redirect, redirectedReply: redirected, readBack: readBack, passed: passed)
    }
}
