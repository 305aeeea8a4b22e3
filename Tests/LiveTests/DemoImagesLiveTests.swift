import DockerSDK
import Foundation
import XCTest

/// The demo's image commands and login, with the docker CLI's spelling, end to end.
final class DemoImagesLiveTests: XCTestCase {
    func testBuildLoginPushPullSaveLoadHistoryRm() async throws {
        let docker = try await Live.client()
        try LiveRegistry.requireRunning()
        let user = try LiveRegistry.user()
        let demo = try Exec.demo
        let reference = "\(LiveRegistry.secure)/\(Live.name("demo-image")):1"
        try await LiveRegistry.withConfigFolder { config in
            try await withContextFolder(["Dockerfile": "FROM dockersdk/busybox AS base\nARG WHO=world\nRUN echo \"hello $WHO\" > /hello\nFROM base AS final\nCMD [\"cat\", \"/hello\"]\nFROM base AS never\nRUN exit 9\n",
                                         "build/Dockerfile.alt": "FROM dockersdk/busybox\nRUN exit 4\n"]) { folder in
                try await withLiveImages(docker, [reference]) {
                    func run(_ arguments: [String], stdin: Data? = nil) throws -> (out: String, err: String, status: Int32) {
                        let result = try Exec.run("/usr/bin/env", ["DOCKER_CONFIG=\(config)", demo] + arguments, stdin: stdin, timeout: 120)
                        return (String(decoding: result.stdout, as: UTF8.self), String(decoding: result.stderr, as: UTF8.self), result.status)
                    }
                    let build = try run(["image", "build", "-t", reference, "--build-arg", "WHO=demo", "--target", "final",
                                         "--label", "com.dockersdk.recipe=live-test", "--no-cache", folder])
                    XCTAssertEqual(build.status, 0, build.err)
                    XCTAssertTrue(build.out.contains("Step 1/"), build.out)
                    XCTAssertTrue(build.out.contains("Successfully tagged \(reference)"), build.out)

                    // A failing step named on stderr, with a non-zero exit.
                    let failing = try run(["image", "build", "--force-rm", "-f", "\(folder)/build/Dockerfile.alt", folder])
                    XCTAssertNotEqual(failing.status, 0)
                    XCTAssertTrue(failing.err.contains("Step 2/2 : RUN exit 4"), failing.err)

                    let wrong = try run(["login", LiveRegistry.secure, "-u", user.username, "--password-stdin"],
                                        stdin: Data("not-the-password\n".utf8))
                    XCTAssertNotEqual(wrong.status, 0)
                    XCTAssertTrue(wrong.err.contains("Unauthorized"), wrong.err)
                    XCTAssertFalse(wrong.err.contains("not-the-password"))
                    let login = try run(["login", LiveRegistry.secure, "-u", user.username, "--password-stdin"],
                                        stdin: Data("\(user.password)\n".utf8))
                    XCTAssertEqual(login.status, 0, login.err)
                    XCTAssertTrue(login.out.contains("Login Succeeded"), login.out)
                    XCTAssertFalse(login.out.contains(user.password) || login.err.contains(user.password))
                    let stored = try DockerConfigFile.load(path: "\(config)/config.json")
                    XCTAssertEqual(try stored.credentials(for: LiveRegistry.secure)?.password, user.password)

                    let push = try run(["image", "push", reference])
                    XCTAssertEqual(push.status, 0, push.err)
                    XCTAssertTrue(push.out.contains("1: digest: sha256:"), push.out)
                    // Layer progress is a display on stderr (plain lines into a pipe); stdout keeps the daemon's summary.
                    XCTAssertTrue(push.err.contains("pushing \(reference): done"), push.err)
                    XCTAssertFalse(push.out.contains("Pushed") || push.out.contains("Pushing"), push.out)
                    XCTAssertFalse(push.out.contains("\u{1B}") || push.err.contains("\u{1B}"), "no escape sequences in a pipe")

                    let history = try run(["image", "history", reference])
                    XCTAssertEqual(history.status, 0, history.err)
                    XCTAssertTrue(history.out.contains("WHO=demo"), history.out)

                    let archive = "\(config)/saved.tar"
                    let save = try run(["image", "save", "-o", archive, reference])
                    XCTAssertEqual(save.status, 0, save.err)
                    XCTAssertTrue(FileManager.default.fileExists(atPath: archive))

                    let rm = try run(["image", "rm", reference])
                    XCTAssertEqual(rm.status, 0, rm.err)
                    XCTAssertTrue(rm.out.contains("Untagged: \(reference)"), rm.out)
                    let pull = try run(["image", "pull", reference])
                    XCTAssertEqual(pull.status, 0, pull.err)
                    // Podman's pull progress has no "Digest:" line.
                    if !Live.isPodman { XCTAssertTrue(pull.out.contains("Digest: sha256:"), pull.out) }
                    XCTAssertTrue(pull.err.contains("pulling \(reference): done"), pull.err)
                    XCTAssertFalse(pull.out.contains("Pull complete") || pull.out.contains("Downloading"), pull.out)
                    let runOut = try run(["run", "--rm", reference])
                    XCTAssertEqual(runOut.out, "hello demo\n", runOut.err)

                    _ = try run(["image", "rm", reference])
                    let load = try run(["image", "load", "-i", archive])
                    XCTAssertEqual(load.status, 0, load.err)
                    XCTAssertTrue(load.out.contains("Loaded image: \(reference)"), load.out)
                    XCTAssertTrue(load.err.contains("loading \(archive): done"), load.err)
                    let exists = try await docker.images.exists(reference)
                    XCTAssertTrue(exists)
                }
            }
        }
    }
}
