import ArgumentParser
import DockerSDK
import Foundation

/// Starts the demo; a closed stdout pipe (`| head`) ends it with an error instead of SIGPIPE.
@main
enum Main {
    static func main() async {
        signal(SIGPIPE, SIG_IGN)
        await DockerSDKDemo.main()
    }
}

/// `dockersdk-demo`: runs the SDK's scenarios against a real daemon.
struct DockerSDKDemo: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "dockersdk-demo",
        abstract: "Runs DockerSDK scenarios against a real Docker daemon.",
        subcommands: [
            InfoCommand.self, RunCommand.self, ExecCommand.self, LogsCommand.self, PsCommand.self, RmCommand.self,
            ImageCommand.self, SwarmCommand.self, RedisClusterSwarmCommand.self, KeyslotCommand.self, ShardingCommand.self, NetworkCommand.self, NetworkTourCommand.self, RedisClusterCommand.self, MySQLReplicationCommand.self,
            TourCommand.self,
        ]
    )
}

/// Options every subcommand shares.
struct GlobalOptions: ParsableArguments {
    @Option(name: .customLong("host"), help: "The daemon, e.g. unix:///var/run/docker.sock (default: like the docker CLI).")
    var host: String?

    /// A client for the chosen daemon.
    func client() throws -> DockerClient {
        try DockerClient(host: host.map { try DockerHost(url: $0) })
    }
}

/// Prints one error line and exits non-zero, instead of a stack trace.
func fail(_ error: any Error) -> ExitCode {
    let text = (error as? DockerError)?.description ?? (error as? FixtureError)?.description ?? "\(error)"
    FileHandle.standardError.write(Data("error: \(text)\n".utf8))
    return ExitCode.failure
}
