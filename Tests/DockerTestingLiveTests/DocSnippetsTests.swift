import DockerRecipes
import DockerSDK
import DockerTesting
import Foundation
import XCTest

/// The code of the DocC articles in Sources/DockerTesting/DockerTesting.docc, compiled with the tests so that a
/// snippet that no longer matches the API breaks the build; the quick ones run against the daemon below (the
/// deployments of Modules.md are run by RecipeModuleLiveTests). `print` is each snippet's own, so a test can
/// read what the article says it prints.
///
/// Keep each function in step with the article named in its comment.
enum TestingDocSnippets {
    // MARK: DockerTesting.md

    static func landing() async throws -> RESPValue {
        try await withRedis { redis in
            let connection = try await RESPConnection(endpoint: redis.endpoint)
            defer { connection.close() }
            return try await connection.send(["SET", "k", "v"])   // .simple("OK")
        }
    }

    // MARK: GettingStarted.md

    static func web(print: @escaping @Sendable (String) -> Void) async throws {
        var web = ContainerDefinition(image: "dockersdk/busybox",
                                      command: ["httpd", "-f", "-p", "8080", "-h", "/www"])
        web.files = [.init(path: "/www/index.html", text: "hi")]
        web.exposedPorts = [8080]
        web.waitStrategy = .http("/index.html", port: 8080, status: 200...200, timeout: .seconds(30))
        try await withContainer(web) { container in
            let endpoint = try container.endpoint(8080)
            let status = try await WaitStrategy.httpStatus(endpoint, path: "/index.html")
            print("\(status)")
        }
    }

    static func oneShot(print: @escaping @Sendable (String) -> Void) async throws {
        let docker = try DockerClient()
        let result = try await docker.containers.run("dockersdk/busybox", ["sh", "-c", "echo hi; exit 3"])
        print("\(result.exitCode) \(result.stdoutText)")

        let server = try await docker.containers.runDetached(
            "dockersdk/busybox", ["httpd", "-f", "-p", "8080"],
            options: RunOptions(labels: TestSession.shared.labels, ports: [try PortSpec(container: 8080)]))
        do {
            print("\(try await server.mappedEndpoint(8080))")
        } catch {
            try? await server.remove(force: true)
            throw error
        }
        try await server.remove(force: true)
    }

    // MARK: WaitStrategies.md

    static func redisWait() -> ContainerDefinition {
        var redis = ContainerDefinition(image: "dockersdk/redis:7", exposedPorts: [6379])
        redis.waitStrategy = .all(.logLine("Ready to accept connections"),
                                  .tcpPort(6379, from: .host),
                                  .exec(["redis-cli", "ping"]),
                                  timeout: .seconds(30))
        return redis
    }

    static func exitedWhileWaiting() async throws -> ContainerExited? {
        let broken = ContainerDefinition(image: "dockersdk/busybox", command: ["sh", "-c", "echo boot failed; exit 3"],
                                         waitStrategy: .logLine("listening", timeout: .seconds(10)))
        do {
            try await withContainer(broken) { _ in }
        } catch let exited as ContainerExited {
            return exited                                     // exited.exitCode 3, lastLogLines ["boot failed"]
        }
        return nil
    }

    // MARK: ContainerLifetimes.md

    static func network() async throws -> String {
        try await withNetwork { network in
            var db = RedisModule().definition
            db.networks = [.init(network.name, aliases: ["cache"])]
            return try await withContainer(db) { cache in
                var client = ContainerDefinition(image: "dockersdk/redis:7", command: ["sleep", "60"])
                client.networks = [.init(network.name)]
                let pong = try await withContainer(client) { app in
                    try await app.exec(["redis-cli", "-h", "cache", "ping"])
                }
                _ = cache
                return pong.stdoutText                        // PONG
            }
        }
    }

    enum Fixtures {
        static let redis = SharedContainer(RedisModule().definition)
    }

    static func shared() async throws -> String {
        let endpoint = try await Fixtures.redis.get().endpoint(6379)
        return endpoint
    }

    // MARK: TheReaper.md

    static func session(print: (String) -> Void) throws {
        let session = TestSession.shared
        print(session.id)
        try session.ensureReaper(for: try DockerClient())
        print("\(session.reaperPID ?? -1)")
    }

    // MARK: ReadyMadeModules.md

    static func modules(print: @escaping @Sendable (String) -> Void) async throws {
        try await withRedis { redis in
            print(redis.endpoint)
        }
        try await withMariaDB(MariaDBModule(database: "shop")) { db in
            print(db.redactedURL)
            _ = db.connectionURL
        }
    }

    static func deployments(print: @escaping @Sendable (String) -> Void) async throws {
        try await withRedisCluster { cluster in
            let client = RedisClusterClient(seeds: cluster.seeds)
            try await client.set("k", "v")
            print(try await client.get("k") ?? "-")
            await client.close()
        }
        try await withMySQLReplication { replication in
            print("\(replication.endpoints.source) \(replication.endpoints.replicas)")
        }
    }
}

/// Runs the quick snippets of the DockerTesting catalog against the daemon and checks what the articles say.
final class TestingDocSnippetsTests: XCTestCase {
    override func setUp() async throws {
        guard LiveDocker.enabled else { throw XCTSkip("no Docker daemon; live tests skip outside CI") }
        _ = try await LiveDocker.client()
    }

    /// What a snippet printed, collected across tasks.
    final class Printed: @unchecked Sendable {
        private let lock = NSLock()
        private var storage: [String] = []
        func append(_ line: String) { lock.lock(); storage.append(line); lock.unlock() }
        var lines: [String] { lock.lock(); defer { lock.unlock() }; return storage }
    }

    func testLandingSnippetSetsAKey() async throws {
        let answer = try await TestingDocSnippets.landing()
        XCTAssertEqual(answer, .simple("OK"))
    }

    func testGettingStartedWebServerAnswers200() async throws {
        let printed = Printed()
        try await TestingDocSnippets.web { printed.append($0) }
        XCTAssertEqual(printed.lines, ["200"])
    }

    func testRunAndRunDetachedSnippet() async throws {
        let printed = Printed()
        try await TestingDocSnippets.oneShot { printed.append($0) }
        XCTAssertEqual(printed.lines.first, "3 hi\n")
        XCTAssertEqual(printed.lines.count, 2)
        XCTAssertTrue(printed.lines.last?.hasPrefix("(host: \"127.0.0.1\", port: ") == true, printed.lines.joined())
        let docker = try await LiveDocker.client()
        let left = try await docker.containers.list(all: true, filters: TestSession.shared.filters)
        XCTAssertFalse(left.contains { $0.command == "httpd -f -p 8080" }, "runDetached's container removed")
    }

    func testRedisWaitStrategyIsReady() async throws {
        try await withContainer(TestingDocSnippets.redisWait()) { redis in
            let reply = try await Probes.redisRoundTrip(try redis.endpoint(6379), key: "doc-wait")
            XCTAssertEqual(reply, "value-doc-wait")
        }
    }

    func testExitedWhileWaitingSaysTheCodeAndTheLastLines() async throws {
        let exited = try await TestingDocSnippets.exitedWhileWaiting()
        XCTAssertEqual(exited?.exitCode, 3)
        XCTAssertEqual(exited?.lastLogLines, ["boot failed"])
    }

    func testNetworkSnippetResolvesTheAlias() async throws {
        let pong = try await TestingDocSnippets.network()
        XCTAssertEqual(pong, "PONG\n")
    }

    func testSharedContainerStartsOnce() async throws {
        let first = try await TestingDocSnippets.shared()
        let second = try await TestingDocSnippets.shared()
        XCTAssertEqual(first, second)
        await TestingDocSnippets.Fixtures.redis.stop()
    }

    func testSessionSnippetStartsTheReaper() throws {
        var printed: [String] = []
        try TestingDocSnippets.session { printed.append($0) }
        XCTAssertEqual(printed.first, TestSession.shared.id)
        XCTAssertNotEqual(printed.last, "-1", "a reaper runs")
    }
}
