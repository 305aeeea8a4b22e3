import DockerSDK
import Foundation

/// Seed 000's data path: a SET on a node that does not own the key's slot answers MOVED; following
/// the redirection (what `redis-cli -c` does) it lands on the owner.
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
    /// What the write answered after following the redirection (like `redis-cli -c`).
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
        // Over RESP: the asked node's own answer, then the same write following it.
        let resp = resp
        let plain = try await resp.pipeline(askedPlan, [["SET", key, value]])[0]
        var redirect: ClusterRedirect?
        if case .error(let message) = plain { redirect = ClusterRedirect(parsing: message) }
        let byAddress = Dictionary(nodes.map { ($0.address, $0) }, uniquingKeysWith: { a, _ in a })
        let followed = try await Self.follow(plain, command: ["SET", key, value], from: askedPlan, resp: resp, nodes: byAddress)
        let redirected = followed.text ?? followed.description
        let readBack = try await resp.send(ownerPlan, ["GET", key]).text ?? ""
        let passed = redirect?.kind == .moved && redirect?.slot == slot && redirect?.address == owner.address
            && redirected == "OK" && readBack == value
        return RedirectDemonstration(key: key, slot: slot, askedNode: asked.address, ownerAddress: owner.address,
                                     redirect: redirect, redirectedReply: redirected, readBack: readBack, passed: passed)
    }
}
