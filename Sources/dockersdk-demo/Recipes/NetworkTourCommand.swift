import ArgumentParser
import DockerRecipes
import DockerSDK
import Foundation

/// `dockersdk-demo network-tour`: seed 002's networking claims, checked against the daemon.
struct NetworkTourCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "network-tour",
                                                    abstract: "Check the networking seed's claims (bridge, veth, links, custom networks, host, none).")

    @OptionGroup var global: GlobalOptions
    @Option(help: "The custom network's subnet (private).") var subnet = "192.168.213.0/24"
    @Option(help: "The custom network's gateway.") var gateway = "192.168.213.1"
    @Option(help: "The image (needs sh and ping).") var image = "dockersdk/busybox:latest"
    @Flag(help: "Leave the containers and network for inspection.") var keep = false
    @Flag(help: "Print the report as JSON.") var json = false

    func run() async throws {
        let report: NetworkTourReport
        do {
            report = try await Self.run(try global.client(), subnet: subnet, gateway: gateway, image: image, keep: keep, quiet: json)
            if json { try printJSON(report) }
        } catch {
            throw fail(error)
        }
        if !report.passed { throw ExitCode.failure }
    }

    static func run(_ docker: DockerClient, subnet: String = "192.168.213.0/24", gateway: String = "192.168.213.1",
                    image: String = "dockersdk/busybox:latest", keep: Bool = false, quiet: Bool = false) async throws -> NetworkTourReport {
        let tour = NetworkTour(docker: docker, options: .init(subnet: subnet, gateway: gateway, image: image, keep: keep))
        let report = try await tour.run(progress: .terminal)
        if !quiet {
            for check in report.checks { print("\(check.outcome.rawValue.uppercased())  \(check.name): \(check.claim)\n      \(check.evidence)") }
            print(report.passed ? "network tour: every check passed" : "network tour: FAILED")
        }
        return report
    }
}
