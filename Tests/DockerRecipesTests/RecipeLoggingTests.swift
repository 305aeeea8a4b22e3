import DockerRecipes
import DockerSDK
import Foundation
import InMemoryLogging
import Logging
import XCTest

/// Recipes report their steps through the client's logger as well as their progress handler.
final class RecipeLoggingTests: XCTestCase {
    func testProgressEventsReachTheClientsLoggerWithTheDeploymentsMetadata() throws {
        let logs = InMemoryLogHandler()
        var logger = Logger(label: "recipes") { _ in logs }
        logger.logLevel = .trace
        let docker = try DockerClient(host: .unix(path: "/nowhere.sock"), apiVersion: APIVersion(1, 41),
                                      environment: [:], logger: logger)
        final class Seen: @unchecked Sendable {
            let lock = NSLock()
            var events: [RecipeEvent] = []
        }
        let seen = Seen()
        let progress = RecipeProgress { event in seen.lock.withLock { seen.events.append(event) } }
        let resources = RecipeResources(docker: docker, recipe: "redis-cluster", instance: "rc-log")
        let logged = resources.logged(progress)
        logged.step("starting 6 nodes")
        logged.info("node 1 answers")
        logged.report(.pass, "all slots covered")

        XCTAssertEqual(seen.lock.withLock { seen.events.map(\.message) },
                       ["starting 6 nodes", "node 1 answers", "all slots covered"], "the handler still gets every event")
        let entries = logs.entries
        XCTAssertEqual(entries.map { "\($0.message)" }, ["starting 6 nodes", "node 1 answers", "all slots covered"])
        XCTAssertEqual(entries.map(\.level), [.debug, .trace, .debug])
        XCTAssertEqual(entries.map { $0.metadata["recipe.event"] }, ["step", "info", "pass"])
        XCTAssertTrue(entries.allSatisfy { $0.metadata["recipe"] == "redis-cluster" && $0.metadata["recipe.instance"] == "rc-log" })
        XCTAssertTrue(entries.allSatisfy { $0.metadata["recipe.elapsed_s"].flatMap { Double("\($0)") } != nil })
    }

    func testTheDefaultLevelKeepsRecipesQuiet() throws {
        let logs = InMemoryLogHandler()
        let logger = Logger(label: "recipes") { _ in logs }  // .info, swift-log's default
        let docker = try DockerClient(host: .unix(path: "/nowhere.sock"), apiVersion: APIVersion(1, 41),
                                      environment: [:], logger: logger)
        let logged = RecipeResources(docker: docker, recipe: "mysql-replication", instance: "m").logged(.silent)
        logged.step("creating the source")
        logged.report(.warning, "replica lags")
        XCTAssertTrue(logs.entries.isEmpty, "\(logs.entries)")
    }
}
