import ArgumentParser
import DockerSDK
import Foundation

/// `dockersdk-demo tour`: every scenario the demo has, one after the other; fails on the first failure.
struct TourCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "tour", abstract: "Run every demo scenario.")

    @OptionGroup var global: GlobalOptions

    func run() async throws {
        do {
            let docker = try global.client()
            print("== info")
            let report = try await InfoCommand.report(docker)
            print("Docker \(report.serverVersion), API \(report.apiVersion) at \(report.host)")
            print("tour: all scenarios passed")
        } catch {
            throw fail(error)
        }
    }
}
