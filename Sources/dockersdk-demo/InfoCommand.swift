import ArgumentParser
import DockerSDK
import Foundation

/// `dockersdk-demo info`: the daemon's version, API version, address and counts.
struct InfoCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "info", abstract: "Show the daemon's version and counts.")

    @OptionGroup var global: GlobalOptions
    @Flag(help: "Print one JSON object.") var json = false

    /// What `info` reports.
    struct Report: Codable {
        var apiVersion: String
        var serverVersion: String
        var host: String
        var hostSource: String
        var os: String?
        var kernelVersion: String?
        var containers: Int
        var containersRunning: Int?
        var images: Int
    }

    func run() async throws {
        do {
            let docker = try global.client()
            let report = try await Self.report(docker)
            if json {
                let encoder = JSONEncoder()
                encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
                print(String(decoding: try encoder.encode(report), as: UTF8.self))
            } else {
                print("""
                Daemon:       \(report.host) (found via \(report.hostSource))
                Server:       Docker \(report.serverVersion)
                API version:  \(report.apiVersion) (negotiated)
                OS:           \(report.os ?? "?"), kernel \(report.kernelVersion ?? "?")
                Containers:   \(report.containers) (\(report.containersRunning ?? 0) running)
                Images:       \(report.images)
                """)
            }
        } catch {
            throw fail(error)
        }
    }

    static func report(_ docker: DockerClient) async throws -> Report {
        async let version = docker.system.version()
        async let info = docker.system.info()
        let negotiated = try await docker.apiVersion()
        let (v, i) = try await (version, info)
        return Report(apiVersion: negotiated.description, serverVersion: v.version, host: docker.host.description,
                      hostSource: docker.hostSource.rawValue, os: i.operatingSystem, kernelVersion: v.kernelVersion,
                      containers: i.containers, containersRunning: i.containersRunning, images: i.images)
    }
}
