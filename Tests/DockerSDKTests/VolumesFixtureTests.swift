import DockerSDK
import Foundation
import XCTest

final class VolumesFixtureTests: XCTestCase {
    func testCreateListInspectRemovePrune() async throws {
        let data = "dockersdk-fx-volume-data"
        let unused = "dockersdk-fx-volume-unused"
        let user = "dockersdk-fx-volume-user"
        await FixtureCleanup.containers([user])
        await FixtureCleanup.volumes([data, unused])
        let session = try fixture("volumes")
        do {
            try await volumes(session, data: data, unused: unused, user: user)
        } catch {
            await FixtureCleanup.containers([user])
            await FixtureCleanup.volumes([data, unused])
            throw error
        }
        try session.finish()
    }

    private func volumes(_ session: FixtureSession, data: String, unused: String, user: String) async throws {
        let docker = session.docker
        let labels = fixtureLabels("volumes", ["purpose": "data"])

        // create with labels
        let created = try await docker.volumes.create(name: data, labels: labels)
        XCTAssertEqual(created.name, data)
        XCTAssertEqual(created.driver, "local")
        XCTAssertEqual(created.labels, labels)
        XCTAssertEqual(created.scope, "local")
        XCTAssertTrue(created.mountpoint.hasSuffix("/\(data)/_data"), created.mountpoint)
        // creating it again returns the same volume
        let value1 = try await docker.volumes.create(name: data, labels: labels).name
        XCTAssertEqual(value1, data)

        let other = try await docker.volumes.create(name: unused, labels: fixtureLabels("volumes", ["purpose": "prune"]))
        XCTAssertEqual(other.labels?["purpose"], "prune")

        // list with filters
        let both = try await docker.volumes.list(filters: .label("com.dockersdk.fixture", "volumes"))
        XCTAssertEqual(Set(both.map(\.name)), [data, unused])
        let dataOnly = try await docker.volumes.list(filters: Filters(["label": ["com.dockersdk.fixture=volumes", "purpose=data"]]))
        XCTAssertEqual(dataOnly.map(\.name), [data])
        let byName = try await docker.volumes.list(filters: ["name": [unused]])
        XCTAssertEqual(byName.map(\.name), [unused])

        // inspect
        let inspected = try await docker.volumes.inspect(data)
        XCTAssertEqual(inspected.name, data)
        XCTAssertEqual(inspected.labels, labels)
        XCTAssertEqual(inspected.mountpoint, created.mountpoint)
        XCTAssertNotNil(inspected.createdAt)
        let missing = await dockerError { try await docker.volumes.inspect("dockersdk-fx-volume-missing") }
        XCTAssertEqual(missing?.isNotFound, true, "\(String(describing: missing))")

        // a volume in use cannot be removed (conflict), nor pruned
        try await docker.containers.create(
            ContainerCreate(image: "dockersdk/busybox", cmd: ["sh", "-c", "echo kept > /data/file"], labels: fixtureLabels("volumes"),
                            hostConfig: HostConfig(mounts: [.volume(data, at: "/data")])),
            name: user)
        try await docker.containers.start(user)
        let value2 = try await docker.containers.wait(user).statusCode
        XCTAssertEqual(value2, 0)
        let inUse = await dockerError { try await docker.volumes.remove(data) }
        XCTAssertEqual(inUse?.isConflict, true, "\(String(describing: inUse))")

        // prune: only the unused volume carrying the label goes
        let pruned = try await docker.volumes.prune(filters: .label("com.dockersdk.fixture", "volumes"))
        XCTAssertEqual(pruned.volumesDeleted, [unused])
        let value3 = try await docker.volumes.list(filters: .label("com.dockersdk.fixture", "volumes")).map(\.name)
        XCTAssertEqual(value3, [data])

        // remove
        try await docker.containers.remove(user)
        try await docker.volumes.remove(data)
        let gone = await dockerError { try await docker.volumes.inspect(data) }
        XCTAssertEqual(gone?.isNotFound, true)
        let removeMissing = await dockerError { try await docker.volumes.remove(data) }
        XCTAssertEqual(removeMissing?.isNotFound, true)
        let value4 = try await docker.volumes.list(filters: .label("com.dockersdk.fixture", "volumes"))
        XCTAssertEqual(value4, [])
    }
}
