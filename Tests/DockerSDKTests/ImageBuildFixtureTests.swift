import DockerSDK
import Foundation
import XCTest

/// Build, push, pull, save/load, history, search, auth: recorded from dockerd 20.10 and the local
/// registries of scripts/registry.sh (re-record with DOCKERSDK_RECORD=1 after scripts/setup.sh).
final class ImageBuildFixtureTests: XCTestCase {
    static let built = "dockersdk-fx/built:1"
    static let pushed = "127.0.0.1:5443/dockersdk-fx/pushed:1"
    static let saveA = "dockersdk-fx/save-a:1"
    static let saveB = "dockersdk-fx/save-b:1"
    /// The wrong password the scenario sends; never in the fixture.
    static let wrongPassword = "fx-Wrong-Pa55word!"

    /// The registry's test user: the real one when recording, a stand-in when replaying (the
    /// password only travels in scrubbed places, so the stand-in matches the recording).
    static func registryUser() -> (username: String, password: String) {
        let directory = ProcessInfo.processInfo.environment["DOCKERSDK_REGISTRY_DIR"] ?? "/var/lib/dockersdk-registry"
        if recordingFixtures, let text = try? String(contentsOfFile: "\(directory)/auth/credentials", encoding: .utf8) {
            var values: [String: String] = [:]
            for entry in text.split(separator: "\n") {
                guard let eq = entry.firstIndex(of: "=") else { continue }
                values[String(entry[..<eq])] = String(entry[entry.index(after: eq)...])
            }
            if let user = values["username"], let password = values["password"] { return (user, password) }
        }
        return ("dockersdk-test", "fx-stand-in-password")
    }

    /// A folder with a Dockerfile, removed after `body`.
    private func withContext<T>(_ files: [String: String], _ body: (String) async throws -> T) async throws -> T {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("dockersdk-fx-\(UUID().uuidString)").path
        defer { try? FileManager.default.removeItem(atPath: folder) }
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        for (path, text) in files {
            _ = FileManager.default.createFile(atPath: "\(folder)/\(path)", contents: Data(text.utf8))
        }
        return try await body(folder)
    }

    func testBuildHistoryFailurePrune() async throws {
        await FixtureCleanup.images([Self.built])
        let session = try fixture("images-build")
        let docker = session.docker
        let dockerfile = """
        FROM dockersdk/busybox AS base
        ARG GREETING=hello
        RUN echo "$GREETING" > /greeting
        FROM base AS final
        CMD ["cat", "/greeting"]

        """
        try await withContext(["Dockerfile": dockerfile]) { folder in
            let result = try await docker.images.build(.directory(folder), options: BuildOptions(
                tags: [Self.built], buildArgs: ["GREETING": "hi"], target: "final",
                labels: ["com.dockersdk.recipe": "fixture"], noCache: true)).wait()
            XCTAssertTrue(result.imageID.hasPrefix("sha256:"))
            XCTAssertEqual(result.steps.map(\.number), Array(1...result.steps.count))
            XCTAssertEqual(result.steps.first?.instruction, "FROM dockersdk/busybox AS base")
            XCTAssertEqual(result.steps.last?.instruction, "LABEL com.dockersdk.recipe=fixture")
            XCTAssertTrue(result.output.contains("Successfully tagged \(Self.built)"), "\(result.output)")

            let history = try await docker.images.history(Self.built)
            XCTAssertEqual(history.first?.id, result.imageID)
            XCTAssertTrue(history.contains { $0.createdBy.contains("echo \"$GREETING\" > /greeting") },
                          "\(history.map(\.createdBy))")
            XCTAssertEqual(history.last?.comment, "Imported from -")
            try await docker.images.remove(Self.built)
        }

        let failing = "FROM dockersdk/busybox\nRUN echo about to fail && exit 3\n"
        try await withContext(["Dockerfile": failing]) { folder in
            let error = await dockerError {
                try await docker.images.build(.directory(folder), options: BuildOptions(forceRemoveIntermediate: true)).wait()
            }
            guard case .buildFailed(let step, let message, let code)? = error else {
                return XCTFail("expected buildFailed, got \(String(describing: error))")
            }
            XCTAssertEqual(step, BuildStep(number: 2, total: 2, instruction: "RUN echo about to fail && exit 3"))
            XCTAssertEqual(code, 3)
            XCTAssertTrue(message.contains("returned a non-zero code: 3"), message)
        }

        // A filter that matches no cache record: the shape of the answer, nothing removed.
        let pruned = try await docker.images.pruneBuildCache(filters: ["id": ["dockersdk-fx-none"]])
        XCTAssertEqual(pruned.spaceReclaimed, 0)
        XCTAssertEqual(pruned.cachesDeleted ?? [], [])
        try session.finish()
    }

    func testPushPullAuthAgainstTheTLSRegistry() async throws {
        let user = Self.registryUser()
        await FixtureCleanup.images([Self.pushed])
        let session = try fixture("images-registry", secrets: [user.password, Self.wrongPassword])
        let docker = session.docker
        let auth = RegistryAuth(username: user.username, password: user.password, serverAddress: "127.0.0.1:5443")
        let wrong = RegistryAuth(username: user.username, password: Self.wrongPassword, serverAddress: "127.0.0.1:5443")

        let login = try await docker.system.auth(auth)
        XCTAssertEqual(login.status, "Login Succeeded")
        let refused = await dockerError { try await docker.system.auth(wrong) }
        guard case .unauthorized(let message)? = refused else { return XCTFail("\(String(describing: refused))") }
        XCTAssertTrue(message.contains("401 Unauthorized"), message)

        try await docker.images.tag("dockersdk/busybox:latest", as: Self.pushed)
        let denied = await dockerError { try await docker.images.push(Self.pushed, auth: wrong).wait() }
        guard case .unauthorized(let deniedMessage)? = denied else { return XCTFail("\(String(describing: denied))") }
        XCTAssertEqual(deniedMessage, "unauthorized: authentication required")

        let pushed = try await docker.images.push(Self.pushed, auth: auth).wait()
        XCTAssertEqual(pushed.map(\.tag), ["1"])
        let digest = try XCTUnwrap(pushed.first?.digest)
        let remote = try await docker.distribution.inspect(Self.pushed, auth: auth)
        XCTAssertEqual(remote.descriptor.digest, digest)
        XCTAssertEqual(remote.descriptor.mediaType, "application/vnd.docker.distribution.manifest.v2+json")
        XCTAssertEqual(remote.platforms, [DistributionInspect.Platform(architecture: "amd64", os: "linux")])

        try await docker.images.remove(Self.pushed)
        let events = try await docker.images.pull(Self.pushed, auth: auth).wait()
        XCTAssertTrue(events.contains { $0.status == "Digest: \(digest)" }, "\(events)")
        let busybox = try await docker.images.inspect("dockersdk/busybox:latest")
        let pulled = try await docker.images.inspect(Self.pushed)
        XCTAssertEqual(pulled.id, busybox.id)
        try await docker.images.remove(Self.pushed)

        // Search asks the registry's v1 API, which distribution 2.8 lacks: the daemon's real answer.
        let search = await dockerError { try await docker.images.search("127.0.0.1:5000/dockersdk") }
        guard case .serverError(500, let searchMessage)? = search else { return XCTFail("\(String(describing: search))") }
        XCTAssertEqual(searchMessage, "Unexpected status code 404")
        try session.finish()
    }

    func testSaveTwoImagesAndLoadThemBack() async throws {
        await FixtureCleanup.images([Self.saveA, Self.saveB])
        let session = try fixture("images-save-load")
        let docker = session.docker
        var ids: [String] = []
        for (reference, text) in [(Self.saveA, "a\n"), (Self.saveB, "b\n")] {
            let tarball = try TarArchive.write([.file("note.txt", text: text)], modificationTime: fixtureDate)
            let events = try await docker.images.importTarball(.data(tarball), reference: reference,
                                                               changes: ["LABEL com.dockersdk.recipe=fixture"]).wait()
            ids.append(try XCTUnwrap(events.last?.status))
        }
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("dockersdk-fx-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let file = "\(folder)/saved.tar"
        let written = try await docker.images.save([Self.saveA, Self.saveB], to: file)
        XCTAssertGreaterThan(written, 1024)
        let entries = try TarArchive.read(Data(contentsOf: URL(fileURLWithPath: file)))
        XCTAssertTrue(entries.contains { $0.path == "manifest.json" })
        try await docker.images.remove(Self.saveA)
        try await docker.images.remove(Self.saveB)
        let loaded = try await docker.images.load(.file(file)).wait()
        XCTAssertEqual(loaded, [Self.saveA, Self.saveB])
        let a = try await docker.images.inspect(Self.saveA)
        let b = try await docker.images.inspect(Self.saveB)
        XCTAssertEqual([a.id, b.id], ids)
        try await docker.images.remove(Self.saveA)
        try await docker.images.remove(Self.saveB)
        try session.finish()
    }

    /// Docker Hub's search answer, synthesized from the API reference's example (no Hub here).
    func testSearchResultsDecode() async throws {
        // Always a replay: recording would overwrite the synthesized answer with the daemon's error.
        let session = try FixtureSession(scenario: "images-search-synthesized", directory: fixturesDirectory, record: false)
        let results = try await session.docker.images.search("sshd", limit: 3)
        XCTAssertEqual(results.map(\.name), ["wma55/u1210sshd", "jdswinbank/sshd", "vgauthier/sshd"])
        XCTAssertEqual(results.first?.isOfficial, false)
        XCTAssertEqual(results.first?.starCount, 0)
        try session.finish()
    }

    /// No recorded fixture of this suite holds the registry password or the wrong one.
    func testRegistryFixtureHoldsNoSecrets() throws {
        let path = "\(fixturesDirectory)/v1.41/images-registry.json"
        let text = try String(contentsOfFile: path, encoding: .utf8)
        XCTAssertFalse(text.contains(Self.wrongPassword))
        let real = Self.registryUser().password
        XCTAssertFalse(text.contains(real))
        XCTAssertFalse(text.contains(Data(real.utf8).base64EncodedString()))
        let fixture = try Fixture.load(path: path)
        let authBodies = fixture.exchanges.filter { $0.request.path == "/auth" }
        XCTAssertEqual(authBodies.count, 2)
        for exchange in authBodies {
            guard case .json(.object(let body))? = exchange.request.body else { return XCTFail("no JSON body") }
            XCTAssertEqual(body["password"], .string("<redacted>"))
        }
        let pushes = fixture.exchanges.filter { $0.request.path.hasSuffix("/push") }
        XCTAssertEqual(pushes.count, 2)
        XCTAssertTrue(pushes.allSatisfy { $0.request.headers?["X-Registry-Auth"] == "<redacted>" })
    }
}
