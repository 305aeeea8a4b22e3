@testable import DockerSDK
import Foundation
import XCTest

final class NetworkValidationTests: XCTestCase {
    /// Asserts that `body` throws `DockerError.invalidArgument` whose message contains every fragment.
    private func assertInvalid(_ fragments: String..., file: StaticString = #filePath, line: UInt = #line,
                               _ body: () throws -> Void) {
        do {
            try body()
            XCTFail("expected invalidArgument containing \(fragments)", file: file, line: line)
        } catch DockerError.invalidArgument(let message) {
            for fragment in fragments {
                XCTAssertTrue(message.contains(fragment), "\"\(message)\" lacks \"\(fragment)\"", file: file, line: line)
            }
        } catch {
            XCTFail("expected invalidArgument, got \(error)", file: file, line: line)
        }
    }

    // MARK: IPv4

    func testIPv4AddressParsing() throws {
        XCTAssertEqual(try IPv4Address.parse("10.213.7.1").value, 0x0AD5_0701)
        XCTAssertEqual(IPv4Address("0.0.0.0")?.value, 0)
        XCTAssertEqual(IPv4Address("255.255.255.255")?.value, .max)
        XCTAssertEqual(IPv4Address(0xC0A8_0001).description, "192.168.0.1")
        XCTAssertEqual(IPv4Address("192.168.0.1")?.octets, [192, 168, 0, 1])
        for bad in ["", "1.2.3", "1.2.3.4.5", "1.2.3.", ".1.2.3", "a.b.c.d", "1.2.3.-4", "1.2.3.4 ", "1234.1.1.1", "01.2.3.4"] {
            XCTAssertNil(IPv4Address(bad), bad)
        }
        assertInvalid("300.1.0.0", "300 is greater than 255") { _ = try IPv4Address.parse("300.1.0.0") }
        assertInvalid("leading zero") { _ = try IPv4Address.parse("10.01.0.1") }
        assertInvalid("four") { _ = try IPv4Address.parse("10.1.1") }
        XCTAssertLessThan(IPv4Address("10.0.0.1")!, IPv4Address("10.0.0.2")!)
    }

    func testIPv4NetworkParsing() throws {
        let net = try IPv4Network.parse("10.1.0.0/16")
        XCTAssertEqual(net.description, "10.1.0.0/16")
        XCTAssertEqual(net.prefixLength, 16)
        XCTAssertEqual(net.netmask.description, "255.255.0.0")
        XCTAssertEqual(net.broadcast.description, "10.1.255.255")
        XCTAssertEqual(net.addressCount, 65536)
        XCTAssertEqual(IPv4Network("0.0.0.0/0")?.addressCount, 1 << 32)
        XCTAssertEqual(IPv4Network("10.1.2.3/32")?.broadcast.description, "10.1.2.3")

        assertInvalid("10.1.0.0/33", "prefix length 33", "0 to 32") { _ = try IPv4Network.parse("10.1.0.0/33") }
        assertInvalid("300.1.0.0/16", "not an IPv4 address", "300") { _ = try IPv4Network.parse("300.1.0.0/16") }
        assertInvalid("\"10.1.0.0\"", "no prefix length", "CIDR") { _ = try IPv4Network.parse("10.1.0.0") }
        assertInvalid("host bits set", "10.1.0.0/16") { _ = try IPv4Network.parse("10.1.0.1/16") }
        assertInvalid("not a number") { _ = try IPv4Network.parse("10.1.0.0/") }
        assertInvalid("not a number") { _ = try IPv4Network.parse("10.1.0.0/1x") }
        assertInvalid("host bits set") { _ = try IPv4Network(address: IPv4Address("10.0.0.1")!, prefixLength: 8) }
        assertInvalid("out of range") { _ = try IPv4Network(address: IPv4Address("10.0.0.0")!, prefixLength: -1) }
        XCTAssertNil(IPv4Network("10.1.0.1/16"))
    }

    func testIPv4ContainsAndOverlaps() throws {
        let a = IPv4Network("10.1.0.0/16")!
        XCTAssertTrue(a.contains(IPv4Address("10.1.255.3")!))
        XCTAssertFalse(a.contains(IPv4Address("10.2.0.1")!))
        XCTAssertTrue(a.contains(IPv4Network("10.1.128.0/17")!))
        XCTAssertFalse(a.contains(IPv4Network("10.0.0.0/8")!))
        XCTAssertTrue(a.overlaps(IPv4Network("10.0.0.0/8")!))
        XCTAssertTrue(IPv4Network("10.0.0.0/8")!.overlaps(a))
        XCTAssertTrue(a.overlaps(IPv4Network("10.1.7.0/24")!))
        XCTAssertFalse(a.overlaps(IPv4Network("10.2.0.0/16")!))
        XCTAssertTrue(IPv4Network("0.0.0.0/0")!.contains(IPv4Address("203.0.113.9")!))
        XCTAssertFalse(a.isUsableHost(IPv4Address("10.1.0.0")!))
        XCTAssertFalse(a.isUsableHost(IPv4Address("10.1.255.255")!))
        XCTAssertTrue(a.isUsableHost(IPv4Address("10.1.0.1")!))
        XCTAssertTrue(IPv4Network("10.1.0.0/31")!.isUsableHost(IPv4Address("10.1.0.0")!))
    }

    // MARK: IPv6

    func testIPv6() throws {
        let address = try IPv6Address.parse("2001:db8::1")
        XCTAssertEqual(address.high, 0x2001_0DB8_0000_0000)
        XCTAssertEqual(address.low, 1)
        XCTAssertEqual(address.description, "2001:db8::1")
        XCTAssertEqual(IPv6Address("::ffff:10.1.2.3")?.low, 0x0000_FFFF_0A01_0203)
        XCTAssertNil(IPv6Address("2001:db8:::1"))
        XCTAssertNil(IPv6Address("10.1.2.3"))
        XCTAssertNil(IPv6Address("fe80::1%eth0"))

        let net = try IPv6Network.parse("fd00:dead:beef::/48")
        XCTAssertTrue(net.contains(IPv6Address("fd00:dead:beef:1::5")!))
        XCTAssertFalse(net.contains(IPv6Address("fd00:dead:bef0::5")!))
        XCTAssertTrue(net.contains(IPv6Network("fd00:dead:beef:7::/64")!))
        XCTAssertTrue(net.overlaps(IPv6Network("fd00::/8")!))
        XCTAssertFalse(net.overlaps(IPv6Network("fd01::/16")!))
        XCTAssertEqual(IPv6Network("fd00:1:2:3:4:5:6:7/128")?.prefixLength, 128)
        XCTAssertEqual(IPv6Network("::/0")?.description, "::/0")
        assertInvalid("host bits set", "fd00:dead:beef::/48") { _ = try IPv6Network.parse("fd00:dead:beef::1/48") }
        assertInvalid("prefix length 129") { _ = try IPv6Network.parse("fd00::/129") }
        assertInvalid("no prefix length") { _ = try IPv6Network.parse("fd00::") }
        assertInvalid("not an IPv6 address") { _ = try IPv6Network.parse("fd00::g/64") }
    }

    // MARK: Names

    func testNetworkNames() throws {
        for good in ["a", "backend", "my_net.1-x", "0net", "A-B_C.D"] {
            XCTAssertNoThrow(try NetworkValidation.validateName(good), good)
        }
        assertInvalid("empty") { try NetworkValidation.validateName("") }
        assertInvalid("must start with a letter or digit") { try NetworkValidation.validateName("-net") }
        assertInvalid("must start with a letter or digit") { try NetworkValidation.validateName(".net") }
        assertInvalid("contains \"/\"") { try NetworkValidation.validateName("a/b") }
        assertInvalid("contains \" \"") { try NetworkValidation.validateName("a b") }
        assertInvalid("contains \"é\"") { try NetworkValidation.validateName("café") }
    }

    // MARK: NetworkCreate

    private func config(_ subnets: IPAMConfig..., name: String = "net") -> NetworkCreate {
        NetworkCreate(name: name, subnets: subnets)
    }

    func testValidCreateConfigs() throws {
        XCTAssertNoThrow(try NetworkValidation.validate(NetworkCreate(name: "plain")))
        XCTAssertNoThrow(try NetworkValidation.validate(config(IPAMConfig(
            subnet: "10.213.7.0/24", ipRange: "10.213.7.128/25", gateway: "10.213.7.1",
            auxiliaryAddresses: ["router": "10.213.7.2"]))))
        XCTAssertNoThrow(try NetworkValidation.validate(config(
            IPAMConfig(subnet: "10.213.7.0/24"), IPAMConfig(subnet: "fd00:213:7::/64", gateway: "fd00:213:7::1"))))
        XCTAssertNoThrow(try NetworkValidation.validate(config(IPAMConfig(subnet: "10.213.7.0/24", ipRange: "10.213.7.0/24"))))
    }

    func testInvalidCreateConfigs() {
        assertInvalid("network name") { try NetworkValidation.validate(config(name: "bad name")) }
        assertInvalid("host bits set") { try NetworkValidation.validate(config(IPAMConfig(subnet: "10.1.0.1/16"))) }
        assertInvalid("prefix length 33") { try NetworkValidation.validate(config(IPAMConfig(subnet: "10.1.0.0/33"))) }
        assertInvalid("no prefix length") { try NetworkValidation.validate(config(IPAMConfig(subnet: "10.1.0.0"))) }
        assertInvalid("gateway 10.2.0.1", "not inside subnet 10.1.0.0/16") {
            try NetworkValidation.validate(config(IPAMConfig(subnet: "10.1.0.0/16", gateway: "10.2.0.1")))
        }
        assertInvalid("network address") {
            try NetworkValidation.validate(config(IPAMConfig(subnet: "10.1.0.0/16", gateway: "10.1.0.0")))
        }
        assertInvalid("broadcast address") {
            try NetworkValidation.validate(config(IPAMConfig(subnet: "10.1.0.0/16", gateway: "10.1.255.255")))
        }
        assertInvalid("gateway", "not an IPv4 address") {
            try NetworkValidation.validate(config(IPAMConfig(subnet: "10.1.0.0/16", gateway: "10.1.0.256")))
        }
        assertInvalid("gateway", "IPv6 but the subnet") {
            try NetworkValidation.validate(config(IPAMConfig(subnet: "10.1.0.0/16", gateway: "fd00::1")))
        }
        assertInvalid("IP range 10.2.0.0/24 is not inside subnet 10.1.0.0/16") {
            try NetworkValidation.validate(config(IPAMConfig(subnet: "10.1.0.0/16", ipRange: "10.2.0.0/24")))
        }
        assertInvalid("IP range 10.0.0.0/8 is not inside") {
            try NetworkValidation.validate(config(IPAMConfig(subnet: "10.1.0.0/16", ipRange: "10.0.0.0/8")))
        }
        assertInvalid("IP range", "host bits set") {
            try NetworkValidation.validate(config(IPAMConfig(subnet: "10.1.0.0/16", ipRange: "10.1.0.1/24")))
        }
        assertInvalid("auxiliary address db 10.9.0.5", "not inside subnet") {
            try NetworkValidation.validate(config(IPAMConfig(subnet: "10.1.0.0/16", auxiliaryAddresses: ["db": "10.9.0.5"])))
        }
        assertInvalid("no subnet") { try NetworkValidation.validate(config(IPAMConfig(gateway: "10.1.0.1"))) }
        assertInvalid("overlaps subnet 10.1.0.0/16") {
            try NetworkValidation.validate(config(IPAMConfig(subnet: "10.1.0.0/16"), IPAMConfig(subnet: "10.1.5.0/24")))
        }
        assertInvalid("gateway fd00:1::1", "not inside subnet fd00:2::/64") {
            try NetworkValidation.validate(config(IPAMConfig(subnet: "fd00:2::/64", gateway: "fd00:1::1")))
        }
    }

    // MARK: Endpoints

    func testEndpointValidation() throws {
        let subnets = [IPAMConfig(subnet: "10.213.7.0/24", gateway: "10.213.7.1")]
        XCTAssertNoThrow(try NetworkValidation.validate(endpoint: EndpointConfig(ipv4Address: "10.213.7.10", aliases: ["db"]),
                                                        subnets: subnets))
        XCTAssertNoThrow(try NetworkValidation.validate(endpoint: EndpointConfig(ipv4Address: "10.9.9.9")),
                         "without known subnets only the syntax is checked")
        assertInvalid("static IPv4 address 10.9.9.9 is not inside", "10.213.7.0/24") {
            try NetworkValidation.validate(endpoint: EndpointConfig(ipv4Address: "10.9.9.9"), subnets: subnets)
        }
        assertInvalid("broadcast") {
            try NetworkValidation.validate(endpoint: EndpointConfig(ipv4Address: "10.213.7.255"), subnets: subnets)
        }
        assertInvalid("static IPv4 address", "not an IPv4 address") {
            try NetworkValidation.validate(endpoint: EndpointConfig(ipv4Address: "10.213.7"))
        }
        assertInvalid("static IPv6 address", "not an IPv6 address") {
            try NetworkValidation.validate(endpoint: EndpointConfig(ipv6Address: "fd00::zz"))
        }
        assertInvalid("static IPv6 address fd01::5 is not inside") {
            try NetworkValidation.validate(endpoint: EndpointConfig(ipv6Address: "fd01::5"),
                                           subnets: [IPAMConfig(subnet: "fd00::/64")])
        }
        assertInvalid("aliases") { try NetworkValidation.validate(endpoint: EndpointConfig(aliases: ["db", " "])) }
    }

    // MARK: Coding

    func testEndpointConfigEncodesOnlyWhatIsSet() throws {
        let config = EndpointConfig(ipv4Address: "10.213.7.10", aliases: ["db"])
        let json = try JSONSerialization.jsonObject(with: JSONEncoder().encode(config)) as? [String: Any]
        XCTAssertEqual(Set(json?.keys ?? [:].keys), ["IPAMConfig", "Aliases"])
        XCTAssertEqual((json?["IPAMConfig"] as? [String: String]), ["IPv4Address": "10.213.7.10"])
    }

    func testNetworkCreateEncoding() throws {
        let create = NetworkCreate(name: "n", subnets: [IPAMConfig(subnet: "10.213.7.0/24", gateway: "10.213.7.1")],
                                   internal: true, labels: ["a": "b"])
        let json = try JSONSerialization.jsonObject(with: JSONEncoder().encode(create)) as? [String: Any]
        XCTAssertEqual(Set(json?.keys ?? [:].keys), ["Name", "IPAM", "Internal", "Labels", "CheckDuplicate"])
        XCTAssertEqual(json?["CheckDuplicate"] as? Bool, true)
        let ipam = json?["IPAM"] as? [String: Any]
        XCTAssertEqual(ipam?["Config"] as? [[String: String]], [["Subnet": "10.213.7.0/24", "Gateway": "10.213.7.1"]])
        XCTAssertNil(ipam?["Driver"])
        XCTAssertNil(NetworkCreate(name: "n").ipam)
    }

    func testNetworkDecodesNullsAsAbsent() throws {
        let json = """
        {"Name":"n","Id":"abc","Created":"2024-01-01T00:00:00Z","Scope":"local","Driver":"bridge","EnableIPv6":false,
         "IPAM":{"Driver":"default","Options":null,"Config":null},"Internal":false,"Attachable":false,"Ingress":false,
         "ConfigFrom":{"Network":""},"ConfigOnly":false,"Containers":null,"Options":null,"Labels":null}
        """
        let network = try JSONDecoder().decode(Network.self, from: Data(json.utf8))
        XCTAssertEqual(network.name, "n")
        XCTAssertNil(network.ipam?.options)
        XCTAssertNil(network.containers)
        XCTAssertEqual(network.subnets, [])
        XCTAssertNil(network.container("x"))

        let endpoint = """
        {"IPAMConfig":null,"Links":null,"Aliases":null,"NetworkID":"n1","EndpointID":"e1","Gateway":"10.0.0.1",
         "IPAddress":"10.0.0.2","IPPrefixLen":24,"IPv6Gateway":"","GlobalIPv6Address":"","GlobalIPv6PrefixLen":0,
         "MacAddress":"02:42:0a:00:00:02","DriverOpts":null}
        """
        let settings = try JSONDecoder().decode(EndpointSettings.self, from: Data(endpoint.utf8))
        XCTAssertNil(settings.ipamConfig)
        XCTAssertEqual(settings.ipPrefixLen, 24)
        XCTAssertEqual(settings.networkID, "n1")
    }

    func testAddressPoolOverlapError() {
        let error = DockerError.from(status: 403, body: Data(#"{"message":"Pool overlaps with other one on this address space"}"#.utf8),
                                     requested: nil)
        XCTAssertEqual(error, .forbidden(message: "Pool overlaps with other one on this address space"))
        XCTAssertTrue(error.isAddressPoolOverlap)
        XCTAssertFalse(DockerError.conflict(message: "network with name x already exists").isAddressPoolOverlap)
    }

    func testPathEscaping() {
        XCTAssertEqual(NetworksAPI.escape("my.net-1_x"), "my.net-1_x")
        XCTAssertEqual(NetworksAPI.escape("a/b c"), "a%2Fb%20c")
    }
}
