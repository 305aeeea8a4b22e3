// Fuzzes the Redis CLUSTER NODES and CLUSTER INFO parsers and the checks over what they parse:
// any text gives a view or a ClusterParseError, and the checks never trap.
import DockerRecipes
import Foundation
import FuzzHarness

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzOne(_ bytes: UnsafePointer<UInt8>?, _ size: Int) -> CInt {
    let text = String(decoding: Fuzz.data(bytes, size), as: UTF8.self)
    if let view = try? ClusterView(parsing: text) {
        _ = view.myself
        _ = view.masters.map(\.slotCount)
        for node in view.nodes {
            _ = node.address
            _ = node.role
            _ = view.replicas(of: node.id)
            Fuzz.require(node.slotCount >= 0 && node.slotCount <= 16384 * max(1, node.slots.count), "slot count out of range")
        }
        Fuzz.require(view.slotOwners.count == 16384, "slotOwners is not one entry per slot")
        _ = ClusterCheck.problems(in: [view])
        _ = ClusterCheck.problems(in: [view, view])
        _ = ClusterCheck.problems(in: [view]).map(\.description)
        // Every node line parsed alone gives the same node.
        for (index, line) in text.split(separator: "\n", omittingEmptySubsequences: false).enumerated()
        where !line.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty {
            _ = try? ClusterNode(parsing: line, lineNumber: index + 1)
        }
    }
    do {
        _ = try ClusterView(parsing: text)
    } catch {
        _ = error.description  // typed throws: always a ClusterParseError
    }
    if let info = try? ClusterInfo(parsing: text) {
        _ = info.integer("cluster_known_nodes")
    }
    return 0
}

Fuzz.runDriver(fuzzOne)
