extension NetworkCreate {
    /// An overlay network spanning the swarm's nodes (`docker network create -d overlay`); create it on a manager
    /// with `docker.networks.create(_:)`.
    ///
    /// - Parameters:
    ///   - name: the network's name.
    ///   - subnet: a private CIDR, e.g. `10.231.64.0/24`; nil takes one from the swarm's address pool.
    ///   - gateway: the gateway in that subnet; nil lets the daemon pick.
    ///   - attachable: lets standalone containers (`docker run --network`) attach too.
    ///   - encrypted: encrypts the data path between nodes (IPsec).
    ///   - labels: labels.
    public static func overlay(name: String, subnet: String? = nil, gateway: String? = nil, attachable: Bool = true,
                               encrypted: Bool = false, labels: [String: String]? = nil) -> NetworkCreate {
        var config = NetworkCreate(name: name, driver: "overlay",
                                   subnets: subnet.map { [IPAMConfig(subnet: $0, gateway: gateway)] } ?? [],
                                   attachable: attachable, options: encrypted ? ["encrypted": ""] : nil, labels: labels)
        config.scope = "swarm"
        return config
    }
}
