import DockerRecipes
import DockerSDK
import DockerTesting
import Foundation
import Testing

extension Tag {
    /// Tests against the real daemon.
    @Tag static var live: Self
}

/// Swift Testing: 16 test cases run in parallel (Swift Testing's default), each with its own Redis
/// or MariaDB container, its own daemon-picked port, used from the test process and removed.
@Suite("DockerTesting live", .tags(.live), .enabled(if: LiveDocker.enabled, "no Docker daemon; live tests skip outside CI"),
       .timeLimit(.minutes(10)))
struct SwiftTestingLiveTests {
    @Test("16 containers at once, each used through its published port", arguments: 0..<16)
    func parallelContainer(index: Int) async throws {
        let docker = try await LiveDocker.client()
        if index % 8 == 7 {
            let module = MariaDBModule(database: "db\(index)")
            try await withMariaDB(module, docker: docker) { db in
                let greeting = try await Probes.mysqlGreeting(db.endpoint)
                #expect(greeting.protocolVersion == 10)
                #expect(greeting.serverVersion.contains("MariaDB"))
                #expect(db.redactedURL == "mysql://test:<redacted>@\(db.endpoint)/db\(index)")
                #expect("\(db.connectionURL)" == "<redacted>")
                #expect(db.connectionURL.value.contains(db.password.value))
            }
        } else {
            try await withRedis(docker: docker) { redis in
                #expect(redis.endpoint.hasPrefix("127.0.0.1:"))
                let answer = try await Probes.redisRoundTrip(redis.endpoint, key: "k\(index)")
                #expect(answer == "value-k\(index)")
            }
        }
    }

    @Test("a MariaDB user logs in from another container on a network of the session")
    func mariadbClientInAnotherContainer() async throws {
        let docker = try await LiveDocker.client()
        try await withNetwork(docker: docker) { network in
            var module = MariaDBModule()
            module.database = "shop"
            var definition = module.definition
            definition.networks = [.init(network.name, aliases: ["db"])]
            try await withContainer(definition, docker: docker) { server in
                let instance = MariaDBInstance(container: server, module: module)
                var client = ContainerDefinition(image: "dockersdk/mariadb:10.11", command: ["sleep", "120"])
                client.entrypoint = []
                client.networks = [.init(network.name)]
                try await withContainer(client, docker: docker) { client in
                    let result = try await client.exec(["mariadb", "-hdb", "-u\(instance.username)", "-N", "-e", "SELECT DATABASE()", "shop"],
                                                       env: ["MYSQL_PWD": instance.password.value])
                    #expect(result.exitCode == 0, "\(result.stderrText)")
                    #expect(result.stdoutText.trimmingCharacters(in: .whitespacesAndNewlines) == "shop")
                }
            }
        }
    }
}

/// The containers shared by a suite (named outside the suite: its trait refers to them).
enum SharedFixtures {
    /// One Redis for `SharedRedisTests`.
    static let redis = SharedContainer(RedisModule().definition)
}

/// A suite trait that removes a shared container when the suite ends (passed or failed).
struct StopsSharedContainer: SuiteTrait, TestScoping {
    let shared: SharedContainer
    var isRecursive: Bool { false }

    func provideScope(for test: Test, testCase: Test.Case?, performing function: @Sendable () async throws -> Void) async throws {
        do {
            try await function()
        } catch {
            await shared.stop()
            throw error
        }
        await shared.stop()
    }
}

extension Trait where Self == StopsSharedContainer {
    /// Removes `shared` when the suite ends.
    static func stopping(_ shared: SharedContainer) -> Self { StopsSharedContainer(shared: shared) }
}

/// Per-suite sharing: one Redis for every test of the suite, started by the first to ask, removed
/// when the suite ends (the `.stopping` trait).
@Suite("Shared Redis", .tags(.live), .enabled(if: LiveDocker.enabled, "no Docker daemon; live tests skip outside CI"),
       .serialized, .stopping(SharedFixtures.redis))
struct SharedRedisTests {
    static var redis: SharedContainer { SharedFixtures.redis }

    @Test func writes() async throws {
        let endpoint = try await Self.redis.get().endpoint(6379)
        let answer = try await Probes.redisRoundTrip(endpoint, key: "shared-write")
        #expect(answer == "value-shared-write")
    }

    @Test func seesTheSameServer() async throws {
        let first = try await Self.redis.get()
        let again = try await Self.redis.get()
        #expect(first.id == again.id)
        let connection = try await RESPConnection(endpoint: try first.endpoint(6379))
        defer { connection.close() }
        #expect(try await connection.send(["PING"]) == .simple("PONG"))
    }
}

/// RESP encoding and parsing (no daemon).
struct RESPTests {
    @Test func encodesACommand() {
        #expect(RESPValue.command(["SET", "k", "vé"]) == Data("*3\r\n$3\r\nSET\r\n$1\r\nk\r\n$3\r\nvé\r\n".utf8))
    }

    @Test(arguments: [
        ("+OK\r\n", RESPValue.simple("OK")),
        ("-MOVED 1 127.0.0.1:7000\r\n", .error("MOVED 1 127.0.0.1:7000")),
        (":42\r\n", .integer(42)),
        ("$-1\r\n", .bulk(nil)),
        ("$2\r\nhi\r\n", .bulk(Data("hi".utf8))),
        ("*2\r\n:1\r\n$1\r\na\r\n", .array([.integer(1), .bulk(Data("a".utf8))])),
    ])
    func parsesAReply(text: String, expected: RESPValue) throws {
        let parsed = try #require(try RESPValue.parse(Data(text.utf8)))
        #expect(parsed.0 == expected)
        #expect(parsed.1 == text.utf8.count)
    }

    @Test func anIncompleteReplyWaitsForMore() throws {
        #expect(try RESPValue.parse(Data("$5\r\nhel".utf8)) == nil)
        #expect(try RESPValue.parse(Data("*2\r\n:1\r\n".utf8)) == nil)
    }

    @Test func garbageIsAnError() {
        #expect(throws: DockerError.self) { try RESPValue.parse(Data("?what\r\n".utf8)) }
    }
}
