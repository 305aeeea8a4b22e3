import DockerSDK
import Foundation

/// Checks every recipe applies to its options before anything is created.
enum RecipeValidation {
    /// The private IPv4 ranges (RFC 1918): the only subnets a recipe creates networks in.
    static let privateRanges = ["10.0.0.0/8", "172.16.0.0/12", "192.168.0.0/16"].compactMap(IPv4Network.init)

    /// Parses `subnet` and refuses it unless it lies in a private range.
    @discardableResult
    static func privateSubnet(_ subnet: String) throws -> IPv4Network {
        let network = try IPv4Network.parse(subnet)
        guard privateRanges.contains(where: { $0.contains(network) }) else {
            throw DockerError.invalidArgument("subnet \(subnet) is not private (use 10/8, 172.16/12 or 192.168/16)")
        }
        return network
    }

    /// Refuses a name prefix that cannot start a container name.
    static func namePrefix(_ prefix: String) throws {
        guard prefix.range(of: "^[a-zA-Z0-9][a-zA-Z0-9_.-]*\\z", options: .regularExpression) != nil else {
            throw DockerError.invalidArgument("name prefix \"\(prefix)\" is not a valid container name")
        }
    }
}

extension Duration {
    /// The duration in seconds.
    var inSeconds: Double { Double(components.seconds) + Double(components.attoseconds) / 1e18 }
}

/// Seconds elapsed since `start`.
func seconds(since start: ContinuousClock.Instant) -> Double {
    (ContinuousClock.now - start).inSeconds
}
