import DockerSDK
import Foundation

// dockersdk-bench: the SDK's public API against one reused libcurl handle in C, docker-py and the
// docker CLI, on the live daemon. Run it through scripts/bench.sh (builds release, compiles the C
// baseline, checks docker-py and the CLI). Everything it creates is labelled and removed.

signal(SIGPIPE, SIG_IGN)
if CommandLine.arguments.count > 1 && CommandLine.arguments[1] == "--child" {
    do {
        try await BenchChild.run(Array(CommandLine.arguments.dropFirst()))
        exit(0)
    } catch {
        FileHandle.standardError.write(Data("dockersdk-bench child: \(error)\n".utf8))
        exit(1)
    }
}
let options = BenchOptions(arguments: Array(CommandLine.arguments.dropFirst()))
do {
    let bench = try await Bench(options: options)
    let rows = try await bench.run()
    let report = Report(rows: rows, apiVersion: "\(bench.version)", options: options)
    print("")
    print(report.markdown())
    if let path = options.results {
        try report.json().write(to: URL(fileURLWithPath: path))
        print("results: \(path)")
    }
} catch {
    FileHandle.standardError.write(Data("dockersdk-bench: \(error)\n".utf8))
    exit(1)
}
