import DockerSDK
import Foundation
import XCTest

/// Fields newer than API 1.41 go out only when the negotiated version has them; otherwise a typed
/// error names the minimum version and nothing is sent.
final class VersionGatingTests: XCTestCase {
    static let created = #"{"Id":"4fa6e0f0c6786287e131c3852c58a2e01cc697a68231826813597e4994f1d6e2","Warnings":[]}"#

    /// A client pinned to `version` whose transport answers exactly `exchanges` (nothing else may be sent).
    func client(_ version: APIVersion, _ exchanges: [Fixture.Exchange] = []) throws -> (DockerClient, ReplayTransport) {
        let replay = ReplayTransport(fixture: Fixture(scenario: "version-gating", apiVersion: version.description,
                                                      synthesized: true, source: "v1.44.yaml#/definitions/HealthConfig",
                                                      exchanges: exchanges))
        return (try DockerClient(host: .unix(path: "/replay/gating"), apiVersion: version, transport: replay,
                                 environment: [:]), replay)
    }

    func createExchange(_ version: String, body: String) throws -> Fixture.Exchange {
        let json = try XCTUnwrap(JSONValue.parse(Data(body.utf8)))
        return Fixture.Exchange(
            kind: .unary,
            request: .init(method: "POST", path: "/containers/create", apiVersion: version, query: [],
                           headers: ["Content-Type": "application/json"], body: .json(json)),
            response: .init(status: 201, headers: ["Api-Version": version, "Content-Type": "application/json"],
                            body: .json(try XCTUnwrap(JSONValue.parse(Data(Self.created.utf8))))))
    }

    static var withStartInterval: ContainerCreate {
        var config = ContainerConfig(image: "dockersdk/busybox", cmd: ["sleep", "60"])
        config.healthcheck = HealthConfig(test: ["CMD", "true"], interval: .seconds(2), timeout: .milliseconds(1500),
                                          retries: 3, startPeriod: .seconds(10), startInterval: .seconds(1))
        return ContainerCreate(config: config)
    }

    func testStartIntervalOnAPI141IsATypedErrorAndNothingIsSent() async throws {
        let (docker, replay) = try client(APIVersion(1, 41))
        do {
            try await docker.containers.create(Self.withStartInterval)
            XCTFail("StartInterval must not go to a 1.41 daemon")
        } catch let DockerError.requiresAPIVersion(feature, minimum, negotiated) {
            XCTAssertEqual(feature, "Config.Healthcheck.StartInterval")
            XCTAssertEqual(minimum, APIVersion(1, 44))
            XCTAssertEqual(negotiated, APIVersion(1, 41))
        }
        try replay.assertFinished()
        let message = DockerError.requiresAPIVersion(feature: "Config.Healthcheck.StartInterval", minimum: APIVersion(1, 44),
                                                     negotiated: APIVersion(1, 41)).description
        XCTAssertEqual(message, "Config.Healthcheck.StartInterval requires API version 1.44, but the daemon's API version is 1.41")
    }

    func testStartIntervalOnAPI144IsSentInNanoseconds() async throws {
        let body = #"""
        {"Image":"dockersdk/busybox","Cmd":["sleep","60"],
         "Healthcheck":{"Test":["CMD","true"],"Interval":2000000000,"Timeout":1500000000,"Retries":3,
                        "StartPeriod":10000000000,"StartInterval":1000000000}}
        """#
        let (docker, replay) = try client(APIVersion(1, 44), [try createExchange("1.44", body: body)])
        let created = try await docker.containers.create(Self.withStartInterval)
        XCTAssertEqual(created.id.count, 64)
        try replay.assertFinished()
    }

    func testWithoutNewerFieldsA141CreateSendsOnlyWhatIsSet() async throws {
        var host = HostConfig(memory: 64 << 20)
        host.pidsLimit = 0   // zero is a value, sent as such; nil fields are absent
        let body = #"{"Image":"dockersdk/busybox","HostConfig":{"Memory":67108864,"PidsLimit":0}}"#
        let (docker, replay) = try client(APIVersion(1, 41), [try createExchange("1.41", body: body)])
        try await docker.containers.create(ContainerCreate(config: ContainerConfig(image: "dockersdk/busybox"), hostConfig: host))
        try replay.assertFinished()
    }

    func testEveryGatedFieldNamesItsMinimum() throws {
        func refused(_ spec: ContainerCreate, on version: APIVersion) -> (String, APIVersion)? {
            do {
                try spec.checkSupported(by: version)
                return nil
            } catch let DockerError.requiresAPIVersion(feature, minimum, _) {
                return (feature, minimum)
            } catch {
                XCTFail("\(error)")
                return nil
            }
        }
        let image = ContainerConfig(image: "dockersdk/busybox")
        func host(_ change: (inout HostConfig) -> Void) -> ContainerCreate {
            var host = HostConfig()
            change(&host)
            return ContainerCreate(config: image, hostConfig: host)
        }
        var bind = Mount.bind("/tmp", at: "/data")
        bind.bindOptions = .init(createMountpoint: true)
        var readOnly = Mount.bind("/tmp", at: "/data", readOnly: true)
        readOnly.bindOptions = .init(readOnlyNonRecursive: true)
        var subpath = Mount.volume("v", at: "/data")
        subpath.volumeOptions = .init(subpath: "sub")
        var tmpfs = Mount.tmpfs(at: "/scratch")
        tmpfs.tmpfsOptions = .init(options: [["noexec"]])
        var mac = EndpointSettings()
        mac.macAddress = "02:42:ac:11:00:99"
        var priority = EndpointSettings()
        priority.gwPriority = 10
        let cases: [(ContainerCreate, String, APIVersion)] = [
            (host { $0.annotations = ["a": "b"] }, "HostConfig.Annotations", APIVersion(1, 43)),
            (host { $0.mounts = [bind] }, "HostConfig.Mounts[0].BindOptions.CreateMountpoint", APIVersion(1, 42)),
            (host { $0.mounts = [.tmpfs(at: "/t"), readOnly] }, "HostConfig.Mounts[1].BindOptions.ReadOnlyNonRecursive",
             APIVersion(1, 44)),
            (host { $0.mounts = [subpath] }, "HostConfig.Mounts[0].VolumeOptions.Subpath", APIVersion(1, 45)),
            (host { $0.mounts = [tmpfs] }, "HostConfig.Mounts[0].TmpfsOptions.Options", APIVersion(1, 46)),
            (host { $0.mounts = [.image("dockersdk/busybox", at: "/img")] }, "HostConfig.Mounts[0].Type=image",
             APIVersion(1, 48)),
            (ContainerCreate(config: image, endpoints: ["n1": mac]), "NetworkingConfig.EndpointsConfig[n1].MacAddress",
             APIVersion(1, 44)),
            (ContainerCreate(config: image, endpoints: ["n1": priority]), "NetworkingConfig.EndpointsConfig[n1].GwPriority",
             APIVersion(1, 48)),
            (ContainerCreate(config: image, endpoints: ["n1": EndpointSettings(), "n2": EndpointSettings()]),
             "NetworkingConfig.EndpointsConfig with more than one network", APIVersion(1, 44)),
        ]
        for (spec, feature, minimum) in cases {
            let below = APIVersion(1, minimum.minor - 1)
            let got = refused(spec, on: below)
            XCTAssertEqual(got?.0, feature)
            XCTAssertEqual(got?.1, minimum, feature)
            XCTAssertNil(refused(spec, on: minimum), "\(feature) is allowed from \(minimum)")
            XCTAssertNil(refused(spec, on: APIVersion.newestSupported), feature)
        }
        XCTAssertNil(refused(ContainerCreate(config: image, hostConfig: HostConfig(memory: 1 << 26)), on: APIVersion(1, 24)))
    }

    func testEnableIPv4OnANetworkBeforeAPI147IsRefused() async throws {
        let (docker, replay) = try client(APIVersion(1, 44))
        var config = NetworkCreate(name: "backend")
        config.enableIPv4 = true
        do {
            try await docker.networks.create(config)
            XCTFail("EnableIPv4 needs API 1.47")
        } catch let DockerError.requiresAPIVersion(feature, minimum, negotiated) {
            XCTAssertEqual(feature, "EnableIPv4")
            XCTAssertEqual(minimum, APIVersion(1, 47))
            XCTAssertEqual(negotiated, APIVersion(1, 44))
        }
        try replay.assertFinished()
        XCTAssertNoThrow(try config.checkSupported(by: APIVersion(1, 47)))
    }

    func testConnectWithAnEndpointMacAddressOnAPI141IsRefused() async throws {
        let (docker, replay) = try client(APIVersion(1, 41))
        var endpoint = EndpointSettings(aliases: ["db"])
        endpoint.macAddress = "02:42:ac:11:00:99"
        do {
            try await docker.networks.connect(network: "backend", container: "db", config: endpoint)
            XCTFail("an endpoint MAC address needs API 1.44")
        } catch let DockerError.requiresAPIVersion(feature, minimum, _) {
            XCTAssertEqual(feature, "MacAddress")
            XCTAssertEqual(minimum, APIVersion(1, 44))
        }
        try replay.assertFinished()
    }
}
