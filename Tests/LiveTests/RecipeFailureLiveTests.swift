import DockerRecipes
import DockerSDK
import Foundation
import XCTest
#if canImport(Glibc)
import Glibc
#endif

/// Issue 12, item 6: a recipe that fails in the middle of `up`, or whose process is killed there,
/// leaves only what `down` removes; `down` is idempotent; nothing labelled is left (checked by
/// RecipeLiveTestCase after every test).
final class RecipeFailureLiveTests: RecipeLiveTestCase {
    private func options(_ prefix: String, sourcePort: Int?) -> MySQLReplicationOptions {
        MySQLReplicationOptions(replicas: 2, sourcePort: sourcePort, namePrefix: tracked(prefix))
    }

    /// An image that does not exist fails `up` with a clear error before anything is created.
    func testMissingImageFailsUpAndLeavesNothing() async throws {
        let docker = try await Live.client()
        var options = options("lt-fail-img-\(UInt16.random(in: 0...UInt16.max))", sourcePort: nil)
        options.image = "dockersdk/no-such-image-\(UUID().uuidString.prefix(8).lowercased()):1"
        let replication = try await MySQLReplication(docker: docker, options: options)
        do {
            try await replication.up()
            XCTFail("up with a missing image must fail")
        } catch let error as DockerError {
            XCTAssertTrue("\(error)".contains("no-such-image"), "the error names the image: \(error)")
            print("missing image: up failed with: \(error.description)")
        }
        let left = try await Leftovers.find(docker, instance: options.namePrefix)
        XCTAssertEqual(left, [], "a failed probe leaves nothing")
        let removed = try await replication.down()
        XCTAssertEqual(removed.containers + removed.networks + removed.volumes, [], "down after a failure before any creation removes nothing")
    }

    /// The second replica's host port is taken: the source and one replica exist when `up` fails.
    /// `up` throws naming the port; `down` removes every server and the network; a second `down`
    /// finds nothing and does not fail.
    func testHostPortTakenMidUpLeavesOnlyWhatDownRemoves() async throws {
        let docker = try await Live.client()
        let (base, blocker) = try Self.portBlockWithLastTaken(count: 3)
        defer { close(blocker) }
        let options = options("lt-fail-port-\(UInt16.random(in: 0...UInt16.max))", sourcePort: base)
        let replication = try await MySQLReplication(docker: docker, options: options)
        do {
            try await replication.up()
            XCTFail("up with port \(base + 2) taken must fail")
        } catch {
            let text = (error as? DockerError)?.description ?? "\(error)"
            XCTAssertTrue(text.contains("\(base + 2)") || text.contains("address already in use") || text.contains("allocated"),
                          "the error says why: \(text)")
        }
        let beforeDown = try await Leftovers.find(docker, instance: options.namePrefix)
        let removed = try await replication.down()
        print("port taken: up left \(beforeDown); down removed \(removed)")
        XCTAssertEqual(Set(beforeDown.filter { $0.hasPrefix("container ") }.map { String($0.dropFirst(10)) }),
                       Set(removed.containers), "down removes every container up left")
        let afterDown = try await Leftovers.find(docker, instance: options.namePrefix)
        XCTAssertEqual(afterDown, [])
        let again = try await replication.down()
        XCTAssertEqual(again.containers + again.networks + again.volumes, [], "a second down finds nothing")
    }

    /// The demo's `mysql-replication up` is SIGKILLed as soon as the source server exists; the
    /// demo's `down`, run afterwards by another process, removes everything, and again is a no-op.
    func testDownAfterTheUpProcessIsKilled() async throws {
        let docker = try await Live.client()
        let demo = try Exec.demo
        let prefix = tracked("lt-fail-kill-\(UInt16.random(in: 0...UInt16.max))")
        let (port, blocker) = try Self.portBlockWithLastTaken(count: 4)  // the first three ports are free
        close(blocker)
        let arguments = ["--replicas", "2", "--source-port", "\(port)", "--name-prefix", prefix]
        let process = Process()
        process.executableURL = URL(fileURLWithPath: demo)
        process.arguments = ["mysql-replication", "up"] + arguments
        process.standardOutput = FileHandle.nullDevice
        process.standardError = FileHandle.nullDevice
        try process.run()
        var seen: [String] = []
        for _ in 0..<240 where seen.isEmpty && process.isRunning {  // at most 120 s
            // Mid-up: past the image probe, once the servers are being created.
            seen = try await Leftovers.find(docker, instance: prefix).filter { $0.hasPrefix("container ") && $0.hasSuffix("-source") }
            if seen.isEmpty { try await Task.sleep(for: .milliseconds(500)) }
        }
        XCTAssertTrue(process.isRunning, "up was still running when the source appeared")
        kill(process.processIdentifier, SIGKILL)
        process.waitUntilExit()
        XCTAssertEqual(process.terminationReason, .uncaughtSignal)
        XCTAssertFalse(seen.isEmpty, "the killed up had created the source")
        let atKill = try await Leftovers.find(docker, instance: prefix)
        print("killed up: left \(atKill)")

        let down = try Exec.run(demo, ["mysql-replication", "down"] + arguments, timeout: 120)
        XCTAssertEqual(down.status, 0, String(decoding: down.stderr, as: UTF8.self))
        let afterDown = try await Leftovers.find(docker, instance: prefix)
        XCTAssertEqual(afterDown, [], "down after a crash leaves nothing")
        let again = try Exec.run(demo, ["mysql-replication", "down"] + arguments, timeout: 60)
        XCTAssertEqual(again.status, 0, String(decoding: again.stderr, as: UTF8.self))
        XCTAssertTrue(String(decoding: again.stdout, as: UTF8.self).contains("removed 0 containers, 0 networks, 0 volumes"),
                      String(decoding: again.stdout, as: UTF8.self))
    }

    /// `count` consecutive loopback ports, the last one bound and listening here (the descriptor is returned).
    static func portBlockWithLastTaken(count: Int) throws -> (Int, Int32) {
        for _ in 0..<50 {
            let base = Int.random(in: 20000...29000)
            guard (base..<(base + count - 1)).allSatisfy(RedisClusterLiveTests.isFreeOnLoopback) else { continue }
            let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
            var address = sockaddr_in()
            address.sin_family = sa_family_t(AF_INET)
            address.sin_port = in_port_t(UInt16(base + count - 1).bigEndian)
            address.sin_addr.s_addr = inet_addr("127.0.0.1")
            let bound = withUnsafePointer(to: &address) {
                $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
            }
            if bound == 0, listen(fd, 1) == 0 { return (base, fd) }
            close(fd)
        }
        try Live.unavailable("no free block of \(count) loopback ports between 20000 and 29000")
    }
}
