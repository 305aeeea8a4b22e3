import DockerSDK
import Foundation

/// One row of the table: what each client measured, in `unit`.
struct Row: Codable {
    var name: String
    /// `us` (latency, lower is better), `req/s` or `MB/s` (higher is better).
    var unit: String
    var clients: [String: Samples] = [:]
    /// What the ratio is judged against, e.g. `<= 1.5 x C`.
    var target: String?
    var note: String?

    var higherIsBetter: Bool { unit == "req/s" || unit == "MB/s" }
}

/// Runs every row, interleaving the clients in rounds so load from elsewhere falls on all alike.
struct Bench {
    let options: BenchOptions
    let docker: DockerClient
    let resources: BenchResources
    let version: APIVersion
    let cli: String?
    let python: String?

    init(options: BenchOptions) async throws {
        self.options = options
        docker = try DockerClient(host: .unix(path: options.socket), environment: [:])
        resources = BenchResources(docker: docker)
        version = try await docker.apiVersion()
        cli = options.dockerCLI ? ["/usr/bin/docker", "/usr/local/bin/docker"].first { FileManager.default.isExecutableFile(atPath: $0) } : nil
        python = options.python ? options.pythonBaseline : nil
    }

    var c: String? { options.cBaseline }

    /// The C baseline's output for `arguments` after the socket and version.
    func cRun(_ arguments: [String], socket: String? = nil, timeout: TimeInterval = 300) throws -> String {
        guard let c else { throw BenchError("no C baseline") }
        return try runProgram(c, [socket ?? options.socket, "\(version)"] + arguments, timeout: timeout)
    }

    func pyRun(_ arguments: [String], timeout: TimeInterval = 300) throws -> String {
        guard let python else { throw BenchError("no docker-py baseline") }
        return try runProgram("/usr/bin/env", ["python3", python, options.socket, "\(version)"] + arguments, timeout: timeout)
    }

    /// A baseline that cannot run is reported once and left out of the row.
    func attempt(_ what: String, _ body: () throws -> Samples?) -> Samples? {
        do { return try body() } catch {
            FileHandle.standardError.write(Data("\(what): \(error)\n".utf8))
            return nil
        }
    }

    func run() async throws -> [Row] {
        var rows: [Row] = []
        var failure: (any Error)?
        do {
            try await runRows(into: &rows)
        } catch {
            failure = error
        }
        await resources.removeAll()
        if let failure { throw failure }
        return rows
    }

    /// Runs `first` then `second` in even rounds, the other way round in odd ones.
    private func inTurn(_ round: Int, _ first: () async throws -> Void, _ second: () async throws -> Void) async throws {
        if round % 2 == 0 {
            try await first()
            try await second()
        } else {
            try await second()
            try await first()
        }
    }

    private func runRows(into rows: inout [Row]) async throws {
        let started = Date()
        print("dockersdk-bench: API \(version), \(options.rounds) rounds; C \(c != nil ? "yes" : "no"), docker-py \(python != nil ? "yes" : "no"), CLI \(cli ?? "no")")
        let target = try await resources.container(["sleep", "3600"], name: "target", start: true)
        var listed: [String] = []
        for n in 0..<20 {
            listed.append(try await resources.container(["true"], name: "list-\(n)", extraLabels: ["com.dockersdk.bench.list": resources.instance]))
        }
        let listLabel = "com.dockersdk.bench.list=\(resources.instance)"
        let listPath = "/containers/json?all=1&filters=" + (#"{"label":["\#(listLabel)"]}"#.addingPercentEncoding(withAllowedCharacters: .alphanumerics) ?? "")
        let check = try await docker.containers.list(all: true, filters: .label("com.dockersdk.bench.list", resources.instance))
        guard check.count == 20 else { throw BenchError("expected 20 listed containers, got \(check.count)") }

        var ping = Row(name: "ping", unit: "us", target: "<= 1.15 x C; >= 4x faster than docker-py")
        var inspect = Row(name: "container inspect (full model)", unit: "us", target: "<= 1.5 x C; >= 4x faster than docker-py")
        var list = Row(name: "list of 20 containers", unit: "us", target: "<= 1.5 x C")
        var lifecycle = Row(name: "create+start+wait+remove `true`", unit: "us", target: "<= 1.05 x C")
        var exec = Row(name: "exec `echo hi` + exit code", unit: "us", target: "<= 1.05 x C")
        let n = options.iterations
        for round in 0..<options.rounds {
            print("round \(round + 1)/\(options.rounds)...")
            if options.runs("ping") {
                // The SDK and C blocks swap order every round, so neither always runs first after the
                // previous row's processes (docker-py, the CLI) or always second.
                try await inTurn(round, {
                    ping.clients["SDK", default: Samples()].add(try await timeAsync(n) { _ = try await docker.system.ping() })
                }, {
                    if let s = attempt("C ping", { Samples.parseTimes(try cRun(["get", "ping", "/_ping", "\(n)"]))["ping"] }) { ping.clients["C", default: Samples()].add(s) }
                })
                if let s = attempt("docker-py ping", { Samples.parseTimes(try pyRun(["get", "ping", "_ping", "\(n / 5)"]))["ping"] }) { ping.clients["docker-py", default: Samples()].add(s) }
            }
            if options.runs("inspect") {
                try await inTurn(round, {
                    inspect.clients["SDK", default: Samples()].add(try await timeAsync(n) { _ = try await docker.containers.inspect(target) })
                }, {
                    if let s = attempt("C inspect", { Samples.parseTimes(try cRun(["get", "inspect", "/containers/\(target)/json", "\(n)"]))["inspect"] }) { inspect.clients["C", default: Samples()].add(s) }
                })
                if let s = attempt("docker-py inspect", { Samples.parseTimes(try pyRun(["get", "inspect", "inspect:\(target)", "\(n / 5)"]))["inspect"] }) { inspect.clients["docker-py", default: Samples()].add(s) }
                if let cli { inspect.clients["docker CLI", default: Samples()].add(try cliTimes { try timeProcess(cli, ["inspect", target]) }) }
            }
            if options.runs("list") {
                let filters = Filters.label("com.dockersdk.bench.list", resources.instance)
                try await inTurn(round, {
                    list.clients["SDK", default: Samples()].add(try await timeAsync(n) {
                        let found = try await docker.containers.list(all: true, filters: filters)
                        guard found.count == 20 else { throw BenchError("list returned \(found.count)") }
                    })
                }, {
                    if let s = attempt("C list", { Samples.parseTimes(try cRun(["get", "list", listPath, "\(n)"]))["list"] }) { list.clients["C", default: Samples()].add(s) }
                })
                if let s = attempt("docker-py list", { Samples.parseTimes(try pyRun(["get", "list", "list:\(listLabel)", "\(n / 5)"]))["list"] }) { list.clients["docker-py", default: Samples()].add(s) }
                if let cli { list.clients["docker CLI", default: Samples()].add(try cliTimes { try timeProcess(cli, ["ps", "-a", "--filter", "label=\(listLabel)"]) }) }
            }
            if options.runs("lifecycle") {
                let k = options.lifecycle
                lifecycle.clients["SDK", default: Samples()].add(try await timeAsync(k, warmup: 1) {
                    let id = try await docker.containers.create(ContainerCreate(image: BenchResources.image, cmd: ["true"], labels: resources.labels)).id
                    try await docker.containers.start(id)
                    let result = try await docker.containers.wait(id)
                    guard result.statusCode == 0 else { throw BenchError("true exited \(result.statusCode)") }
                    try await docker.containers.remove(id)
                })
                if let s = attempt("C lifecycle", { Samples.parseTimes(try cRun(["lifecycle", BenchResources.image, resources.labelsJSON, "\(k)"]))["lifecycle"] }) { lifecycle.clients["C", default: Samples()].add(s) }
                if let s = attempt("docker-py lifecycle", { Samples.parseTimes(try pyRun(["lifecycle", BenchResources.image, resources.labelsJSON, "\(k)"]))["lifecycle"] }) { lifecycle.clients["docker-py", default: Samples()].add(s) }
                if let cli {
                    let labelArgs = resources.labels.flatMap { ["--label", "\($0.key)=\($0.value)"] }
                    lifecycle.clients["docker CLI", default: Samples()].add(try cliTimes(k) { try timeProcess(cli, ["run", "--rm"] + labelArgs + [BenchResources.image, "true"]) })
                }
            }
            if options.runs("exec") {
                let k = options.execs
                exec.clients["SDK", default: Samples()].add(try await timeAsync(k, warmup: 2) {
                    let result = try await docker.exec.run(["echo", "hi"], in: target)
                    guard result.exitCode == 0, result.stdoutText == "hi\n" else { throw BenchError("exec: \(result.exitCode) \(result.stdoutText)") }
                })
                if let s = attempt("C exec", { Samples.parseTimes(try cRun(["exec", target, "\(k)"]))["exec"] }) { exec.clients["C", default: Samples()].add(s) }
                if let s = attempt("docker-py exec", { Samples.parseTimes(try pyRun(["exec", target, "\(k)"]))["exec"] }) { exec.clients["docker-py", default: Samples()].add(s) }
                if let cli { exec.clients["docker CLI", default: Samples()].add(try cliTimes { try timeProcess(cli, ["exec", target, "echo", "hi"]) }) }
            }
        }
        for row in [ping, inspect, list, lifecycle, exec] where !row.clients.isEmpty { rows.append(row) }

        if options.runs("concurrent") {
            // --loop-ab: the same tasks through a client with one loop thread, in the same rounds.
            let oneLoop = try options.loopAB ? withLoopThreads(1) { try DockerClient(host: .unix(path: options.socket), environment: [:]) } : nil
            for tasks in [8, 64] {
                var row = Row(name: "\(tasks) concurrent tasks: inspect", unit: "req/s", target: ">= 0.75 x 8 C threads",
                              note: options.loopAB ? "with --loop-ab, scheduler figures of the whole process per 1000 requests (medians)" : nil)
                var extras: [String: ExtraMedians] = [:]
                for round in 0..<max(1, options.rounds / 2) {
                    var sides: [(String, DockerClient)] = [("SDK", docker)]
                    if let oneLoop { sides.insert(("SDK, 1 loop thread", oneLoop), at: round % 2 == 0 ? 1 : 0) }
                    for (name, client) in sides {
                        let before = ThreadStats.now()
                        let (sample, requests) = try await concurrentInspect(target, tasks: tasks, client: client)
                        let after = ThreadStats.now()
                        if options.loopAB { extras[name, default: ExtraMedians()].add(ThreadStats.delta(before, after, per: requests / 1000, label: "1000 req")) }
                        row.clients[name, default: Samples()].add(sample)
                    }
                    if let s = attempt("C throughput", {
                        let fields = Samples.parseFields(try cRun(["throughput", "/containers/\(target)/json", "8", "\(options.seconds)"]))["throughput"]
                        return fields.map { Samples(values: [$0["requests", default: 0] / $0["seconds", default: 1]]) }
                    }) { row.clients["C (8 threads)", default: Samples()].add(s) }
                }
                for (name, medians) in extras { row.clients[name]?.extra = medians.medians }
                rows.append(row)
            }
        }
        if options.runs("waits") { rows.append(contentsOf: try await openWaits()) }
        if options.runs("logs") && options.logMB > 0 || options.runs("replay") && options.logMB > 0
            || options.runs("rss") && options.logMB > 0 {
            rows.append(contentsOf: try await LogRows(bench: self).run())
        }
        if options.runs("footprint") || options.runs("rss") && options.logMB == 0 {
            let ticker = try await resources.container(["sh", "-c", "while true; do echo tick; sleep 1; done"],
                                                       name: "ticker", start: true)
            let footprint = FootprintRows(bench: self)
            if options.runs("footprint") { rows.append(contentsOf: try await footprint.threadsAndDescriptors(ticker: ticker)) }
            if options.runs("rss") && options.logMB == 0 { rows.append(try footprint.peakRSS(log: nil, ticker: ticker)) }
        }
        if options.runs("decode") { rows.append(contentsOf: try await DecodeRows(bench: self, target: target, listPath: listPath).run()) }
        print(String(format: "(ran %.0f s)", Date().timeIntervalSince(started)))
    }

    /// `options.cli` timed runs of a docker CLI command, in microseconds.
    func cliTimes(_ count: Int? = nil, _ body: () throws -> Double) throws -> Samples {
        _ = try body()
        return Samples(values: try (0..<(count ?? options.cli)).map { _ in try body() })
    }

    /// Requests per second of `tasks` tasks each inspecting in a loop for `options.seconds`.
    /// Also returns the number of requests made.
    func concurrentInspect(_ id: String, tasks: Int, client: DockerClient) async throws -> (Samples, Double) {
        let docker = client
        let until = nowNanos() + UInt64(options.seconds * 1e9)
        let start = nowNanos()
        let total = try await withThrowingTaskGroup(of: Int.self) { group in
            for _ in 0..<tasks {
                group.addTask {
                    var count = 0
                    while nowNanos() < until {
                        _ = try await docker.containers.inspect(id)
                        count += 1
                    }
                    return count
                }
            }
            return try await group.reduce(0, +)
        }
        return (Samples(values: [Double(total) / (Double(nowNanos() - start) / 1e9)]), Double(total))
    }
}
