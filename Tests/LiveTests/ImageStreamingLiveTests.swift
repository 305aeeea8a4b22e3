import DockerSDK
import Foundation
import XCTest

/// Large transfers stay streamed: the process's resident memory grows far less than the bytes moved.
final class ImageStreamingLiveTests: XCTestCase {
    /// Samples resident memory every 20 ms while `body` runs (at most 30 000 samples); returns the peak growth.
    private func peakGrowth(_ body: () async throws -> Void) async throws -> Int {
        guard let before = residentMemory() else { throw XCTSkip("no /proc/self/status") }
        final class Peak: @unchecked Sendable {
            let lock = NSLock()
            var value = 0
            var done = false
        }
        let peak = Peak()
        let sampler = Task.detached {
            for _ in 0..<30_000 {
                let stop = peak.lock.withLock { peak.done }
                if stop { return }
                if let now = residentMemory() { peak.lock.withLock { peak.value = max(peak.value, now - before) } }
                try? await Task.sleep(for: .milliseconds(20))
            }
        }
        do {
            try await body()
        } catch {
            peak.lock.withLock { peak.done = true }
            await sampler.value
            throw error
        }
        peak.lock.withLock { peak.done = true }
        await sampler.value
        return peak.lock.withLock { peak.value }
    }

    func testSavingAndLoadingALargeImageAreStreamed() async throws {
        let docker = try await Live.client()
        let image = "dockersdk/mariadb:10.11"
        guard let size = try? await docker.images.inspect(image).size, size > 200_000_000 else {
            try Live.unavailable("\(image) (over 200 MB) is not there: run scripts/setup.sh")
        }
        let file = FileManager.default.temporaryDirectory.appendingPathComponent("dockersdk-save-\(UUID().uuidString).tar").path
        defer { try? FileManager.default.removeItem(atPath: file) }
        var written: Int64 = 0
        let growth = try await peakGrowth { written = try await docker.images.save([image], to: file) }
        XCTAssertGreaterThan(written, 200_000_000)
        XCTAssertLessThan(growth, 64 << 20, "saving \(written) bytes grew memory by \(growth) bytes")

        // Loading it back (the image is there: the daemon checks the layers and keeps the tag).
        let id = try await docker.images.inspect(image).id
        var loaded: [String] = []
        let loadGrowth = try await peakGrowth { loaded = try await docker.images.load(.file(file)).wait() }
        XCTAssertEqual(loaded, [image])
        XCTAssertLessThan(loadGrowth, 64 << 20, "loading \(written) bytes grew memory by \(loadGrowth) bytes")
        let after = try await docker.images.inspect(image).id
        XCTAssertEqual(after, id)
    }

    func testALargeBuildContextIsStreamedFromDisk() async throws {
        let docker = try await Live.client()
        let tag = "\(Live.name("big-context")):1"
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("dockersdk-ctx-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: folder) }
        _ = FileManager.default.createFile(atPath: "\(folder)/Dockerfile",
                                       contents: Data("FROM dockersdk/busybox\nRUN true\n".utf8))
        // 192 MB written 1 MB at a time, so the test itself never holds it.
        _ = FileManager.default.createFile(atPath: "\(folder)/big.bin", contents: nil)
        let handle = try XCTUnwrap(FileHandle(forWritingAtPath: "\(folder)/big.bin"))
        let chunk = randomBytes(1 << 20)
        for _ in 0..<192 { try handle.write(contentsOf: chunk) }
        try handle.close()
        try await withLiveImages(docker, [tag]) {
            var result: BuildResult?
            let growth = try await peakGrowth {
                result = try await docker.images.build(.directory(folder), options: BuildOptions(
                    tags: [tag], labels: Live.labels("image-big-context"))).wait()
            }
            XCTAssertNotNil(result?.imageID)
            XCTAssertLessThan(growth, 64 << 20, "a 192 MB context grew memory by \(growth) bytes")
        }
    }
}
