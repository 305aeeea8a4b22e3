// Fuzzes the CIDR/address parsers and NetworkValidation: any text gives a value or a typed
// DockerError.invalidArgument, and every parsed value prints back to itself.
import DockerSDK
import Foundation
import FuzzHarness

private func typed(_ what: String, _ body: () throws -> Void) {
    do { try body() } catch let error as DockerError {
        guard case .invalidArgument = error else { fatalError("\(what): unexpected DockerError case: \(error)") }
    } catch {
        fatalError("\(what): untyped error: \(error)")
    }
}

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzOne(_ bytes: UnsafePointer<UInt8>?, _ size: Int) -> CInt {
    let text = String(decoding: Fuzz.data(bytes, size), as: UTF8.self)
    let parts = Fuzz.parts(text, 6)
    for part in parts {
        if let a = IPv4Address(part) { Fuzz.require(IPv4Address(a.description) == a, "IPv4 \(a) does not print back") }
        if let n = IPv4Network(part) {
            Fuzz.require(IPv4Network(n.description) == n, "IPv4 network \(n) does not print back")
            Fuzz.require(n.contains(n.address) && n.contains(n.broadcast) && n.contains(n), "IPv4 network \(n) does not contain itself")
            _ = (n.netmask, n.addressCount, n.isUsableHost(n.address))
        }
        if let a = IPv6Address(part) { Fuzz.require(IPv6Address(a.description) == a, "IPv6 \(a) does not print back") }
        if let n = IPv6Network(part) {
            Fuzz.require(IPv6Network(n.description) == n, "IPv6 network \(n) does not print back")
            Fuzz.require(n.contains(n.address) && n.contains(n), "IPv6 network \(n) does not contain itself")
        }
        typed("IPv4Network.parse") { _ = try IPv4Network.parse(part) }
        typed("IPv6Network.parse") { _ = try IPv6Network.parse(part) }
        typed("IPv4Address.parse") { _ = try IPv4Address.parse(part) }
        typed("IPv6Address.parse") { _ = try IPv6Address.parse(part) }
    }
    // name, subnet, gateway, ip range, an aux address, an endpoint address
    let (name, subnet, gateway, range, aux, endpoint) = (parts[0], parts[1], parts[2], parts[3], parts[4], parts[5])
    let ipam = IPAMConfig(subnet: subnet.isEmpty ? nil : subnet, ipRange: range.isEmpty ? nil : range,
                          gateway: gateway.isEmpty ? nil : gateway, auxiliaryAddresses: aux.isEmpty ? nil : ["host": aux])
    let second = IPAMConfig(subnet: range, gateway: aux)
    typed("validateName") { try NetworkValidation.validateName(name) }
    typed("validate") { try NetworkValidation.validate(NetworkCreate(name: name, subnets: [ipam])) }
    typed("validate(two)") { try NetworkValidation.validate(NetworkCreate(name: "n", subnets: [ipam, second])) }
    typed("validate(endpoint:)") {
        try NetworkValidation.validate(endpoint: EndpointSettings(ipv4Address: endpoint, ipv6Address: aux),
                                       subnets: [ipam])
    }
    return 0
}

Fuzz.runDriver(fuzzOne)
