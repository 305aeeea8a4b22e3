import DockerSDK
import DockerTesting
import Foundation
import XCTest

/// Every wait strategy against real containers, and what their failures say.
final class WaitStrategyLiveTests: XCTestCase {
    var docker: DockerClient!

    override func setUp() async throws {
        guard LiveDocker.enabled else { throw XCTSkip("no Docker daemon; live tests skip outside CI") }
        docker = try await LiveDocker.client()
    }

    func busybox(_ script: String, ports: [Int] = [], wait: WaitStrategy? = nil) -> ContainerDefinition {
        ContainerDefinition(image: "dockersdk/busybox", command: ["sh", "-c", script], exposedPorts: ports, waitStrategy: wait)
    }

    func testLogLineNthOccurrence() async throws {
        let definition = busybox("for i in 1 2 3 4; do echo tick $i; sleep 0.3; done; sleep 60",
                                 wait: .logLine("^tick [0-9]$", occurrence: 3, timeout: .seconds(30)))
        try await withContainer(definition, docker: docker) { container in
            let logs = try await container.logs().stdout
            XCTAssertTrue(logs.contains("tick 3"), "ready only after the third tick: \(logs)")
        }
    }

    func testTimeoutQuotesTheLastLogLinesAndRemovesTheContainer() async throws {
        let definition = busybox("echo first line; echo hello-from-container; sleep 60",
                                 wait: .logLine("never printed", timeout: .seconds(2)))
        do {
            _ = try await definition.start(docker: docker)
            XCTFail("the wait should have timed out")
        } catch let timeout as WaitTimeout {
            XCTAssertTrue(timeout.lastLogLines.contains("hello-from-container"), "\(timeout.lastLogLines)")
            XCTAssertTrue(timeout.description.contains("hello-from-container"), timeout.description)
            XCTAssertTrue(timeout.description.contains("never printed"), timeout.description)
            do {
                _ = try await docker.containers.inspect(timeout.container)
                XCTFail("\(timeout.container) was not removed after the failed wait")
            } catch DockerError.notFound {}
        }
    }

    func testAnExitedContainerFailsAtOnceWithItsExitCode() async throws {
        let definition = busybox("echo bye; exit 3", wait: .logLine("never", timeout: .seconds(30)))
        do {
            _ = try await definition.start(docker: docker)
            XCTFail("the wait should have failed")
        } catch let exited as ContainerExited {
            XCTAssertEqual(exited.exitCode, 3)
            XCTAssertEqual(exited.lastLogLines, ["bye"])
        }
    }

    func testTCPPortFromHostAndInsideAndHTTPStatus() async throws {
        var definition = busybox("exec httpd -f -p 8080 -h /www", ports: [8080],
                                 wait: .all(.tcpPort(8080), .http("/index.html", port: 8080, status: 200...200), timeout: .seconds(30)))
        definition.files = [.init(path: "/www/index.html", text: "hello from a copied file\n")]
        try await withContainer(definition, docker: docker) { container in
            let endpoint = try container.endpoint(8080)
            let ok = try await WaitStrategy.httpStatus(endpoint, path: "/index.html")
            let missing = try await WaitStrategy.httpStatus(endpoint, path: "/missing")
            XCTAssertEqual(ok, 200)
            XCTAssertEqual(missing, 404)
            let page = try await container.exec(["cat", "/www/index.html"]).stdoutText
            XCTAssertEqual(page, "hello from a copied file\n")
        }
    }

    func testHostPortCheckIsNotFooledByTheDockerProxy() async throws {
        // Port 8080 is published but nothing listens inside: the proxy accepts and closes at once.
        let definition = busybox("sleep 60", ports: [8080], wait: .tcpPort(8080, from: .host, timeout: .seconds(3)))
        do {
            _ = try await definition.start(docker: docker)
            XCTFail("nothing listens on 8080: the host check must not pass")
        } catch let timeout as WaitTimeout {
            XCTAssertTrue(timeout.lastObservation.contains("closes") || timeout.lastObservation.contains("connect"),
                          timeout.lastObservation)
        }
        let inside = busybox("sleep 60", ports: [8080], wait: .tcpPort(8080, from: .container, timeout: .seconds(2)))
        do {
            _ = try await inside.start(docker: docker)
            XCTFail("nothing listens on 8080 inside")
        } catch let timeout as WaitTimeout {
            XCTAssertTrue(timeout.lastObservation.contains("not listening inside"), timeout.lastObservation)
        }
    }

    func testHealthyExecAndAny() async throws {
        var definition = busybox("sleep 1; touch /tmp/ready; sleep 60",
                                 wait: .all(.healthy(), .exec(["test", "-f", "/tmp/ready"]),
                                            .any(.logLine("never"), .exec(["true"])), timeout: .seconds(40)))
        definition.healthcheck = HealthConfig(test: ["CMD-SHELL", "test -f /tmp/ready"], interval: 0.5, timeout: 2, retries: 3)
        try await withContainer(definition, docker: docker) { container in
            let state = try await container.docker.containers.inspect(container.id).state
            XCTAssertEqual(state.health?.status, "healthy")
        }
    }

    func testHealthyWithoutAHealthCheckSaysSo() async throws {
        let definition = busybox("sleep 60", wait: .healthy(timeout: .seconds(30)))
        do {
            _ = try await definition.start(docker: docker)
            XCTFail("no health check: the wait must fail")
        } catch DockerError.invalidArgument(let message) {
            XCTAssertTrue(message.contains("no health check"), message)
        }
    }

    func testBadDefinitionsAreRefusedBeforeAnythingIsCreated() async throws {
        let before = try await LiveDocker.leftovers(docker)
        let cases: [ContainerDefinition] = [
            busybox("true", wait: .logLine("([unclosed")),
            busybox("true", wait: .tcpPort(80, from: .host)),
            busybox("true", ports: [70000]),
            busybox("true", wait: .logLine("x", occurrence: 0)),
        ]
        for definition in cases {
            do {
                _ = try await definition.start(docker: docker)
                XCTFail("accepted \(String(describing: definition.waitStrategy))")
            } catch DockerError.invalidArgument {}
        }
        let after = try await LiveDocker.leftovers(docker)
        XCTAssertEqual(after, before, "a refused definition created something")
    }
}
