import DockerSDK
import Foundation
import XCTest

final class ImageBuildLiveTests: XCTestCase {
    static let dockerfile = """
    FROM dockersdk/busybox AS base
    ARG GREETING=hello
    COPY message.txt /message.txt
    RUN echo "$GREETING from $(cat /message.txt)" > /greeting
    FROM base AS final
    COPY --from=base /greeting /final-greeting
    CMD ["cat", "/final-greeting"]
    FROM base AS unreached
    RUN echo this stage must not run && exit 7

    """

    /// A multi-stage build with a build arg and a target stage, run: the output proves the arg,
    /// the COPY and the target (the stage after the target would fail the build).
    func testBuildWithBuildArgAndTargetThenRunIt() async throws {
        let docker = try await Live.client()
        let tag = "\(Live.name("build")):1"
        let test = "image-build"
        try await withContextFolder(["Dockerfile": Self.dockerfile, "message.txt": "the context\n"]) { folder in
            try await withLiveImages(docker, [tag]) {
                var steps: [BuildStep] = []
                var output: [String] = []
                var ids: [String] = []
                let stream = try await docker.images.build(.directory(folder), options: BuildOptions(
                    tags: [tag], buildArgs: ["GREETING": "hi"], target: "final", labels: Live.labels(test)))
                for try await event in stream {
                    switch event {
                    case .step(let step): steps.append(step)
                    case .output(let line): output.append(line)
                    case .imageID(let id): ids.append(id)
                    case .progress: break
                    }
                }
                XCTAssertEqual(steps.first?.number, 1)
                XCTAssertEqual(steps.first?.instruction, "FROM dockersdk/busybox AS base")
                XCTAssertTrue(steps.contains { $0.instruction.hasPrefix("COPY --from=base") }, "\(steps)")
                XCTAssertFalse(steps.contains { $0.instruction.contains("must not run") }, "the target stage stops the build")
                XCTAssertTrue(output.contains("Successfully tagged \(tag)"), "\(output)")
                let id = try XCTUnwrap(ids.last)
                let inspected = try await docker.images.inspect(tag)
                XCTAssertEqual(inspected.id, id)
                XCTAssertEqual(inspected.config?.labels?["com.dockersdk.instance"], test)

                let (stdout, status) = try await runImage(docker, tag, test: test)
                XCTAssertEqual(status, 0)
                XCTAssertEqual(stdout, "hi from the context\n")

                // The history names the build's steps, newest first.
                let history = try await docker.images.history(tag)
                XCTAssertTrue(history.contains { $0.createdBy.contains("COPY") }, "\(history.map(\.createdBy))")
                // Podman's history has no tags, and its newest entry is the last layer's, not the labelled image's.
                if !Live.isPodman {
                    XCTAssertEqual(history.first?.id, id)
                    XCTAssertTrue(history.contains { $0.tags?.contains("dockersdk/busybox:latest") == true })
                }
            }
        }
    }

    /// A failing RUN step: a typed error naming the step and carrying the exit code.
    func testFailingRunStepIsATypedErrorNamingTheStep() async throws {
        let docker = try await Live.client()
        let dockerfile = "FROM dockersdk/busybox\nRUN echo first\nRUN echo about to fail && exit 3\nRUN echo never\n"
        let leftovers = LeftoverIDs()
        try await withContextFolder(["Dockerfile": dockerfile]) { folder in
            try await withLiveImages(docker, [], ids: { leftovers.ids }) {
                let stream = try await docker.images.build(.directory(folder), options: BuildOptions(
                    labels: Live.labels("image-build-fail"), forceRemoveIntermediate: true))
                var output: [String] = []
                do {
                    for try await event in stream {
                        if case .output(let line) = event {
                            output.append(line)
                            leftovers.note(line)
                        }
                    }
                    XCTFail("the build should have failed")
                } catch DockerError.buildFailed(let step, let message, let code) where Live.isPodman {
                    // Buildah numbers steps within a stage and words the failure its own way; the SDK
                    // still names the step and reads the exit code.
                    XCTAssertEqual(step?.instruction, "RUN echo about to fail && exit 3")
                    XCTAssertEqual(code, 3)
                    XCTAssertTrue(message.contains("exit status 3"), message)
                    XCTAssertTrue(output.contains("about to fail"), "\(output)")
                } catch DockerError.buildFailed(let step, let message, let code) {
                    // 4 instructions and one LABEL step per label the daemon appends.
                    XCTAssertEqual(step, BuildStep(number: 3, total: 4 + Live.labels("image-build-fail").count,
                                                   instruction: "RUN echo about to fail && exit 3"))
                    XCTAssertEqual(code, 3)
                    XCTAssertTrue(message.contains("returned a non-zero code: 3"), message)
                    XCTAssertTrue(output.contains("about to fail"), "\(output)")
                    let description = DockerError.buildFailed(step: step, message: message, code: code).description
                    XCTAssertTrue(description.contains("Step 3/6 : RUN echo about to fail"), description)
                }
            }
        }
    }

    /// Errors before any step: a missing target and a missing Dockerfile are typed.
    func testBadTargetAndMissingDockerfileAreTyped() async throws {
        let docker = try await Live.client()
        try await withContextFolder(["Dockerfile": "FROM dockersdk/busybox\n"]) { folder in
            let badTarget = await dockerErrorLive {
                try await docker.images.build(.directory(folder), options: BuildOptions(target: "nosuch")).wait()
            }
            switch badTarget {
            case .badRequest(let message)?, .serverError(_, let message)?, .buildFailed(_, let message, _)?:
                XCTAssertTrue(message.contains("nosuch"), message)
            default:
                XCTFail("expected a typed error naming the target, got \(String(describing: badTarget))")
            }
            let missing = await dockerErrorLive {
                try await docker.images.build(.directory(folder), options: BuildOptions(dockerfile: "Nope.Dockerfile")).wait()
            }
            if case .invalidArgument(let message)? = missing {
                XCTAssertTrue(message.contains("Nope.Dockerfile"), message)
            } else {
                XCTFail("expected invalidArgument, got \(String(describing: missing))")
            }
        }
    }

    /// A .dockerignore with `**`, a folder and a `!` exception: the image holds exactly the files
    /// `docker build` (the CLI, classic builder) sends for the same folder.
    func testDockerignoreAgreesWithTheCLI() async throws {
        let docker = try await Live.client()
        let files = [
            "Dockerfile": "FROM dockersdk/busybox\nCOPY . /ctx\nCMD [\"sh\", \"-c\", \"cd /ctx && find . | sort\"]\n",
            ".dockerignore": "# comment\n**/*.log\n!keep/important.log\nsecret*\nbuild/\n!build/dist\ndocs/*.md\n",
            "app.txt": "app", "a.log": "x", "keep/important.log": "kept", "keep/other.log": "x", "deep/er/trace.log": "x",
            "deep/er/code.txt": "code", "secret.txt": "x", "secrets/key": "x", "build/tmp/o": "x", "build/dist/app": "bin",
            "docs/readme.md": "x", "docs/sub/readme.md": "kept", "docs/guide.txt": "kept",
        ]
        let test = "image-build-ignore"
        let sdkTag = "\(Live.name("ignore-sdk")):1"
        let cliTag = "\(Live.name("ignore-cli")):1"
        try await withContextFolder(files) { folder in
            try await withLiveImages(docker, [sdkTag, cliTag]) {
                _ = try await docker.images.build(.directory(folder), options: BuildOptions(tags: [sdkTag], labels: Live.labels(test))).wait()
                let cli = try Exec.run("/usr/bin/env", ["DOCKER_BUILDKIT=0", Exec.docker, "build", "-q", "-t", cliTag,
                                                        "--label", "com.dockersdk.recipe=live-test", "--label",
                                                        "com.dockersdk.instance=\(test)", folder], timeout: 120)
                XCTAssertEqual(cli.status, 0, String(decoding: cli.stderr, as: UTF8.self))
                let (sdkList, _) = try await runImage(docker, sdkTag, test: test)
                let (cliList, _) = try await runImage(docker, cliTag, test: test)
                XCTAssertEqual(sdkList, cliList)
                let listed = Set(sdkList.split(separator: "\n").map(String.init))
                for kept in ["./app.txt", "./keep/important.log", "./deep/er/code.txt", "./build/dist/app",
                             "./docs/sub/readme.md", "./docs/guide.txt", "./Dockerfile", "./.dockerignore"] {
                    XCTAssertTrue(listed.contains(kept), "\(kept) missing from \(listed.sorted())")
                }
                for dropped in ["./a.log", "./keep/other.log", "./deep/er/trace.log", "./secret.txt", "./secrets",
                                "./build/tmp", "./docs/readme.md"] {
                    XCTAssertFalse(listed.contains(dropped), "\(dropped) should be ignored")
                }
            }
        }
    }

    /// Tar contexts, in memory and on disk, and a quiet build (its only output is the image ID).
    func testBuildFromTarDataAndTarFileQuietly() async throws {
        let docker = try await Live.client()
        let fromData = "\(Live.name("tar-data")):1"
        let fromFile = "\(Live.name("tar-file")):1"
        let tar = try TarArchive.write([.file("Dockerfile", text: "FROM dockersdk/busybox\nCOPY in.txt /in.txt\nCMD [\"cat\", \"/in.txt\"]\n"),
                                        .file("in.txt", text: "from a tar\n")])
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("dockersdk-ctx-\(UUID().uuidString).tar").path
        try tar.write(to: URL(fileURLWithPath: path))
        defer { try? FileManager.default.removeItem(atPath: path) }
        try await withLiveImages(docker, [fromData, fromFile]) {
            let quiet = try await docker.images.build(.tarData(tar), options: BuildOptions(
                tags: [fromData], labels: Live.labels("image-build-tar"), quiet: true)).wait()
            XCTAssertEqual(quiet.output, [quiet.imageID], "a quiet build prints only the ID")
            XCTAssertTrue(quiet.steps.isEmpty)
            let inspected = try await docker.images.inspect(fromData)
            XCTAssertEqual(inspected.id, quiet.imageID)
            _ = try await docker.images.build(.tarFile(path), options: BuildOptions(tags: [fromFile], labels: Live.labels("image-build-tar"))).wait()
            let (output, _) = try await runImage(docker, fromFile, test: "image-build-tar")
            XCTAssertEqual(output, "from a tar\n")
        }
    }

    /// Options that reach RUN steps: extra hosts and network mode `none`; `no-cache` re-runs a step.
    func testExtraHostsNetworkModeAndNoCache() async throws {
        let docker = try await Live.client()
        let tag = "\(Live.name("build-opts")):1"
        let dockerfile = "FROM dockersdk/busybox\nRUN grep registry.test /etc/hosts > /hosts && ls /sys/class/net > /nets\n"
        let replaced = LeftoverIDs()
        try await withContextFolder(["Dockerfile": dockerfile]) { folder in
            try await withLiveImages(docker, [tag], ids: { replaced.ids }) {
                let options = BuildOptions(tags: [tag], labels: Live.labels("image-build-opts"), networkMode: "none",
                                           extraHosts: ["registry.test:10.233.0.7"])
                let first = try await docker.images.build(.directory(folder), options: options).wait()
                replaced.add(first.imageID) // untagged once the no-cache build takes the tag
                let (hosts, _) = try await runImage(docker, tag, test: "image-build-opts", cmd: ["cat", "/hosts", "/nets"])
                XCTAssertTrue(hosts.contains("10.233.0.7"), hosts)
                XCTAssertTrue(hosts.contains("registry.test"), hosts)
                // Podman 4.3's /build ignores networkmode=none: its RUN steps see the host's interfaces.
                if !Live.isPodman {
                    XCTAssertEqual(hosts.split(separator: "\n").filter { !$0.contains("registry.test") }, ["lo"], hosts)
                }
                let cached = try await docker.images.build(.directory(folder), options: options).wait()
                // The classic builder says " ---> Using cache", Podman's Buildah "--> Using cache <id>".
                let usedCache = { (output: [String]) in output.contains { $0.trimmingCharacters(in: .whitespaces).hasPrefix(Live.isPodman ? "--> Using cache" : "---> Using cache") } }
                XCTAssertTrue(usedCache(cached.output), "\(cached.output)")
                // Buildah commits the labels of a cached build as a new image.
                if !Live.isPodman { XCTAssertEqual(cached.imageID, first.imageID) }
                var fresh = options
                fresh.noCache = true
                let rebuilt = try await docker.images.build(.directory(folder), options: fresh).wait()
                XCTAssertFalse(usedCache(rebuilt.output), "\(rebuilt.output)")
                XCTAssertNotEqual(rebuilt.imageID, first.imageID)
            }
        }
    }
}

/// Image IDs a failed build left behind (` ---> 0123456789ab` lines), to remove after the test.
final class LeftoverIDs: @unchecked Sendable {
    private let lock = NSLock()
    private var found: [String] = []

    func note(_ line: String) {
        let text = line.trimmingCharacters(in: .whitespaces)
        guard text.hasPrefix("---> "), !text.contains("Running in"), !text.contains("Using cache") else { return }
        let id = String(text.dropFirst(5))
        guard id.count == 12, id.allSatisfy(\.isHexDigit) else { return }
        lock.withLock { found.append(id) }
    }

    func add(_ id: String) {
        lock.withLock { found.append(id) }
    }

    /// Newest first, so children go before their parents.
    var ids: [String] { lock.withLock { found.reversed() } }
}
