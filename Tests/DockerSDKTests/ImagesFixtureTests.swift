import DockerSDK
import Foundation
import XCTest

final class ImagesFixtureTests: XCTestCase {
    static let tiny = "dockersdk-fx/tiny:1"
    static let retagged = "dockersdk-fx/tiny:retagged"
    static let dangling = "dockersdk-fx/tiny:dangling"
    /// A password the pull scenario sends; it must never appear in the fixture.
    static let password = "fx-Secret-Pa55word!"

    func testListInspectImportTagRemovePrune() async throws {
        let references = [Self.tiny, Self.retagged, Self.dangling]
        await FixtureCleanup.images(references)
        let session = try fixture("images")
        do {
            try await images(session)
        } catch {
            await FixtureCleanup.images(references)
            throw error
        }
        try session.finish()
    }

    private func images(_ session: FixtureSession) async throws {
        let docker = session.docker
        let labelChange = "LABEL com.dockersdk.recipe=fixture com.dockersdk.fixture=images"

        // list and inspect the setup image
        let all = try await docker.images.list()
        let busybox = try XCTUnwrap(all.first { $0.repoTags?.contains("dockersdk/busybox:latest") == true })
        XCTAssertTrue(busybox.id.hasPrefix("sha256:"))
        XCTAssertGreaterThan(busybox.size, 0)
        let filtered = try await docker.images.list(filters: ["reference": ["dockersdk/busybox"]])
        XCTAssertEqual(filtered.map(\.id), [busybox.id])
        let inspected = try await docker.images.inspect("dockersdk/busybox:latest")
        XCTAssertEqual(inspected.id, busybox.id)
        XCTAssertEqual(inspected.os, "linux")
        XCTAssertTrue(inspected.repoTags?.contains("dockersdk/busybox:latest") ?? false)
        let value1 = try await docker.images.exists("dockersdk/busybox:latest")
        XCTAssertTrue(value1)
        let value2 = try await docker.images.exists(Self.tiny)
        XCTAssertFalse(value2)

        // import a tiny tarball holding one file
        let tarball = try TarArchive.write([.file("hello.txt", text: "hello from a tiny image\n")],
                                           modificationTime: fixtureDate)
        let events = try await docker.images.importTarball(.data(tarball), reference: Self.tiny,
                                                           changes: [labelChange, "CMD [\"/hello.txt\"]"],
                                                           message: "imported by a fixture").wait()
        let imported = try XCTUnwrap(events.last?.status)
        XCTAssertTrue(imported.hasPrefix("sha256:"), "the last event names the image: \(events)")
        let tiny = try await docker.images.inspect(Self.tiny)
        XCTAssertEqual(tiny.id, imported)
        XCTAssertEqual(tiny.comment, "imported by a fixture")
        XCTAssertEqual(tiny.config?.labels?["com.dockersdk.fixture"], "images")
        XCTAssertEqual(tiny.config?.cmd, ["/hello.txt"])
        XCTAssertEqual(tiny.repoTags, [Self.tiny])
        XCTAssertLessThan(tiny.size ?? .max, 1000)

        // tag
        try await docker.images.tag(Self.tiny, as: Self.retagged)
        let retaggedTags = try await docker.images.inspect(Self.retagged).repoTags ?? []
        XCTAssertEqual(Set(retaggedTags), [Self.tiny, Self.retagged])
        let labelled = try await docker.images.list(filters: .label("com.dockersdk.fixture", "images"))
        XCTAssertEqual(labelled.map(\.id), [imported])

        // remove: one tag is untagged, the last one deletes the image
        let untagged = try await docker.images.remove(Self.retagged)
        XCTAssertEqual(untagged.map(\.untagged), [Self.retagged])
        XCTAssertEqual(untagged.compactMap(\.deleted), [])
        let removed = try await docker.images.remove(Self.tiny)
        XCTAssertTrue(removed.contains { $0.untagged == Self.tiny }, "\(removed)")
        XCTAssertTrue(removed.contains { $0.deleted == imported }, "\(removed)")
        let gone = await dockerError { try await docker.images.inspect(Self.tiny) }
        XCTAssertEqual(gone?.isNotFound, true)
        let removeMissing = await dockerError { try await docker.images.remove(Self.tiny) }
        XCTAssertEqual(removeMissing?.isNotFound, true, "\(String(describing: removeMissing))")

        // prune: importing twice under one tag leaves the first image dangling
        let first = try await docker.images.importTarball(
            .data(try TarArchive.write([.file("v1", text: "one\n")], modificationTime: fixtureDate)),
            reference: Self.dangling, changes: [labelChange]).wait().last?.status
        let second = try await docker.images.importTarball(
            .data(try TarArchive.write([.file("v2", text: "two\n")], modificationTime: fixtureDate)),
            reference: Self.dangling, changes: [labelChange]).wait().last?.status
        XCTAssertNotEqual(first, second)
        let danglingList = try await docker.images.list(filters: ["dangling": ["true"], "label": ["com.dockersdk.fixture=images"]])
        XCTAssertEqual(danglingList.map(\.id), [first].compactMap { $0 })
        // dockerd 20.10 lists a dangling image's tags as `<none>:<none>`; newer ones as none.
        XCTAssertTrue((danglingList.first?.repoTags ?? []).allSatisfy { $0 == "<none>:<none>" })
        let pruned = try await docker.images.prune(filters: ["label": ["com.dockersdk.fixture=images"]])
        // The image and its layer are both reported deleted.
        let deleted = pruned.imagesDeleted?.compactMap(\.deleted) ?? []
        XCTAssertTrue(deleted.contains(first ?? "-"), "\(deleted)")
        XCTAssertLessThanOrEqual(deleted.count, 2, "nothing but the dangling image and its layer: \(deleted)")
        let value3 = try await docker.images.exists(Self.dangling)
        XCTAssertTrue(value3, "tagged images are not pruned")
        try await docker.images.remove(Self.dangling)
    }

    /// Pulling from a registry that does not answer (a closed local port: nothing public is contacted).
    func testPullFromAnUnreachableRegistryIsATypedError() async throws {
        let session = try fixture("images-pull-unreachable", secrets: [Self.password])
        let docker = session.docker
        let auth = RegistryAuth(username: "fixture-user", password: Self.password, serverAddress: "127.0.0.1:9")
        XCTAssertFalse(auth.description.contains(Self.password))
        let error = await dockerError {
            try await docker.images.pull("127.0.0.1:9/dockersdk-fx/unreachable:1", auth: auth).wait()
        }
        switch error {
        case .serverError(let status, let message)?:
            XCTAssertEqual(status, 500)
            XCTAssertTrue(message.contains("127.0.0.1:9"), message)
        case .streamError(let message)?:
            XCTAssertTrue(message.contains("127.0.0.1:9"), message)
        default:
            XCTFail("expected a server or stream error, got \(String(describing: error))")
        }
        XCTAssertFalse(error?.message?.contains(Self.password) ?? true)

        // without credentials: the same typed error
        let anonymous = await dockerError { try await docker.images.pull("127.0.0.1:9/dockersdk-fx/unreachable:1").wait() }
        XCTAssertEqual(anonymous?.message, error?.message)
        try session.finish()
    }

    /// No recorded fixture holds a password or the registry auth header in clear.
    func testFixturesHoldNoSecretsInClear() throws {
        let directory = "\(fixturesDirectory)/v1.41"
        let files = try FileManager.default.contentsOfDirectory(atPath: directory).filter { $0.hasSuffix(".json") }
        XCTAssertFalse(files.isEmpty)
        let auth = try RegistryAuth(username: "fixture-user", password: Self.password, serverAddress: "127.0.0.1:9")
            .headerValue()
        let needles = [Self.password, auth, Data(Self.password.utf8).base64EncodedString()]
        for file in files {
            let text = try String(contentsOfFile: "\(directory)/\(file)", encoding: .utf8)
            for needle in needles {
                XCTAssertFalse(text.contains(needle), "\(file) holds a secret in clear")
            }
            // Every registry auth header was replaced.
            let fixture = try Fixture.load(path: "\(directory)/\(file)")
            for exchange in fixture.exchanges {
                for (name, value) in exchange.request.headers ?? [:] where name.lowercased() == "x-registry-auth" {
                    XCTAssertEqual(value, "<redacted>", "\(file): \(exchange.request.summary)")
                }
            }
        }
        let pull = try Fixture.load(path: "\(directory)/images-pull-unreachable.json")
        XCTAssertTrue(pull.exchanges.contains { $0.request.headers?["X-Registry-Auth"] == "<redacted>" },
                      "the pull scenario sent credentials, redacted in the fixture")
    }
}
