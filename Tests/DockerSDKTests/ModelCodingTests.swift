import DockerSDK
import Foundation
import XCTest

/// Encoding omits nil fields, decoding tolerates what daemons send, open enums keep unknown values,
/// durations are nanoseconds on the wire, and the deprecated spellings still work.
final class ModelCodingTests: XCTestCase {
    func encode(_ value: some Encodable) throws -> JSONValue {
        try XCTUnwrap(JSONValue.parse(try JSONEncoder().encode(value)))
    }

    func json(_ text: String) throws -> JSONValue {
        try XCTUnwrap(JSONValue.parse(Data(text.utf8)))
    }

    func testAnEmptyHostConfigEncodesAsAnEmptyObjectAndZeroesAreKept() throws {
        XCTAssertEqual(try encode(HostConfig()), .object([:]))
        var host = HostConfig()
        host.memorySwappiness = 0
        host.oomKillDisable = false
        host.shmSize = 64 << 20
        XCTAssertEqual(try encode(host), try json(#"{"MemorySwappiness":0,"OomKillDisable":false,"ShmSize":67108864}"#))
        XCTAssertEqual(try encode(ContainerConfig()), .object([:]))
    }

    func testOpenEnumsKeepUnknownValues() throws {
        let state = try JSONDecoder().decode(ContainerState.self, from: Data(#"""
            {"Status":"hibernating","Running":false,"Health":{"Status":"degraded","FailingStreak":1}}
            """#.utf8))
        XCTAssertEqual(state.containerStatus, .other("hibernating"))
        XCTAssertEqual(state.health?.healthStatus, .other("degraded"))
        XCTAssertEqual(try encode(state), try json(#"{"Status":"hibernating","Running":false,"Health":{"Status":"degraded","FailingStreak":1}}"#))
        XCTAssertEqual(MountType(rawValue: "image"), .image)
        XCTAssertEqual(MountType(rawValue: "overlay").rawValue, "overlay")
        XCTAssertEqual(RestartPolicyMode(rawValue: "unless-stopped"), .unlessStopped)
        XCTAssertEqual(RestartPolicyMode(rawValue: ""), .unset)
        XCTAssertEqual(NetworkMode(rawValue: "container:db"), .container("db"))
        XCTAssertEqual(NetworkMode.container("db").rawValue, "container:db")
        XCTAssertEqual(NetworkMode(rawValue: "backend"), .other("backend"))
        XCTAssertEqual(MountPropagation(rawValue: "rslave"), .rslave)
        XCTAssertEqual(EventType(rawValue: "volume"), .volume)
        let mode: NetworkMode = "host"
        XCTAssertEqual(mode, .host)
        var host = HostConfig()
        host.network = .container("db")
        XCTAssertEqual(host.networkMode, "container:db")
    }

    func testHealthCheckDurationsAreNanosecondsOnTheWire() throws {
        let check = HealthConfig(test: ["CMD", "true"], interval: .milliseconds(1500), timeout: .seconds(3), retries: 2,
                                 startPeriod: .microseconds(250), startInterval: .nanoseconds(7))
        XCTAssertEqual(try encode(check), try json(#"""
            {"Test":["CMD","true"],"Interval":1500000000,"Timeout":3000000000,"Retries":2,"StartPeriod":250000,"StartInterval":7}
            """#))
        let decoded = try JSONDecoder().decode(HealthConfig.self, from: JSONEncoder().encode(check))
        XCTAssertEqual(decoded, check)
        let seconds = HealthConfig(test: ["CMD", "true"], interval: 0.5, timeout: 2, retries: 1, startPeriod: 1)
        XCTAssertEqual(seconds.intervalDuration, .milliseconds(500))
        XCTAssertNil(seconds.startInterval)
    }

    @available(*, deprecated)
    func testTheDeprecatedSpellingsStillWork() throws {
        var state = try JSONDecoder().decode(ContainerState.self, from: Data(#"{"Status":"exited","Running":false}"#.utf8))
        XCTAssertEqual(state.status, "exited")
        state.status = "running"
        XCTAssertEqual(state.containerStatus, .running)
        var mount = Mount(type: "bind", source: "/tmp", target: "/data")
        XCTAssertEqual(mount.mountType, .bind)
        mount.type = "volume"
        XCTAssertEqual(mount.mountType, .volume)
        var policy = RestartPolicy(name: "on-failure", maximumRetryCount: 2)
        XCTAssertEqual(policy, .onFailure(maximumRetryCount: 2))
        policy.name = "always"
        XCTAssertEqual(policy.mode, .always)
        var check = HealthConfig(test: ["CMD", "true"], interval: 2.0)
        XCTAssertEqual(check.interval, 2_000_000_000)
        check.timeout = 1_000
        XCTAssertEqual(check.timeoutDuration, .microseconds(1))
        let summary = try JSONDecoder().decode(ContainerSummary.self, from: Data(#"""
            {"Id":"abc","Image":"busybox","Created":1,"State":"paused"}
            """#.utf8))
        XCTAssertEqual(summary.state, "paused")
        XCTAssertEqual(summary.containerStatus, .paused)
    }

    func testListsAndMapsOfEmptyObjects() throws {
        var config = ContainerConfig(image: "busybox", exposedPorts: ["80/tcp", "53/udp"])
        config.volumes = ["/data"]
        XCTAssertEqual(try encode(config), try json(#"{"Image":"busybox","ExposedPorts":{"80/tcp":{},"53/udp":{}},"Volumes":{"/data":{}}}"#))
        let decoded = try JSONDecoder().decode(ContainerConfig.self, from: JSONEncoder().encode(config))
        XCTAssertEqual(decoded.exposedPorts, ["53/udp", "80/tcp"])
        XCTAssertEqual(decoded.volumes, ["/data"])
    }

    func testNullPortBindingsDecodeAsEmptyLists() throws {
        let host = try JSONDecoder().decode(HostConfig.self, from: Data(#"""
            {"PortBindings":{"80/tcp":[{"HostIp":"127.0.0.1","HostPort":"8080"}],"443/tcp":null},"Binds":null}
            """#.utf8))
        XCTAssertEqual(host.portBindings?["80/tcp"], [PortBinding(hostIP: "127.0.0.1", hostPort: "8080")])
        XCTAssertEqual(host.portBindings?["443/tcp"], [])
        XCTAssertNil(host.binds)
    }

    func testRecordedInspectRoundTripsAndRecreatesEverySetting() throws {
        // The recorded 1.41 lifecycle fixture's inspect answers, re-encoded, decode to the same values.
        let fixture = try Fixture.load(path: "\(fixturesDirectory)/v1.41/containers-lifecycle.json")
        let inspects = fixture.exchanges.filter { $0.request.method == "GET" && $0.request.path.hasSuffix("/json")
            && $0.request.path.hasPrefix("/containers/") && $0.response.status == 200 && !$0.request.path.hasPrefix("/containers/json") }
        XCTAssertFalse(inspects.isEmpty)
        for exchange in inspects {
            let body = try XCTUnwrap(exchange.response.body?.data)
            let info = try JSONDecoder().decode(ContainerInspect.self, from: body)
            XCTAssertEqual(try JSONDecoder().decode(ContainerInspect.self, from: JSONEncoder().encode(info)), info)
            // Every key of the daemon's HostConfig and Config is carried into the re-create body.
            let create = try encode(ContainerCreate(config: info.config, hostConfig: info.hostConfig))
            guard case .object(let sent) = create, case .object(let recorded)? = JSONValue.parse(body),
                  case .object(let recordedHost)? = recorded["HostConfig"], case .object(let sentHost)? = sent["HostConfig"],
                  case .object(let recordedConfig)? = recorded["Config"]
            else { return XCTFail("not objects") }
            let droppedHost = recordedHost.filter { key, value in value != .null && sentHost[key] == nil }.keys.sorted()
            // KernelMemory/KernelMemoryTCP: removed from the API (1.42+), ignored by cgroup v2 kernels.
            XCTAssertEqual(droppedHost.filter { !["KernelMemory", "KernelMemoryTCP"].contains($0) }, [],
                           "HostConfig keys inspect has and a re-create would lose")
            let droppedConfig = recordedConfig.filter { key, value in value != .null && sent[key] == nil }.keys.sorted()
            XCTAssertEqual(droppedConfig, [], "Config keys inspect has and a re-create would lose")
        }
    }

    func testDiskUsageReadsBothShapes() throws {
        let legacy = try JSONDecoder().decode(DiskUsage.self, from: Data(#"""
            {"LayersSize":10,"Images":[{"Id":"sha256:a","Created":1,"Size":5,"ParentId":""}],"Containers":[],"Volumes":[],"BuildCache":[]}
            """#.utf8))
        XCTAssertEqual(legacy.images?.first?.id, "sha256:a")
        XCTAssertNil(legacy.imageUsage)
        let current = try JSONDecoder().decode(DiskUsage.self, from: Data(#"""
            {"ImageUsage":{"ActiveCount":1,"TotalCount":2,"Reclaimable":3,"TotalSize":4,"Items":[{"Id":"sha256:b","Created":1,"Size":5}]},
             "VolumeUsage":{"ActiveCount":0,"TotalCount":0,"Reclaimable":0,"TotalSize":0}}
            """#.utf8))
        XCTAssertEqual(current.images?.first?.id, "sha256:b")
        XCTAssertEqual(current.imageUsage?.totalSize, 4)
        XCTAssertNil(current.volumes)
        XCTAssertEqual(try JSONDecoder().decode(DiskUsage.self, from: JSONEncoder().encode(current)), current)
        XCTAssertEqual(try JSONDecoder().decode(DiskUsage.self, from: JSONEncoder().encode(legacy)), legacy)
    }
}
