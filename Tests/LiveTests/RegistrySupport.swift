import DockerSDK
import Foundation
import XCTest

/// The local registries scripts/registry.sh runs (plain on 127.0.0.1:5000, htpasswd + TLS on
/// 127.0.0.1:5443) and the test user it made. The password is read from the file the script
/// wrote and never printed.
enum LiveRegistry {
    static let plain = "127.0.0.1:5000"
    static let secure = "127.0.0.1:5443"
    static var directory: String {
        ProcessInfo.processInfo.environment["DOCKERSDK_REGISTRY_DIR"] ?? "/var/lib/dockersdk-registry"
    }

    /// The test user's name and password.
    struct User {
        let username: String
        let password: String
        var auth: RegistryAuth { RegistryAuth(username: username, password: password, serverAddress: LiveRegistry.secure) }
    }

    /// The test user, or a failure (CI) / skip when the registries were not set up.
    static func user(file: StaticString = #filePath, line: UInt = #line) throws -> User {
        let path = "\(directory)/auth/credentials"
        guard let text = try? String(contentsOfFile: path, encoding: .utf8) else {
            try Live.unavailable("no registry credentials at \(path): run scripts/registry.sh (scripts/setup.sh does)",
                                 file: file, line: line)
        }
        var values: [String: String] = [:]
        for entry in text.split(separator: "\n") {
            guard let eq = entry.firstIndex(of: "=") else { continue }
            values[String(entry[..<eq])] = String(entry[entry.index(after: eq)...])
        }
        guard let username = values["username"], let password = values["password"], !password.isEmpty else {
            try Live.unavailable("\(path) has no username/password", file: file, line: line)
        }
        return User(username: username, password: password)
    }

    /// Fails (CI) or skips unless both registries answer.
    static func requireRunning(file: StaticString = #filePath, line: UInt = #line) throws {
        let plainCheck = try Exec.run("/usr/bin/curl", ["-s", "-o", "/dev/null", "-w", "%{http_code}", "--max-time", "5",
                                                         "http://\(plain)/v2/"], timeout: 10)
        let secureCheck = try Exec.run("/usr/bin/curl", ["-s", "-o", "/dev/null", "-w", "%{http_code}", "--max-time", "5",
                                                          "--cacert", "\(directory)/certs/ca.crt", "https://\(secure)/v2/"],
                                       timeout: 10)
        let codes = (String(decoding: plainCheck.stdout, as: UTF8.self), String(decoding: secureCheck.stdout, as: UTF8.self))
        guard codes == ("200", "401") else {
            try Live.unavailable("the local registries do not answer (\(codes.0), \(codes.1)): run scripts/registry.sh",
                                 file: file, line: line)
        }
    }

    /// A fresh DOCKER_CONFIG folder, removed after `body`.
    static func withConfigFolder<T>(_ body: (String) async throws -> T) async throws -> T {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("dockersdk-config-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true,
                                                attributes: [.posixPermissions: 0o700])
        defer { try? FileManager.default.removeItem(atPath: folder) }
        return try await body(folder)
    }

    /// Writes `config.json` into `folder`.
    static func writeConfig(_ json: [String: Any], in folder: String) throws {
        let data = try JSONSerialization.data(withJSONObject: json, options: [.prettyPrinted, .sortedKeys])
        _ = FileManager.default.createFile(atPath: "\(folder)/config.json", contents: data, attributes: [.posixPermissions: 0o600])
    }

    /// Writes a `docker-credential-NAME` helper into `folder/bin` that answers `get` for the
    /// secure registry from a mode-600 file and logs each call (action and server, never a secret).
    static func writeHelper(name: String, user: User, in folder: String) throws -> (bin: String, calls: String) {
        let bin = "\(folder)/bin"
        try FileManager.default.createDirectory(atPath: bin, withIntermediateDirectories: true)
        let secret = "\(folder)/helper-secret.json"
        let answer = try JSONSerialization.data(withJSONObject: ["ServerURL": secure, "Username": user.username,
                                                                 "Secret": user.password])
        _ = FileManager.default.createFile(atPath: secret, contents: answer, attributes: [.posixPermissions: 0o600])
        let calls = "\(folder)/helper-calls.log"
        let script = """
        #!/bin/sh
        # A docker credential helper for tests: get answers for \(secure) only.
        action="$1"
        case "$action" in
        get)
          server=$(cat)
          echo "get $server" >> '\(calls)'
          if [ "$server" = '\(secure)' ]; then cat '\(secret)'; else echo 'credentials not found in native keychain'; exit 1; fi ;;
        store)
          cat > '\(folder)/helper-stored.json'
          echo "store" >> '\(calls)' ;;
        erase)
          server=$(cat)
          echo "erase $server" >> '\(calls)' ;;
        *) exit 1 ;;
        esac
        """
        let path = "\(bin)/docker-credential-\(name)"
        _ = FileManager.default.createFile(atPath: path, contents: Data(script.utf8), attributes: [.posixPermissions: 0o700])
        return (bin, calls)
    }
}

/// Removes images by reference (force) and IDs (no force) on every path, from a fresh task.
func withLiveImages<T>(_ docker: DockerClient, _ references: [String], ids: @escaping @Sendable () -> [String] = { [] },
                       _ body: () async throws -> T) async throws -> T {
    func cleanup() async {
        await Task.detached {
            for reference in references { _ = try? await docker.images.remove(reference, force: true) }
            // Only untagged leftovers: removing a tagged image by ID would untag it (e.g. a base image).
            for id in ids() {
                guard let image = try? await docker.images.inspect(id), (image.repoTags ?? []).isEmpty else { continue }
                _ = try? await docker.images.remove(id)
            }
        }.value
    }
    do {
        let result = try await body()
        await cleanup()
        return result
    } catch {
        await cleanup()
        throw error
    }
}

/// A temporary folder with files, removed after `body`.
func withContextFolder<T>(_ files: [String: String], _ body: (String) async throws -> T) async throws -> T {
    let folder = FileManager.default.temporaryDirectory.appendingPathComponent("dockersdk-ctx-\(UUID().uuidString)").path
    defer { try? FileManager.default.removeItem(atPath: folder) }
    for (path, text) in files {
        let full = "\(folder)/\(path)"
        try FileManager.default.createDirectory(atPath: (full as NSString).deletingLastPathComponent,
                                                withIntermediateDirectories: true)
        _ = FileManager.default.createFile(atPath: full, contents: Data(text.utf8))
    }
    return try await body(folder)
}

/// Runs `image` with its default command, returns its stdout and exit code; the container is removed.
func runImage(_ docker: DockerClient, _ image: String, test: String, cmd: [String]? = nil) async throws -> (String, Int) {
    var config = ContainerConfig(image: image, labels: Live.labels(test))
    config.cmd = cmd
    let id = try await docker.containers.create(ContainerCreate(config: config, hostConfig: HostConfig()),
                                                name: Live.name(test)).id
    do {
        try await docker.containers.start(id)
        let exit = try await docker.containers.wait(id)
        let output = try await docker.containers.logs(id, options: LogsOptions(stdout: true, stderr: true)).collect()
        await LiveContainers.remove(docker, id)
        return (String(decoding: output.stdout, as: UTF8.self), Int(exit.statusCode))
    } catch {
        await LiveContainers.remove(docker, id)
        throw error
    }
}
