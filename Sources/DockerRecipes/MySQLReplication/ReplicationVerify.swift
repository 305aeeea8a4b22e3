import DockerSDK
import Foundation

/// What `verify` proved.
public struct MySQLVerifyReport: Sendable, Codable, Equatable {
    /// The database created for the check.
    public var database: String
    /// Rows written on the source.
    public var rowsWritten: Int
    /// Rows read on each replica, by container.
    public var rowsRead: [String: Int]
    /// Seconds until the last replica had every row.
    public var replicatedAfter: Double
    /// The error a non-SUPER user got writing on each replica (read_only), by container.
    public var replicaWriteRefused: [String: String]
    /// Whether every replica had every row and refused the write.
    public var passed: Bool {
        rowsRead.values.allSatisfy { $0 == rowsWritten } && replicaWriteRefused.count == rowsRead.count
    }
}

extension MySQLReplication {
    /// Creates a uniquely named database and table on the source, inserts rows, reads them on every
    /// replica (bounded wait), and checks a plain user cannot write on a replica (read_only).
    public func verify(rows: Int = 10, progress: RecipeProgress = .silent) async throws -> MySQLVerifyReport {
        let progress = resources.logged(progress)
        let (source, replicas) = try await shells()
        return try await Self.verify(source: source, replicas: replicas, sourceName: plan.source.name, rows: rows, progress: progress)
    }

    /// `verify` over given root shells (one daemon, or a swarm's hosts).
    static func verify(source: MySQLShell, replicas: [MySQLShell], sourceName: String, rows: Int,
                       progress: RecipeProgress) async throws -> MySQLVerifyReport {
        let suffix = String(UInt32.random(in: 0...UInt32.max), radix: 16)
        let database = "dockersdk_verify_\(suffix)"
        let appUser = "app_\(suffix)"
        let appPassword = Secret.generate()
        progress.step("writing \(rows) rows into \(database).t on \(sourceName)")
        let values = (0..<rows).map { "(\($0), 'row-\($0)')" }.joined(separator: ", ")
        try await source.execute([
            SQLStatement("CREATE DATABASE \(database)"),
            SQLStatement("CREATE TABLE \(database).t (id INT PRIMARY KEY, note VARCHAR(64))"),
            SQLStatement("INSERT INTO \(database).t VALUES \(values)"),
            SQLStatement([.text("CREATE USER '\(appUser)'@'%' IDENTIFIED BY "), .secret(appPassword.value)]),
            SQLStatement("GRANT ALL PRIVILEGES ON \(database).* TO '\(appUser)'@'%'"),
        ], secrets: [appPassword])
        let started = ContinuousClock.now
        var read: [String: Int] = [:]
        for replica in replicas {
            try await Poll.until("\(rows) rows on \(replica.displayName)", timeout: .seconds(30), interval: .milliseconds(200)) {
                let output = try await replica.query("SELECT COUNT(*) FROM \(database).t")
                let count = Int(SQLResultTable.parse(output).rows.first?.first.flatMap { $0 } ?? "") ?? 0
                read[replica.displayName] = count
                return (count == rows, "\(count) rows")
            }
        }
        let after = seconds(since: started)
        progress.report(.pass, String(format: "every replica has the %d rows (after %.2f s)", rows, after))
        var refused: [String: String] = [:]
        for replica in replicas {
            try await Poll.until("\(appUser) to reach \(replica.displayName)", timeout: .seconds(30), interval: .milliseconds(200)) {
                let output = try await replica.query("SELECT COUNT(*) FROM mysql.user WHERE user = '\(appUser)'")
                return (SQLResultTable.parse(output).rows.first?.first.flatMap { $0 } == "1", nil)
            }
            let attempt = try await replica.tryQuery("INSERT INTO \(database).t VALUES (\(rows + 1), 'on a replica')",
                                                     user: appUser, password: appPassword)
            let message = attempt.stderrText.split(separator: "\n").last { $0.contains("ERROR") }.map(String.init)
                ?? attempt.stderrText.trimmingCharacters(in: .whitespacesAndNewlines)
            if attempt.exitCode != 0, message.contains("read-only") || message.contains("read_only") || message.contains("1290") {
                refused[replica.displayName] = message.replacingOccurrences(of: appPassword.value, with: "<redacted>")
            }
        }
        progress.report(refused.count == replicas.count ? .pass : .fail,
                        "a non-SUPER write on every replica is refused: \(refused.values.first ?? "not refused")")
        try? await source.execute([SQLStatement("DROP USER '\(appUser)'@'%'"), SQLStatement("DROP DATABASE \(database)")])
        return MySQLVerifyReport(database: database, rowsWritten: rows, rowsRead: read, replicatedAfter: after,
                                 replicaWriteRefused: refused)
    }
}
