import ArgumentParser
import DockerSDK
import Foundation
import Logging

/// Starts the demo; a closed stdout pipe (`| head`) ends it quietly through `Terminal` (EPIPE, exit 141).
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
        discussion: """
        OUTPUT
          Data goes to stdout (--json where a command prints data); progress
          and errors go to stderr. On a terminal, long work shows a progress
          bar or a spinner; into a pipe or a file, plain lines. NO_COLOR=1
          turns colour off.

        EXIT CODES
          0    success
          1    an error (daemon, SDK, bad input) or a failed check
               (network-tour, redis-cluster check, redirect, failover,
               scale-out, scale-in, mysql-replication verify)
          64   a usage error (unknown option, missing argument)
          141  the reader of stdout or stderr went away (`| head`): the
               demo stops quietly
          N    run (attached) and exec: the container process's exit code

        ENVIRONMENT
          DOCKER_HOST, DOCKER_CONTEXT, DOCKER_CONFIG, DOCKER_CERT_PATH,
          DOCKER_TLS_VERIFY, DOCKER_API_VERSION: as for the docker CLI.
          DOCKERSDK_LOG_LEVEL (or --log-level): log the SDK's requests.
          NO_COLOR: no colour.

        SHELL COMPLETION
          dockersdk-demo --generate-completion-script bash (or zsh, fish)
        """,
        subcommands: [
            InfoCommand.self, RunCommand.self, ExecCommand.self, LogsCommand.self, PsCommand.self, RmCommand.self,
            CommitCommand.self, ExportCommand.self,
            ImageCommand.self, LoginCommand.self, SwarmCommand.self, RedisClusterSwarmCommand.self, KeyslotCommand.self, ShardingCommand.self, NetworkCommand.self, NetworkTourCommand.self, RedisClusterCommand.self, MySQLReplicationCommand.self,
            TourCommand.self,
        ]
    )
}

/// Options every subcommand shares.
struct GlobalOptions: ParsableArguments {
    @Option(name: .customLong("host"), help: "The daemon, e.g. unix:///var/run/docker.sock (default: like the docker CLI).")
    var host: String?

    @Option(name: .customLong("log-level"),
            help: "Log the SDK's requests to stderr at this level: trace, debug, info, notice, warning, error (default: DOCKERSDK_LOG_LEVEL, else warning).")
    var logLevel: String?

    /// A client for the chosen daemon, logging through `Terminal` at the chosen level.
    func client() throws -> DockerClient {
        try DockerClient(host: host.map { try DockerHost(url: $0) }, logger: try logger())
    }

    /// The demo's logger: stderr, at `--log-level`, else `DOCKERSDK_LOG_LEVEL`, else warning.
    func logger() throws -> Logger {
        let text = logLevel ?? ProcessInfo.processInfo.environment["DOCKERSDK_LOG_LEVEL"] ?? "warning"
        guard let level = Logger.Level(rawValue: text.lowercased()) else {
            throw ValidationError("log level \(text) is not one of trace, debug, info, notice, warning, error, critical")
        }
        return Logger(label: "dockersdk") { label in TerminalLogHandler(label: label, logLevel: level) }
    }
}

/// Prints one error line and exits non-zero, instead of a stack trace.
func fail(_ error: any Error) -> ExitCode {
    let text = (error as? DockerError)?.description ?? (error as? FixtureError)?.description
        ?? (error as? ValidationError)?.message ?? "\(error)"
    Terminal.errorLine("error: \(text)")
    return error is ValidationError ? ExitCode.validationFailure : ExitCode.failure
}
