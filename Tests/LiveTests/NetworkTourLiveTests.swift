import DockerRecipes
import DockerSDK
import Foundation
import XCTest

final class NetworkTourLiveTests: RecipeLiveTestCase {
    func testEverySeedClaimHoldsAndNothingIsLeft() async throws {
        try Live.requireDockerEngine("the tour checks dockerd's own networking (docker0 bridge addresses, legacy --link, which Podman refuses: \"link is not supported\")")
        let docker = try await Live.client()
        let instance = tracked("lt-tour-\(UInt16.random(in: 0...UInt16.max))")
        let third = Int.random(in: 100...200)
        let tour = NetworkTour(docker: docker, options: .init(subnet: "10.216.\(third).0/24", gateway: "10.216.\(third).1",
                                                               instance: instance))
        let report: NetworkTourReport
        do {
            report = try await tour.run()
        } catch {
            try? await tour.resources.removeAll()
            throw error
        }
        let names = report.checks.map(\.name)
        XCTAssertEqual(names, ["bridge-address", "veth-pair", "bridge-no-dns", "link", "custom-network", "network-connect",
                               "host-mode", "none-mode"])
        for check in report.checks {
            XCTAssertEqual(check.outcome, .pass, "\(check.name): \(check.evidence)")
        }
        XCTAssertTrue(report.passed)
        let leftContainers = try await tour.resources.containers()
        let leftNetworks = try await docker.networks.list(filters: tour.resources.filters)
        XCTAssertTrue(leftContainers.isEmpty)
        XCTAssertTrue(leftNetworks.isEmpty)
    }

    func testAPublicSubnetIsRefusedBeforeAnythingIsCreated() async throws {
        let docker = try await Live.client()
        let tour = NetworkTour(docker: docker, options: .init(subnet: "172.38.0.0/16", gateway: "172.38.0.1", instance: tracked("lt-public")))
        do {
            _ = try await tour.run()
            XCTFail("172.38.0.0/16 is public address space")
        } catch DockerError.invalidArgument(let message) {
            XCTAssertTrue(message.contains("not private"), message)
        }
        let left = try await tour.resources.containers()
        XCTAssertTrue(left.isEmpty)
    }
}
