@testable import DockerTesting
import DockerSDK
import Foundation
import Testing

/// What DockerTesting decides without a daemon: /proc/net/tcp parsing, subnets, descriptions.
struct DefinitionTests {
    @Test func listeningPortsFromProcNetTCP() {
        let text = """
          sl  local_address rem_address   st tx_queue rx_queue tr tm->when retrnsmt   uid  timeout inode
           0: 00000000:18EB 00000000:0000 0A 00000000:00000000 00:00000000 00000000   999        0 1 1
           1: 0100007F:1F90 0100007F:D2C4 01 00000000:00000000 00:00000000 00000000     0        0 2 1
          sl  local_address                         remote_address                        st
           0: 00000000000000000000000000000000:0CEA 00000000000000000000000000000000:0000 0A 00000000:00000000
        """
        // 0x18EB = 6379 and 0x0CEA = 3306 listen; 0x1F90 = 8080 is an established connection only.
        #expect(ProcNetTCP.listeningPorts(text) == [6379, 3306])
    }

    @Test(arguments: 0..<20)
    func randomSubnetsStayInThePool(_ attempt: Int) throws {
        let subnet = try TestNetwork.randomSubnet(in: "10.232.0.0/16")
        let network = try IPv4Network.parse(subnet)
        #expect(network.prefixLength == 24)
        #expect(try IPv4Network.parse("10.232.0.0/16").contains(network), "attempt \(attempt): \(subnet)")
    }

    @Test func publicOrTooSmallPoolsAreRefused() {
        #expect(throws: DockerError.self) { try TestNetwork.randomSubnet(in: "8.8.0.0/16") }
        #expect(throws: DockerError.self) { try TestNetwork.randomSubnet(in: "10.232.0.0/25") }
    }

    @Test func descriptionsNameTheConditionNeverTheExecEnvironment() {
        let strategy = WaitStrategy.all(.logLine("ready", occurrence: 2), .exec(["sh", "-c", "x"], env: ["MYSQL_PWD": "hunter2"]),
                                        .any(.tcpPort(6379), .http("/health", port: 80)))
        #expect(strategy.description.contains("log line #2 matching /ready/"))
        #expect(strategy.description.contains("TCP port 6379 listening (both)"))
        #expect(strategy.description.contains("GET /health on port 80"))
        #expect(!strategy.description.contains("hunter2"))
    }

    @Test func theCreateRequestPublishesOnLoopbackAndLabelsTheSession() {
        var definition = ContainerDefinition(image: "dockersdk/busybox", command: ["true"], env: ["B": "2", "A": "1"], exposedPorts: [80, 53])
        definition.labels = ["mine": "yes", "com.dockersdk.instance": "not-mine"]
        definition.networks = [.init("n1", aliases: ["web"]), .init("n2")]
        let request = definition.createRequest(session: .shared)
        #expect(request.config.env == ["A=1", "B=2"])
        #expect(request.config.labels?["mine"] == "yes")
        #expect(request.config.labels?["com.dockersdk.recipe"] == "dockertesting")
        #expect(request.config.labels?["com.dockersdk.instance"] == TestSession.shared.id, "the session's label wins")
        #expect(request.hostConfig?.portBindings?["80/tcp"] == [PortBinding(hostIP: "127.0.0.1", hostPort: "")])
        #expect(request.hostConfig?.portBindings?["53/tcp"] == [PortBinding(hostIP: "127.0.0.1", hostPort: "")])
        #expect(request.hostConfig?.networkMode == "n1")
        #expect(request.endpoints?["n1"]?.aliases == ["web"])
        #expect(request.endpoints?["n2"] == nil, "further networks are connected before start")
    }

    @Test func badFilePathsAreRefused() {
        for path in ["relative/file", "/dir/", "/a/../etc/passwd"] {
            var definition = ContainerDefinition(image: "x")
            definition.files = [.init(path: path, text: "")]
            #expect(throws: DockerError.self, "\(path)") { try definition.validate() }
        }
    }

    @Test func secretsPrintRedacted() {
        let module = MariaDBModule(password: "s3cret-pass")
        #expect("\(module.password)" == "<redacted>")
        #expect(!"\(module)".contains("s3cret-pass"))
        #expect(!String(reflecting: module).contains("s3cret-pass"))
        let definition = module.definition
        for text in ["\(definition)", String(reflecting: definition), "\(String(describing: definition.waitStrategy))"] {
            #expect(!text.contains("s3cret-pass"), "\(text)")
        }
        var dumped = ""
        dump(definition, to: &dumped)
        #expect(!dumped.contains("s3cret-pass"), "\(dumped)")
        #expect("\(definition)".contains("env MYSQL_DATABASE,MYSQL_PASSWORD"))
    }
}

/// The digest behind `DockerfileBuild.contentHash`, against FIPS 180-4's examples.
struct ContentHashTests {
    @Test(arguments: [
        ("", "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"),
        ("abc", "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"),
        ("abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq", "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1"),
    ])
    func sha256(_ input: String, _ expected: String) {
        var digest = SHA256Digest()
        digest.update(Array(input.utf8))
        #expect(digest.hexDigest() == expected)
    }

    @Test func aMillionAs() {
        var digest = SHA256Digest()
        for _ in 0..<1000 { digest.update([UInt8](repeating: 0x61, count: 1000)) }
        #expect(digest.hexDigest() == "cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0")
    }

    @Test func aDefinitionNeedsAnImageOrAContext() {
        #expect(throws: DockerError.self) { try ContainerDefinition(image: "").validate() }
        #expect(throws: DockerError.self) { try ContainerDefinition(build: DockerfileBuild(context: "")).validate() }
        #expect(throws: DockerError.self) { try DockerfileBuild(context: "/nonexistent-\(UUID().uuidString)").contentHash() }
    }
}
