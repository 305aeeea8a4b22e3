import DockerSDK
import DockerTesting
import Foundation
import XCTest

/// XCTest: 16 containers at once (Redis and MariaDB), each with its wait strategy, each used through
/// its published port from the test process, each removed; two rounds; nothing of the session left.
final class ParallelLiveTests: XCTestCase {
    func testSixteenInParallelTwiceLeaveNothing() async throws {
        guard LiveDocker.enabled else { throw XCTSkip("no Docker daemon; live tests skip outside CI") }
        let docker = try await LiveDocker.client()
        for round in 1...2 {
            let results = try await withThrowingTaskGroup(of: (Int, String, String).self) { group in
                for index in 0..<16 {
                    group.addTask {
                        if index % 8 == 7 {
                            return try await withMariaDB(docker: docker) { db in
                                let greeting = try await Probes.mysqlGreeting(db.endpoint)
                                return (index, db.endpoint, "\(greeting.protocolVersion) \(greeting.serverVersion)")
                            }
                        }
                        return try await withRedis(docker: docker) { redis in
                            (index, redis.endpoint, try await Probes.redisRoundTrip(redis.endpoint, key: "k\(index)") ?? "nil")
                        }
                    }
                }
                var results: [(Int, String, String)] = []
                for try await result in group { results.append(result) }
                return results.sorted { $0.0 < $1.0 }
            }
            XCTAssertEqual(results.count, 16)
            XCTAssertEqual(Set(results.map(\.1)).count, 16, "round \(round): every container has its own port: \(results.map(\.1))")
            for (index, endpoint, answer) in results {
                if index % 8 == 7 {
                    XCTAssertTrue(answer.hasPrefix("10 ") && answer.contains("MariaDB"), "round \(round) \(endpoint): greeting \(answer)")
                } else {
                    XCTAssertEqual(answer, "value-k\(index)", "round \(round) \(endpoint)")
                }
            }
            let left = try await LiveDocker.leftovers(docker)
            XCTAssertEqual(left, [], "round \(round) left resources of session \(TestSession.shared.id)")
        }
    }
}
