import DockerSDK
import Foundation

/// Runs SQL in a server's container with its own client, over TCP, the password in the environment
/// (never on a command line) and the statements on stdin.
struct MySQLShell: Sendable {
    let docker: DockerClient
    let container: String
    /// `mysql` or `mariadb` (MariaDB 11 images have only the latter).
    let client: String
    let password: Secret

    /// Runs `sql` as root and returns the tab-separated output (`--batch`, column names first).
    func query(_ sql: String, secrets: [Secret] = []) async throws -> String {
        try await docker.run([client, "--protocol=TCP", "-h", "127.0.0.1", "-P", "3306", "-uroot", "--batch"],
                             in: container, stdin: Data((sql.hasSuffix(";") ? sql : sql + ";").utf8),
                             env: ["MYSQL_PWD=\(password.value)"], secrets: ([password] + secrets).map(\.value))
    }

    /// Runs statements as root (one script); their secrets are scrubbed from errors.
    func execute(_ statements: [SQLStatement], secrets: [Secret] = []) async throws {
        _ = try await query(ReplicationSQL.script(statements), secrets: secrets)
    }

    /// Runs `sql` as another user, returning the result (exit code and texts) instead of throwing.
    func tryQuery(_ sql: String, user: String, password: Secret) async throws -> ExecResult {
        try await docker.exec.run([client, "--protocol=TCP", "-h", "127.0.0.1", "-P", "3306", "-u\(user)", "--batch"],
                                  in: container, stdin: Data((sql + ";").utf8), env: ["MYSQL_PWD=\(password.value)"])
    }
}
