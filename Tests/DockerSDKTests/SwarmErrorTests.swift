import DockerSDK
import Foundation
import XCTest

/// Swarm refusals are typed from dockerd's 503 messages; options newer than the negotiated API are
/// refused before anything is sent.
final class SwarmErrorTests: XCTestCase {
    private func body(_ message: String) -> Data {
        try! JSONEncoder().encode(["message": message])
    }

    func testSwarmMessagesOf503AreTyped() {
        let cases: [(String, DockerError.SwarmFailure)] = [
            ("This node is not a swarm manager. Use \"docker swarm init\" or \"docker swarm join\" to connect this node to swarm and try again.", .notInSwarm),
            ("This node is not a swarm manager. Worker nodes can't be used to view or modify cluster state. Please run this command on a manager node or promote the current node to a manager.", .notManager),
            ("This node is not part of a swarm", .notInSwarm),
            ("This node is already part of a swarm. Use \"docker swarm leave\" to leave this swarm and join another one.", .alreadyInSwarm),
            ("Swarm is encrypted and needs to be unlocked before it can be used. Please use \"docker swarm unlock\" to unlock it.", .locked),
        ]
        for (message, reason) in cases {
            let error = DockerError.from(status: 503, body: body(message), requested: APIVersion(1, 41))
            XCTAssertEqual(error, .swarm(reason: reason, message: message))
            XCTAssertEqual(error.message, message)
            XCTAssertTrue(error.description.hasPrefix("Swarm: "), error.description)
        }
        XCTAssertEqual(DockerError.from(status: 503, body: body("backend down"), requested: nil),
                       .serverError(status: 503, message: "backend down"), "other 503s stay server errors")
        XCTAssertEqual(DockerError.from(status: 500, body: body("This node is not part of a swarm"), requested: nil),
                       .serverError(status: 500, message: "This node is not part of a swarm"), "only 503 is a Swarm refusal")
    }

    func testOptionsNewerThanTheNegotiatedVersionAreRefusedBeforeSending() async throws {
        let transport = CapturingTransport()
        let old = try DockerClient(host: .unix(path: "/capture"), apiVersion: APIVersion(1, 41), transport: transport, environment: [:])
        var spec = ServiceSpec(name: "s", taskTemplate: TaskSpec(containerSpec: ContainerSpec(image: "dockersdk/busybox")))
        spec.taskTemplate.containerSpec?.oomScoreAdj = 100
        do {
            try await old.services.create(spec)
            XCTFail("OomScoreAdj went to an API 1.41 daemon")
        } catch let error as DockerError {
            XCTAssertEqual(error, .requiresAPIVersion(feature: "ContainerSpec.OomScoreAdj", minimum: APIVersion(1, 46), negotiated: APIVersion(1, 41)))
            XCTAssertEqual(error.description, "ContainerSpec.OomScoreAdj requires API version 1.46, but the daemon's API version is 1.41")
        }
        var swap = ServiceSpec(name: "s", taskTemplate: TaskSpec(containerSpec: ContainerSpec(image: "dockersdk/busybox")))
        swap.taskTemplate.resources = TaskResources(limits: .init(memoryBytes: 1 << 26))
        swap.taskTemplate.resources?.swapBytes = 1 << 27
        let refused = await dockerError { try await old.services.update("s", spec: swap, version: ObjectVersion(index: 1)) }
        XCTAssertEqual(refused, .requiresAPIVersion(feature: "Resources.SwapBytes", minimum: APIVersion(1, 52), negotiated: APIVersion(1, 41)))
        XCTAssertEqual(transport.requests.count, 0, "nothing was sent")

        let new = try DockerClient(host: .unix(path: "/capture"), apiVersion: APIVersion(1, 46), transport: transport, environment: [:])
        try await new.services.create(spec)
        let sent = try XCTUnwrap(transport.requests.first)
        XCTAssertEqual(sent.path, "/services/create")
        guard case .data(let data, _)? = sent.body else { return XCTFail("no JSON body") }
        let json = try JSONSerialization.jsonObject(with: data) as? [String: Any]
        let container = (json?["TaskTemplate"] as? [String: Any])?["ContainerSpec"] as? [String: Any]
        XCTAssertEqual(container?["OomScoreAdj"] as? Int, 100)
        XCTAssertNil(container?["TTY"], "unset options are not sent")
    }

    func testBadArgumentsAreRefusedBeforeSending() async throws {
        let transport = CapturingTransport()
        let docker = try DockerClient(host: .unix(path: "/capture"), apiVersion: APIVersion(1, 41), transport: transport, environment: [:])
        let noImage = await dockerError { try await docker.services.create(ServiceSpec(name: "s", taskTemplate: TaskSpec(containerSpec: ContainerSpec(image: "")))) }
        XCTAssertEqual(noImage, .invalidArgument("service s: ContainerSpec.Image is empty"))
        let noContainer = await dockerError { try await docker.services.create(ServiceSpec(name: "s", taskTemplate: TaskSpec())) }
        XCTAssertEqual(noContainer, .invalidArgument("service s: the task template has no ContainerSpec"))
        let noID = await dockerError { _ = try await docker.nodes.inspect("") }
        XCTAssertEqual(noID, .invalidArgument("node ID or name is empty"))
        let noManagers = await dockerError { try await docker.swarm.join(SwarmJoin(remoteAddrs: [], joinToken: "t")) }
        XCTAssertEqual(noManagers, .invalidArgument("swarm join: no manager address"))
        XCTAssertEqual(transport.requests.count, 0)
        XCTAssertEqual("\(UnlockKey("SWMKEY-1-abc"))", "UnlockKey(<redacted>)")
        XCTAssertFalse("\(SwarmJoin(remoteAddrs: ["10.0.0.1:2377"], joinToken: "SWMTKN-1-xyz"))".contains("SWMTKN"))
        XCTAssertFalse("\(SecretSpec(name: "n", data: Data("hush".utf8)))".contains("hush"))
    }

    func testRecorderScrubsJoinTokensAndUnlockKeys() {
        let redactor = Redactor()
        XCTAssertEqual(redactor.scrub("SWMTKN-1-3pu6hszjas19xyp7ghgosyx9k8atbfcr8p2is99znpy26u2lkl-1awxwuwd3z9j1z3puu7rcgdbx"), "<redacted>")
        XCTAssertEqual(redactor.scrub("SWMKEY-1-7c37Cc8654o6p38HnroywCi19pllOnGtbdZEgtKxZu8"), "<redacted>")
        XCTAssertEqual(redactor.scrub("docker swarm join --token SWMTKN-1-abc-def 10.0.0.1:2377"), "docker swarm join --token <redacted> 10.0.0.1:2377")
    }
}

/// Answers every request with 201 `{"ID": "captured"}` and keeps what was sent.
final class CapturingTransport: DockerTransport, @unchecked Sendable {
    private let lock = NSLock()
    private var sent: [DockerRequest] = []
    var requests: [DockerRequest] { lock.withLock { sent } }
    var hostDescription: String { "capture" }

    func execute(_ request: DockerRequest) async throws -> DockerResponse {
        lock.withLock { sent.append(request) }
        return DockerResponse(status: 201, headers: HTTPHeaders([("Content-Type", "application/json")]), body: Data(#"{"ID":"captured"}"#.utf8))
    }

    func stream(_ request: DockerRequest) async throws -> DockerStreamResponse {
        throw DockerError.invalidArgument("no streams here")
    }

    func hijack(_ request: DockerRequest) async throws -> any HijackedConnection {
        throw DockerError.invalidArgument("no hijacking here")
    }
}
