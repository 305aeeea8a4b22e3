import Foundation
#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

// MARK: - IPv4

/// An IPv4 address, parsed strictly: four decimal octets, no leading zeros.
public struct IPv4Address: Sendable, Hashable, Comparable, CustomStringConvertible, LosslessStringConvertible {
    /// The address as a 32-bit number, most significant octet first.
    public var value: UInt32

    /// Creates an address from its 32-bit value.
    public init(_ value: UInt32) {
        self.value = value
    }

    /// Parses `a.b.c.d`; nil when it is not one.
    public init?(_ description: String) {
        guard let parsed = try? Self.parse(description) else { return nil }
        self = parsed
    }

    /// Parses `a.b.c.d`, throwing `DockerError.invalidArgument` that says what is wrong.
    ///
    /// - Parameters:
    ///   - text: the text to parse.
    ///   - what: names the value in the message, e.g. `gateway`.
    public static func parse(_ text: String, what: String = "address") throws -> IPv4Address {
        func fail(_ why: String) -> DockerError {
            .invalidArgument("\(what) \"\(text)\" is not an IPv4 address: \(why)")
        }
        let parts = text.split(separator: ".", omittingEmptySubsequences: false)
        guard parts.count == 4 else { throw fail("expected four dot-separated numbers, found \(parts.count)") }
        var value: UInt32 = 0
        for part in parts {
            guard !part.isEmpty, part.count <= 3, part.allSatisfy({ $0.isASCII && $0.isNumber }),
                  let octet = UInt32(part)
            else { throw fail("\"\(part)\" is not a number from 0 to 255") }
            guard octet <= 255 else { throw fail("\(octet) is greater than 255") }
            guard part.count == 1 || part.first != "0" else { throw fail("\"\(part)\" has a leading zero") }
            value = value << 8 | octet
        }
        return IPv4Address(value)
    }

    /// The four octets, most significant first.
    public var octets: [UInt8] { [24, 16, 8, 0].map { UInt8(truncatingIfNeeded: value >> $0) } }

    /// `a.b.c.d`.
    public var description: String { octets.map(String.init).joined(separator: ".") }

    /// Numeric order.
    public static func < (lhs: IPv4Address, rhs: IPv4Address) -> Bool { lhs.value < rhs.value }
}

/// An IPv4 subnet in CIDR notation, e.g. `10.213.7.0/24`; its host bits are zero.
public struct IPv4Network: Sendable, Hashable, CustomStringConvertible, LosslessStringConvertible {
    /// The network address (host bits zero).
    public let address: IPv4Address
    /// The prefix length, 0 to 32.
    public let prefixLength: Int

    /// Creates a network; throws when the prefix is out of range or host bits are set.
    public init(address: IPv4Address, prefixLength: Int) throws {
        guard (0...32).contains(prefixLength) else {
            throw DockerError.invalidArgument("prefix length \(prefixLength) is out of range: an IPv4 prefix is 0 to 32")
        }
        let mask = Self.mask(prefixLength)
        guard address.value & ~mask == 0 else {
            let network = IPv4Address(address.value & mask)
            throw DockerError.invalidArgument(
                "\(address)/\(prefixLength) has host bits set: the network address is \(network)/\(prefixLength)")
        }
        self.address = address
        self.prefixLength = prefixLength
    }

    /// Parses `a.b.c.d/n`; nil when it is not a valid network.
    public init?(_ description: String) {
        guard let parsed = try? Self.parse(description) else { return nil }
        self = parsed
    }

    /// Parses `a.b.c.d/n` strictly, throwing `DockerError.invalidArgument` that says what is wrong:
    /// a missing prefix, a prefix out of 0...32, a bad address, host bits set.
    ///
    /// - Parameters:
    ///   - text: the text to parse.
    ///   - what: names the value in the message, e.g. `subnet`.
    public static func parse(_ text: String, what: String = "subnet") throws -> IPv4Network {
        let pieces = text.split(separator: "/", maxSplits: 1, omittingEmptySubsequences: false)
        guard pieces.count == 2 else {
            throw DockerError.invalidArgument(
                "\(what) \"\(text)\" has no prefix length: write it in CIDR notation, e.g. \(text)/24")
        }
        let address = try IPv4Address.parse(String(pieces[0]), what: "\(what) \"\(text)\": address")
        guard !pieces[1].isEmpty, pieces[1].count <= 3, pieces[1].allSatisfy({ $0.isASCII && $0.isNumber }),
              let prefix = Int(pieces[1])
        else { throw DockerError.invalidArgument("\(what) \"\(text)\": prefix length \"\(pieces[1])\" is not a number") }
        guard prefix <= 32 else {
            throw DockerError.invalidArgument(
                "\(what) \"\(text)\": prefix length \(prefix) is out of range: an IPv4 prefix is 0 to 32")
        }
        let mask = Self.mask(prefix)
        guard address.value & ~mask == 0 else {
            throw DockerError.invalidArgument(
                "\(what) \"\(text)\" has host bits set: the network address is \(IPv4Address(address.value & mask))/\(prefix)")
        }
        return try IPv4Network(address: address, prefixLength: prefix)
    }

    static func mask(_ prefix: Int) -> UInt32 { prefix == 0 ? 0 : UInt32.max << UInt32(32 - prefix) }

    /// The netmask, e.g. 255.255.255.0 for /24.
    public var netmask: IPv4Address { IPv4Address(Self.mask(prefixLength)) }
    /// The last address, all host bits set.
    public var broadcast: IPv4Address { IPv4Address(address.value | ~Self.mask(prefixLength)) }
    /// How many addresses the network spans.
    public var addressCount: UInt64 { UInt64(1) << UInt64(32 - prefixLength) }

    /// Whether `address` is inside the network.
    public func contains(_ address: IPv4Address) -> Bool {
        address.value & Self.mask(prefixLength) == self.address.value
    }

    /// Whether `other` lies wholly inside this network.
    public func contains(_ other: IPv4Network) -> Bool {
        other.prefixLength >= prefixLength && contains(other.address)
    }

    /// Whether the two networks share any address.
    public func overlaps(_ other: IPv4Network) -> Bool {
        contains(other.address) || other.contains(address)
    }

    /// Whether `address` can be given to a host: inside, and (for prefixes up to /30) neither the
    /// network nor the broadcast address.
    public func isUsableHost(_ address: IPv4Address) -> Bool {
        guard contains(address) else { return false }
        if prefixLength >= 31 { return true }
        return address != self.address && address != broadcast
    }

    /// `a.b.c.d/n`.
    public var description: String { "\(address)/\(prefixLength)" }
}

// MARK: - IPv6

/// An IPv6 address, parsed by the system's `inet_pton`.
public struct IPv6Address: Sendable, Hashable, Comparable, CustomStringConvertible, LosslessStringConvertible {
    /// The upper 64 bits.
    public var high: UInt64
    /// The lower 64 bits.
    public var low: UInt64

    /// Creates an address from its two halves.
    public init(high: UInt64, low: UInt64) {
        self.high = high
        self.low = low
    }

    /// Parses an IPv6 address (`2001:db8::1`); nil when it is not one.
    public init?(_ description: String) {
        guard !description.contains("%"), !description.contains("/") else { return nil }
        var bytes = [UInt8](repeating: 0, count: 16)
        let ok = bytes.withUnsafeMutableBytes { inet_pton(AF_INET6, description, $0.baseAddress) }
        guard ok == 1 else { return nil }
        high = bytes[0..<8].reduce(0) { $0 << 8 | UInt64($1) }
        low = bytes[8..<16].reduce(0) { $0 << 8 | UInt64($1) }
    }

    /// Parses an IPv6 address, throwing `DockerError.invalidArgument` when it is not one.
    public static func parse(_ text: String, what: String = "address") throws -> IPv6Address {
        guard let address = IPv6Address(text) else {
            throw DockerError.invalidArgument("\(what) \"\(text)\" is not an IPv6 address")
        }
        return address
    }

    /// The sixteen bytes, most significant first.
    public var bytes: [UInt8] {
        (0..<8).map { UInt8(truncatingIfNeeded: high >> UInt64(56 - 8 * $0)) }
            + (0..<8).map { UInt8(truncatingIfNeeded: low >> UInt64(56 - 8 * $0)) }
    }

    /// The canonical text form (RFC 5952), via `inet_ntop`.
    public var description: String {
        var text = [CChar](repeating: 0, count: 64)
        let raw = bytes
        let ok = raw.withUnsafeBytes { input in
            text.withUnsafeMutableBufferPointer { inet_ntop(AF_INET6, input.baseAddress, $0.baseAddress, 64) }
        }
        guard ok != nil else { return "?" }
        return String(decoding: text.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
    }

    /// Numeric order.
    public static func < (lhs: IPv6Address, rhs: IPv6Address) -> Bool { (lhs.high, lhs.low) < (rhs.high, rhs.low) }

    func masked(_ prefix: Int) -> IPv6Address {
        let (mh, ml) = IPv6Network.mask(prefix)
        return IPv6Address(high: high & mh, low: low & ml)
    }
}

/// An IPv6 subnet in CIDR notation, e.g. `fd00:dead:beef::/64`; its host bits are zero.
public struct IPv6Network: Sendable, Hashable, CustomStringConvertible, LosslessStringConvertible {
    /// The network address (host bits zero).
    public let address: IPv6Address
    /// The prefix length, 0 to 128.
    public let prefixLength: Int

    /// Parses `addr/n`; nil when it is not a valid network.
    public init?(_ description: String) {
        guard let parsed = try? Self.parse(description) else { return nil }
        self = parsed
    }

    private init(checked address: IPv6Address, prefixLength: Int) {
        self.address = address
        self.prefixLength = prefixLength
    }

    /// Parses `addr/n` strictly, throwing `DockerError.invalidArgument` that says what is wrong.
    public static func parse(_ text: String, what: String = "subnet") throws -> IPv6Network {
        let pieces = text.split(separator: "/", maxSplits: 1, omittingEmptySubsequences: false)
        guard pieces.count == 2 else {
            throw DockerError.invalidArgument(
                "\(what) \"\(text)\" has no prefix length: write it in CIDR notation, e.g. \(text)/64")
        }
        let address = try IPv6Address.parse(String(pieces[0]), what: "\(what) \"\(text)\": address")
        guard !pieces[1].isEmpty, pieces[1].count <= 3, pieces[1].allSatisfy({ $0.isASCII && $0.isNumber }),
              let prefix = Int(pieces[1])
        else { throw DockerError.invalidArgument("\(what) \"\(text)\": prefix length \"\(pieces[1])\" is not a number") }
        guard prefix <= 128 else {
            throw DockerError.invalidArgument(
                "\(what) \"\(text)\": prefix length \(prefix) is out of range: an IPv6 prefix is 0 to 128")
        }
        let network = address.masked(prefix)
        guard network == address else {
            throw DockerError.invalidArgument(
                "\(what) \"\(text)\" has host bits set: the network address is \(network)/\(prefix)")
        }
        return IPv6Network(checked: network, prefixLength: prefix)
    }

    static func mask(_ prefix: Int) -> (UInt64, UInt64) {
        let high: UInt64 = prefix <= 0 ? 0 : prefix >= 64 ? .max : .max << UInt64(64 - prefix)
        let low: UInt64 = prefix <= 64 ? 0 : prefix >= 128 ? .max : .max << UInt64(128 - prefix)
        return (high, low)
    }

    /// Whether `address` is inside the network.
    public func contains(_ address: IPv6Address) -> Bool { address.masked(prefixLength) == self.address }

    /// Whether `other` lies wholly inside this network.
    public func contains(_ other: IPv6Network) -> Bool {
        other.prefixLength >= prefixLength && contains(other.address)
    }

    /// Whether the two networks share any address.
    public func overlaps(_ other: IPv6Network) -> Bool { contains(other.address) || other.contains(address) }

    /// The network address and prefix length, e.g. `fd00::/64`.
    public var description: String { "\(address)/\(prefixLength)" }
}

// MARK: - Validation

/// Client-side checks run before a network request is sent; each failure is a
/// `DockerError.invalidArgument` naming the value and the problem.
public enum NetworkValidation {
    /// Checks a network name: `[a-zA-Z0-9][a-zA-Z0-9_.-]*`.
    public static func validateName(_ name: String) throws {
        guard let first = name.unicodeScalars.first else {
            throw DockerError.invalidArgument("network name is empty")
        }
        func alnum(_ c: Unicode.Scalar) -> Bool {
            ("a"..."z").contains(c) || ("A"..."Z").contains(c) || ("0"..."9").contains(c)
        }
        guard alnum(first) else {
            throw DockerError.invalidArgument(
                "network name \"\(name)\" must start with a letter or digit ([a-zA-Z0-9][a-zA-Z0-9_.-]*)")
        }
        if let bad = name.unicodeScalars.first(where: { !(alnum($0) || $0 == "_" || $0 == "." || $0 == "-") }) {
            throw DockerError.invalidArgument(
                "network name \"\(name)\" contains \"\(bad)\": only letters, digits, '_', '.' and '-' are allowed")
        }
    }

    /// Checks a network configuration: the name, and each subnet with its gateway, IP range and
    /// auxiliary addresses; subnets of one network must not overlap each other.
    public static func validate(_ config: NetworkCreate) throws {
        try validateName(config.name)
        var seen: [(IPSubnet, String)] = []
        for (index, entry) in (config.ipam?.config ?? []).enumerated() {
            let label = "IPAM config #\(index + 1)"
            guard let text = entry.subnet, !text.isEmpty else {
                if entry.gateway?.isEmpty == false || entry.ipRange?.isEmpty == false
                    || entry.auxiliaryAddresses?.isEmpty == false {
                    throw DockerError.invalidArgument(
                        "\(label) has a gateway, IP range or auxiliary addresses but no subnet")
                }
                continue
            }
            let subnet = try IPSubnet.parse(text, what: "subnet")
            if let (_, other) = seen.first(where: { $0.0.overlaps(subnet) }) {
                throw DockerError.invalidArgument("subnet \(text) overlaps subnet \(other) of the same network")
            }
            seen.append((subnet, text))
            if let gateway = entry.gateway, !gateway.isEmpty {
                try subnet.checkHost(gateway, what: "gateway")
            }
            if let range = entry.ipRange, !range.isEmpty {
                let parsed = try IPSubnet.parse(range, what: "IP range", family: subnet)
                guard subnet.contains(parsed) else {
                    throw DockerError.invalidArgument("IP range \(range) is not inside subnet \(text)")
                }
            }
            for (host, address) in (entry.auxiliaryAddresses ?? [:]).sorted(by: { $0.key < $1.key }) {
                try subnet.checkHost(address, what: "auxiliary address \(host)")
            }
        }
    }

    /// Checks an endpoint's static addresses (well-formed, and inside one of `subnets` when given)
    /// and its aliases (not empty).
    public static func validate(endpoint: EndpointSettings, subnets: [IPAMConfig]? = nil) throws {
        let known = (subnets ?? []).compactMap { $0.subnet.flatMap { try? IPSubnet.parse($0, what: "subnet") } }
        if let text = endpoint.ipamConfig?.ipv4Address, !text.isEmpty {
            let address = try IPv4Address.parse(text, what: "static IPv4 address")
            let v4 = known.compactMap { if case .v4(let n) = $0 { n } else { nil } }
            if !v4.isEmpty {
                guard let net = v4.first(where: { $0.contains(address) }) else {
                    throw DockerError.invalidArgument(
                        "static IPv4 address \(text) is not inside the network's subnets (\(v4.map(\.description).joined(separator: ", ")))")
                }
                guard net.isUsableHost(address) else {
                    throw DockerError.invalidArgument(
                        "static IPv4 address \(text) is the network or broadcast address of \(net)")
                }
            }
        }
        if let text = endpoint.ipamConfig?.ipv6Address, !text.isEmpty {
            let address = try IPv6Address.parse(text, what: "static IPv6 address")
            let v6 = known.compactMap { if case .v6(let n) = $0 { n } else { nil } }
            if !v6.isEmpty, !v6.contains(where: { $0.contains(address) }) {
                throw DockerError.invalidArgument(
                    "static IPv6 address \(text) is not inside the network's subnets (\(v6.map(\.description).joined(separator: ", ")))")
            }
        }
        if let aliases = endpoint.aliases, aliases.contains(where: { $0.trimmingCharacters(in: .whitespaces).isEmpty }) {
            throw DockerError.invalidArgument("network aliases must not be empty")
        }
    }
}

/// An IPv4 or IPv6 subnet, for checks that take either.
enum IPSubnet {
    case v4(IPv4Network)
    case v6(IPv6Network)

    /// Parses either family; with `family`, the text must be of the same family.
    static func parse(_ text: String, what: String, family: IPSubnet? = nil) throws -> IPSubnet {
        let looksV6 = text.contains(":")
        switch family {
        case .v4?: if looksV6 { throw DockerError.invalidArgument("\(what) \(text) is IPv6 but the subnet is IPv4") }
        case .v6?: if !looksV6 { throw DockerError.invalidArgument("\(what) \(text) is IPv4 but the subnet is IPv6") }
        case nil: break
        }
        return looksV6 ? .v6(try IPv6Network.parse(text, what: what)) : .v4(try IPv4Network.parse(text, what: what))
    }

    func overlaps(_ other: IPSubnet) -> Bool {
        switch (self, other) {
        case let (.v4(a), .v4(b)): a.overlaps(b)
        case let (.v6(a), .v6(b)): a.overlaps(b)
        default: false
        }
    }

    func contains(_ other: IPSubnet) -> Bool {
        switch (self, other) {
        case let (.v4(a), .v4(b)): a.contains(b)
        case let (.v6(a), .v6(b)): a.contains(b)
        default: false
        }
    }

    /// Checks that `text` is an address of this family, inside, and (IPv4) not the network or broadcast address.
    func checkHost(_ text: String, what: String) throws {
        let label = "\(what) \(text)"
        switch self {
        case .v4(let net):
            guard !text.contains(":") else {
                throw DockerError.invalidArgument("\(label) is IPv6 but the subnet \(net) is IPv4")
            }
            let address = try IPv4Address.parse(text, what: what)
            guard net.contains(address) else {
                throw DockerError.invalidArgument("\(label) is not inside subnet \(net)")
            }
            guard net.isUsableHost(address) else {
                let which = address == net.address ? "network" : "broadcast"
                throw DockerError.invalidArgument("\(label) is the \(which) address of subnet \(net)")
            }
        case .v6(let net):
            guard text.contains(":") else {
                throw DockerError.invalidArgument("\(label) is IPv4 but the subnet \(net) is IPv6")
            }
            let address = try IPv6Address.parse(text, what: what)
            guard net.contains(address) else {
                throw DockerError.invalidArgument("\(label) is not inside subnet \(net)")
            }
            guard address != net.address else {
                throw DockerError.invalidArgument("\(label) is the network address of subnet \(net)")
            }
        }
    }
}
