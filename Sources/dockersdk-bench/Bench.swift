import DockerSDK
import Foundation

/// Command-line options.
struct BenchOptions {
    var iterations = 2000
    var socket = "/var/run/docker.sock"
    var python = true
    var c = true

    init(arguments: [String]) {
        var rest = arguments[...]
        while let argument = rest.popFirst() {
            switch argument {
            case "--iterations": iterations = rest.popFirst().flatMap(Int.init) ?? iterations
            case "--socket": socket = rest.popFirst() ?? socket
            case "--no-python": python = false
            case "--no-c": c = false
            default:
                FileHandle.standardError.write(Data("usage: dockersdk-bench [--iterations N] [--socket PATH] [--no-python] [--no-c]\n".utf8))
                exit(2)
            }
        }
        // Bounded: at most 20 000 iterations per operation and client.
        iterations = min(max(iterations, 10), 20_000)
    }
}

/// Runs every client on both operations and prints the table.
struct Bench {
    let options: BenchOptions

    func run() async throws {
        let transport = CurlTransport(host: .unix(path: options.socket))
        let docker = try DockerClient(host: .unix(path: options.socket), transport: transport, environment: [:])
        let version = try await docker.apiVersion()
        let container = try await BenchContainer.create(transport: transport, apiVersion: version)
        var results: [String: [String: Samples]] = [:]
        var failure: (any Error)?
        do {
            print("dockersdk-bench: \(options.iterations) iterations per operation, API \(version), container \(container.id.prefix(12))")
            results["SDK"] = try await SDKBench.measure(docker: docker, container: container.id, apiVersion: version,
                                                        iterations: options.iterations)
            if options.c {
                results["C"] = try attempt("C baseline") {
                    try CBaseline.measure(socket: options.socket, container: container.id, apiVersion: "\(version)",
                                          iterations: options.iterations)
                }
            }
            if options.python {
                results["docker-py"] = try attempt("docker-py baseline") {
                    try PythonBaseline.measure(socket: options.socket, container: container.id, apiVersion: "\(version)",
                                               iterations: options.iterations)
                }
            }
        } catch {
            failure = error
        }
        await container.remove()
        if let failure { throw failure }
        Report(results: results).print()
        print("SDK transport: \(transport.statistics.requests) requests over \(transport.statistics.connectionsOpened) connection(s)")
    }

    /// A baseline that cannot run (no compiler, no docker-py) is reported and skipped.
    private func attempt(_ name: String, _ body: () throws -> [String: Samples]) throws -> [String: Samples]? {
        do {
            return try body()
        } catch {
            FileHandle.standardError.write(Data("\(name) skipped: \(error)\n".utf8))
            return nil
        }
    }
}

/// The table: mean, p50 and p99 per client and operation, and the SDK's ratios.
struct Report {
    let results: [String: [String: Samples]]

    func print() {
        let clients = ["SDK", "C", "docker-py"].filter { results[$0] != nil }
        Swift.print("")
        Swift.print(pad("operation", 10) + pad("client", 11) + pad("mean us", 10, right: true) + pad("p50 us", 10, right: true)
            + pad("p99 us", 10, right: true))
        for operation in ["ping", "inspect"] {
            for client in clients {
                guard let samples = results[client]?[operation] else { continue }
                Swift.print(pad(operation, 10) + pad(client, 11) + pad(micros(samples.mean), 10, right: true)
                    + pad(micros(samples.percentile(50)), 10, right: true) + pad(micros(samples.percentile(99)), 10, right: true))
            }
        }
        Swift.print("")
        Swift.print(pad("operation", 10) + pad("ratio", 16) + pad("mean", 8, right: true) + pad("p50", 8, right: true)
            + pad("p99", 8, right: true))
        for operation in ["ping", "inspect"] {
            guard let sdk = results["SDK"]?[operation] else { continue }
            for other in ["C", "docker-py"] {
                guard let base = results[other]?[operation] else { continue }
                Swift.print(pad(operation, 10) + pad("SDK/\(other)", 16)
                    + pad(String(format: "%.2f", sdk.mean / base.mean), 8, right: true)
                    + pad(String(format: "%.2f", sdk.percentile(50) / base.percentile(50)), 8, right: true)
                    + pad(String(format: "%.2f", sdk.percentile(99) / base.percentile(99)), 8, right: true))
            }
        }
    }

    private func pad(_ text: String, _ width: Int, right: Bool = false) -> String {
        let space = String(repeating: " ", count: max(0, width - text.count))
        return right ? space + text : text + space
    }
}
