@testable import DockerRecipes
import DockerSDK
import Foundation
import Logging
import SecretScanSupport
import XCTest

/// A daemon double: answers `_ping`, and a pull with the registry's refusal in the progress stream.
/// It keeps the X-Registry-Auth header it was sent, to prove the credentials did go out.
final class RegistryDouble: DockerTransport, @unchecked Sendable {
    private let lock = NSLock()
    private var authHeaders: [String] = []
    var receivedAuth: [String] {
        lock.lock()
        defer { lock.unlock() }
        return authHeaders
    }

    var hostDescription: String { "registry-double" }

    func execute(_ request: DockerRequest) async throws -> DockerResponse {
        if request.path == "/_ping" {
            return DockerResponse(status: 200, headers: HTTPHeaders([("Api-Version", "1.41")]), body: Data("OK".utf8))
        }
        keep(request)
        if request.path == "/auth" {
            return DockerResponse(status: 401, headers: HTTPHeaders([("Content-Type", "application/json")]),
                                  body: Data(#"{"message":"login attempt to https://registry.example/v2/ failed with status: 401 Unauthorized"}"#.utf8))
        }
        return DockerResponse(status: 404, headers: HTTPHeaders(), body: Data(#"{"message":"page not found"}"#.utf8))
    }

    func stream(_ request: DockerRequest) async throws -> DockerStreamResponse {
        keep(request)
        let lines = #"{"status":"Pulling from private/app","id":"1.0"}"# + "\n"
            + #"{"errorDetail":{"message":"unauthorized: authentication required"},"error":"unauthorized: authentication required"}"# + "\n"
        return DockerStreamResponse(status: 200, headers: HTTPHeaders([("Content-Type", "application/json")]),
                                    body: .chunks([Data(lines.utf8)]))
    }

    func hijack(_ request: DockerRequest) async throws -> any HijackedConnection {
        throw DockerError.invalidArgument("the registry double does not attach")
    }

    private func keep(_ request: DockerRequest) {
        lock.lock()
        if let auth = request.headers.first(where: { $0.key.lowercased() == "x-registry-auth" })?.value { authHeaders.append(auth) }
        lock.unlock()
    }
}

/// Issue 12, item 7: no password, registry credential or identity token in logs, errors, fixtures
/// or container command lines (the live half is in LiveTests/SecretsLiveTests).
final class SecretsTests: XCTestCase {
    static let rootPassword = "Root-PLANTED-\(UUID().uuidString)"
    static let replicationPassword = "Repl-PLANTED-\(UUID().uuidString)"

    func testReplicationPlanKeepsPasswordsOutOfEnvironmentCommandLinesAndDescriptions() throws {
        let secrets = [Self.rootPassword, Self.replicationPassword]
        let plan = try MySQLReplicationPlan(options: MySQLReplicationOptions(
            replicas: 2, rootPassword: Secret(Self.rootPassword), replicationPassword: Secret(Self.replicationPassword)),
            image: "mysql:8.0")
        var dumped = ""
        dump(plan, to: &dumped)
        assertNoSecret("\(plan) \(dumped) \(plan.options)", secrets, "the plan's description")
        for server in plan.servers {
            let spec = plan.containerSpec(server, labels: ["com.dockersdk.recipe": "mysql-replication"])
            let json = String(decoding: try JSONEncoder().encode(spec), as: UTF8.self)
            assertNoSecret(json, secrets, "the create request of \(server.name)")
            XCTAssertEqual(spec.config.env, ["MYSQL_ROOT_PASSWORD_FILE=\(MySQLReplicationPlan.rootPasswordFile)"])
            XCTAssertNil(spec.config.cmd, "the image's own command: no password argument")
        }
        // The password does reach the files uploaded into the containers (so the checks above can fail).
        let files = plan.passwordFiles().flatMap(\.entries)
        XCTAssertEqual(files.compactMap { String(data: $0.data, encoding: .utf8) }.filter { $0.contains(Self.rootPassword) }.count, 2)
        XCTAssertEqual(files.first { $0.path == ".my.cnf" }?.mode, 0o600, "root's option file is root's alone")

        // The client's command lines carry no password, as root or as another user.
        let shell = MySQLShell(docker: try DockerClient(host: .unix(path: "/nonexistent.sock")), container: "c",
                               client: "mariadb", password: Secret(Self.rootPassword))
        for command in [shell.command(), shell.command(user: "app")] {
            assertNoSecret(command.joined(separator: " "), secrets, "the mysql command line")
            XCTAssertFalse(command.contains { $0.hasPrefix("-p") || $0.hasPrefix("--password") }, "\(command)")
        }
        XCTAssertEqual(shell.command().dropFirst().first, "--defaults-extra-file=/root/.my.cnf")
        XCTAssertEqual(shell.command(user: "app").dropFirst().first, "--no-defaults")
    }

    func testRootPasswordsThatCannotGoInAFileAreRefused() {
        for bad in ["", "two\nlines", "tab\there", "nul\u{0}"] {
            XCTAssertThrowsError(try MySQLReplicationPlan(options: MySQLReplicationOptions(rootPassword: Secret(bad)), image: "mysql:8.0"))
        }
        let quoted = #"q"uo\te"#
        let plan = try? MySQLReplicationPlan(options: MySQLReplicationOptions(rootPassword: Secret(quoted)), image: "mysql:8.0")
        let cnf = plan?.passwordFiles().flatMap(\.entries).first { $0.path == ".my.cnf" }.map { String(decoding: $0.data, as: UTF8.self) }
        XCTAssertEqual(cnf, "[client]\nuser=root\npassword=\"q\\\"uo\\\\te\"\n")
    }

    func testRegistryCredentialsReachNoLogErrorOrFixture() async throws {
        let password = "RegPass-PLANTED-\(UUID().uuidString)"
        let token = "IdToken-PLANTED-\(UUID().uuidString)"
        let log = CapturedLog()
        let double = RegistryDouble()
        let recorder = RecordingTransport(recording: double, scenario: "secrets-registry")
        let docker = try DockerClient(host: .unix(path: "/nonexistent.sock"), transport: recorder, logger: log.logger())
        var errors: [String] = []
        for auth in [RegistryAuth(username: "me", password: password, serverAddress: "registry.example"),
                     RegistryAuth(identityToken: token, serverAddress: "registry.example")] {
            errors.append("\(auth) \(String(reflecting: auth))")
            var dumped = ""
            dump(auth, to: &dumped)
            errors.append(dumped)
            do {
                try await docker.images.pull("registry.example/private/app:1.0", auth: auth).wait()
                XCTFail("the double refuses the pull")
            } catch {
                errors.append("\(error) \(String(reflecting: error)) \((error as? DockerError)?.description ?? "")")
            }
        }
        // Positive control: the credentials did go to the daemon, in the header.
        XCTAssertEqual(double.receivedAuth.count, 2)
        let header = double.receivedAuth.joined(separator: " ")
        let decoded = double.receivedAuth.compactMap { value -> String? in
            var b64 = value.replacingOccurrences(of: "-", with: "+").replacingOccurrences(of: "_", with: "/")
            while b64.count % 4 != 0 { b64 += "=" }
            return Data(base64Encoded: b64).map { String(decoding: $0, as: UTF8.self) }
        }.joined()
        XCTAssertTrue(decoded.contains(password) && decoded.contains(token), "the header carries the credentials")

        let folder = NSTemporaryDirectory() + "dockersdk-secrets-\(UUID().uuidString)"
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let path = try recorder.save(under: folder)
        let fixture = try String(contentsOfFile: path, encoding: .utf8)
        XCTAssertTrue(fixture.contains("X-Registry-Auth"), "the recorded request names the header")
        XCTAssertFalse(log.lines.isEmpty, "the client logged at trace level")
        let secrets = [password, token, header] + double.receivedAuth
        assertNoSecret(log.lines.joined(separator: "\n"), secrets, "the log")
        assertNoSecret(errors.joined(separator: "\n"), secrets, "an error or description")
        assertNoSecret(fixture, secrets, "the recorded fixture")
    }

    /// Every recorded and synthesized fixture in Fixtures/: auth headers redacted, no password-like
    /// variable, option or SQL clause with a value, also inside base64 bodies (tar, stdin, output).
    func testNoFixtureCarriesACredential() throws {
        let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().appendingPathComponent("Fixtures")
        let files = (FileManager.default.enumerator(atPath: root.path)?.allObjects as? [String] ?? []).filter { $0.hasSuffix(".json") }
        XCTAssertGreaterThan(files.count, 15, "the fixtures are found")
        let knownTestSecrets = ["fx-Secret-Pa55word!", "hunter2"]
        var findings: [String] = []
        for file in files {
            let data = try Data(contentsOf: root.appendingPathComponent(file))
            let text = String(decoding: data, as: UTF8.self)
            for secret in knownTestSecrets where text.contains(secret) { findings.append("\(file): a test password") }
            let json = try JSONSerialization.jsonObject(with: data)
            FixtureScan.walk(json, file: file, findings: &findings)
        }
        XCTAssertEqual(findings, [], "credentials in fixtures")
    }

    func testTheFixtureScanFindsWhatItLooksFor() {
        var findings: [String] = []
        let planted: [String: Any] = [
            "headers": ["X-Registry-Auth": "eyJwYXNzd29yZCI6Imh1bnRlcjIifQ"],
            "body": ["json": ["Env": ["MYSQL_ROOT_PASSWORD=hunter2"], "Cmd": ["redis-server", "--requirepass=s3cret"]]],
            "input": ["base64": Data("CREATE USER 'r'@'%' IDENTIFIED BY 'pw'; [client]\npassword=\"x\"\n".utf8).base64EncodedString()],
        ]
        FixtureScan.walk(planted, file: "planted", findings: &findings)
        XCTAssertEqual(findings.count, 5, "\(findings)")
    }
}

/// What counts as a credential in a fixture.
enum FixtureScan {
    static let authHeaders = ["x-registry-auth", "x-registry-config", "authorization"]
    static let patterns = [
        #"(?i)\b[A-Z_]*(PASSWORD|PASSWD|MYSQL_PWD|SECRET|TOKEN)[A-Z_]*=(?!<redacted>)(?!/)[^\s"]+"#,
        #"(?i)--(password|requirepass|masterauth)[= ](?!<redacted>)\S+"#,
        #"(?i)IDENTIFIED BY\s+'(?!<redacted>)[^']*'"#,
        #"(?i)(MASTER|SOURCE)_PASSWORD\s*=\s*'(?!<redacted>)[^']*'"#,
        #"(?im)^\s*password\s*=\s*(?!<redacted>)\S+"#,
        #"(?i)"(identitytoken|registrytoken|password)"\s*:\s*"(?!<redacted>)[^"]+""#,
    ]

    static func walk(_ value: Any, file: String, key: String? = nil, findings: inout [String]) {
        switch value {
        case let dict as [String: Any]:
            for (k, v) in dict {
                if authHeaders.contains(k.lowercased()), let s = v as? String, s != "<redacted>" {
                    findings.append("\(file): header \(k) not redacted")
                }
                walk(v, file: file, key: k, findings: &findings)
            }
        case let array as [Any]:
            for v in array { walk(v, file: file, key: key, findings: &findings) }
        case let string as String:
            check(string, file: file, findings: &findings)
            if key == "base64", let data = Data(base64Encoded: string) {
                check(String(decoding: data, as: UTF8.self), file: file, findings: &findings)
            }
        default:
            break
        }
    }

    static func check(_ text: String, file: String, findings: inout [String]) {
        for pattern in patterns {
            if let match = text.range(of: pattern, options: .regularExpression) {
                findings.append("\(file): \(text[match].prefix(40))")
            }
        }
    }
}
