import DockerSDK
import DockerTesting
import Foundation
import XCTest

/// A definition built from a Dockerfile context: built once per content hash, reused, labelled,
/// and removed with the session.
final class DockerfileBuildLiveTests: XCTestCase {
    var docker: DockerClient!
    var context: String!

    override func setUp() async throws {
        guard LiveDocker.enabled else { throw XCTSkip("no Docker daemon; live tests skip outside CI") }
        docker = try await LiveDocker.client()
        context = FileManager.default.temporaryDirectory.appendingPathComponent("dt-build-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: context, withIntermediateDirectories: true)
        try """
        FROM dockersdk/busybox
        ARG WHO=nobody
        COPY hello.txt /hello.txt
        RUN echo "built for $WHO" > /who.txt
        CMD ["sleep", "120"]
        """.write(toFile: context + "/Dockerfile", atomically: true, encoding: .utf8)
        // Unique content: this run's hash is its own.
        try "hello \(UUID().uuidString)\n".write(toFile: context + "/hello.txt", atomically: true, encoding: .utf8)
        try "secret-notes\n".write(toFile: context + "/ignored.txt", atomically: true, encoding: .utf8)
        try "ignored.txt\n".write(toFile: context + "/.dockerignore", atomically: true, encoding: .utf8)
    }

    override func tearDown() async throws {
        if let context { try? FileManager.default.removeItem(atPath: context) }
    }

    func testBuildsOnceRunsAndLeavesNothing() async throws {
        let hello = try String(contentsOfFile: context + "/hello.txt", encoding: .utf8)
        let build = DockerfileBuild(context: context, buildArgs: ["WHO": "tests"])
        let before = await DockerfileImages.shared.buildsRun
        let docker = docker!

        let first = ContainerDefinition(build: build, waitStrategy: .exec(["true"]))
        let (tag, imageID) = try await withContainer(first, docker: docker) { container -> (String, String) in
            let out = try await container.exec(["cat", "/hello.txt", "/who.txt"])
            XCTAssertEqual(out.exitCode, 0)
            XCTAssertEqual(out.stdoutText, hello + "built for tests\n", "COPY and RUN with the ARG ran")
            let ignored = try await container.exec(["test", "-e", "/ignored.txt"])
            XCTAssertNotEqual(ignored.exitCode, 0)
            let inspected = try await docker.containers.inspect(container.id)
            return (container.definition.image, inspected.image ?? "")
        }
        let afterFirst = await DockerfileImages.shared.buildsRun
        XCTAssertEqual(afterFirst, before + 1, "one build")
        XCTAssertTrue(tag.hasPrefix("dockertesting/build:"), tag)
        let image = try await docker.images.inspect(tag)
        XCTAssertEqual(image.id, imageID)
        XCTAssertEqual(image.config?.labels?["com.dockersdk.recipe"], "dockertesting")
        XCTAssertEqual(image.config?.labels?["com.dockersdk.instance"], TestSession.shared.id)
        XCTAssertEqual(image.config?.labels?[DockerfileBuild.hashLabel], try build.contentHash())

        // The same context, described again, twice at once: no second build, the same image.
        let again = ContainerDefinition(build: DockerfileBuild(context: context, buildArgs: ["WHO": "tests"]),
                                        command: ["sleep", "60"], waitStrategy: .exec(["true"]))
        async let a = withContainer(again, docker: docker) { c in try await docker.containers.inspect(c.id).image ?? "" }
        async let b = withContainer(again, docker: docker) { c in try await docker.containers.inspect(c.id).image ?? "" }
        let images = try await [a, b]
        XCTAssertEqual(images, [imageID, imageID])
        let afterSecond = await DockerfileImages.shared.buildsRun
        XCTAssertEqual(afterSecond, afterFirst, "the cached image was reused")

        // Another build argument or changed content is another hash.
        XCTAssertNotEqual(try DockerfileBuild(context: context, buildArgs: ["WHO": "others"]).contentHash(), try build.contentHash())
        let hash = try build.contentHash()
        try "changed\n".write(toFile: context + "/hello.txt", atomically: true, encoding: .utf8)
        XCTAssertNotEqual(try build.contentHash(), hash)
        // ... but a file .dockerignore leaves out is not part of it.
        try "changed\n".write(toFile: context + "/hello.txt", atomically: true, encoding: .utf8)
        let changed = try build.contentHash()
        try "other notes\n".write(toFile: context + "/ignored.txt", atomically: true, encoding: .utf8)
        XCTAssertEqual(try build.contentHash(), changed)

        // Nothing left: no container of the build, and the image goes with the session.
        let builders = try await docker.containers.list(all: true, filters: Filters(["ancestor": [imageID]]))
        XCTAssertEqual(builders.map { $0.name ?? $0.id }, [])
        let removed = try await DockerfileImages.shared.removeSessionImages(docker: docker)
        XCTAssertTrue(removed.contains(tag), "\(removed)")
        do {
            _ = try await docker.images.inspect(imageID)
            XCTFail("the built image is still there")
        } catch DockerError.notFound {}
        let leftovers = try await LiveDocker.leftovers(docker)
        XCTAssertEqual(leftovers, [])
    }

    func testABrokenDockerfileFailsWithTheStepAndLeavesNoContainer() async throws {
        try "FROM dockersdk/busybox\nRUN exit 7\n".write(toFile: context + "/Dockerfile", atomically: true, encoding: .utf8)
        let definition = ContainerDefinition(build: DockerfileBuild(context: context), command: ["true"])
        do {
            try await withContainer(definition, docker: docker) { _ in XCTFail("started from a failed build") }
            XCTFail("no error")
        } catch DockerError.buildFailed(let step, _, _) {
            XCTAssertEqual(step?.instruction, "RUN exit 7")
        }
        let leftovers = try await LiveDocker.leftovers(docker)
        XCTAssertEqual(leftovers, [])
    }
}
