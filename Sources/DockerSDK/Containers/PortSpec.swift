import Foundation

/// A published port as the docker CLI's `-p` writes it: `80`, `8080:80`, `127.0.0.1:8080:80/udp`,
/// `127.0.0.1::80`, `[::1]:8080:80`, ranges `8000-8001:80-81`.
///
/// ```swift
/// let spec = try PortSpec("127.0.0.1:8080:80/udp")
/// var host = HostConfig()
/// host.publish(spec)          // PortBindings["80/udp"] = [127.0.0.1:8080]
/// ```
public struct PortSpec: Sendable, Hashable, CustomStringConvertible {
    /// A transport protocol of a port.
    public enum PortProtocol: String, Sendable, Hashable, CaseIterable {
        /// TCP (the default).
        case tcp
        /// UDP.
        case udp
        /// SCTP.
        case sctp
    }

    /// The host address to listen on; nil leaves it to whoever publishes (all addresses for the daemon,
    /// 127.0.0.1 for `containers.run`).
    public var hostIP: String?
    /// The host port or ports; nil picks a free port (`-p 80`, `-p 127.0.0.1::80`).
    public var hostPorts: ClosedRange<Int>?
    /// The container port or ports.
    public var containerPorts: ClosedRange<Int>
    /// The protocol, `tcp` unless the spec says `/udp` or `/sctp`.
    public var `protocol`: PortProtocol

    /// Publishes `containerPort` on `hostPort` (nil: a free port) at `hostIP`.
    public init(container containerPort: Int, host hostPort: Int? = nil, hostIP: String? = nil,
                protocol proto: PortProtocol = .tcp) throws {
        try self.init(containerPorts: containerPort...containerPort, hostPorts: hostPort.map { $0...$0 },
                      hostIP: hostIP, protocol: proto)
    }

    /// Publishes a range of container ports on a host range of the same length, or on one free port of a
    /// host range when one container port is given, as the daemon does.
    public init(containerPorts: ClosedRange<Int>, hostPorts: ClosedRange<Int>? = nil, hostIP: String? = nil,
                protocol proto: PortProtocol = .tcp) throws {
        try self.init(checking: containerPorts, hostPorts, hostIP, proto,
                      spec: "\(hostPorts.map { Self.text($0) + ":" } ?? "")\(Self.text(containerPorts))")
    }

    private init(checking containerPorts: ClosedRange<Int>, _ hostPorts: ClosedRange<Int>?, _ hostIP: String?,
                 _ proto: PortProtocol, spec: String) throws {
        for port in [containerPorts.lowerBound, containerPorts.upperBound] {
            try Self.check(port, "container port", spec)
        }
        if let hostPorts {
            for port in [hostPorts.lowerBound, hostPorts.upperBound] { try Self.check(port, "host port", spec) }
            if containerPorts.count > 1, hostPorts.count != containerPorts.count {
                throw Self.bad(spec, "the host range \(Self.text(hostPorts)) and the container range "
                    + "\(Self.text(containerPorts)) differ in length")
            }
        }
        if let hostIP { try Self.checkAddress(hostIP, spec) }
        self.hostIP = hostIP
        self.hostPorts = hostPorts
        self.containerPorts = containerPorts
        self.protocol = proto
    }

    /// Parses a `-p` spec: `[ip:][hostPort[-end]:]containerPort[-end][/protocol]`, an IPv6 address in
    /// brackets. A bad spec is `DockerError.invalidArgument` saying what is wrong.
    public init(_ spec: String) throws {
        let text = spec.trimmingCharacters(in: .whitespaces)
        guard !text.isEmpty else { throw Self.bad(spec, "it is empty") }

        // protocol
        var rest = Substring(text)
        var proto = PortProtocol.tcp
        if let slash = rest.lastIndex(of: "/") {
            let name = rest[rest.index(after: slash)...].lowercased()
            guard let parsed = PortProtocol(rawValue: name) else {
                throw Self.bad(spec, "unknown protocol \"\(name)\" (use tcp, udp or sctp)")
            }
            proto = parsed
            rest = rest[..<slash]
        }

        // address
        var hostIP: String?
        if rest.hasPrefix("[") {
            guard let close = rest.firstIndex(of: "]") else { throw Self.bad(spec, "an IPv6 address lacks its closing ]") }
            hostIP = String(rest[rest.index(after: rest.startIndex)..<close])
            rest = rest[rest.index(after: close)...]
            guard rest.hasPrefix(":") else { throw Self.bad(spec, "a host address must be followed by :hostPort:containerPort") }
            rest = rest.dropFirst()
            guard rest.contains(":") else {
                throw Self.bad(spec, "a host address needs hostPort:containerPort after it (hostPort may be empty)")
            }
        }
        let parts = rest.split(separator: ":", omittingEmptySubsequences: false).map(String.init)
        let hostPart: String?
        let containerPart: String
        switch (parts.count, hostIP) {
        case (1, nil):
            hostPart = nil
            containerPart = parts[0]
        case (2, _):
            hostPart = parts[0]
            containerPart = parts[1]
        case (3, nil):
            hostIP = parts[0]
            hostPart = parts[1]
            containerPart = parts[2]
        default:
            throw Self.bad(spec, parts.count > 3
                ? "too many colons (put an IPv6 address in brackets: [::1]:8080:80)"
                : "use [ip:][hostPort:]containerPort")
        }
        if let ip = hostIP, ip.isEmpty { throw Self.bad(spec, "the host address is empty") }

        let containerPorts = try Self.range(containerPart, "container port", spec)
        let hostPorts = try hostPart.flatMap { $0.isEmpty ? nil : try Self.range($0, "host port", spec) }
        try self.init(checking: containerPorts, hostPorts, hostIP, proto, spec: spec)
    }

    /// The spec in the CLI's form, e.g. `127.0.0.1:8080:80/tcp`.
    public var description: String {
        var text = ""
        if let hostIP { text += hostIP.contains(":") ? "[\(hostIP)]:" : "\(hostIP):" }
        if let hostPorts { text += Self.text(hostPorts) + ":" } else if hostIP != nil { text += ":" }
        return text + Self.text(containerPorts) + "/" + self.protocol.rawValue
    }

    /// The container ports as `Config.ExposedPorts` keys, e.g. `["80/tcp", "81/tcp"]`.
    public var exposedPorts: [String] {
        containerPorts.map { "\($0)/\(self.protocol.rawValue)" }
    }

    /// The `HostConfig.PortBindings` entries, by `port/protocol`; `defaultHostIP` stands in for a missing address.
    public func portBindings(defaultHostIP: String? = nil) -> [(key: String, binding: PortBinding)] {
        let ip = hostIP ?? defaultHostIP
        return containerPorts.enumerated().map { offset, port in
            let hostPort: String = switch hostPorts {
            case nil: ""
            case let range? where containerPorts.count == 1 && range.count > 1:
                // One container port on a host range: the daemon picks a free port of the range.
                "\(range.lowerBound)-\(range.upperBound)"
            case let range?: String(range.lowerBound + offset)
            }
            return ("\(port)/\(self.protocol.rawValue)", PortBinding(hostIP: ip, hostPort: hostPort))
        }
    }

    // MARK: - Checks

    private static func range(_ text: String, _ what: String, _ spec: String) throws -> ClosedRange<Int> {
        let bounds = text.split(separator: "-", omittingEmptySubsequences: false)
        guard (1...2).contains(bounds.count) else { throw bad(spec, "\"\(text)\" is not a \(what) or a range of them") }
        let numbers = try bounds.map { bound -> Int in
            guard !bound.isEmpty, bound.allSatisfy(\.isASCII), bound.allSatisfy(\.isNumber), let value = Int(bound) else {
                let hint = bound.contains(".") ? " (for an address and a free host port write \(bound)::PORT)" : ""
                throw bad(spec, bound.isEmpty ? "the \(what) is missing" : "\"\(bound)\" is not a \(what) number\(hint)")
            }
            try check(value, what, spec)
            return value
        }
        let low = numbers[0], high = numbers.last ?? low
        guard low <= high else { throw bad(spec, "the \(what) range \(text) ends before it starts") }
        return low...high
    }

    private static func check(_ port: Int, _ what: String, _ spec: String) throws {
        guard (1...65535).contains(port) else { throw bad(spec, "\(what) \(port) is out of range 1-65535") }
    }

    private static func checkAddress(_ address: String, _ spec: String) throws {
        var v4 = in_addr()
        var v6 = in6_addr()
        guard inet_pton(AF_INET, address, &v4) == 1 || inet_pton(AF_INET6, address, &v6) == 1 else {
            throw bad(spec, "\"\(address)\" is not an IPv4 or IPv6 address")
        }
    }

    private static func text(_ range: ClosedRange<Int>) -> String {
        range.count == 1 ? "\(range.lowerBound)" : "\(range.lowerBound)-\(range.upperBound)"
    }

    private static func bad(_ spec: String, _ reason: String) -> DockerError {
        .invalidArgument("bad port spec \"\(spec)\": \(reason)")
    }
}

extension HostConfig {
    /// Publishes the ports of `spec` (`-p`); `defaultHostIP` is used when the spec names no address.
    public mutating func publish(_ spec: PortSpec, defaultHostIP: String? = nil) {
        var bindings = portBindings ?? [:]
        for (key, binding) in spec.portBindings(defaultHostIP: defaultHostIP) {
            bindings[key, default: []].append(binding)
        }
        portBindings = bindings
    }
}

extension ContainerConfig {
    /// Adds the container ports of `spec` to `exposedPorts`, keeping those already there.
    public mutating func expose(_ spec: PortSpec) {
        var ports = exposedPorts ?? []
        for port in spec.exposedPorts where !ports.contains(port) { ports.append(port) }
        exposedPorts = ports
    }
}
