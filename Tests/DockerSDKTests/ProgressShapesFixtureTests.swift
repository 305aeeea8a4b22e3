import DockerSDK
import Foundation
import XCTest

/// Build and push progress streams in their API 1.44 (Docker 25) and 1.52 (Docker 29) shapes, from
/// fixtures synthesized from the specs' BuildInfo and PushImageInfo (`Fixtures/synthesize-progress-fixtures.py`).
/// The 1.52 lines carry only `errorDetail` and `progressDetail` (no `error`, no `progress` string);
/// the 1.44 push error is only the `error` string. The recorded 1.41 streams are in ImageBuildFixtureTests.
final class ProgressShapesFixtureTests: XCTestCase {
    /// definitions/ImageID's example, the image the synthesized build names in `aux`.
    static let builtID = "sha256:85f05633ddc1c50679be2b16a0479ab6f7637f8884e0cfe0f4d20e1ebb3d6e7c"
    /// definitions/OCIDescriptor's digest example, the pushed manifest.
    static let pushedDigest = "sha256:c0537ff6a5218ef531ece93d4984efc99bbf3f7497c0a7726c88e2bb7584dc96"
    static let pushed = "127.0.0.1:5443/dockersdk-fx/progress:1"

    /// A folder with a Dockerfile, removed after `body` (the replay sees only the tar's file name).
    private func withContext<T>(_ dockerfile: String, _ body: (String) async throws -> T) async throws -> T {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("dockersdk-fx-\(UUID().uuidString)").path
        defer { try? FileManager.default.removeItem(atPath: folder) }
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        _ = FileManager.default.createFile(atPath: "\(folder)/Dockerfile", contents: Data(dockerfile.utf8))
        return try await body(folder)
    }

    /// Replays one shape: a build, a failing build, a push, a refused push.
    func replay(_ scenario: String, _ version: String, manifestSize: Int64, progressText: Bool) async throws {
        let session = try fixture(scenario, apiVersion: version, chunkSize: 61)
        XCTAssertEqual(session.replay?.fixture.synthesized, true)
        XCTAssertTrue(session.replay?.fixture.source?.contains("v\(version).yaml: definitions/BuildInfo") ?? false)
        let docker = session.docker

        // The build: the FROM image's pull progress (status/id/progressDetail) is not output; the ID is aux's.
        let built = try await withContext("FROM dockersdk/busybox\nCMD [\"true\"]\n") { folder in
            try await docker.images.build(.directory(folder), options: BuildOptions(tags: ["dockersdk-fx/progress:1"])).wait()
        }
        XCTAssertEqual(built.imageID, Self.builtID)
        XCTAssertEqual(built.steps, [BuildStep(number: 1, total: 2, instruction: "FROM dockersdk/busybox"),
                                     BuildStep(number: 2, total: 2, instruction: "CMD [\"true\"]")])
        XCTAssertEqual(built.output.last, "Successfully tagged dockersdk-fx/progress:1")
        XCTAssertFalse(built.output.contains { $0.contains("Downloading") || $0.contains("Pull complete") }, "\(built.output)")

        // The failing build: the error line (errorDetail, with `error` only at 1.44) names the step and code.
        let failure = await withContextError("FROM dockersdk/busybox\nRUN echo about to fail && exit 3\n") { folder in
            try await docker.images.build(.directory(folder), options: BuildOptions(forceRemoveIntermediate: true)).wait()
        }
        guard case .buildFailed(let step, let message, let code)? = failure else {
            return XCTFail("expected buildFailed, got \(String(describing: failure))")
        }
        XCTAssertEqual(step, BuildStep(number: 2, total: 2, instruction: "RUN echo about to fail && exit 3"))
        XCTAssertEqual(code, 3)
        XCTAssertEqual(message, "The command '/bin/sh -c echo about to fail && exit 3' returned a non-zero code: 3")

        // The push: progress with bytes, then the digest from aux.
        var events: [PushEvent] = []
        for try await event in try await docker.images.push(Self.pushed) { events.append(event) }
        let pushed = events.compactMap { event -> PushedImage? in
            if case .pushed(let image) = event { return image }
            return nil
        }
        XCTAssertEqual(pushed, [PushedImage(tag: "1", digest: Self.pushedDigest, size: manifestSize)])
        let pushing = events.compactMap { event -> ProgressEvent? in
            if case .progress(let progress) = event, progress.status == "Pushing" { return progress }
            return nil
        }
        XCTAssertEqual(pushing.count, 1)
        XCTAssertEqual(pushing.first?.progressDetail?.current, 1_048_576)
        XCTAssertEqual(pushing.first?.progressDetail?.total, 2_592_430)
        XCTAssertEqual(pushing.first?.progress != nil, progressText, "\(String(describing: pushing.first))")
        XCTAssertEqual(events.last, .pushed(PushedImage(tag: "1", digest: Self.pushedDigest, size: manifestSize)))

        // The refused push: its error line throws (not an auth refusal: a stream error with the message).
        let refused = await dockerError { try await docker.images.push(Self.pushed).wait() }
        guard case .streamError(let refusal)? = refused else {
            return XCTFail("expected streamError, got \(String(describing: refused))")
        }
        XCTAssertEqual(refusal, "received unexpected HTTP status: 500 Internal Server Error")

        try session.finish()
        let negotiated = try await docker.apiVersion()
        XCTAssertEqual(negotiated.description, version)
    }

    /// The DockerError `body` throws inside a build context, nil when it does not throw one.
    private func withContextError<T>(_ dockerfile: String, _ body: (String) async throws -> T) async -> DockerError? {
        await dockerError { try await withContext(dockerfile, body) }
    }

    func testDocker25Shapes() async throws {
        try await replay("progress-docker25", "1.44", manifestSize: 3_987_495, progressText: true)
    }

    func testDocker29Shapes() async throws {
        try await replay("progress-docker29", "1.52", manifestSize: 424, progressText: false)
    }
}
