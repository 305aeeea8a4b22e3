import DockerSDK
import XCTest

final class PortSpecTests: XCTestCase {
    private func bindings(_ spec: String, defaultHostIP: String? = nil) throws -> [String: [PortBinding]] {
        var host = HostConfig()
        host.publish(try PortSpec(spec), defaultHostIP: defaultHostIP)
        return host.portBindings ?? [:]
    }

    func testContainerPortOnlyPicksARandomHostPort() throws {
        let spec = try PortSpec("80")
        XCTAssertEqual(spec.containerPorts, 80...80)
        XCTAssertNil(spec.hostPorts)
        XCTAssertNil(spec.hostIP)
        XCTAssertEqual(spec.protocol, .tcp)
        XCTAssertEqual(spec.exposedPorts, ["80/tcp"])
        XCTAssertEqual(try bindings("80"), ["80/tcp": [PortBinding(hostIP: nil, hostPort: "")]])
        XCTAssertEqual(try bindings("80", defaultHostIP: "127.0.0.1"),
                       ["80/tcp": [PortBinding(hostIP: "127.0.0.1", hostPort: "")]])
        XCTAssertEqual(spec.description, "80/tcp")
    }

    func testHostAndContainerPort() throws {
        let spec = try PortSpec("8080:80")
        XCTAssertEqual(spec.hostPorts, 8080...8080)
        XCTAssertEqual(spec.containerPorts, 80...80)
        XCTAssertEqual(try bindings("8080:80", defaultHostIP: "127.0.0.1"),
                       ["80/tcp": [PortBinding(hostIP: "127.0.0.1", hostPort: "8080")]])
        XCTAssertEqual(spec.description, "8080:80/tcp")
    }

    func testAddressPortsAndProtocol() throws {
        let spec = try PortSpec("127.0.0.1:8080:80/udp")
        XCTAssertEqual(spec.hostIP, "127.0.0.1")
        XCTAssertEqual(spec.protocol, .udp)
        XCTAssertEqual(spec.exposedPorts, ["80/udp"])
        XCTAssertEqual(try bindings("127.0.0.1:8080:80/udp", defaultHostIP: "10.0.0.1"),
                       ["80/udp": [PortBinding(hostIP: "127.0.0.1", hostPort: "8080")]], "the spec's address wins")
        XCTAssertEqual(try PortSpec("9000/SCTP").protocol, .sctp)
        XCTAssertEqual(spec.description, "127.0.0.1:8080:80/udp")
    }

    func testAddressWithARandomHostPort() throws {
        let spec = try PortSpec("127.0.0.1::80")
        XCTAssertEqual(spec.hostIP, "127.0.0.1")
        XCTAssertNil(spec.hostPorts)
        XCTAssertEqual(try bindings("127.0.0.1::80"), ["80/tcp": [PortBinding(hostIP: "127.0.0.1", hostPort: "")]])
        XCTAssertEqual(spec.description, "127.0.0.1::80/tcp")
        // `:80`, as the CLI takes it: a free host port on every address
        XCTAssertEqual(try bindings(":80"), ["80/tcp": [PortBinding(hostIP: nil, hostPort: "")]])
    }

    func testIPv6InBrackets() throws {
        let spec = try PortSpec("[::1]:8080:80")
        XCTAssertEqual(spec.hostIP, "::1")
        XCTAssertEqual(spec.hostPorts, 8080...8080)
        XCTAssertEqual(try bindings("[::1]:8080:80"), ["80/tcp": [PortBinding(hostIP: "::1", hostPort: "8080")]])
        XCTAssertEqual(spec.description, "[::1]:8080:80/tcp")
        XCTAssertEqual(try PortSpec("[fe80::1]::53/udp").hostIP, "fe80::1")
        XCTAssertEqual(try PortSpec(spec.description), spec, "the description parses back")
    }

    func testRanges() throws {
        let spec = try PortSpec("8000-8001:80-81")
        XCTAssertEqual(spec.hostPorts, 8000...8001)
        XCTAssertEqual(spec.containerPorts, 80...81)
        XCTAssertEqual(spec.exposedPorts, ["80/tcp", "81/tcp"])
        XCTAssertEqual(try bindings("8000-8001:80-81", defaultHostIP: "127.0.0.1"), [
            "80/tcp": [PortBinding(hostIP: "127.0.0.1", hostPort: "8000")],
            "81/tcp": [PortBinding(hostIP: "127.0.0.1", hostPort: "8001")],
        ])
        // container range on random host ports
        XCTAssertEqual(try bindings("7000-7002"), [
            "7000/tcp": [PortBinding(hostIP: nil, hostPort: "")],
            "7001/tcp": [PortBinding(hostIP: nil, hostPort: "")],
            "7002/tcp": [PortBinding(hostIP: nil, hostPort: "")],
        ])
        // one container port on a host range: the daemon picks one port of the range
        XCTAssertEqual(try bindings("8000-8010:80"), ["80/tcp": [PortBinding(hostIP: nil, hostPort: "8000-8010")]])
        XCTAssertEqual(spec.description, "8000-8001:80-81/tcp")
    }

    func testSeveralSpecsOnOneHostConfig() throws {
        var host = HostConfig()
        var config = ContainerConfig()
        for text in ["127.0.0.1:8080:80", "[::1]:8080:80", "53/udp"] {
            let spec = try PortSpec(text)
            host.publish(spec)
            config.expose(spec)
        }
        XCTAssertEqual(host.portBindings?["80/tcp"], [PortBinding(hostIP: "127.0.0.1", hostPort: "8080"),
                                                      PortBinding(hostIP: "::1", hostPort: "8080")])
        XCTAssertEqual(host.portBindings?["53/udp"], [PortBinding(hostIP: nil, hostPort: "")])
        XCTAssertEqual(config.exposedPorts, ["80/tcp", "53/udp"], "exposed once each")
    }

    func testProgrammaticInitializers() throws {
        let spec = try PortSpec(container: 6379, hostIP: "127.0.0.1")
        XCTAssertEqual(spec.description, "127.0.0.1::6379/tcp")
        XCTAssertEqual(try PortSpec(containerPorts: 80...81, hostPorts: 9000...9001).description, "9000-9001:80-81/tcp")
        XCTAssertThrowsError(try PortSpec(container: 0))
        XCTAssertThrowsError(try PortSpec(containerPorts: 80...82, hostPorts: 9000...9001))
        XCTAssertThrowsError(try PortSpec(container: 80, hostIP: "localhost"))
    }

    /// Every bad spec is `.invalidArgument` quoting the spec and saying what is wrong.
    func testBadSpecsSayWhatIsWrong() {
        let cases: [(String, String)] = [
            ("", "empty"),
            ("   ", "empty"),
            ("abc", "\"abc\" is not a container port number"),
            ("80/foo", "unknown protocol \"foo\""),
            ("0", "container port 0 is out of range"),
            ("65536", "container port 65536 is out of range"),
            ("70000:80", "host port 70000 is out of range"),
            ("8080:", "the container port is missing"),
            ("-80", "the container port is missing"),
            ("81-80", "ends before it starts"),
            ("8000-8002:80-81", "differ in length"),
            ("1.2.3:80:80", "\"1.2.3\" is not an IPv4 or IPv6 address"),
            ("localhost:80:80", "\"localhost\" is not an IPv4 or IPv6 address"),
            ("127.0.0.1:80", "127.0.0.1::PORT"),
            ("::1:8080:80", "put an IPv6 address in brackets"),
            ("[::1:8080:80", "closing ]"),
            ("[::1]8080:80", "must be followed by :hostPort:containerPort"),
            ("[::1]:80", "needs hostPort:containerPort"),
            ("[nope]:80:80", "\"nope\" is not an IPv4 or IPv6 address"),
            (":8080:80", "the host address is empty"),
            ("+80", "\"+80\" is not a container port number"),
            ("8O", "\"8O\" is not a container port number"),
        ]
        for (spec, expected) in cases {
            do {
                let parsed = try PortSpec(spec)
                XCTFail("\"\(spec)\" parsed as \(parsed)")
            } catch DockerError.invalidArgument(let message) {
                XCTAssertTrue(message.contains("bad port spec \"\(spec)\""), "\(spec): \(message)")
                XCTAssertTrue(message.contains(expected), "\(spec): expected \(expected) in: \(message)")
            } catch {
                XCTFail("\(spec): \(error)")
            }
        }
    }
}
