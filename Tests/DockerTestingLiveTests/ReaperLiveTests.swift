import DockerSDK
import DockerTesting
import Foundation
import XCTest
#if canImport(Glibc)
import Glibc
#endif

/// A test process killed with SIGKILL leaves nothing: its reaper removes its container, network and
/// volume within 10 s.
final class ReaperLiveTests: XCTestCase {
    func testSIGKILLedProcessLeavesNothingAfterTenSeconds() async throws {
        guard LiveDocker.enabled else { throw XCTSkip("no Docker daemon; live tests skip outside CI") }
        let docker = try await LiveDocker.client()
        let me = try FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/exe")
        let child = ((me as NSString).deletingLastPathComponent as NSString).appendingPathComponent("DockerTestingSigkillChild")
        guard FileManager.default.isExecutableFile(atPath: child) else {
            return XCTFail("\(child) is not built (swift build --build-tests builds it)")
        }
        let process = Process()
        process.executableURL = URL(fileURLWithPath: child)
        let output = Pipe()
        process.standardOutput = output
        try process.run()
        defer { if process.isRunning { kill(process.processIdentifier, SIGKILL) } }

        // Read its report (bounded: 60 s, then the read end is closed by the child's death or ours).
        let reader = Task.detached { () -> [String: String] in
            var fields: [String: String] = [:]
            var text = ""
            while case let chunk = output.fileHandleForReading.availableData, !chunk.isEmpty {
                text += String(decoding: chunk, as: UTF8.self)
                for line in text.split(separator: "\n") {
                    let parts = line.split(separator: " ", maxSplits: 1).map(String.init)
                    if parts.count == 2 { fields[parts[0]] = parts[1] } else if parts == ["READY"] { fields["READY"] = "" }
                }
                if fields["READY"] != nil || fields["FAILED"] != nil { break }
            }
            return fields
        }
        let watchdog = Task.detached {
            try await Task.sleep(for: .seconds(60))
            kill(process.processIdentifier, SIGKILL)
        }
        let fields = await reader.value
        watchdog.cancel()
        XCTAssertNil(fields["FAILED"], "the child failed: \(fields["FAILED"] ?? "")")
        let session = try XCTUnwrap(fields["SESSION"], "no SESSION line: \(fields)")
        let container = try XCTUnwrap(fields["CONTAINER"])
        let network = try XCTUnwrap(fields["NETWORK"])
        let volume = try XCTUnwrap(fields["VOLUME"])
        let tracked = try XCTUnwrap(fields["TRACKED"])
        let running = try await docker.containers.inspect(container).state.running
        XCTAssertTrue(running, "the child's container runs before the kill")

        XCTAssertEqual(kill(process.processIdentifier, SIGKILL), 0)
        process.waitUntilExit()
        XCTAssertEqual(process.terminationReason, .uncaughtSignal)

        let filters = Filters(["label": ["com.dockersdk.recipe=dockertesting", "com.dockersdk.instance=\(session)"]])
        let clock = ContinuousClock()
        let killed = clock.now
        var left: [String] = ["not checked"]
        while clock.now - killed < .seconds(10) {
            left = try await docker.containers.list(all: true, filters: filters).map { "container \($0.name ?? $0.id)" }
                + docker.networks.list(filters: filters).map { "network \($0.name)" }
                + docker.volumes.list(filters: filters).map { "volume \($0.name)" }
            if left.isEmpty { break }
            try await Task.sleep(for: .milliseconds(250))
        }
        XCTAssertEqual(left, [], "10 s after SIGKILL, session \(session) still has these")
        // The tracked deployment went in the same pass (or the second, a second later).
        var trackedGone = false
        while clock.now - killed < .seconds(10), !trackedGone {
            do {
                _ = try await docker.containers.inspect(tracked)
                try await Task.sleep(for: .milliseconds(250))
            } catch DockerError.notFound {
                trackedGone = true
            }
        }
        XCTAssertTrue(trackedGone, "the tracked container \(tracked) is still there 10 s after SIGKILL")
        for check in [{ _ = try await docker.containers.inspect(container) }, { _ = try await docker.networks.inspect(network) },
                      { _ = try await docker.volumes.inspect(volume) }] as [@Sendable () async throws -> Void] {
            do {
                try await check()
                XCTFail("still there after the reaper ran")
            } catch DockerError.notFound {}
        }
    }
}
