import DockerSDK
import Foundation

/// A MySQL/MariaDB source with N replicas, as seed 000 §1 sets it up by hand.
public struct MySQLReplicationOptions: Sendable {
    /// The server image; nil picks `dockersdk/mariadb:10.11` when present locally, else `mysql:8.0`.
    public var image: String?
    /// Replicas (at least 1).
    public var replicas: Int
    /// The root password; generated when nil. Never logged.
    public var rootPassword: Secret?
    /// The replication user (seed: `slave`).
    public var replicationUser: String
    /// Its password; generated when nil (the seed's `123456` is an example only).
    public var replicationPassword: Secret?
    /// Binlog file and position (the seed's way) or GTID.
    public var mode: ReplicationMode
    /// The source's published port on 127.0.0.1 (seed: 3307); replicas take the following ports. Nil publishes none.
    public var sourcePort: Int?
    /// Container names start with it; it names the deployment.
    public var namePrefix: String
    /// A private subnet for the deployment's network; nil lets the daemon choose.
    public var subnet: String?
    /// A host folder for data, logs and config as in the seed's `-v /mydata/...`; nil keeps them in the containers.
    public var hostDirectory: String?
    /// Extra server options for every server, overriding the seed's settings.
    public var serverOverrides: [ServerOption]
    /// For drills: make the replicas connect with a wrong password (the IO thread must fail, clearly).
    public var useWrongReplicaPassword: Bool
    /// With `sourcePort` nil: publish every server's 3306 on 127.0.0.1 at a port the daemon picks
    /// (no clash between parallel deployments); `MySQLReplication.endpoints()` says which.
    public var publishesRandomPorts: Bool

    /// Creates options; the defaults are one replica, binlog positions, ports 3307 and up.
    public init(image: String? = nil, replicas: Int = 1, rootPassword: Secret? = nil, replicationUser: String = "slave",
                replicationPassword: Secret? = nil, mode: ReplicationMode = .binlogPosition, sourcePort: Int? = 3307,
                namePrefix: String = "mysql", subnet: String? = nil, hostDirectory: String? = nil,
                serverOverrides: [ServerOption] = [], useWrongReplicaPassword: Bool = false,
                publishesRandomPorts: Bool = false) {
        self.image = image
        self.replicas = replicas
        self.rootPassword = rootPassword
        self.replicationUser = replicationUser
        self.replicationPassword = replicationPassword
        self.mode = mode
        self.sourcePort = sourcePort
        self.namePrefix = namePrefix
        self.subnet = subnet
        self.hostDirectory = hostDirectory
        self.serverOverrides = serverOverrides
        self.useWrongReplicaPassword = useWrongReplicaPassword
        self.publishesRandomPorts = publishesRandomPorts
    }
}

/// One server of the plan.
public struct MySQLServerPlan: Sendable, Equatable {
    /// The container's name, e.g. `mysql-source`, `mysql-replica-1`.
    public var name: String
    /// Whether it is the source.
    public var isSource: Bool
    /// Its `server_id` (seed: 101 for the source, 102... for replicas).
    public var serverID: UInt32
    /// Its published port on 127.0.0.1, if any.
    public var hostPort: Int?
}

/// The computed layout of a deployment.
public struct MySQLReplicationPlan: Sendable {
    /// The options it came from.
    public var options: MySQLReplicationOptions
    /// The image.
    public var image: String
    /// The source, then the replicas.
    public var servers: [MySQLServerPlan]
    /// The root password in use.
    public var rootPassword: Secret
    /// The replication password in use.
    public var replicationPassword: Secret

    /// The recipe's label value.
    public static let recipe = "mysql-replication"
    /// The dev image built from Debian packages.
    public static let devImage = "dockersdk/mariadb:10.11"
    /// The image used when none is given and the dev image is missing.
    public static let defaultImage = "mysql:8.0"

    /// Computes the plan; throws `invalidArgument` on impossible options.
    public init(options: MySQLReplicationOptions, image: String) throws {
        guard options.replicas >= 1 else { throw DockerError.invalidArgument("replication needs at least 1 replica") }
        try RecipeValidation.namePrefix(options.namePrefix)
        guard options.replicationUser.range(of: "^[a-zA-Z0-9_]{1,32}\\z", options: .regularExpression) != nil else {
            throw DockerError.invalidArgument("replication user \"\(options.replicationUser)\" must be 1-32 letters, digits or _")
        }
        if let port = options.sourcePort, !(1...(65535 - options.replicas)).contains(port) {
            throw DockerError.invalidArgument("source port \(port) leaves no room for \(options.replicas) replicas")
        }
        if let subnet = options.subnet { try RecipeValidation.privateSubnet(subnet) }
        if let password = options.rootPassword?.value,
           password.isEmpty || password.unicodeScalars.contains(where: { $0.value < 0x20 || $0.value == 0x7F }) {
            // It goes into a password file and an option file of one line each.
            throw DockerError.invalidArgument("the root password must be non-empty, without control characters or line breaks")
        }
        self.options = options
        self.image = image
        rootPassword = options.rootPassword ?? .generate()
        replicationPassword = options.replicationPassword ?? .generate()
        servers = [MySQLServerPlan(name: "\(options.namePrefix)-source", isSource: true, serverID: 101, hostPort: options.sourcePort)]
            + (1...options.replicas).map { i in
                MySQLServerPlan(name: "\(options.namePrefix)-replica-\(i)", isSource: false, serverID: UInt32(101 + i),
                                hostPort: options.sourcePort.map { $0 + i })
            }
    }

    /// The source.
    public var source: MySQLServerPlan { servers[0] }
    /// The replicas.
    public var replicas: [MySQLServerPlan] { Array(servers.dropFirst()) }
    /// The deployment's network.
    public var networkName: String { "\(options.namePrefix)-net" }

    /// The seed's server settings for `server`, with the overrides.
    public func serverConfig(_ server: MySQLServerPlan) -> ServerConfig {
        let gtid = options.mode == .gtid
        var config = server.isSource
            ? ServerConfig.source(serverID: server.serverID, gtid: gtid)
            : ServerConfig.replica(serverID: server.serverID, logBin: "\(server.name)-bin", relayLog: "\(server.name)-relay-bin", gtid: gtid)
        config.extraOptions += options.serverOverrides
        return config
    }

    /// Where the image's entrypoint reads the root password on the first start (`MYSQL_ROOT_PASSWORD_FILE`);
    /// `up` removes the file once the server accepts the login.
    public static let rootPasswordFile = "/etc/dockersdk/root-password"
    /// The root client's option file (mode 0600): `mysql` inside the container logs in as root without
    /// a password on its command line or in any environment.
    public static let clientOptionFile = "/root/.my.cnf"

    /// The container description for `server` (config and password files are uploaded separately
    /// before start): the environment names the password file, never the password.
    public func containerSpec(_ server: MySQLServerPlan, labels: [String: String]) -> ContainerCreate {
        var config = ContainerConfig(image: image, env: ["MYSQL_ROOT_PASSWORD_FILE=\(Self.rootPasswordFile)"], labels: labels)
        config.exposedPorts = ["3306/tcp"]
        var host = HostConfig(networkMode: networkName)
        if let port = server.hostPort {
            host.publish(3306, on: port, hostIP: "127.0.0.1")
        } else if options.publishesRandomPorts {
            host.publish(3306, hostIP: "127.0.0.1")
        }
        if let base = options.hostDirectory {
            let dir = (base as NSString).appendingPathComponent(server.name)
            host.binds = ["\(dir)/data:/var/lib/mysql", "\(dir)/log:/var/log/mysql", "\(dir)/conf:/etc/mysql/conf.d"]
        }
        return ContainerCreate(config: config, hostConfig: host,
                               endpoints: [networkName: EndpointSettings(aliases: [server.name])])
    }

    /// The root password files uploaded into each server before it starts: the entrypoint's password
    /// file (readable by the server's user, removed after the first login) and root's client option file.
    public func passwordFiles() -> [(directory: String, entries: [TarArchive.Entry])] {
        // Option-file values are quoted; a backslash and a double quote are escaped inside.
        let quoted = rootPassword.value.replacingOccurrences(of: "\\", with: "\\\\")
            .replacingOccurrences(of: "\"", with: "\\\"")
        return [
            ("/etc", [.directory("dockersdk", mode: 0o755), .file("dockersdk/root-password", text: rootPassword.value, mode: 0o444)]),
            ("/root", [.file(".my.cnf", text: "[client]\nuser=root\npassword=\"\(quoted)\"\n", mode: 0o600)]),
        ]
    }
}
