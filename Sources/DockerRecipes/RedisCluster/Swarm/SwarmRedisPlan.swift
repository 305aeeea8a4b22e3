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

    /// The labels that record `node`'s place in the plan on its service, so that a later process
    /// (status, a drill, a scale-out) reads the plan back instead of recomputing it from the hosts.
    public static func labels(for node: Node) -> [String: String] {
        var labels = [Label.host: node.host, Label.address: node.address, Label.port: String(node.port),
                      Label.group: String(node.group)]
        if let index = node.replicaIndex { labels[Label.replica] = String(index) }
        return labels
    }

    /// The node a service's labels describe (nil when the labels are not a plan's).
    public static func node(name: String, labels: [String: String]) -> Node? {
        guard let host = labels[Label.host], let address = labels[Label.address],
              let port = labels[Label.port].flatMap(Int.init), let group = labels[Label.group].flatMap(Int.init) else { return nil }
        let replica: Int?
        if let text = labels[Label.replica] {
            guard let index = Int(text) else { return nil }
            replica = index
        } else {
            replica = nil
        }
        return Node(name: name, host: host, address: address, port: port, group: group, replicaIndex: replica)
    }

    /// The plan of deployed services (name and labels), masters first, by group and replica index.
    public static func deployed(prefix: String, services: [(name: String, labels: [String: String])]) throws -> SwarmRedisPlan {
        var nodes: [Node] = []
        for service in services {
            guard let node = node(name: service.name, labels: service.labels) else {
                throw DockerError.malformedResponse("service \(service.name) of \(prefix) has no plan labels")
            }
            nodes.append(node)
        }
        return SwarmRedisPlan(prefix: prefix, nodes: ordered(nodes))
    }

    /// Masters first, by group, then replicas by group and index (the order `make` plans in).
    static func ordered(_ nodes: [Node]) -> [Node] {
        nodes.sorted { ($0.isMaster ? 0 : 1, $0.group, $0.replicaIndex ?? -1) < ($1.isMaster ? 0 : 1, $1.group, $1.replicaIndex ?? -1) }
    }

    /// The label keys of a node's plan.
    enum Label {
        static let host = "com.dockersdk.redis.host"
        static let address = "com.dockersdk.redis.address"
        static let port = "com.dockersdk.redis.port"
        static let group = "com.dockersdk.redis.group"
        static let replica = "com.dockersdk.redis.replica"
    }

    /// Plans one more master and its replicas: the master on `host`, each replica on another host,
    /// the hosts holding the fewest nodes first (anti-affinity), ports after the highest used per host.
    public func addingGroup(on host: (name: String, address: String), hosts: [(name: String, address: String)],
                            replicasPerMaster: Int = 1) throws -> SwarmRedisPlan {
        let others = hosts.filter { $0.name != host.name }
        guard others.count >= replicasPerMaster else {
            throw DockerError.invalidArgument("\(others.count) other hosts cannot keep \(replicasPerMaster) replica(s) off \(host.name)")
        }
        let group = (nodes.map(\.group).max() ?? -1) + 1
        func nextPort(_ name: String, _ extra: [Node]) throws -> Int {
            let used = (nodes + extra).filter { $0.host == name }.map(\.port)
            let port = (used.max() ?? (nodes.map(\.port).min() ?? 6379) - 1) + 1
            guard port <= 55535 else { throw DockerError.invalidArgument("port \(port) on \(name): its bus port would pass 65535") }
            return port
        }
        var added = [Node(name: "\(prefix)-m\(group + 1)", host: host.name, address: host.address,
                          port: try nextPort(host.name, []), group: group, replicaIndex: nil)]
        let load = { (name: String) in (self.nodes + added).filter { $0.host == name }.count }
        var candidates = others
        for index in 0..<replicasPerMaster {
            candidates.sort { (load($0.name), $0.name) < (load($1.name), $1.name) }
            let target = candidates.removeFirst()
            added.append(Node(name: "\(prefix)-m\(group + 1)-r\(index + 1)", host: target.name, address: target.address,
                              port: try nextPort(target.name, added), group: group, replicaIndex: index))
        }
        guard Set(added.map(\.name)).isDisjoint(with: nodes.map(\.name)) else {
            throw DockerError.conflict(message: "\(added[0].name) exists already")
        }
        return SwarmRedisPlan(prefix: prefix, nodes: Self.ordered(nodes + added))
    }
}
