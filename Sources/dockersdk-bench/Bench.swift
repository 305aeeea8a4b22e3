import DockerSDK
import Foundation

/// Command-line options.
struct BenchOptions {
    var iterations = 2000
    var socket = "/var/run/docker.sock"
    var python = true
    var c = true
    var memoryMB = 100
    var stages = false

    init(arguments: [String]) {
        var rest = arguments[...]
        while let argument = rest.popFirst() {
            switch argument {
            case "--iterations": iterations = rest.popFirst().flatMap(Int.init) ?? iterations
            case "--socket": socket = rest.popFirst() ?? socket
            case "--no-python": python = false
            case "--no-c": c = false
            case "--stages": stages = true
            case "--memory-mb": memoryMB = rest.popFirst().flatMap(Int.init) ?? memoryMB
            default:
                FileHandle.standardError.write(Data("usage: dockersdk-bench [--iterations N] [--socket PATH] [--no-python] [--no-c] [--memory-mb N (0 skips)] [--stages]\n".utf8))
                exit(2)
            }
        }
        // Bounded: at most 20 000 iterations per operation and client.
        iterations = min(max(iterations, 10), 20_000)
        memoryMB = min(max(memoryMB, 0), 1024)
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
        let workDir = NSTemporaryDirectory() + "dockersdk-bench-\(getpid())"
        defer { try? FileManager.default.removeItem(atPath: workDir) }
        do {
            try FileManager.default.createDirectory(atPath: workDir, withIntermediateDirectories: true)
            let cProgram = options.c ? attempt("C baseline") { try CBaseline.compile(in: workDir) } : nil
            let rounds = 4
            let perRound = max(1, options.iterations / rounds)
            print("dockersdk-bench: \(perRound * rounds) iterations per operation in \(rounds) interleaved rounds, API \(version), "
                + "container \(container.id.prefix(12))")
            // Rounds alternate the clients so load from other processes falls on all of them alike.
            for _ in 0..<rounds {
                Samples.merge(&results["SDK"], try await SDKBench.measure(
                    docker: docker, container: container.id, apiVersion: version, iterations: perRound))
                if let cProgram {
                    Samples.merge(&results["C"], attempt("C baseline") {
                        try CBaseline.measure(executable: cProgram, socket: options.socket, container: container.id,
                                              apiVersion: "\(version)", iterations: perRound)
                    })
                }
                if options.python {
                    Samples.merge(&results["docker-py"], attempt("docker-py baseline") {
                        try PythonBaseline.measure(socket: options.socket, container: container.id, apiVersion: "\(version)",
                                                   iterations: perRound)
                    })
                }
            }
        } catch {
            failure = error
        }
        await container.remove()
        if let failure { throw failure }
        Report(results: results).print()
        if options.stages {
            print("\nstages of a ping (us):        mean     p50     p99")
            for (name, samples) in try await Stages.measure(socket: options.socket, iterations: options.iterations) {
                print(name.padding(toLength: 44, withPad: " ", startingAt: 0)
                    + [samples.mean, samples.percentile(50), samples.percentile(99)].map { micros($0).leftPad(8) }.joined())
            }
        }
        if options.memoryMB > 0 {
            do {
                let m = try await MemoryBench.measure(transport: transport, apiVersion: version, megabytes: options.memoryMB)
                print(String(format: "\nlogs stream: %.1f MB in %.2f s (%.0f MB/s); peak RSS %d MB before, %d MB after (stream buffer limit %d KB)",
                             Double(m.bytes) / 1e6, m.seconds, Double(m.bytes) / 1e6 / m.seconds,
                             m.peakBeforeKB / 1024, m.peakAfterKB / 1024, transport.streamBufferLimit / 1024))
            } catch {
                FileHandle.standardError.write(Data("memory benchmark skipped: \(error)\n".utf8))
            }
        }
        print("SDK transport: \(transport.statistics.requests) requests over \(transport.statistics.connectionsOpened) connection(s)")
    }

    /// A baseline that cannot run (no compiler, no docker-py) is reported and skipped.
    private func attempt<T>(_ name: String, _ body: () throws -> T) -> T? {
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
        Swift.print(pad("operation", 12) + pad("client", 11) + pad("mean us", 10, right: true) + pad("p50 us", 10, right: true)
            + pad("p99 us", 10, right: true))
        for operation in ["ping", "inspect", "inspect-raw"] {
            for client in clients {
                guard let samples = results[client]?[operation] else { continue }
                Swift.print(pad(operation, 12) + pad(client, 11) + pad(micros(samples.mean), 10, right: true)
                    + pad(micros(samples.percentile(50)), 10, right: true) + pad(micros(samples.percentile(99)), 10, right: true))
            }
        }
        Swift.print("(inspect: SDK decodes a few fields with JSONDecoder, C only reads the bytes, docker-py parses all;"
            + " inspect-raw: SDK without decoding)")
        Swift.print("")
        Swift.print(pad("operation", 12) + pad("ratio", 16) + pad("mean", 8, right: true) + pad("p50", 8, right: true)
            + pad("p99", 8, right: true))
        for operation in ["ping", "inspect", "inspect-raw"] {
            guard let sdk = results["SDK"]?[operation] else { continue }
            for other in ["C", "docker-py"] {
                // inspect-raw (no JSON decoding) is compared with the baselines' inspect.
                guard let base = results[other]?[operation == "inspect-raw" ? "inspect" : operation] else { continue }
                Swift.print(pad(operation, 12) + pad("SDK/\(other)", 16)
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

extension String {
    func leftPad(_ width: Int) -> String { String(repeating: " ", count: max(0, width - count)) + self }
}
