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

    /// Issue 12, item 8: an expired server certificate and one for another host name each fail the
    /// handshake with a typed `.cannotConnect(.tls)`, within a bound, with the certificate
    /// directory's variables named; the right certificate on the same proxy set-up works.
    func testExpiredCertificateAndWrongHostNameAreTypedTLSFailures() async throws {
        _ = try await Live.client()
        try makeCertificates()
        try makeServerCertificate(named: "expired", subjectAltName: "IP:127.0.0.1,DNS:localhost", expired: true)
        try makeServerCertificate(named: "otherhost", subjectAltName: "DNS:not-this-host.example", expired: false)
        let client = TLSConfiguration(caCertificatePath: "\(certs)/ca.pem", certificatePath: "\(certs)/cert.pem",
                                      keyPath: "\(certs)/key.pem", verify: true)
        for name in ["expired", "otherhost"] {
            let port = try startProxy(listen: "OPENSSL-LISTEN", tls: true, serverCert: name)
            let docker = try DockerClient(host: .tls(host: "127.0.0.1", port: port, client), environment: [:])
            let outcome = await bounded(seconds: 30) { try await docker.system.ping() }
            switch outcome {
            case .some(.failure(let error as DockerError)):
                guard case .cannotConnect(_, .tls, let detail) = error else { XCTFail("\(name): got \(error)"); continue }
                XCTAssertTrue(error.description.contains("DOCKER_CERT_PATH"), "\(name): \(error.description)")
                print("\(name): \(detail)")
            case .some(let other):
                XCTFail("\(name): a \(name) server certificate must not verify, got \(other)")
            case nil:
                XCTFail("\(name): the handshake did not end within 30 s")
            }
        }
        // Control: the good certificate verifies through the same kind of proxy.
        let port = try startProxy(listen: "OPENSSL-LISTEN", tls: true)
        let good = try DockerClient(host: .tls(host: "127.0.0.1", port: port, client), environment: [:])
        _ = try await good.system.ping()
    }

    /// DOCKER_TLS_VERIFY unset, DOCKER_HOST=tcp:// on a port that speaks TLS: plain HTTP meets a TLS
    /// server. The request ends within a bound with a typed error (never a hang).
    func testPlainHTTPToATLSPortEndsWithATypedError() async throws {
        _ = try await Live.client()
        try makeCertificates()
        let port = try startProxy(listen: "OPENSSL-LISTEN", tls: true)
        let docker = try DockerClient(environment: ["DOCKER_HOST": "tcp://127.0.0.1:\(port)"])
        guard case .tcp = docker.host else { return XCTFail("without DOCKER_TLS_VERIFY or DOCKER_CERT_PATH the host is plain tcp") }
        let outcome = await bounded(seconds: 30) { try await docker.system.ping() }
        switch outcome {
        case .some(.failure(let error as DockerError)):
            print("plain HTTP to a TLS port: \(error.description)")
            guard case .cannotConnect(_, .tls, _) = error else {
                return XCTFail("plain HTTP to a TLS port must be .cannotConnect(.tls), got \(error.description)")
            }
            XCTAssertTrue(error.description.contains("speaks TLS"), error.description)
            XCTAssertTrue(error.description.contains("DOCKER_TLS_VERIFY=1"), error.description)
            XCTAssertTrue(error.description.contains("DOCKER_CERT_PATH"), error.description)
        case .some(let other):
            XCTFail("plain HTTP to a TLS port must fail typed, got \(other)")
        case nil:
            XCTFail("plain HTTP to a TLS port hung for 30 s")
        }
    }

    /// Verification is on unless switched off: DOCKER_TLS_VERIFY=1 and a context without SkipTLSVerify verify.
    func testVerificationIsOnByDefault() throws {
        let discovered = try HostDiscovery(environment: ["DOCKER_HOST": "tcp://127.0.0.1:2376", "DOCKER_TLS_VERIFY": "1",
                                                         "DOCKER_CERT_PATH": "/nonexistent"]).resolve()
        guard case let .tls(_, _, tls) = discovered.host else { return XCTFail("expected TLS, got \(discovered.host)") }
        XCTAssertTrue(tls.verify)
        XCTAssertTrue(TLSConfiguration(certDirectory: "/nonexistent", verify: true).verify)
    }

    /// Runs `body`, giving up after `seconds`: nil when it did not finish.
    private func bounded<T: Sendable>(seconds: Double, _ body: @escaping @Sendable () async throws -> T) async -> Result<T, any Error>? {
        await withTaskGroup(of: Result<T, any Error>?.self) { group in
            group.addTask {
                do { return .success(try await body()) } catch { return .failure(error) }
            }
            group.addTask {
                try? await Task.sleep(for: .seconds(seconds))
                return nil
            }
            let first = await group.next() ?? nil
            group.cancelAll()
            return first
        }
    }

    /// A server certificate signed by the test CA: `<name>-cert.pem` and `<name>-key.pem`; expired
    /// means valid from 2020-01-01 to 2020-01-02 (signed with `openssl ca`, which takes dates).
    private func makeServerCertificate(named name: String, subjectAltName: String, expired: Bool) throws {
        let ssl = "/usr/bin/openssl", d = certs
        try run(ssl, ["req", "-newkey", "rsa:2048", "-nodes", "-keyout", "\(d)/\(name)-key.pem", "-out", "\(d)/\(name).csr",
                      "-subj", "/CN=\(name)"])
        try "subjectAltName=\(subjectAltName)\n".write(toFile: "\(d)/\(name).ext", atomically: true, encoding: .utf8)
        if !expired {
            try run(ssl, ["x509", "-req", "-in", "\(d)/\(name).csr", "-CA", "\(d)/ca.pem", "-CAkey", "\(d)/ca-key.pem",
                          "-CAcreateserial", "-out", "\(d)/\(name)-cert.pem", "-days", "1", "-extfile", "\(d)/\(name).ext"])
            return
        }
        let db = "\(d)/ca-db"
        try FileManager.default.createDirectory(atPath: db, withIntermediateDirectories: true)
        try "".write(toFile: "\(db)/index.txt", atomically: true, encoding: .utf8)
        try "1000\n".write(toFile: "\(db)/serial", atomically: true, encoding: .utf8)
        try """
            [ca]
            default_ca = test
            [test]
            dir = \(db)
            database = \(db)/index.txt
            serial = \(db)/serial
            new_certs_dir = \(db)
            default_md = sha256
            policy = any
            copy_extensions = none
            [any]
            commonName = supplied
            [server]
            subjectAltName = \(subjectAltName)

            """.write(toFile: "\(db)/ca.cnf", atomically: true, encoding: .utf8)
        try run(ssl, ["ca", "-batch", "-config", "\(db)/ca.cnf", "-cert", "\(d)/ca.pem", "-keyfile", "\(d)/ca-key.pem",
                      "-startdate", "20200101000000Z", "-enddate", "20200102000000Z", "-extensions", "server",
                      "-in", "\(d)/\(name).csr", "-out", "\(d)/\(name)-cert.pem", "-notext"])
    }

    // MARK: - Helpers

    /// Starts socat on a free loopback port forwarding to the daemon's socket; returns the port.
    private func startProxy(listen: String, tls: Bool = false, serverCert: String = "server") throws -> Int {
        guard FileManager.default.isExecutableFile(atPath: "/usr/bin/socat") else {
            try Live.unavailable("socat is not installed (scripts/setup.sh installs it)")
        }
        for _ in 0..<20 {
            let port = Int.random(in: 23000...23999)
            var address = "\(listen):\(port),bind=127.0.0.1,reuseaddr,fork"
            if tls { address += ",cert=\(certs)/\(serverCert)-cert.pem,key=\(certs)/\(serverCert)-key.pem,cafile=\(certs)/ca.pem,verify=1" }
            let proxy = Process()
            proxy.executableURL = URL(fileURLWithPath: "/usr/bin/socat")
            proxy.arguments = [address, "UNIX-CONNECT:\(try Self.engineSocket())"]
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

    /// The socket of the engine under test (DOCKER_HOST's when it is a Unix socket: Podman's in the Podman leg).
    private static func engineSocket() throws -> String {
        guard case .unix(let path) = try HostDiscovery().resolve().host else {
            try Live.unavailable("the proxy needs the engine on a Unix socket")
        }
        return path
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
