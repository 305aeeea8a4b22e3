import DockerSDK
import Foundation

// dockersdk-bench: latency of the SDK against a C libcurl baseline and docker-py, on the local daemon.
//
//   swift run -c release dockersdk-bench [--iterations N] [--socket PATH] [--no-python] [--no-c]

let options = BenchOptions(arguments: Array(CommandLine.arguments.dropFirst()))
do {
    try await Bench(options: options).run()
} catch {
    FileHandle.standardError.write(Data("dockersdk-bench: \(error)\n".utf8))
    exit(1)
}
