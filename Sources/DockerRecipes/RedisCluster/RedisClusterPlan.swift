import DockerSDK
import Foundation

/// How a Redis Cluster deployment is laid out: pure values, computed before anything is created.
public struct RedisClusterOptions: Sendable, Codable, Equatable {
    /// Where the nodes listen.
    public enum Mode: Sendable, Codable, Equatable {
        /// Seed 000: `--net host`, ports basePort... (bus ports +10000), bound to and announced as `announceIP`.
        case hostNetwork(basePort: Int, announceIP: String)
        /// Seed 002: a user-defined bridge network with static addresses, port 6379 on each node.
        case bridge(network: String?, subnet: String)
    }

    /// Masters (at least 3).
    public var masters: Int
    /// Replicas per master.
    public var replicasPerMaster: Int
    /// The image; nil picks `dockersdk/redis:7` when present locally, else `redis:7`.
    public var image: String?
    /// The network mode.
    public var mode: Mode
    /// `cluster-node-timeout` in milliseconds.
    public var nodeTimeoutMs: Int
    /// `appendonly yes`.
    public var appendOnly: Bool
    /// Container names start with it; it also names the deployment (`com.dockersdk.instance`).
    public var namePrefix: String
    /// Bridge mode only: publish node i on `127.0.0.1:(loopbackBasePort + i)` and announce those
    /// addresses, so code on the host (a cluster client) can follow every redirect; nil publishes nothing.
    ///
    /// Why the nodes then share one network namespace: an announced address is used by three parties,
    /// the other nodes (cluster bus, replication), `redis-cli -c` inside a node, and clients on the
    /// host. `127.0.0.1:P` means the same node to all three only when the nodes share a loopback (one
    /// namespace, held by a small `<prefix>-netns` container on the bridge network) and the host port
    /// equals the port the node listens on. Ports are published for the initial nodes plus
    /// `RedisClusterPlan.spareNodes` more (scale-out); bus ports stay inside the namespace.
    public var loopbackBasePort: Int?

    /// Creates options; the defaults are the seeds' 3 masters x 1 replica on a private bridge network.
    public init(masters: Int = 3, replicasPerMaster: Int = 1, image: String? = nil,
                mode: Mode = .bridge(network: nil, subnet: "10.213.38.0/24"), nodeTimeoutMs: Int = 5000,
                appendOnly: Bool = true, namePrefix: String = "redis", loopbackBasePort: Int? = nil) {
        self.masters = masters
        self.replicasPerMaster = replicasPerMaster
        self.image = image
        self.mode = mode
        self.nodeTimeoutMs = nodeTimeoutMs
        self.appendOnly = appendOnly
        self.namePrefix = namePrefix
        self.loopbackBasePort = loopbackBasePort
    }
}

/// One node of the plan.
public struct RedisNodePlan: Sendable, Codable, Equatable {
    /// 0-based position; the first `masters` are the masters once `up` has formed the cluster.
    public var index: Int
    /// The container's name, e.g. `redis-1`.
    public var name: String
    /// The address other nodes and clients use.
    public var host: String
    /// The client port.
    public var port: Int
    /// The cluster bus port (port + 10000).
    public var busPort: Int { port + 10000 }
    /// `host:port`.
    public var address: String { "\(host):\(port)" }
}

/// The computed layout of a deployment.
public struct RedisClusterPlan: Sendable, Codable, Equatable {
    /// The options it came from.
    public var options: RedisClusterOptions
    /// The image to run.
    public var image: String
    /// The nodes of the initial cluster.
    public var nodes: [RedisNodePlan]

    /// The recipe's label value.
    public static let recipe = "redis-cluster"
    /// The image used when none is given and the dev image is missing.
    public static let defaultImage = "redis:7"
    /// The dev image built from Debian packages.
    public static let devImage = "dockersdk/redis:7"
    /// With `loopbackBasePort`: nodes beyond the initial ones that get a published port (for scale-out).
    public static let spareNodes = 4

    /// Computes the plan; throws `invalidArgument` on impossible options.
    public init(options: RedisClusterOptions, image: String) throws {
        guard options.masters >= 3 else {
            throw DockerError.invalidArgument("a Redis Cluster needs at least 3 masters (got \(options.masters))")
        }
        guard options.replicasPerMaster >= 0 else { throw DockerError.invalidArgument("replicas per master must be >= 0") }
        guard options.nodeTimeoutMs >= 100 else { throw DockerError.invalidArgument("node timeout must be >= 100 ms") }
        try RecipeValidation.namePrefix(options.namePrefix)
        self.options = options
        self.image = image
        let count = options.masters * (1 + options.replicasPerMaster)
        switch options.mode {
        case .hostNetwork(let basePort, let ip):
            // The last node's bus port, basePort + count - 1 + 10000, must stay within 65535.
            guard basePort >= 1, basePort <= 65535 - 10000 - (count - 1) else {
                throw DockerError.invalidArgument("base port \(basePort) leaves no room for \(count) nodes and their bus ports")
            }
            let address = try IPv4Address.parse(ip, what: "announce address")
            // Host mode binds on the machine itself with protected mode off: loopback only.
            guard let loopback = IPv4Network("127.0.0.0/8"), loopback.contains(address) else {
                throw DockerError.invalidArgument("host mode binds to \(ip): use a loopback address (127.0.0.0/8)")
            }
        case .bridge(_, let subnet):
            let network = try IPv4Network.parse(subnet)
            guard network.addressCount >= UInt64(count + 16 + 4) else {
                throw DockerError.invalidArgument("subnet \(subnet) is too small for \(count) nodes")
            }
            try RecipeValidation.privateSubnet(subnet)
            if let base = options.loopbackBasePort {
                let last = base + count + Self.spareNodes - 1
                guard base >= 1024, last + 10000 <= 65535 else {
                    throw DockerError.invalidArgument("loopback base port \(base) must be >= 1024 and leave room for \(count + Self.spareNodes) nodes and their bus ports (+10000) below 65536")
                }
            }
        }
        if options.loopbackBasePort != nil, case .hostNetwork = options.mode {
            throw DockerError.invalidArgument("loopbackBasePort is for bridge mode; host mode already listens on 127.0.0.1")
        }
        nodes = try (0..<count).map { try RedisClusterPlan.node($0, options: options) }
    }

    /// The node at `index` (also beyond the initial ones, for scaling out).
    public func node(_ index: Int) throws -> RedisNodePlan {
        try RedisClusterPlan.node(index, options: options)
    }

    static func node(_ index: Int, options: RedisClusterOptions) throws -> RedisNodePlan {
        let name = "\(options.namePrefix)-\(index + 1)"
        switch options.mode {
        case .hostNetwork(let basePort, let ip):
            guard basePort + index + 10000 <= 65535 else {
                throw DockerError.invalidArgument("base port \(basePort) has no room for node \(index + 1): its bus port would pass 65535")
            }
            return RedisNodePlan(index: index, name: name, host: ip, port: basePort + index)
        case .bridge(_, _) where options.loopbackBasePort != nil:
            let base = options.loopbackBasePort ?? 0
            let count = options.masters * (1 + options.replicasPerMaster)
            guard index < count + spareNodes else {
                throw DockerError.invalidArgument("node \(index + 1) has no published port: \(options.namePrefix) publishes \(count + spareNodes) (\(spareNodes) spare for scale-out)")
            }
            return RedisNodePlan(index: index, name: name, host: "127.0.0.1", port: base + index)
        case .bridge(_, let subnet):
            let network = try IPv4Network.parse(subnet)
            // As in seed 002: .11, .12, ... (the gateway is .1).
            let address = IPv4Address(network.address.value + UInt32(11 + index))
            guard network.isUsableHost(address) else {
                throw DockerError.invalidArgument("subnet \(subnet) has no room for node \(index + 1)")
            }
            return RedisNodePlan(index: index, name: name, host: address.description, port: 6379)
        }
    }

    /// The user-defined network's name (bridge mode), nil in host mode.
    public var networkName: String? {
        if case .bridge(let network, _) = options.mode { return network ?? "\(options.namePrefix)-net" }
        return nil
    }

    /// Whether nodes are published on 127.0.0.1 from a bridge network (`loopbackBasePort`).
    public var publishesOnLoopback: Bool {
        if case .bridge = options.mode { return options.loopbackBasePort != nil }
        return false
    }

    /// The container holding the nodes' shared network namespace and their published ports
    /// (bridge mode with `loopbackBasePort`), nil otherwise.
    public var namespaceHolderName: String? { publishesOnLoopback ? "\(options.namePrefix)-netns" : nil }

    /// The addresses a client on the host uses (host mode, or bridge mode with `loopbackBasePort`);
    /// empty when the nodes are only reachable on their bridge network.
    public var endpoints: [String] {
        if case .hostNetwork = options.mode { return nodes.map(\.address) }
        return publishesOnLoopback ? nodes.map(\.address) : []
    }

    /// The namespace holder's container (`sleep`, on the bridge network, publishing every node's port
    /// on 127.0.0.1 with the same number inside), nil unless `publishesOnLoopback`.
    public func namespaceHolderSpec(labels: [String: String]) throws -> ContainerCreate? {
        guard namespaceHolderName != nil, let network = networkName, case .bridge(_, let subnet) = options.mode,
              let base = options.loopbackBasePort else { return nil }
        let parsed = try IPv4Network.parse(subnet)
        let address = IPv4Address(parsed.address.value + 10)
        var config = ContainerConfig(image: image, cmd: ["sleep", "infinity"], labels: labels)
        var host = HostConfig(networkMode: network)
        let ports = (0..<(nodes.count + Self.spareNodes)).map { base + $0 }
        config.exposedPorts = ports.map { "\($0)/tcp" }
        for port in ports { host.publish(port, on: port, hostIP: "127.0.0.1") }
        return ContainerCreate(config: config, hostConfig: host,
                               endpoints: [network: EndpointSettings(ipv4Address: address.description)])
    }

    /// The arguments redis-server runs with on `node`.
    public func serverArguments(_ node: RedisNodePlan) -> [String] {
        var args = ["redis-server", "--port", String(node.port), "--protected-mode", "no",
                    "--cluster-enabled", "yes", "--cluster-config-file", "nodes-\(node.port).conf",
                    "--cluster-node-timeout", String(options.nodeTimeoutMs),
                    "--appendonly", options.appendOnly ? "yes" : "no", "--dir", "/data",
                    "--cluster-announce-ip", node.host]
        if case .hostNetwork = options.mode {
            // Loopback only: the nodes share the machine's network and must not listen beyond it.
            args += ["--bind", node.host]
        } else if publishesOnLoopback {
            // The shared namespace's loopback (other nodes) and its bridge address (published ports).
            args += ["--bind", "0.0.0.0", "--cluster-announce-port", String(node.port),
                     "--cluster-announce-bus-port", String(node.busPort)]
        } else {
            args += ["--bind", "0.0.0.0"]
        }
        return args
    }

    /// The container description for `node`, with the deployment's labels.
    public func containerSpec(_ node: RedisNodePlan, labels: [String: String]) -> ContainerCreate {
        var nodeLabels = labels
        nodeLabels["com.dockersdk.redis.index"] = String(node.index)
        let config = ContainerConfig(image: image, cmd: serverArguments(node), labels: nodeLabels)
        var host = HostConfig(mounts: [.volume("\(node.name)-data", at: "/data", labels: labels)])
        var endpoints: [String: EndpointSettings]?
        if case .hostNetwork = options.mode {
            host.networkMode = "host"
        } else if let holder = namespaceHolderName {
            host.networkMode = "container:\(holder)"
        } else if let network = networkName {
            host.networkMode = network
            endpoints = [network: EndpointSettings(ipv4Address: node.host)]
        }
        return ContainerCreate(config: config, hostConfig: host, endpoints: endpoints)
    }
}
