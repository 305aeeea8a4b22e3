import DockerSDK
import Foundation
import XCTest

/// tcp:// and TLS against the real daemon, through loopback proxies to its socket: socat plain TCP,
/// and socat TLS that demands a client certificate signed by a throw-away CA made here.
final class RemoteTransportLiveTests: XCTestCase {
    private var proxies: [Process] = []
    private var certs = ""

    override func tearDown() {
        // Bounded: SIGTERM, up to 2 s, then SIGKILL (waitUntilExit can hang on a forking socat).
        for proxy in proxies where proxy.isRunning {
            proxy.terminate()
            for _ in 0..<40 where proxy.isRunning { Thread.sleep(forTimeInterval: 0.05) }
            if proxy.isRunning { kill(proxy.processIdentifier, SIGKILL) }
        }
        proxies = []
        if !certs.isEmpty { try? FileManager.default.removeItem(atPath: certs) }
    }

    func testPlainTCPNegotiatesAndReusesOneConnection() async throws {
        _ = try await Live.client()
        let port = try startProxy(listen: "TCP-LISTEN")
        let transport = CurlTransport(host: .tcp(host: "127.0.0.1", port: port))
        let docker = try DockerClient(transport: transport, environment: [:])
        let info = try await docker.system.info()
        XCTAssertGreaterThanOrEqual(info.images, 1)
        for _ in 0..<200 { _ = try await docker.system.ping() }
        XCTAssertEqual(transport.statistics.connectionsOpened, 1)
        XCTAssertEqual(transport.statistics.requests, 202)
    }

    func testTLSWithClientCertificateFromTheEnvironment() async throws {
        let local = try await Live.client()
        try makeCertificates()
        let port = try startProxy(listen: "OPENSSL-LISTEN", tls: true)
        let environment = ["DOCKER_HOST": "tcp://127.0.0.1:\(port)", "DOCKER_CERT_PATH": certs, "DOCKER_TLS_VERIFY": "1"]
        let docker = try DockerClient(environment: environment)
        guard case let .tls(host, tlsPort, tls) = docker.host else { return XCTFail("expected a TLS host, got \(docker.host)") }
        XCTAssertEqual(host, "127.0.0.1")
        XCTAssertEqual(tlsPort, port)
        XCTAssertTrue(tls.verify)
        let remoteVersion = try await docker.apiVersion()
        let localVersion = try await local.apiVersion()
        XCTAssertEqual(remoteVersion, localVersion)

        // A stream and a hijacked exec with stdin, over TLS.
        let id = try await docker.containers.create(ContainerCreate(
            image: "dockersdk/busybox:latest", cmd: ["sleep", "60"], labels: Live.labels("tls"))).id
        do {
            try await docker.containers.start(id)
            let input = Data((0..<200_000).map { UInt8(truncatingIfNeeded: $0 &* 31) })
            let result = try await docker.exec.run(["cat"], in: id, stdin: input)
            XCTAssertEqual(result.exitCode, 0)
            XCTAssertEqual(result.stdout, input, "stdin came back byte for byte through the TLS hijack")
            let logs = try await docker.exec.run(["sh", "-c", "echo over-tls"], in: id)
            XCTAssertEqual(logs.stdoutText, "over-tls\n")
            try await docker.containers.remove(id, force: true)
        } catch {
            try? await docker.containers.remove(id, force: true)
            throw error
        }
    }

    func testTLSFailuresAreTypedAndNameTheFix() async throws {
        _ = try await Live.client()
        try makeCertificates()
        let port = try startProxy(listen: "OPENSSL-LISTEN", tls: true)
        // No client certificate: the proxy refuses the handshake.
        let noCert = TLSConfiguration(caCertificatePath: "\(certs)/ca.pem", verify: true)
        let docker = try DockerClient(host: .tls(host: "127.0.0.1", port: port, noCert), environment: [:])
        do {
            _ = try await docker.system.ping()
            XCTFail("the proxy demands a client certificate")
        } catch let error as DockerError {
            guard case .cannotConnect(_, .tls, _) = error else { return XCTFail("got \(error)") }
            XCTAssertTrue(error.description.contains("DOCKER_CERT_PATH"), error.description)
        }
        // A CA that did not sign the server: verification fails, typed, with the hint.
        let otherCA = "\(certs)/other"
        try FileManager.default.createDirectory(atPath: otherCA, withIntermediateDirectories: true)
        try run("/usr/bin/openssl", ["req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", "\(otherCA)/ca-key.pem",
                                     "-out", "\(otherCA)/ca.pem", "-days", "1", "-subj", "/CN=other-ca"])
        let wrongCA = TLSConfiguration(caCertificatePath: "\(otherCA)/ca.pem", certificatePath: "\(certs)/cert.pem",
                                       keyPath: "\(certs)/key.pem", verify: true)
        let verifying = try DockerClient(host: .tls(host: "127.0.0.1", port: port, wrongCA), environment: [:])
        do {
            _ = try await verifying.system.ping()
            XCTFail("a server certificate from another CA must not verify")
        } catch let error as DockerError {
            guard case .cannotConnect(_, .tls, _) = error else { return XCTFail("got \(error)") }
            XCTAssertTrue(error.description.contains("DOCKER_CERT_PATH"), error.description)
        }
    }

    // MARK: - Helpers

    /// Starts socat on a free loopback port forwarding to the daemon's socket; returns the port.
    private func startProxy(listen: String, tls: Bool = false) throws -> Int {
        guard FileManager.default.isExecutableFile(atPath: "/usr/bin/socat") else {
            try Live.unavailable("socat is not installed (scripts/setup.sh installs it)")
        }
        for _ in 0..<20 {
            let port = Int.random(in: 23000...23999)
            var address = "\(listen):\(port),bind=127.0.0.1,reuseaddr,fork"
            if tls { address += ",cert=\(certs)/server-cert.pem,key=\(certs)/server-key.pem,cafile=\(certs)/ca.pem,verify=1" }
            let proxy = Process()
            proxy.executableURL = URL(fileURLWithPath: "/usr/bin/socat")
            proxy.arguments = [address, "UNIX-CONNECT:/var/run/docker.sock"]
            proxy.standardError = FileHandle.nullDevice
            try proxy.run()
            // Listening within 2 s, or the port was taken and socat exited.
            for _ in 0..<40 where proxy.isRunning {
                if isListening(port) {
                    proxies.append(proxy)
                    return port
                }
                Thread.sleep(forTimeInterval: 0.05)
            }
            if proxy.isRunning { kill(proxy.processIdentifier, SIGKILL) }
        }
        try Live.unavailable("no free loopback port for a proxy")
    }

    private func isListening(_ port: Int) -> Bool {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard fd >= 0 else { return false }
        defer { close(fd) }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = in_port_t(UInt16(port).bigEndian)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        return withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) == 0 }
        }
    }

    /// A CA, a server certificate for 127.0.0.1 and a client certificate, as DOCKER_CERT_PATH expects.
    private func makeCertificates() throws {
        guard FileManager.default.isExecutableFile(atPath: "/usr/bin/openssl") else {
            try Live.unavailable("openssl is not installed (scripts/setup.sh installs it)")
        }
        certs = FileManager.default.temporaryDirectory.appendingPathComponent("dockersdk-tls-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: certs, withIntermediateDirectories: true)
        let ssl = "/usr/bin/openssl", d = certs
        try run(ssl, ["req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", "\(d)/ca-key.pem", "-out", "\(d)/ca.pem",
                      "-days", "1", "-subj", "/CN=dockersdk-test-ca"])
        try run(ssl, ["req", "-newkey", "rsa:2048", "-nodes", "-keyout", "\(d)/server-key.pem", "-out", "\(d)/server.csr",
                      "-subj", "/CN=localhost"])
        try "subjectAltName=IP:127.0.0.1,DNS:localhost\n".write(toFile: "\(d)/server.ext", atomically: true, encoding: .utf8)
        try run(ssl, ["x509", "-req", "-in", "\(d)/server.csr", "-CA", "\(d)/ca.pem", "-CAkey", "\(d)/ca-key.pem",
                      "-CAcreateserial", "-out", "\(d)/server-cert.pem", "-days", "1", "-extfile", "\(d)/server.ext"])
        try run(ssl, ["req", "-newkey", "rsa:2048", "-nodes", "-keyout", "\(d)/key.pem", "-out", "\(d)/client.csr",
                      "-subj", "/CN=client"])
        try "extendedKeyUsage=clientAuth\n".write(toFile: "\(d)/client.ext", atomically: true, encoding: .utf8)
        try run(ssl, ["x509", "-req", "-in", "\(d)/client.csr", "-CA", "\(d)/ca.pem", "-CAkey", "\(d)/ca-key.pem",
                      "-CAcreateserial", "-out", "\(d)/cert.pem", "-days", "1", "-extfile", "\(d)/client.ext"])
    }

    private func run(_ tool: String, _ arguments: [String]) throws {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: tool)
        process.arguments = arguments
        process.standardOutput = FileHandle.nullDevice
        process.standardError = FileHandle.nullDevice
        try process.run()
        process.waitUntilExit()
        guard process.terminationStatus == 0 else {
            throw DockerError.invalidArgument("\(tool) \(arguments.first ?? "") failed with \(process.terminationStatus)")
        }
    }
}
