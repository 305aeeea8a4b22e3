import DockerSDK
import Foundation

/// Seed 002's claims about Docker networking, run as checks against a real daemon.
///
/// Every container and network it creates carries the recipe's labels and is removed at the end,
/// also when a check fails (unless `keep` is set).
public struct NetworkTour: Sendable {
    /// The tour's settings.
    public struct Options: Sendable {
        /// The custom network's subnet (private; the seed uses 192.168.0.0/16, narrowed here so a LAN route is not shadowed).
        public var subnet: String
        /// The custom network's gateway (the seed: 192.168.0.1 for its /16).
        public var gateway: String
        /// The image with `sh`, `ping`, `ip`/`cat` (busybox).
        public var image: String
        /// The deployment's name: prefixes the containers and network.
        public var instance: String
        /// Leave everything running for inspection.
        public var keep: Bool

        /// Creates options; the defaults follow the seed.
        public init(subnet: String = "192.168.213.0/24", gateway: String = "192.168.213.1",
                    image: String = "dockersdk/busybox:latest", instance: String = "nettour", keep: Bool = false) {
            self.subnet = subnet
            self.gateway = gateway
            self.image = image
            self.instance = instance
            self.keep = keep
        }
    }

    /// The recipe's label value.
    public static let recipe = "network-tour"

    /// The client.
    public let docker: DockerClient
    /// The settings.
    public let options: Options

    /// Creates a tour.
    public init(docker: DockerClient, options: Options = Options()) {
        self.docker = docker
        self.options = options
    }

    /// What the deployment owns.
    public var resources: RecipeResources {
        RecipeResources(docker: docker, recipe: Self.recipe, instance: options.instance)
    }

    /// Runs every check and removes what it created; throws only when the tour could not run at all.
    public func run(progress: RecipeProgress = .silent) async throws -> NetworkTourReport {
        let progress = resources.logged(progress)
        try TourNetworkCheck.validate(subnet: options.subnet, gateway: options.gateway)
        progress.step("cleaning up any earlier tour \(options.instance)")
        try await resources.removeAll()
        var report = NetworkTourReport(checks: [])
        do {
            let lab = TourLab(docker: docker, options: options, resources: resources)
            for check in TourChecks.all {
                progress.step(check.claim)
                let result = await check.run(lab)
                progress.report(result.outcome == .fail ? .fail : result.outcome == .pass ? .pass : .warning,
                                "\(check.name): \(result.evidence)")
                report.checks.append(result)
            }
        }
        if !options.keep {
            try await resources.remove(progress: progress)
        }
        return report
    }
}

/// The outcome of the tour, one entry per claim.
public struct NetworkTourReport: Sendable, Codable, Equatable {
    /// Every check, in order.
    public var checks: [NetworkTourCheckResult]
    /// Whether no check failed.
    public var passed: Bool { !checks.contains { $0.outcome == .fail } }
}

/// How one claim fared, with the evidence.
public struct NetworkTourCheckResult: Sendable, Codable, Equatable {
    /// Passed, failed, or skipped (with the reason as evidence).
    public enum Outcome: String, Sendable, Codable { case pass, fail, skip }
    /// A short name.
    public var name: String
    /// The seed's claim.
    public var claim: String
    /// The outcome.
    public var outcome: Outcome
    /// What was observed.
    public var evidence: String
}
