import DockerSDK
import Foundation
import XCTest

/// HostConfig and ContainerUpdate share one `Resources` list and code it flat, as the API does; its
/// fields stay reachable as properties of both (`host.memory`), so code written before compiles.
final class ResourcesCodingTests: XCTestCase {
    private func object(_ value: some Encodable) throws -> [String: Any] {
        try XCTUnwrap(JSONSerialization.jsonObject(with: JSONEncoder().encode(value)) as? [String: Any])
    }

    func testResourceFieldsAreFlatInBothBodies() throws {
        var host = HostConfig(memory: 64 << 20, ulimits: [Ulimit(name: "nofile", soft: 1024, hard: 2048)])
        host.pidsLimit = 100
        host.`init` = true
        host.binds = ["/srv:/srv:ro"]
        let hostJSON = try object(host)
        XCTAssertEqual(Set(hostJSON.keys), ["Memory", "Ulimits", "PidsLimit", "Init", "Binds"])
        XCTAssertEqual(hostJSON["Memory"] as? Int, 64 << 20)
        XCTAssertNil(hostJSON["Resources"], "no nested object on the wire")

        var update = ContainerUpdate(memory: 64 << 20, restartPolicy: RestartPolicy(.onFailure, maximumRetryCount: 2))
        update.resources.pidsLimit = 100
        update.cpusetCpus = "0-1"
        let updateJSON = try object(update)
        XCTAssertEqual(Set(updateJSON.keys), ["Memory", "PidsLimit", "CpusetCpus", "RestartPolicy"])
        XCTAssertEqual(update.pidsLimit, host.pidsLimit, "the same field through either type")

        // One list: limits taken from a container's HostConfig go into an update unchanged.
        var fromHost = ContainerUpdate()
        fromHost.resources = host.resources
        XCTAssertEqual(fromHost.memory, 64 << 20)
        XCTAssertEqual(fromHost.ulimits?.first?.hard, 2048)
    }

    func testDecodingSplitsTheFlatObjectAndRoundTrips() throws {
        let json = Data(#"{"Memory":1048576,"NanoCpus":500000000,"NetworkMode":"bridge","RestartPolicy":{"Name":"always"},"#
            .appending(#""BlkioWeight":300,"CapAdd":["NET_ADMIN"]}"#).utf8)
        let host = try JSONDecoder().decode(HostConfig.self, from: json)
        XCTAssertEqual(host.resources.memory, 1_048_576)
        XCTAssertEqual(host.nanoCPUs, 500_000_000)
        XCTAssertEqual(host.blkioWeight, 300)
        XCTAssertEqual(host.networkMode, "bridge")
        XCTAssertEqual(host.capAdd, ["NET_ADMIN"])
        XCTAssertEqual(try JSONDecoder().decode(HostConfig.self, from: JSONEncoder().encode(host)), host)
        let update = try JSONDecoder().decode(ContainerUpdate.self, from: json)
        XCTAssertEqual(update.memory, 1_048_576)
        XCTAssertEqual(update.restartPolicy?.mode, .always)
        XCTAssertEqual(try JSONDecoder().decode(ContainerUpdate.self, from: JSONEncoder().encode(update)), update)
    }

    func testFieldsWorkAsKeyPathsAndInPlaceMutation() {
        var host = HostConfig()
        let memory: WritableKeyPath<HostConfig, Int64?> = \.memory
        host[keyPath: memory] = 10
        host.memory? += 1
        host.ulimits = []
        host.ulimits?.append(Ulimit(name: "nproc", soft: 1, hard: 2))
        XCTAssertEqual(host.resources.memory, 11)
        XCTAssertEqual(host.resources.ulimits?.count, 1)
    }
}
