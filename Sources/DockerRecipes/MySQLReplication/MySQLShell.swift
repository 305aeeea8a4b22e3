import DockerSDK
import Foundation

/// Runs SQL in a server's container with its own client, over TCP, as root through root's option file
/// in the container (the password on no command line and in no environment), the statements on stdin.
struct MySQLShell: Sendable {
    let docker: DockerClient
    let container: String
    /// `mysql` or `mariadb` (MariaDB 11 images have only the latter).
    let client: String
    /// The root password when this process knows it (during `up`): scrubbed from errors.
    let password: Secret?
    /// The server's name in reports when `container` is not it (a swarm task's container: its service).
    var label: String? = nil

    /// The server's name in reports.
    var displayName: String { label ?? container }

    /// The client's command line, never with a password: root reads its option file, another user none
    /// (root's would override MYSQL_PWD); either option must come first.
    func command(user: String? = nil) -> [String] {
        [client, user == nil ? "--defaults-extra-file=\(MySQLReplicationPlan.clientOptionFile)" : "--no-defaults"]
            + ["--protocol=TCP", "-h", "127.0.0.1", "-P", "3306", "-u\(user ?? "root")", "--batch"]
    }

    /// Runs `sql` as root and returns the tab-separated output (`--batch`, column names first).
    func query(_ sql: String, secrets: [Secret] = []) async throws -> String {
        try await docker.run(command(), in: container, stdin: Data((sql.hasSuffix(";") ? sql : sql + ";").utf8),
                             secrets: ((password.map { [$0] } ?? []) + secrets).map(\.value))
    }

    /// Runs statements as root (one script); their secrets are scrubbed from errors.
    func execute(_ statements: [SQLStatement], secrets: [Secret] = []) async throws {
        _ = try await query(ReplicationSQL.script(statements), secrets: secrets)
    }

    /// Runs `sql` as another user, returning the result (exit code and texts) instead of throwing.
    func tryQuery(_ sql: String, user: String, password: Secret) async throws -> ExecResult {
        // Another user's password goes in the exec's environment (MYSQL_PWD), which ps does not show.
        try await docker.exec.run(command(user: user), in: container, stdin: Data((sql + ";").utf8),
                                  env: ["MYSQL_PWD=\(password.value)"])
    }
}
