import DockerSDK
import Foundation

/// The tour's workbench: creates labelled containers and networks and runs commands in them.
struct TourLab: Sendable {
    let docker: DockerClient
    let options: NetworkTour.Options
    let resources: RecipeResources

    /// The custom network's name.
    var networkName: String { "\(options.instance)-mynet" }

    /// Creates and starts a long-running container.
    ///
    /// DNS points at the container's own loopback, so a name Docker does not resolve fails at once
    /// instead of being asked of an outside resolver (user networks still resolve through Docker's DNS).
    @discardableResult
    func container(_ name: String, network: String? = nil, links: [String]? = nil,
                   endpoints: [String: EndpointSettings]? = nil) async throws -> String {
        let fullName = "\(options.instance)-\(name)"
        var host = HostConfig(networkMode: network, links: links)
        if network != "host" { host.dns = ["127.0.0.1"] }
        let config = ContainerConfig(image: options.image, cmd: ["sleep", "3600"], labels: resources.labels)
        let id = try await docker.containers.create(ContainerCreate(config: config, hostConfig: host, endpoints: endpoints),
                                                    name: fullName).id
        try await docker.containers.start(id)
        return fullName
    }

    /// Runs a shell command in a tour container.
    func sh(_ container: String, _ script: String) async throws -> ExecResult {
        try await docker.exec.run(["sh", "-c", script], in: container)
    }

    /// Whether `from` reaches `target` (a name or address) with one ping.
    func ping(from: String, _ target: String) async throws -> (ok: Bool, output: String) {
        let result = try await sh(from, "ping -c 1 -W 2 \(target) 2>&1")
        return (result.exitCode == 0, result.stdoutText.split(separator: "\n").prefix(2).joined(separator: " / "))
    }

    /// The container's address on a network.
    func address(_ container: String, on network: String) async throws -> String? {
        try await docker.containers.inspect(container).networkSettings?.networks?[network]?.ipAddress
            .flatMap { $0.isEmpty ? nil : $0 }
    }

    /// Creates the custom bridge network with the configured subnet and gateway.
    func createNetwork() async throws {
        if let existing = try? await docker.networks.inspect(networkName) {
            guard existing.labels?[RecipeLabels.instance] == options.instance,
                  existing.labels?[RecipeLabels.recipe] == NetworkTour.recipe else {
                throw DockerError.conflict(message: "network \(networkName) exists and does not belong to the tour \(options.instance)")
            }
            return
        }
        _ = try await docker.networks.create(NetworkCreate(
            name: networkName, driver: "bridge",
            subnets: [IPAMConfig(subnet: options.subnet, gateway: options.gateway)], labels: resources.labels))
    }
}
