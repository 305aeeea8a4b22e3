import DockerSDK
import Foundation

/// One claim of the networking seed and how to check it.
struct TourCheck: Sendable {
    let name: String
    let claim: String
    let body: @Sendable (TourLab) async throws -> (NetworkTourCheckResult.Outcome, String)

    func run(_ lab: TourLab) async -> NetworkTourCheckResult {
        do {
            let (outcome, evidence) = try await body(lab)
            return NetworkTourCheckResult(name: name, claim: claim, outcome: outcome, evidence: evidence)
        } catch {
            return NetworkTourCheckResult(name: name, claim: claim, outcome: .fail, evidence: "error: \(error)")
        }
    }
}

/// The seed's claims in the order the seed makes them; later checks use containers earlier ones made.
enum TourChecks {
    static let all: [TourCheck] = [
        defaultBridgeAddress, vethPair, noNamesOnDefaultBridge, legacyLink, customNetwork,
        isolationUntilConnect, hostMode, noneMode,
    ]

    /// t1 and t2 on the default bridge get addresses in docker0's subnet.
    static let defaultBridgeAddress = TourCheck(
        name: "bridge-address", claim: "on the default bridge each container gets an address in the bridge's subnet"
    ) { lab in
        let t1 = try await lab.container("t1")
        let t2 = try await lab.container("t2")
        let bridge = try await lab.docker.networks.inspect("bridge")
        guard let subnetText = bridge.subnets.first?.subnet, let subnet = IPv4Network(subnetText) else {
            return (.fail, "the bridge network has no IPv4 subnet")
        }
        var seen: [String] = []
        for name in [t1, t2] {
            guard let text = try await lab.address(name, on: "bridge"), let address = IPv4Address(text) else {
                return (.fail, "\(name) has no address on the bridge")
            }
            guard subnet.contains(address) else { return (.fail, "\(name) has \(text), outside \(subnetText)") }
            seen.append("\(name)=\(text)")
        }
        return (.pass, "\(seen.joined(separator: ", ")) in \(subnetText)")
    }

    /// The container's eth0 is one end of a veth pair whose other end is on the host, on docker0.
    static let vethPair = TourCheck(
        name: "veth-pair", claim: "a container's eth0 is paired with a veth interface on the host (on docker0)"
    ) { lab in
        guard case .unix = lab.docker.host, FileManager.default.fileExists(atPath: "/sys/class/net/docker0") else {
            return (.skip, "the daemon is not local (no docker0 here): the host's interfaces cannot be read")
        }
        let t1 = "\(lab.options.instance)-t1"
        let peer = try await lab.sh(t1, "cat /sys/class/net/eth0/iflink").stdoutText
            .trimmingCharacters(in: .whitespacesAndNewlines)
        guard let index = Int(peer) else { return (.fail, "cannot read eth0's iflink in \(t1): \(peer)") }
        let interfaces = (try? FileManager.default.contentsOfDirectory(atPath: "/sys/class/net")) ?? []
        for interface in interfaces {
            let text = (try? String(contentsOfFile: "/sys/class/net/\(interface)/ifindex", encoding: .utf8)) ?? ""
            guard Int(text.trimmingCharacters(in: .whitespacesAndNewlines)) == index else { continue }
            let master = (try? FileManager.default.destinationOfSymbolicLink(atPath: "/sys/class/net/\(interface)/master"))
                .map { URL(fileURLWithPath: $0).lastPathComponent } ?? "none"
            let ok = interface.hasPrefix("veth") && master == "docker0"
            return (ok ? .pass : .fail, "\(t1) eth0 iflink=\(index) -> host interface \(interface) (master \(master))")
        }
        return (.fail, "no host interface has index \(index)")
    }

    /// Names do not resolve on the default bridge.
    static let noNamesOnDefaultBridge = TourCheck(
        name: "bridge-no-dns", claim: "on the default bridge, ping by name fails (by address it works)"
    ) { lab in
        let t1 = "\(lab.options.instance)-t1", t2 = "\(lab.options.instance)-t2"
        guard let address = try await lab.address(t2, on: "bridge") else { return (.fail, "\(t2) has no address") }
        let byName = try await lab.ping(from: t1, t2)
        let byAddress = try await lab.ping(from: t1, address)
        let ok = !byName.ok && byAddress.ok
        return (ok ? .pass : .fail, "ping \(t2): \(byName.ok ? "answered" : "failed (\(byName.output))"); "
            + "ping \(address): \(byAddress.ok ? "answered" : "failed")")
    }

    /// `--link t1` lets t3 reach t1 by name, one way, through /etc/hosts.
    static let legacyLink = TourCheck(
        name: "link", claim: "--link t1: the linking container reaches t1 by name, not the other way round"
    ) { lab in
        let t1 = "\(lab.options.instance)-t1"
        let t3 = try await lab.container("t3", links: ["\(t1):\(t1)"])
        let forward = try await lab.ping(from: t3, t1)
        let backward = try await lab.ping(from: t1, t3)
        let hosts = try await lab.sh(t3, "cat /etc/hosts").stdoutText
        let entry = hosts.split(separator: "\n").first { $0.contains(t1) }.map(String.init)
        let ok = forward.ok && !backward.ok && entry != nil
        return (ok ? .pass : .fail, "\(t3) -> \(t1): \(forward.ok ? "answered" : "failed"); "
            + "\(t1) -> \(t3): \(backward.ok ? "answered" : "failed"); /etc/hosts of \(t3): \(entry ?? "no entry")")
    }

    /// A user-defined bridge network with a subnet and gateway; containers resolve each other both ways.
    static let customNetwork = TourCheck(
        name: "custom-network", claim: "on a user-defined network with a subnet and gateway, containers get addresses in it and reach each other by name both ways"
    ) { lab in
        try await lab.createNetwork()
        let network = lab.networkName
        let a = try await lab.container("net-a", network: network)
        let b = try await lab.container("net-b", network: network)
        guard let subnet = IPv4Network(lab.options.subnet) else { return (.fail, "bad subnet") }
        let inspected = try await lab.docker.networks.inspect(network)
        let gateway = inspected.subnets.first?.gateway ?? "?"
        var addresses: [String] = []
        for name in [a, b] {
            guard let text = try await lab.address(name, on: network), let address = IPv4Address(text),
                  subnet.contains(address) else {
                return (.fail, "\(name) has no address in \(lab.options.subnet)")
            }
            addresses.append("\(name)=\(text)")
        }
        let ab = try await lab.ping(from: a, b)
        let ba = try await lab.ping(from: b, a)
        let ok = ab.ok && ba.ok && gateway == lab.options.gateway
        return (ok ? .pass : .fail, "\(network) \(lab.options.subnet) gateway \(gateway); \(addresses.joined(separator: ", ")); "
            + "\(a) -> \(b): \(ab.ok ? "answered" : "failed"); \(b) -> \(a): \(ba.ok ? "answered" : "failed")")
    }

    /// Networks are isolated until `network connect`, which gives a second interface and name resolution.
    static let isolationUntilConnect = TourCheck(
        name: "network-connect", claim: "a container on the default bridge cannot reach one on the custom network until `network connect`; then it can, by name, with two addresses"
    ) { lab in
        let t1 = "\(lab.options.instance)-t1", a = "\(lab.options.instance)-net-a", network = lab.networkName
        guard let target = try await lab.address(a, on: network) else { return (.fail, "\(a) has no address") }
        let before = try await lab.ping(from: t1, target)
        try await lab.docker.networks.connect(network: network, container: t1)
        let afterByName = try await lab.ping(from: t1, a)
        let networks = try await lab.docker.containers.inspect(t1).networkSettings?.networks ?? [:]
        let addresses = networks.compactMap { name, endpoint in endpoint.ipAddress.map { "\(name)=\($0)" } }.sorted()
        let interfaces = try await lab.sh(t1, "ls /sys/class/net").stdoutText.split(whereSeparator: \.isWhitespace)
        let ok = !before.ok && afterByName.ok && networks.count == 2 && interfaces.contains("eth1")
        return (ok ? .pass : .fail, "before: ping \(target) \(before.ok ? "answered" : "failed"); after connect: ping \(a) "
            + "\(afterByName.ok ? "answered" : "failed"); \(t1) has \(addresses.joined(separator: ", ")); "
            + "interfaces \(interfaces.joined(separator: ","))")
    }

    /// Host mode shares the host's interfaces.
    static let hostMode = TourCheck(name: "host-mode", claim: "--net host: the container sees the host's interfaces") { lab in
        let h = try await lab.container("host", network: "host")
        let inside = Set(try await lab.sh(h, "ls /sys/class/net").stdoutText.split(whereSeparator: \.isWhitespace).map(String.init))
        guard case .unix = lab.docker.host, FileManager.default.fileExists(atPath: "/sys/class/net/docker0") else {
            let ok = inside.contains("docker0")
            return (ok ? .pass : .fail, "interfaces in the container: \(inside.sorted().joined(separator: ","))"
                + " (daemon not local: checked for docker0 only)")
        }
        let host = Set((try? FileManager.default.contentsOfDirectory(atPath: "/sys/class/net")) ?? [])
        // Other containers may come and go meanwhile: only their veth ends may differ.
        let differ = inside.symmetricDifference(host)
        let ok = inside.contains("docker0") && differ.allSatisfy { $0.hasPrefix("veth") }
        return (ok ? .pass : .fail, "container: \(inside.count) interfaces, host: \(host.count) interfaces"
            + (differ.isEmpty ? " (the same, docker0 among them)" : "; differ: \(differ.sorted())"))
    }

    /// None mode has only loopback.
    static let noneMode = TourCheck(name: "none-mode", claim: "--net none: the container has only lo") { lab in
        let n = try await lab.container("none", network: "none")
        let inside = try await lab.sh(n, "ls /sys/class/net").stdoutText.split(whereSeparator: \.isWhitespace).map(String.init)
        return (inside == ["lo"] ? .pass : .fail, "interfaces: \(inside.joined(separator: ","))")
    }
}

/// Checks the tour's network settings before anything is created.
enum TourNetworkCheck {
    static func validate(subnet: String, gateway: String) throws {
        let network = try RecipeValidation.privateSubnet(subnet)
        let address = try IPv4Address.parse(gateway, what: "gateway")
        guard network.contains(address) else {
            throw DockerError.invalidArgument("gateway \(gateway) is outside the subnet \(subnet)")
        }
    }
}
