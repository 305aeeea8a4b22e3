@testable import DockerSDK
import Foundation
import XCTest

/// The fake daemons of the transport tests are released when their test ends, not at exit
/// (RELIABILITY.md section 4: XCTest keeps every test case and its teardown blocks until exit, so a
/// teardown block that captured a fake daemon kept it, and all it received, for the whole run).
final class FakeDaemonReleaseTests: XCTestCase {
    func testAFakeDaemonHandedToItsTeardownIsReleasedOnceStopped() async throws {
        weak var released: FakeDaemon?
        let handOff: TeardownHandOff<FakeDaemon>
        do {
            let fake = try FakeDaemon { _, connection in connection.send(Raw.ping(apiVersion: "1.41")) }
            released = fake
            handOff = TeardownHandOff(fake)
            let docker = try client(for: fake)
            _ = try await within(10) { try await docker.system.ping() }
            XCTAssertEqual(fake.requests.count, 1, "the fake answered the ping")
        }
        XCTAssertNotNil(released, "the hand-off holds the fake daemon until the teardown runs")
        handOff.take()?.stop()
        XCTAssertNil(handOff.take(), "the fake daemon is handed out once")
        // Its accept and connection threads hold it until they end (stop wakes them): bounded wait.
        let deadline = Date().addingTimeInterval(5)
        while released != nil && Date() < deadline { try await Task.sleep(for: .milliseconds(20)) }
        XCTAssertNil(released, "a stopped fake daemon nobody holds is released (with what it received)")
    }
}
