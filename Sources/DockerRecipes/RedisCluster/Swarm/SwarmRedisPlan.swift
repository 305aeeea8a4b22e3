import DockerSDK
import Foundation

/// One Docker host of a swarm, as a recipe reaches it: its node hostname, its address, its daemon.
public struct SwarmHost: Sendable {
    /// The node's hostname (what `node.hostname==` matches), e.g. `h2`.
    public var name: String
    /// The address peers on other hosts reach it at, e.g. `10.231.0.2`.
    public var address: String
    /// Its daemon (for exec into the tasks it runs).
    public var docker: DockerClient

    /// Describes a host.
    public init(name: String, address: String, docker: DockerClient) {
        self.name = name
        self.address = address
        self.docker = docker
    }
}

/// Where each Redis node of a swarm deployment runs: masters spread over the hosts, every replica on
/// another host than its master (pure, unit-testable).
public struct SwarmRedisPlan: Sendable, Codable, Equatable {
    /// One Redis node: a service with one task, host networking, pinned to a host.
    public struct Node: Sendable, Codable, Equatable {
        /// The service's name, e.g. `dsdk-rcs-m1`, `dsdk-rcs-m1-r1`.
        public var name: String
        /// The host it is pinned to.
        public var host: String
        /// That host's address (the node announces it).
        public var address: String
        /// Its client port (the bus is port + 10000).
        public var port: Int
        /// Which master group it belongs to (0-based).
        public var group: Int
        /// Nil for the master, else the replica's index in its group.
        public var replicaIndex: Int?
        /// `IP:PORT`.
        public var endpoint: String { "\(address):\(port)" }
        /// Whether it starts as a master.
        public var isMaster: Bool { replicaIndex == nil }
    }

    /// The name prefix (the `com.dockersdk.instance` label).
    public var prefix: String
    /// All nodes, masters first.
    public var nodes: [Node]

    /// The masters.
    public var masters: [Node] { nodes.filter(\.isMaster) }
    /// The replicas of group `group`.
    public func replicas(of group: Int) -> [Node] { nodes.filter { $0.group == group && !$0.isMaster } }

    /// Plans `masters` x `replicasPerMaster` over `hosts` (name, address): master i on host i mod H,
    /// its replica j on host (i + 1 + j) mod H; ports from `basePort` up, per host.
    ///
    /// - Throws: `DockerError.invalidArgument` when there are fewer hosts than a master and its
    ///   replicas need (anti-affinity), or a port would pass 55535 (its bus port 65535).
    public static func make(prefix: String, hosts: [(name: String, address: String)], masters: Int = 3,
                            replicasPerMaster: Int = 1, basePort: Int = 6379) throws -> SwarmRedisPlan {
        guard masters >= 3 else { throw DockerError.invalidArgument("a Redis Cluster needs at least 3 masters, not \(masters)") }
        guard replicasPerMaster >= 0 else { throw DockerError.invalidArgument("replicas per master must be >= 0") }
        guard hosts.count >= replicasPerMaster + 1 else {
            throw DockerError.invalidArgument("\(hosts.count) hosts cannot keep \(replicasPerMaster) replica(s) off their master's host: need \(replicasPerMaster + 1)")
        }
        guard Set(hosts.map(\.name)).count == hosts.count else { throw DockerError.invalidArgument("host names repeat") }
        guard (1024...55535).contains(basePort) else { throw DockerError.invalidArgument("base port \(basePort) outside 1024...55535") }
        var nextPort: [String: Int] = [:]
        func port(on host: String) throws -> Int {
            let port = nextPort[host] ?? basePort
            guard port <= 55535 else { throw DockerError.invalidArgument("port \(port) on \(host): its bus port would pass 65535") }
            nextPort[host] = port + 1
            return port
        }
        var nodes: [Node] = []
        for group in 0..<masters {
            let host = hosts[group % hosts.count]
            nodes.append(Node(name: "\(prefix)-m\(group + 1)", host: host.name, address: host.address,
                              port: try port(on: host.name), group: group, replicaIndex: nil))
        }
        for group in 0..<masters {
            for index in 0..<replicasPerMaster {
                let host = hosts[(group + 1 + index) % hosts.count]
                nodes.append(Node(name: "\(prefix)-m\(group + 1)-r\(index + 1)", host: host.name, address: host.address,
                                  port: try port(on: host.name), group: group, replicaIndex: index))
            }
        }
        return SwarmRedisPlan(prefix: prefix, nodes: nodes)
    }
}
