import DockerSDK
import DockerTesting
import Foundation
import XCTest

/// Scoped lifetimes clean up on return, throw and cancellation; networks carry aliases; a shared
/// container starts once.
final class LifetimeLiveTests: XCTestCase {
    var docker: DockerClient!

    override func setUp() async throws {
        guard LiveDocker.enabled else { throw XCTSkip("no Docker daemon; live tests skip outside CI") }
        docker = try await LiveDocker.client()
    }

    struct Boom: Error {}

    /// Where a scope tells the test which container it got.
    final class Box: @unchecked Sendable {
        private let lock = NSLock()
        private var value: String?
        func set(_ v: String) { lock.lock(); value = v; lock.unlock() }
        func get() -> String? { lock.lock(); defer { lock.unlock() }; return value }
    }

    func assertGone(_ id: String?, file: StaticString = #filePath, line: UInt = #line) async throws {
        let id = try XCTUnwrap(id, "the scope never ran", file: file, line: line)
        do {
            _ = try await docker.containers.inspect(id)
            XCTFail("container \(id) is still there", file: file, line: line)
        } catch DockerError.notFound {}
    }

    func sleeper() -> ContainerDefinition {
        ContainerDefinition(image: "dockersdk/busybox", command: ["sleep", "120"], waitStrategy: .exec(["true"]))
    }

    func testReturnAndThrowBothRemoveTheContainer() async throws {
        let id = try await withContainer(sleeper(), docker: docker) { container in
            let state = try await container.docker.containers.inspect(container.id).state
            XCTAssertTrue(state.running)
            let labels = try await container.docker.containers.inspect(container.id).config?.labels ?? [:]
            XCTAssertEqual(labels["com.dockersdk.recipe"], "dockertesting")
            XCTAssertEqual(labels["com.dockersdk.instance"], TestSession.shared.id)
            return container.id
        }
        try await assertGone(id)

        let box = Box()
        do {
            try await withContainer(sleeper(), docker: docker) { container in
                box.set(container.id)
                throw Boom()
            }
            XCTFail("the error was swallowed")
        } catch is Boom {}
        try await assertGone(box.get())
    }

    func testCancellationRemovesTheContainer() async throws {
        let box = Box()
        let started = AsyncStream<Void>.makeStream()
        let docker = docker!
        let definition = sleeper()
        let task = Task {
            try await withContainer(definition, docker: docker) { container in
                box.set(container.id)
                started.continuation.yield()
                try await Task.sleep(for: .seconds(120))  // cancelled long before
            }
        }
        var iterator = started.stream.makeAsyncIterator()
        _ = await iterator.next()
        task.cancel()
        let result = await task.result
        XCTAssertThrowsError(try result.get(), "the scope ended by cancellation")
        try await assertGone(box.get())
    }

    func testNetworkWithAliasesAndCleanup() async throws {
        let docker = docker!
        let networkID = try await withNetwork(docker: docker) { network in
            XCTAssertTrue(network.subnet.hasPrefix("10.232."), network.subnet)
            var web = ContainerDefinition(image: "dockersdk/busybox", command: ["httpd", "-f", "-p", "8080", "-h", "/www"],
                                          waitStrategy: .tcpPort(8080, from: .container))
            web.files = [.init(path: "/www/index.html", text: "via alias\n")]
            web.networks = [.init(network.name, aliases: ["web"])]
            try await withContainer(web, docker: docker) { _ in
                var client = ContainerDefinition(image: "dockersdk/busybox", command: ["sleep", "60"], waitStrategy: .exec(["true"]))
                client.networks = [.init(network.name)]
                try await withContainer(client, docker: docker) { client in
                    let result = try await client.exec(["wget", "-q", "-O", "-", "http://web:8080/index.html"])
                    XCTAssertEqual(result.exitCode, 0, result.stderrText)
                    XCTAssertEqual(result.stdoutText, "via alias\n")
                }
            }
            return network.id
        }
        do {
            _ = try await docker.networks.inspect(networkID)
            XCTFail("network \(networkID) is still there")
        } catch DockerError.notFound {}
    }

    func testSharedContainerStartsOnceForConcurrentCallers() async throws {
        let shared = SharedContainer(RedisModule().definition, docker: docker)
        let ids = try await withThrowingTaskGroup(of: String.self) { group in
            for _ in 0..<4 { group.addTask { try await shared.get().id } }
            var ids: [String] = []
            for try await id in group { ids.append(id) }
            return ids
        }
        XCTAssertEqual(Set(ids).count, 1, "one container for every caller")
        let endpoint = try await shared.get().endpoint(6379)
        let answer = try await Probes.redisRoundTrip(endpoint, key: "shared")
        XCTAssertEqual(answer, "value-shared")
        await shared.stop()
        try await assertGone(ids.first)
    }
}
