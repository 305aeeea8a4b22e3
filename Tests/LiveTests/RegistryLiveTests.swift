import DockerSDK
import Foundation
import XCTest

/// Push, pull and credentials against the local registries of scripts/registry.sh.
final class RegistryLiveTests: XCTestCase {
    /// Builds a small unique image tagged `reference`; returns its ID.
    private func buildUnique(_ docker: DockerClient, _ reference: String, test: String) async throws -> String {
        let marker = UUID().uuidString
        return try await withContextFolder(["Dockerfile": "FROM dockersdk/busybox\nARG MARKER\nRUN echo \"$MARKER\" > /marker\nCMD [\"cat\", \"/marker\"]\n"]) { folder in
            try await docker.images.build(.directory(folder), options: BuildOptions(
                tags: [reference], buildArgs: ["MARKER": marker], labels: Live.labels(test))).wait().imageID
        }
    }

    /// Push with credentials from config.json (`auths`, then a credential helper), remove, pull
    /// back: the same image ID; the registry and the daemon agree on the digest.
    func testPushPullWithConfigAuthsAndCredentialHelper() async throws {
        let docker = try await Live.client()
        try LiveRegistry.requireRunning()
        let user = try LiveRegistry.user()
        let test = "registry-push"
        let repository = "\(LiveRegistry.secure)/\(Live.name("push"))"
        let first = "\(repository):1"
        let second = "\(repository):2"
        try await withLiveImages(docker, [first, second]) {
            let id = try await buildUnique(docker, first, test: test)
            try await docker.images.tag(first, as: second)

            try await LiveRegistry.withConfigFolder { folder in
                // 1. `auths` with base64 user:password, found through DOCKER_CONFIG like the CLI.
                let encoded = Data("\(user.username):\(user.password)".utf8).base64EncodedString()
                try LiveRegistry.writeConfig(["auths": [LiveRegistry.secure: ["auth": encoded]], "detachKeys": "ctrl-x"], in: folder)
                let config = try DockerConfigFile.load(discovery: HostDiscovery(environment: ["DOCKER_CONFIG": folder]))
                XCTAssertEqual(config.path, "\(folder)/config.json")
                let auth = try XCTUnwrap(try config.credentials(forImage: first))
                XCTAssertEqual(auth.username, user.username)
                XCTAssertFalse("\(auth)".contains(user.password))

                var statuses: [String] = []
                var pushed: [PushedImage] = []
                for try await event in try await docker.images.push(first, auth: auth) {
                    switch event {
                    case .progress(let progress): if let status = progress.status { statuses.append(status) }
                    case .pushed(let image): pushed.append(image)
                    }
                }
                // Podman names the tag too: "The push refers to repository [REPO:1]".
                XCTAssertTrue(statuses.contains { $0.hasPrefix("The push refers to repository [\(repository)\(Live.isPodman ? ":" : "]")") },
                              "\(statuses)")
                // Per-layer statuses are dockerd's; Podman reports only the repository and the digest.
                if !Live.isPodman {
                    XCTAssertTrue(statuses.contains("Pushed") || statuses.contains("Layer already exists"), "\(statuses)")
                }
                let image = try XCTUnwrap(pushed.first)
                XCTAssertEqual(image.tag, "1")
                XCTAssertTrue(image.digest.hasPrefix("sha256:"), image.digest)

                // The registry holds that manifest (distribution inspect goes through the daemon;
                // Podman 4.3 has no GET /distribution/{name}/json: a typed notFound that says so).
                if Live.isPodman {
                    let missing = await dockerErrorLive { try await docker.distribution.inspect(first, auth: auth) }
                    guard case .notFound(let message)? = missing else { return XCTFail("\(String(describing: missing))") }
                    XCTAssertTrue(message.contains("Podman"), message)
                } else {
                    let remote = try await docker.distribution.inspect(first, auth: auth)
                    XCTAssertEqual(remote.descriptor.digest, image.digest)
                    XCTAssertEqual(remote.platforms?.first?.os, "linux")
                }
                let inspected = try await docker.images.inspect(first)
                XCTAssertTrue(inspected.id == id)

                // Remove locally, pull back: the same image.
                try await docker.images.remove(first)
                try await docker.images.remove(second)
                let gone = try await docker.images.exists(first)
                XCTAssertFalse(gone)
                let pullEvents = try await docker.images.pull(first, auth: auth).wait()
                // Podman's pull progress has no "Digest:" line.
                if !Live.isPodman {
                    XCTAssertTrue(pullEvents.contains { $0.status?.contains("Digest: \(image.digest)") == true }, "\(pullEvents)")
                }
                let pulled = try await docker.images.inspect(first)
                XCTAssertEqual(pulled.id, id)
                let (output, status) = try await runImage(docker, first, test: test)
                XCTAssertEqual(status, 0)
                XCTAssertFalse(output.isEmpty)

                // 2. A credential helper named in credHelpers (the file has no auths entry then).
                let helperName = "dockersdk-test-\(UInt32.random(in: 0...UInt32.max))"
                let helper = try LiveRegistry.writeHelper(name: helperName, user: user, in: folder)
                try LiveRegistry.writeConfig(["credHelpers": [LiveRegistry.secure: helperName]], in: folder)
                let helped = try DockerConfigFile.load(discovery: HostDiscovery(environment: [
                    "DOCKER_CONFIG": folder, "PATH": "\(helper.bin):/usr/bin:/bin"]))
                let helperAuth = try XCTUnwrap(try helped.credentials(forImage: second))
                XCTAssertEqual(helperAuth.username, user.username)
                let calls = try String(contentsOfFile: helper.calls, encoding: .utf8)
                XCTAssertEqual(calls, "get \(LiveRegistry.secure)\n")
                try await docker.images.tag(first, as: second)
                let pushedSecond = try await docker.images.push(second, auth: helperAuth).wait()
                XCTAssertEqual(pushedSecond.map(\.tag), ["2"])
                XCTAssertEqual(pushedSecond.first?.digest, image.digest, "the same manifest under another tag")
                // The helper knows no other registry: no credentials, no error.
                let none = try helped.credentials(for: LiveRegistry.plain)
                XCTAssertNil(none)
            }
        }
    }

    /// A wrong password: typed `.unauthorized` with the registry's message, and the password
    /// appears nowhere in the error.
    func testWrongPasswordIsUnauthorizedWithoutThePassword() async throws {
        let docker = try await Live.client()
        try LiveRegistry.requireRunning()
        let user = try LiveRegistry.user()
        let wrong = "wrong-\(UUID().uuidString)"
        let bad = RegistryAuth(username: user.username, password: wrong, serverAddress: LiveRegistry.secure)
        let reference = "\(LiveRegistry.secure)/\(Live.name("unauthorized")):1"
        try await withLiveImages(docker, [reference]) {
            try await docker.images.tag("dockersdk/busybox:latest", as: reference)

            let push = await dockerErrorLive { try await docker.images.push(reference, auth: bad).wait() }
            guard case .unauthorized(let pushMessage)? = push else {
                return XCTFail("expected unauthorized, got \(String(describing: push))")
            }
            XCTAssertTrue(pushMessage.contains("authentication required"), pushMessage)

            let login = await dockerErrorLive { try await docker.system.auth(bad) }
            guard case .unauthorized(let loginMessage)? = login else {
                return XCTFail("expected unauthorized, got \(String(describing: login))")
            }
            XCTAssertTrue(loginMessage.contains("401 Unauthorized"), loginMessage)

            let pull = await dockerErrorLive { try await docker.images.pull(reference, auth: bad).wait() }
            guard case .unauthorized? = pull else { return XCTFail("expected unauthorized, got \(String(describing: pull))") }
            var inspect: DockerError?
            if !Live.isPodman {  // Podman 4.3 has no GET /distribution/{name}/json
                inspect = await dockerErrorLive { try await docker.distribution.inspect(reference, auth: bad) }
                guard case .unauthorized? = inspect else { return XCTFail("expected unauthorized, got \(String(describing: inspect))") }
            }

            for error in [push, login, pull, inspect].compactMap({ $0 }) {
                XCTAssertFalse(error.description.contains(wrong))
                XCTAssertFalse(error.description.contains(user.password))
                XCTAssertFalse("\(error)".contains(wrong))
            }
            // The right password logs in.
            let ok = try await docker.system.auth(user.auth)
            XCTAssertEqual(ok.status, "Login Succeeded")
        }
    }

    /// A build whose base image is in the auth registry: `X-Registry-Config` carries the
    /// credentials (without them the daemon cannot pull it and the build fails, typed).
    func testBuildFromAPrivateBaseImageWithRegistryConfig() async throws {
        let docker = try await Live.client()
        try LiveRegistry.requireRunning()
        let user = try LiveRegistry.user()
        let base = "\(LiveRegistry.secure)/\(Live.name("private-base")):1"
        let derived = "\(Live.name("derived")):1"
        try await withLiveImages(docker, [base, derived]) {
            let baseID = try await buildUnique(docker, base, test: "registry-build")
            _ = try await docker.images.push(base, auth: user.auth).wait()
            try await docker.images.remove(base)
            let dockerfile = "FROM \(base)\nRUN test -s /marker\n"
            try await withContextFolder(["Dockerfile": dockerfile]) { folder in
                let anonymous = await dockerErrorLive {
                    try await docker.images.build(.directory(folder), options: BuildOptions(tags: [derived])).wait()
                }
                switch anonymous {
                case .buildFailed(_, let message, _)?, .unauthorized(let message)?, .serverError(_, let message)?:
                    // dockerd 20.10 gets a 401 over HTTPS, then retries the loopback registry over
                    // plain HTTP and reports that attempt's failure.
                    XCTAssertTrue(message.contains("authentication required") || message.contains("unauthorized")
                                  || message.contains("HTTPS server"), message)
                default:
                    XCTFail("expected a refused pull, got \(String(describing: anonymous))")
                }
                let result = try await docker.images.build(.directory(folder), options: BuildOptions(
                    tags: [derived], labels: Live.labels("registry-build"),
                    registryCredentials: [LiveRegistry.secure: user.auth])).wait()
                XCTAssertTrue(result.steps.first?.instruction == "FROM \(base)")
                let pulledBase = try await docker.images.inspect(base)
                XCTAssertEqual(pulledBase.id, baseID)
            }
        }
    }

    /// `pull` and `platform`: the build fetches its base image again, reporting pull progress.
    func testBuildWithPullReportsPullProgress() async throws {
        let docker = try await Live.client()
        try LiveRegistry.requireRunning()
        let base = "\(LiveRegistry.plain)/\(Live.name("pull-base")):1"
        let derived = "\(Live.name("pulled")):1"
        try await withLiveImages(docker, [base, derived]) {
            _ = try await buildUnique(docker, base, test: "registry-build-pull")
            _ = try await docker.images.push(base).wait()
            try await withContextFolder(["Dockerfile": "FROM \(base)\nRUN test -s /marker\n"]) { folder in
                var statuses: [String] = []
                let stream = try await docker.images.build(.directory(folder), options: BuildOptions(
                    tags: [derived], labels: Live.labels("registry-build-pull"), pull: true, platform: "linux/amd64"))
                for try await event in stream {
                    if case .progress(let progress) = event, let status = progress.status { statuses.append(status) }
                }
                // Pull statuses during a build are the classic builder's; Podman (Buildah) does not stream them.
                if !Live.isPodman {
                    XCTAssertTrue(statuses.contains { $0.hasPrefix("Pulling from") }, "\(statuses)")
                    XCTAssertTrue(statuses.contains { $0.hasPrefix("Digest: sha256:") }, "\(statuses)")
                }
                let image = try await docker.images.inspect(derived)
                XCTAssertEqual(image.architecture, "amd64")
            }
        }
    }

    /// The plain registry needs no credentials: push, remove, pull.
    func testPlainRegistryPushAndPullAnonymously() async throws {
        let docker = try await Live.client()
        try LiveRegistry.requireRunning()
        let reference = "\(LiveRegistry.plain)/\(Live.name("plain")):1"
        try await withLiveImages(docker, [reference]) {
            let id = try await buildUnique(docker, reference, test: "registry-plain")
            let pushed = try await docker.images.push(reference).wait()
            XCTAssertEqual(pushed.count, 1)
            try await docker.images.remove(reference)
            _ = try await docker.images.pull(reference).wait()
            let pulled = try await docker.images.inspect(reference)
            XCTAssertEqual(pulled.id, id)
            if Live.isPodman {
                // Podman searches a v2 registry's catalog (dockerd asks the v1 search API, which it lacks).
                // (The registry keeps every test's repositories: ours may lie beyond the result limit.)
                let found = try await docker.images.search("\(LiveRegistry.plain)/dockersdk")
                XCTAssertFalse(found.isEmpty, "at least the repository just pushed")
                XCTAssertTrue(found.allSatisfy { $0.name.hasPrefix("\(LiveRegistry.plain)/") && $0.name.contains("dockersdk") },
                              "\(found.map(\.name))")
                return
            }
            // Search is Docker Hub's v1 API: the local registry has none, and the daemon says so.
            let search = await dockerErrorLive { try await docker.images.search("\(LiveRegistry.plain)/dockersdk") }
            guard case .serverError(_, let message)? = search else {
                return XCTFail("expected a server error, got \(String(describing: search))")
            }
            XCTAssertTrue(message.contains("404"), message)
        }
    }

    /// `docker login`'s storing: into config.json (mode 600, other keys kept), or into the helper.
    func testLoginStoresInTheConfigFileOrTheHelper() async throws {
        let docker = try await Live.client()
        try LiveRegistry.requireRunning()
        let user = try LiveRegistry.user()
        try await LiveRegistry.withConfigFolder { folder in
            try LiveRegistry.writeConfig(["detachKeys": "ctrl-x", "auths": ["other.example": ["auth": "dTpw"]]], in: folder)
            var config = try DockerConfigFile.load(discovery: HostDiscovery(environment: ["DOCKER_CONFIG": folder]))
            let result = try await docker.system.auth(user.auth)
            XCTAssertEqual(result.status, "Login Succeeded")
            try config.store(user.auth, for: LiveRegistry.secure)
            let attributes = try FileManager.default.attributesOfItem(atPath: config.path)
            XCTAssertEqual((attributes[.posixPermissions] as? NSNumber)?.intValue, 0o600)
            let written = try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: config.path))) as? [String: Any]
            XCTAssertEqual(written?["detachKeys"] as? String, "ctrl-x")
            let auths = written?["auths"] as? [String: [String: String]]
            XCTAssertEqual(auths?["other.example"]?["auth"], "dTpw")
            XCTAssertEqual(auths?[LiveRegistry.secure]?["auth"], Data("\(user.username):\(user.password)".utf8).base64EncodedString())
            let reread = try DockerConfigFile.load(path: config.path)
            XCTAssertEqual(try reread.credentials(for: LiveRegistry.secure)?.password, user.password)

            // With a credential helper configured, the secret goes to it and the file keeps an empty entry.
            let helperName = "dockersdk-test-\(UInt32.random(in: 0...UInt32.max))"
            let helper = try LiveRegistry.writeHelper(name: helperName, user: user, in: folder)
            try LiveRegistry.writeConfig(["credsStore": helperName], in: folder)
            var helped = try DockerConfigFile.load(discovery: HostDiscovery(environment: [
                "DOCKER_CONFIG": folder, "PATH": "\(helper.bin):/usr/bin:/bin"]))
            try helped.store(user.auth, for: LiveRegistry.secure)
            let stored = try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: "\(folder)/helper-stored.json"))) as? [String: String]
            XCTAssertEqual(stored?["ServerURL"], LiveRegistry.secure)
            XCTAssertEqual(stored?["Username"], user.username)
            XCTAssertEqual(stored?["Secret"], user.password)
            let file = try String(contentsOfFile: helped.path, encoding: .utf8)
            XCTAssertFalse(file.contains(user.password))
            XCTAssertFalse(file.contains(Data("\(user.username):\(user.password)".utf8).base64EncodedString()))
            XCTAssertTrue(file.contains("\"credsStore\" : \"\(helperName)\""), file)
        }
    }
}
