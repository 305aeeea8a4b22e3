import DockerSDK
import Foundation
import XCTest

final class VolumesLiveTests: XCTestCase {
    func testVolumeKeepsDataAcrossContainersAndAgreesWithTheCLI() async throws {
        let docker = try await Live.client()
        let test = "volumes"
        let name = Live.name("volume")
        let volume = try await docker.volumes.create(name: name, labels: Live.labels(test))
        func cleanup() async {
            await Task.detached { try? await docker.volumes.remove(name, force: true) }.value
        }
        do {
            XCTAssertEqual(volume.name, name)
            XCTAssertEqual(volume.labels, Live.labels(test))
            let cli = try Exec.run(Exec.docker, ["volume", "inspect", "--format", "{{.Mountpoint}} {{.Driver}}", name])
            XCTAssertEqual(String(decoding: cli.stdout, as: UTF8.self), "\(volume.mountpoint) local\n")

            let payload = randomBytes(100_000)
            // One container writes through the archive API, another reads through exec.
            try await LiveContainers.with(docker, test, configure: { _, host in
                host.mounts = [.volume(name, at: "/data")]
            }) { id, _ in
                try await docker.containers.upload(id, files: [.file("payload.bin", payload)], to: "/data")
            }
            try await LiveContainers.with(docker, test, configure: { _, host in
                host.mounts = [.volume(name, at: "/data", readOnly: true)]
            }) { id, _ in
                let cat = try await docker.exec.run(["cat", "/data/payload.bin"], in: id)
                XCTAssertTrue(cat.stdout == payload)
                let write = try await docker.exec.run(["sh", "-c", "echo x > /data/other"], in: id)
                XCTAssertNotEqual(write.exitCode, 0, "a read-only mount refuses writes")
                let inspected = try await docker.containers.inspect(id)
                let mount = inspected.mounts?.first { $0.destination == "/data" }
                XCTAssertEqual(mount?.mountType, .volume)
                XCTAssertEqual(mount?.name, name)
                XCTAssertEqual(mount?.rw, false)
            }

            let listed = try await docker.volumes.list(filters: .label("com.dockersdk.instance", test))
            XCTAssertTrue(listed.contains { $0.name == name })
            try await docker.volumes.remove(name)
            let gone = await dockerErrorLive { try await docker.volumes.inspect(name) }
            if case .notFound? = gone {} else { XCTFail("expected notFound, got \(String(describing: gone))") }
        } catch {
            await cleanup()
            throw error
        }
        await cleanup()
    }

    func testPruneRemovesOnlyUnusedLabelledVolumes() async throws {
        let docker = try await Live.client()
        let instance = "volumes-prune-\(UInt32.random(in: 0...UInt32.max))"
        let labels = ["com.dockersdk.recipe": "live-test", "com.dockersdk.instance": instance]
        let unused = Live.name("volume-unused")
        let used = Live.name("volume-used")
        func cleanup() async {
            await Task.detached {
                for name in [unused, used] { try? await docker.volumes.remove(name, force: true) }
            }.value
        }
        do {
            _ = try await docker.volumes.create(name: unused, labels: labels)
            _ = try await docker.volumes.create(name: used, labels: labels)
            try await LiveContainers.with(docker, instance, configure: { _, host in
                host.mounts = [.volume(used, at: "/data")]
            }) { _, _ in
                let pruned = try await docker.volumes.prune(filters: .label("com.dockersdk.instance", instance))
                XCTAssertEqual(pruned.volumesDeleted, [unused])
                let inUse = await dockerErrorLive { try await docker.volumes.remove(used) }
                if case .conflict? = inUse {} else { XCTFail("expected a conflict, got \(String(describing: inUse))") }
            }
            try await docker.volumes.remove(used)
            let left = try await docker.volumes.list(filters: .label("com.dockersdk.instance", instance))
            XCTAssertEqual(left, [])
        } catch {
            await cleanup()
            throw error
        }
        await cleanup()
    }
}
