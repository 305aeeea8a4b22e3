import DockerSDK
import Foundation
import XCTest

final class ImagesLiveTests: XCTestCase {
    /// Removes images by reference on every path.
    private func withImages<T>(_ docker: DockerClient, _ references: [String], _ body: () async throws -> T) async throws -> T {
        func cleanup() async {
            await Task.detached {
                for reference in references { _ = try? await docker.images.remove(reference, force: true) }
            }.value
        }
        do {
            let result = try await body()
            await cleanup()
            return result
        } catch {
            await cleanup()
            throw error
        }
    }

    func testImportInspectTagListRemoveAgreesWithTheCLI() async throws {
        let docker = try await Live.client()
        let repository = Live.name("image")
        let reference = "\(repository):1"
        let other = "\(repository):other"
        let test = "images-import"
        let labelChange = "LABEL " + Live.labels(test).map { "\($0.key)=\($0.value)" }.sorted().joined(separator: " ")
        try await withImages(docker, [reference, other]) {
            let tarball = try TarArchive.write([.directory("etc/"), .file("etc/message", text: "imported\n"),
                                                .file("data.bin", randomBytes(10_000))])
            let events = try await docker.images.importTarball(.data(tarball), reference: reference,
                                                               changes: [labelChange, "ENV GREETING=hi"]).wait()
            let id = try XCTUnwrap(events.last?.status)
            XCTAssertTrue(id.hasPrefix("sha256:"))

            let inspected = try await docker.images.inspect(reference)
            XCTAssertEqual(inspected.id, id)
            XCTAssertEqual(inspected.config?.labels?["com.dockersdk.instance"], test)
            XCTAssertTrue(inspected.config?.env?.contains("GREETING=hi") ?? false)
            let cli = try Exec.run(Exec.docker, ["image", "inspect", "--format", "{{.Id}} {{.Size}}", reference])
            XCTAssertEqual(String(decoding: cli.stdout, as: UTF8.self), "\(id) \(inspected.size ?? -1)\n")

            try await docker.images.tag(reference, as: other)
            let listed = try await docker.images.list(filters: ["reference": [repository]])
            XCTAssertEqual(listed.map(\.id), [id])
            XCTAssertEqual(Set(listed.first?.repoTags ?? []), [reference, other])
            let byLabel = try await docker.images.list(filters: .label("com.dockersdk.instance", test))
            XCTAssertTrue(byLabel.contains { $0.id == id })

            // A container from the image sees the imported file (busybox's sh is not in it: read it with the archive API).
            let container = try await docker.containers.create(
                ContainerCreate(image: reference, cmd: ["/nothing"], labels: Live.labels(test)), name: Live.name("image-user"))
            do {
                let message = try await docker.containers.readFile(container.id, path: "/etc/message")
                XCTAssertEqual(String(decoding: message, as: UTF8.self), "imported\n")
                let inUse = await dockerErrorLive { try await docker.images.remove(reference) }
                // Removing one of two tags only untags, even while a container uses the image.
                XCTAssertNil(inUse)
                let conflict = await dockerErrorLive { try await docker.images.remove(other) }
                if case .conflict? = conflict {} else { XCTFail("expected a conflict, got \(String(describing: conflict))") }
            } catch {
                await LiveContainers.remove(docker, container.id)
                throw error
            }
            await LiveContainers.remove(docker, container.id)

            let removed = try await docker.images.remove(other)
            XCTAssertTrue(removed.contains { $0.deleted == id }, "\(removed)")
            let exists = try await docker.images.exists(reference)
            XCTAssertFalse(exists)
            let cliAfter = try Exec.run(Exec.docker, ["image", "inspect", reference])
            XCTAssertNotEqual(cliAfter.status, 0)
        }
    }

    func testImportFromAFileStreamsIt() async throws {
        let docker = try await Live.client()
        let reference = "\(Live.name("image-file")):1"
        try await withImages(docker, [reference]) {
            let payload = randomBytes(8 << 20)
            let url = FileManager.default.temporaryDirectory.appendingPathComponent("\(UUID().uuidString).tar")
            try TarArchive.write([.file("big.bin", payload)]).write(to: url)
            defer { try? FileManager.default.removeItem(at: url) }
            _ = try await docker.images.importTarball(.file(url.path), reference: reference).wait()
            let inspected = try await docker.images.inspect(reference)
            XCTAssertGreaterThanOrEqual(inspected.size ?? 0, Int64(payload.count))
        }
    }

    /// Pulling from a closed local port: a typed error, nothing public contacted.
    func testPullFromAnUnreachableRegistryFails() async throws {
        let docker = try await Live.client()
        let error = await dockerErrorLive {
            try await docker.images.pull("127.0.0.1:9/dockersdk-live/unreachable:1").wait()
        }
        switch error {
        case .serverError(_, let message)?, .streamError(let message)?:
            XCTAssertTrue(message.contains("127.0.0.1:9"), message)
        default:
            XCTFail("expected a server or stream error, got \(String(describing: error))")
        }
    }

    func testMissingImageIsNotFound() async throws {
        let docker = try await Live.client()
        let error = await dockerErrorLive { try await docker.images.inspect("dockersdk-live/missing:\(UInt32.random(in: 0...UInt32.max))") }
        if case .notFound? = error {} else { XCTFail("expected notFound, got \(String(describing: error))") }
    }
}

/// The `DockerError` `body` throws, or nil when it succeeds.
func dockerErrorLive<T>(_ body: () async throws -> T) async -> DockerError? {
    do {
        _ = try await body()
        return nil
    } catch {
        return error as? DockerError ?? .malformedResponse("not a DockerError: \(error)")
    }
}
