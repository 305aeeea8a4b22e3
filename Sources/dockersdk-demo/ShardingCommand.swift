import ArgumentParser
import DockerRecipes
import Foundation

/// `dockersdk-demo sharding`: how many keys move when a node is added or removed, per partitioning scheme.
struct ShardingCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "sharding",
        abstract: "Compare hash mod N, consistent hashing and Redis hash slots when N changes (no daemon needed)."
    )

    @Option(help: "Number of keys (key:0 ... key:K-1).") var keys = 100_000
    @Option(help: "Nodes before the change.") var nodes = 3
    @Option(parsing: .unconditional, help: "Change in node count, e.g. +1 or -1.") var change: NodeChange
    @Option(help: "Virtual nodes per node on the consistent-hash ring.") var vnodes = 160
    @Flag(help: "Print the report as JSON.") var json = false

    /// A signed node-count change such as `+1` or `-1`.
    struct NodeChange: ExpressibleByArgument {
        var value: Int
        init?(argument: String) {
            let digits = argument.hasPrefix("+") ? String(argument.dropFirst()) : argument
            guard let value = Int(digits), value != 0 else { return nil }
            self.value = value
        }
    }

    func run() async throws {
        let report: PartitionReport
        do {
            report = try PartitionSimulator(keyCount: keys, virtualNodes: vnodes).run(nodes: nodes, change: change.value)
        } catch {
            throw fail(error)
        }
        if json {
            try printJSON(report)
            return
        }
        print("\(report.keyCount) keys, \(report.nodesBefore) -> \(report.nodesAfter) nodes "
              + "(\(report.virtualNodes) virtual nodes per node on the ring)")
        print(Self.row("scheme", "keys moved", "moved", "imbalance before", "imbalance after"))
        for outcome in report.outcomes {
            var name = outcome.scheme.description
            if let slots = outcome.movedSlots { name += " (\(slots) slots)" }
            print(Self.row(name, "\(outcome.movedKeys)", Self.percent(outcome.movedFraction),
                           Self.ratio(outcome.imbalanceBefore), Self.ratio(outcome.imbalanceAfter)))
        }
    }

    static func row(_ columns: String...) -> String {
        let widths = [28, 12, 9, 18, 16]
        return zip(columns, widths).map { column, width in
            column.count >= width ? column + " " : column + String(repeating: " ", count: width - column.count)
        }.joined().trimmingCharacters(in: .whitespaces)
    }

    static func percent(_ fraction: Double) -> String { String(format: "%.2f%%", fraction * 100) }
    static func ratio(_ value: Double) -> String { String(format: "%.4f", value) }
}
