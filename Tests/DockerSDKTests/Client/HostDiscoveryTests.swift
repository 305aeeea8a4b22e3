@testable import DockerSDK
import Foundation
import XCTest

/// Every branch of host discovery, in temporary folders with explicit environments.
final class HostDiscoveryTests: XCTestCase {
    private var dir = ""
    /// A default socket path that does not exist unless a test creates it.
    private var defaultSocket: String { dir + "/run/docker.sock" }

    override func setUpWithError() throws {
        dir = try temporaryDirectory()
        try FileManager.default.createDirectory(atPath: dir + "/run", withIntermediateDirectories: true)
    }

    private func discover(_ environment: [String: String]) -> HostDiscovery {
        HostDiscovery(environment: environment, defaultSocketPath: defaultSocket)
    }

    private func touch(_ path: String) throws {
        try FileManager.default.createDirectory(atPath: (path as NSString).deletingLastPathComponent, withIntermediateDirectories: true)
        XCTAssertTrue(FileManager.default.createFile(atPath: path, contents: Data()))
    }

    private func write(_ text: String, to path: String) throws {
        try FileManager.default.createDirectory(atPath: (path as NSString).deletingLastPathComponent, withIntermediateDirectories: true)
        try Data(text.utf8).write(to: URL(fileURLWithPath: path))
    }

    /// Writes a context's meta.json where the docker CLI keeps it.
    private func writeContext(_ name: String, host: String, skipTLSVerify: Bool = false, configDir: String) throws -> String {
        let digest = SHA256Digest.hex(name)
        let meta = #"{"Name":"\#(name)","Metadata":{},"Endpoints":{"docker":{"Host":"\#(host)","SkipTLSVerify":\#(skipTLSVerify)}}}"#
        try write(meta, to: "\(configDir)/contexts/meta/\(digest)/meta.json")
        return digest
    }

    func testContextFolderIsTheSHA256OfTheName() throws {
        // Where the docker CLI keeps context "ctx" (sha256("ctx") in hex, computed independently).
        let config = dir + "/cfg"
        try write(#"{"Name":"ctx","Metadata":{},"Endpoints":{"docker":{"Host":"unix:///tmp/x.sock","SkipTLSVerify":false}}}"#,
                  to: config + "/contexts/meta/0230c6b1d833c51cc426492022677b74c60d82891931221a42db9e7bb06205e9/meta.json")
        XCTAssertEqual(try discover(["DOCKER_CONFIG": config]).contextEndpoint(named: "ctx"), .unix(path: "/tmp/x.sock"))
    }

    func testExplicitHostWins() throws {
        try touch(defaultSocket)
        let result = try discover(["DOCKER_HOST": "tcp://10.0.0.1:2375", "DOCKER_CONTEXT": "nope"])
            .resolve(explicit: .unix(path: "/tmp/explicit.sock"))
        XCTAssertEqual(result.host, .unix(path: "/tmp/explicit.sock"))
        XCTAssertEqual(result.source, .explicit)
    }

    func testDockerHostUnix() throws {
        let result = try discover(["DOCKER_HOST": "unix:///tmp/other.sock", "DOCKER_TLS_VERIFY": "1"]).resolve()
        XCTAssertEqual(result.host, .unix(path: "/tmp/other.sock"))
        XCTAssertEqual(result.source, .environment)
    }

    func testDockerHostTCP() throws {
        let result = try discover(["DOCKER_HOST": "tcp://192.168.1.5:2375"]).resolve()
        XCTAssertEqual(result.host, .tcp(host: "192.168.1.5", port: 2375))
        XCTAssertEqual(result.source, .environment)
        XCTAssertEqual(try discover(["DOCKER_HOST": "tcp://docker.local"]).resolve().host, .tcp(host: "docker.local", port: 2375))
    }

    func testDockerHostWithTLSFromCertPath() throws {
        let certs = dir + "/certs"
        for file in ["ca.pem", "cert.pem", "key.pem"] { try touch("\(certs)/\(file)") }
        let result = try discover(["DOCKER_HOST": "tcp://daemon.example:2376", "DOCKER_CERT_PATH": certs,
                                   "DOCKER_TLS_VERIFY": "1"]).resolve()
        XCTAssertEqual(result.host, .tls(host: "daemon.example", port: 2376, TLSConfiguration(
            caCertificatePath: certs + "/ca.pem", certificatePath: certs + "/cert.pem", keyPath: certs + "/key.pem", verify: true)))
        XCTAssertEqual(result.host.description, "tcp://daemon.example:2376 (TLS)")
    }

    func testHTTPSWithoutVerifyAndMissingFiles() throws {
        let certs = dir + "/partial"
        try touch(certs + "/ca.pem")
        let result = try discover(["DOCKER_HOST": "https://daemon.example", "DOCKER_CERT_PATH": certs]).resolve()
        guard case let .tls(host, port, tls) = result.host else { return XCTFail("got \(result.host)") }
        XCTAssertEqual(host, "daemon.example")
        XCTAssertEqual(port, 2376)
        XCTAssertEqual(tls.caCertificatePath, certs + "/ca.pem")
        XCTAssertNil(tls.certificatePath, "only files that exist are used")
        XCTAssertNil(tls.keyPath)
        XCTAssertFalse(tls.verify)
        // https:// alone verifies against the system CAs.
        let bare = try discover(["DOCKER_HOST": "https://daemon.example:3376"]).resolve()
        XCTAssertEqual(bare.host, .tls(host: "daemon.example", port: 3376, TLSConfiguration(verify: true)))
    }

    func testTLSVerifyWithoutCertPathUsesTheConfigDirectory() throws {
        let config = dir + "/dockercfg"
        for file in ["ca.pem", "cert.pem", "key.pem"] { try touch("\(config)/\(file)") }
        let result = try discover(["DOCKER_HOST": "tcp://h:2376", "DOCKER_TLS_VERIFY": "1", "DOCKER_CONFIG": config]).resolve()
        XCTAssertEqual(result.host, .tls(host: "h", port: 2376, TLSConfiguration(
            caCertificatePath: config + "/ca.pem", certificatePath: config + "/cert.pem", keyPath: config + "/key.pem", verify: true)))
    }

    func testDockerContextFromTheEnvironment() throws {
        let config = dir + "/cfg"
        _ = try writeContext("ctx", host: "unix:///tmp/x.sock", configDir: config)
        try touch(defaultSocket)
        let result = try discover(["DOCKER_CONTEXT": "ctx", "DOCKER_CONFIG": config]).resolve()
        XCTAssertEqual(result.host, .unix(path: "/tmp/x.sock"))
        XCTAssertEqual(result.source, .context)
        XCTAssertEqual(result.contextName, "ctx")
    }

    func testContextWithTLSFiles() throws {
        let config = dir + "/cfg"
        let digest = try writeContext("remote", host: "tcp://10.1.2.3:2376", skipTLSVerify: true, configDir: config)
        let tlsDir = "\(config)/contexts/tls/\(digest)/docker"
        for file in ["ca.pem", "cert.pem", "key.pem"] { try touch("\(tlsDir)/\(file)") }
        let result = try discover(["DOCKER_CONTEXT": "remote", "DOCKER_CONFIG": config]).resolve()
        XCTAssertEqual(result.host, .tls(host: "10.1.2.3", port: 2376, TLSConfiguration(
            caCertificatePath: tlsDir + "/ca.pem", certificatePath: tlsDir + "/cert.pem", keyPath: tlsDir + "/key.pem",
            verify: false)))
    }

    func testCurrentContextFromDockerConfig() throws {
        let config = dir + "/cfg"
        _ = try writeContext("work", host: "unix:///tmp/work.sock", configDir: config)
        try write(#"{"auths":{},"currentContext":"work"}"#, to: config + "/config.json")
        let result = try discover(["DOCKER_CONFIG": config, "HOME": dir + "/elsewhere"]).resolve()
        XCTAssertEqual(result.host, .unix(path: "/tmp/work.sock"))
        XCTAssertEqual(result.contextName, "work")
    }

    func testCurrentContextFromHomeWhenDockerConfigIsUnset() throws {
        let home = dir + "/home"
        _ = try writeContext("homectx", host: "unix:///tmp/home.sock", configDir: home + "/.docker")
        try write(#"{"currentContext":"homectx"}"#, to: home + "/.docker/config.json")
        let result = try discover(["HOME": home]).resolve()
        XCTAssertEqual(result.host, .unix(path: "/tmp/home.sock"))
        XCTAssertEqual(result.source, .context)
    }

    func testDefaultContextIsIgnored() throws {
        let config = dir + "/cfg"
        try write(#"{"currentContext":"default"}"#, to: config + "/config.json")
        try touch(defaultSocket)
        let fromConfig = try discover(["DOCKER_CONFIG": config]).resolve()
        XCTAssertEqual(fromConfig.host, .unix(path: defaultSocket))
        XCTAssertEqual(fromConfig.source, .defaultSocket)
        let fromEnvironment = try discover(["DOCKER_CONTEXT": "default", "DOCKER_CONFIG": config]).resolve()
        XCTAssertEqual(fromEnvironment.source, .defaultSocket)
    }

    func testMissingContextIsAClearError() throws {
        let config = dir + "/cfg"
        XCTAssertThrowsError(try discover(["DOCKER_CONTEXT": "ghost", "DOCKER_CONFIG": config]).resolve()) { error in
            guard case .invalidArgument(let message)? = error as? DockerError else { return XCTFail("got \(error)") }
            XCTAssertTrue(message.contains("\"ghost\""), message)
            XCTAssertTrue(message.contains("not found"), message)
            XCTAssertTrue(message.contains(config + "/contexts/meta/"), message)
        }
    }

    func testBrokenConfigAndContextFiles() throws {
        let config = dir + "/cfg"
        try write("{not json", to: config + "/config.json")
        XCTAssertThrowsError(try discover(["DOCKER_CONFIG": config]).resolve()) { error in
            guard case .invalidArgument(let message)? = error as? DockerError else { return XCTFail("got \(error)") }
            XCTAssertTrue(message.contains("config.json"), message)
        }
        let digest = SHA256Digest.hex("noep")
        try write(#"{"Name":"noep","Metadata":{},"Endpoints":{}}"#, to: "\(config)/contexts/meta/\(digest)/meta.json")
        XCTAssertThrowsError(try discover(["DOCKER_CONTEXT": "noep", "DOCKER_CONFIG": config]).resolve()) { error in
            guard case .invalidArgument(let message)? = error as? DockerError else { return XCTFail("got \(error)") }
            XCTAssertTrue(message.contains("no docker endpoint"), message)
        }
    }

    func testDefaultSocketWhenItExists() throws {
        try touch(defaultSocket)
        try touch(dir + "/xdg/docker.sock")
        let result = try discover(["XDG_RUNTIME_DIR": dir + "/xdg", "HOME": dir]).resolve()
        XCTAssertEqual(result.host, .unix(path: defaultSocket))
        XCTAssertEqual(result.source, .defaultSocket)
    }

    func testRootlessSocketWhenTheDefaultIsMissing() throws {
        try touch(dir + "/xdg/docker.sock")
        let result = try discover(["XDG_RUNTIME_DIR": dir + "/xdg", "HOME": dir]).resolve()
        XCTAssertEqual(result.host, .unix(path: dir + "/xdg/docker.sock"))
        XCTAssertEqual(result.source, .rootlessSocket)
    }

    func testNothingAnywhereNamesTheDefaultPath() throws {
        let result = try discover(["XDG_RUNTIME_DIR": dir + "/xdg-empty", "HOME": dir]).resolve()
        XCTAssertEqual(result.host, .unix(path: defaultSocket))
        XCTAssertEqual(result.source, .defaultSocket)
        // Empty variables count as unset.
        let empty = try discover(["DOCKER_HOST": "", "DOCKER_CONTEXT": "", "HOME": dir]).resolve()
        XCTAssertEqual(empty.host, .unix(path: defaultSocket))
    }

    func testClientReportsWhereTheHostCameFrom() throws {
        let docker = try DockerClient(environment: ["DOCKER_HOST": "unix:///tmp/from-env.sock"])
        XCTAssertEqual(docker.host, .unix(path: "/tmp/from-env.sock"))
        XCTAssertEqual(docker.hostSource, .environment)
        XCTAssertEqual(docker.transport.hostDescription, "unix:///tmp/from-env.sock")
    }

    func testHostURLParsing() throws {
        XCTAssertEqual(try DockerHost(url: "unix:///var/run/docker.sock"), .unix(path: "/var/run/docker.sock"))
        XCTAssertEqual(try DockerHost(url: "/run/user/1000/docker.sock"), .unix(path: "/run/user/1000/docker.sock"))
        XCTAssertEqual(try DockerHost(url: " tcp://127.0.0.1:2375 "), .tcp(host: "127.0.0.1", port: 2375))
        XCTAssertEqual(try DockerHost(url: "tcp://127.0.0.1:2375/some/path"), .tcp(host: "127.0.0.1", port: 2375))
        XCTAssertEqual(try DockerHost(url: "http://h"), .tcp(host: "h", port: 2375))
        XCTAssertEqual(try DockerHost(url: "tcp://[::1]:2375"), .tcp(host: "[::1]", port: 2375))
        XCTAssertEqual(try DockerHost(url: "tcp://h:2376", tls: TLSConfiguration(verify: true)),
                       .tls(host: "h", port: 2376, TLSConfiguration(verify: true)))
        for bad in ["tcp://h:0", "tcp://h:70000", "tcp://h:port", "unix://relative.sock", "ssh://me@host",
                    "npipe:////./pipe/docker_engine", "tcp://", "tcp://:2375", "docker.sock"] {
            XCTAssertThrowsError(try DockerHost(url: bad), bad) { error in
                guard case .invalidArgument? = error as? DockerError else { return XCTFail("\(bad): got \(error)") }
            }
        }
    }
}
