import DockerSDK
import Foundation
import XCTest

final class ImageArchiveLiveTests: XCTestCase {
    private func build(_ docker: DockerClient, _ tag: String, text: String, test: String) async throws -> String {
        try await withContextFolder(["Dockerfile": "FROM dockersdk/busybox\nCOPY note.txt /note.txt\nCMD [\"cat\", \"/note.txt\"]\n",
                                     "note.txt": text]) { folder in
            try await docker.images.build(.directory(folder), options: BuildOptions(tags: [tag], labels: Live.labels(test)))
                .wait().imageID
        }
    }

    /// Save two images to a file, remove them, load them back: same IDs, same tags, they run.
    func testSaveTwoImagesRemoveLoadBack() async throws {
        let docker = try await Live.client()
        let test = "image-save-load"
        let first = "\(Live.name("save-a")):1"
        let second = "\(Live.name("save-b")):1"
        let file = FileManager.default.temporaryDirectory.appendingPathComponent("dockersdk-save-\(UUID().uuidString).tar").path
        defer { try? FileManager.default.removeItem(atPath: file) }
        try await withLiveImages(docker, [first, second]) {
            let firstID = try await build(docker, first, text: "first\n", test: test)
            let secondID = try await build(docker, second, text: "second\n", test: test)
            XCTAssertNotEqual(firstID, secondID)

            let written = try await docker.images.save([first, second], to: file)
            let size = try FileManager.default.attributesOfItem(atPath: file)[.size] as? NSNumber
            XCTAssertEqual(size?.int64Value, written)
            // A docker save archive: a manifest naming both tags.
            let entries = try TarArchive.read(Data(contentsOf: URL(fileURLWithPath: file)))
            let manifest = try XCTUnwrap(entries.first { $0.path == "manifest.json" })
            let text = String(decoding: manifest.data, as: UTF8.self)
            XCTAssertTrue(text.contains(first) && text.contains(second), text)

            try await docker.images.remove(first)
            try await docker.images.remove(second)
            let firstGone = try await docker.images.exists(first)
            let secondGone = try await docker.images.exists(second)
            XCTAssertFalse(firstGone || secondGone)

            var loaded: [String] = []
            var progress = 0
            for try await event in try await docker.images.load(.file(file)) {
                switch event {
                case .loaded(let name): loaded.append(name)
                case .progress: progress += 1
                case .output: break
                }
            }
            XCTAssertEqual(Set(loaded), [first, second])
            let firstBack = try await docker.images.inspect(first)
            let secondBack = try await docker.images.inspect(second)
            XCTAssertEqual(firstBack.id, firstID)
            XCTAssertEqual(secondBack.id, secondID)
            let (output, _) = try await runImage(docker, second, test: test)
            XCTAssertEqual(output, "second\n")
        }
    }

    /// One image saved as a stream (GET /images/{name}/get) and loaded from a stream (spooled).
    func testSaveAsStreamAndLoadFromStream() async throws {
        let docker = try await Live.client()
        let test = "image-save-stream"
        let tag = "\(Live.name("save-stream")):1"
        try await withLiveImages(docker, [tag]) {
            let id = try await build(docker, tag, text: "streamed\n", test: test)
            var chunks: [Data] = []
            for try await chunk in try await docker.images.save([tag]) { chunks.append(chunk) }
            XCTAssertGreaterThan(chunks.reduce(0) { $0 + $1.count }, 1_000_000, "busybox's layer is in it")
            let removed = try await docker.images.remove(tag)
            XCTAssertTrue(removed.contains { $0.deleted == id }, "\(removed)")
            let loaded = try await docker.images.load(streaming: ByteStream.chunks(chunks)).wait()
            XCTAssertEqual(loaded, [tag])
            let back = try await docker.images.inspect(tag)
            XCTAssertEqual(back.id, id)
        }
    }

    /// A file that is not an image archive: a typed error, nothing loaded.
    func testLoadingGarbageIsATypedError() async throws {
        let docker = try await Live.client()
        let error = await dockerErrorLive {
            try await docker.images.load(.data(try TarArchive.write([.file("hello.txt", text: "not an image\n")]))).wait()
        }
        switch error {
        case .streamError(let message)?, .serverError(_, let message)?, .badRequest(let message)?:
            XCTAssertFalse(message.isEmpty)
        default:
            XCTFail("expected a typed daemon error, got \(String(describing: error))")
        }
    }
}
