import DockerSDK
import Foundation
import XCTest

/// .dockerignore matching (moby patternmatcher semantics), the context tar, build options,
/// and the config-file credential lookups: no daemon needed.
final class BuildContextTests: XCTestCase {
    func testPatternSemantics() throws {
        let ignore = try DockerIgnore("""
        # a comment
        *.log
        !important.log
        /abs/path
        docs/**/*.md
        ./tmp/../cache
        **/node_modules
        sub/*
        !sub/keep
        """)
        XCTAssertTrue(ignore.excludes("a.log"))
        XCTAssertFalse(ignore.excludes("dir/a.log"), "* stays within one component")
        XCTAssertFalse(ignore.excludes("important.log"), "the last match decides")
        XCTAssertTrue(ignore.excludes("abs/path"), "a leading / is dropped")
        XCTAssertTrue(ignore.excludes("abs/path/inner/file"), "a matched folder excludes what is under it")
        XCTAssertTrue(ignore.excludes("docs/a.md"), "** matches no folder too")
        XCTAssertTrue(ignore.excludes("docs/x/y/a.md"))
        XCTAssertFalse(ignore.excludes("docs/a.txt"))
        XCTAssertTrue(ignore.excludes("cache"), "patterns are cleaned like paths")
        XCTAssertTrue(ignore.excludes("node_modules/x"))
        XCTAssertTrue(ignore.excludes("a/b/node_modules"))
        XCTAssertTrue(ignore.excludes("sub/drop"))
        XCTAssertFalse(ignore.excludes("sub/keep"))
        XCTAssertTrue(ignore.mayReinclude(under: "sub"))
        XCTAssertFalse(ignore.mayReinclude(under: "docs"))
        XCTAssertThrowsError(try DockerIgnore("!\n"))
    }

    func testEscapesAndClasses() throws {
        let ignore = try DockerIgnore("file[0-9].txt\nq?.c\nliteral\\*star\nweird.(x)\n")
        XCTAssertTrue(ignore.excludes("file7.txt"))
        XCTAssertFalse(ignore.excludes("fileA.txt"))
        XCTAssertTrue(ignore.excludes("qa.c"))
        XCTAssertFalse(ignore.excludes("q/.c"), "? never matches /")
        XCTAssertTrue(ignore.excludes("literal*star"))
        XCTAssertFalse(ignore.excludes("literalXstar"))
        XCTAssertTrue(ignore.excludes("weird.(x)"))
        XCTAssertFalse(ignore.excludes("weirdX(x)"), ". is literal")
    }

    func testBuildFilesAreAlwaysSent() throws {
        let ignore = try DockerIgnore("*\n").keeping(dockerfile: "build/Dockerfile.dev")
        XCTAssertFalse(ignore.excludes(".dockerignore"))
        XCTAssertFalse(ignore.excludes("build/Dockerfile.dev"))
        XCTAssertTrue(ignore.excludes("other"))
    }

    func testContextTarHoldsWhatIsKeptInOrder() throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("dockersdk-ctx-\(UUID().uuidString)").path
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let files = ["Dockerfile": "FROM scratch\n", ".dockerignore": "*.tmp\nsecret/\n", "b.txt": "b", "a/x.txt": "x",
                     "a/y.tmp": "y", "secret/key": "k", String(repeating: "long-name-", count: 12) + ".txt": "long"]
        for (path, text) in files {
            let full = "\(folder)/\(path)"
            try FileManager.default.createDirectory(atPath: (full as NSString).deletingLastPathComponent, withIntermediateDirectories: true)
            _ = FileManager.default.createFile(atPath: full, contents: Data(text.utf8), attributes: [.posixPermissions: 0o640])
        }
        try FileManager.default.createSymbolicLink(atPath: "\(folder)/link", withDestinationPath: "b.txt")
        let writer = BuildContextWriter(directory: folder)
        let tar = "\(folder)-context.tar"
        defer { try? FileManager.default.removeItem(atPath: tar) }
        let written = try writer.write(to: tar)
        let data = try Data(contentsOf: URL(fileURLWithPath: tar))
        XCTAssertEqual(Int64(data.count), written)
        XCTAssertEqual(data.count % 512, 0)
        let entries = try TarArchive.read(data)
        let long = String(repeating: "long-name-", count: 12) + ".txt"
        // `*.tmp` only matches at the top (the CLI's rule): a/y.tmp stays.
        XCTAssertEqual(entries.map(\.path), [".dockerignore", "Dockerfile", "a/", "a/x.txt", "a/y.tmp", "b.txt", "link", long])
        XCTAssertEqual(entries.first { $0.path == "a/x.txt" }?.data, Data("x".utf8))
        XCTAssertEqual(entries.first { $0.path == "a/x.txt" }?.mode, 0o640)
        XCTAssertEqual(entries.first { $0.path == "link" }?.kind, .symlink(target: "b.txt"))
        XCTAssertEqual(entries.first { $0.path == long }?.data, Data("long".utf8))
        XCTAssertTrue(entries.allSatisfy { $0.uid == 0 && $0.gid == 0 })
        XCTAssertEqual(try writer.paths(), [".dockerignore", "Dockerfile", "a", "a/x.txt", "a/y.tmp", "b.txt", "link", long])
    }

    func testContextErrorsAreTyped() throws {
        let missing = BuildContextWriter(directory: "/nonexistent-\(UUID().uuidString)")
        XCTAssertThrowsError(try missing.paths()) { XCTAssertTrue("\($0)".contains("is not a folder")) }
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("dockersdk-ctx-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: folder) }
        XCTAssertThrowsError(try BuildContextWriter(directory: folder).paths()) { XCTAssertTrue("\($0)".contains("no Dockerfile")) }
        XCTAssertThrowsError(try BuildContextWriter(directory: folder, dockerfile: "../Dockerfile").paths()) {
            XCTAssertTrue("\($0)".contains("inside the build context"))
        }
    }

    func testBuildStepParsing() {
        XCTAssertEqual(BuildStep(line: "Step 3/12 : RUN make -j2"), BuildStep(number: 3, total: 12, instruction: "RUN make -j2"))
        XCTAssertNil(BuildStep(line: " ---> Running in 0123"))
        XCTAssertNil(BuildStep(line: "Step x/y : RUN"))
        XCTAssertEqual(BuildStep(number: 1, total: 2, instruction: "FROM a").description, "Step 1/2 : FROM a")
    }

    func testConfigFileLookups() throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("dockersdk-cfg-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let secret = "cfg-Secret-\(UUID().uuidString)"
        let config: [String: Any] = [
            "auths": [
                "https://index.docker.io/v1/": ["auth": Data("hubuser:\(secret)".utf8).base64EncodedString()],
                "https://registry.example:5000/v2/": ["username": "u2", "password": secret],
                "tokens.example": ["auth": Data("tok:".utf8).base64EncodedString(), "identitytoken": "refresh-\(secret)"],
            ],
            "psFormat": "table {{.ID}}",
        ]
        let data = try JSONSerialization.data(withJSONObject: config)
        _ = FileManager.default.createFile(atPath: "\(folder)/config.json", contents: data)
        let file = try DockerConfigFile.load(discovery: HostDiscovery(environment: ["DOCKER_CONFIG": folder]))
        XCTAssertEqual(try file.credentials(forImage: "redis:7")?.username, "hubuser")
        XCTAssertEqual(try file.credentials(forImage: "docker.io/library/redis")?.password, secret)
        XCTAssertEqual(try file.credentials(forImage: "registry.example:5000/team/app:1")?.username, "u2")
        let token = try XCTUnwrap(try file.credentials(for: "tokens.example"))
        XCTAssertEqual(token.identityToken, "refresh-\(secret)")
        XCTAssertNil(token.password)
        XCTAssertNil(try file.credentials(for: "unknown.example"))
        XCTAssertEqual(DockerConfigFile.registryKey(forImage: "localhost/app"), "localhost")
        XCTAssertEqual(DockerConfigFile.registryKey(forImage: "team/app"), DockerConfigFile.dockerHubKey)
        XCTAssertEqual(Set(try file.allCredentials().keys), [DockerConfigFile.dockerHubKey, "registry.example:5000", "tokens.example"])
        for auth in try file.allCredentials().values { XCTAssertFalse("\(auth)".contains(secret)) }
        XCTAssertFalse(file.auths.values.map(\.description).joined().contains(secret))

        // HOME is the fallback when DOCKER_CONFIG is unset.
        let viaHome = try DockerConfigFile.load(discovery: HostDiscovery(environment: ["HOME": "/nonexistent-home"]))
        XCTAssertEqual(viaHome.path, "/nonexistent-home/.docker/config.json")
        XCTAssertTrue(viaHome.auths.isEmpty)

        // Writing keeps unknown keys.
        var copy = file
        try copy.store(RegistryAuth(username: "new", password: "pw-\(secret)"), for: "https://new.example/")
        let reread = try DockerConfigFile.load(path: file.path)
        XCTAssertEqual(try reread.credentials(for: "new.example")?.password, "pw-\(secret)")
        let text = try String(contentsOfFile: file.path, encoding: .utf8)
        XCTAssertTrue(text.contains("psFormat"))

        _ = FileManager.default.createFile(atPath: "\(folder)/config.json", contents: Data("{not json".utf8))
        XCTAssertThrowsError(try DockerConfigFile.load(path: "\(folder)/config.json"))
    }

    func testCredentialHelperErrorsNameNoSecret() throws {
        let helper = CredentialHelper(name: "dockersdk-absent-\(UUID().uuidString.prefix(8))", environment: ["PATH": "/nonexistent"])
        XCTAssertThrowsError(try helper.get(server: "r.example")) { XCTAssertTrue("\($0)".contains("not on PATH")) }
        XCTAssertThrowsError(try CredentialHelper(name: "../evil").executable())
    }

    func testBuildQueryAndRegistryConfigHeader() async throws {
        // The redactor hides the X-Registry-Config header and JSON password values.
        let redactor = Redactor()
        XCTAssertEqual(redactor.scrub(headers: ["X-Registry-Config": "abc"])["X-Registry-Config"], Redactor.mask)
        let scrubbed = redactor.scrub(Fixture.Body.json(.object(["username": .string("u"), "password": .string("p"),
                                                                 "nested": .array([.object(["IdentityToken": .string("t")])])])))
        XCTAssertEqual(scrubbed, .json(.object(["username": .string("u"), "password": .string(Redactor.mask),
                                                "nested": .array([.object(["IdentityToken": .string(Redactor.mask)])])])))
    }

    /// Options added after API 1.41 are typed errors on 1.41 (nothing sent), and sent from 1.48.
    func testBuildCachePruneSpaceOptionsAreGatedOnTheVersion() async throws {
        let empty = ReplayTransport(fixture: Fixture(scenario: "nothing"))
        let old = try DockerClient(host: .unix(path: "/replay/none"), apiVersion: APIVersion(1, 41), transport: empty, environment: [:])
        let error = await dockerError { try await old.images.pruneBuildCache(maxUsedSpace: 1 << 30) }
        guard case let .requiresAPIVersion(feature, minimum, _)? = error else { return XCTFail("\(String(describing: error))") }
        XCTAssertEqual(feature, "max-used-space")
        XCTAssertEqual(minimum, APIVersion(1, 48))
        XCTAssertNoThrow(try empty.assertFinished(), "nothing was sent")

        let request = Fixture.Request(method: "POST", path: "/build/prune", apiVersion: "1.52",
                                      query: [QueryItem("reserved-space", "1000"), QueryItem("min-free-space", "2000")])
        let answer = Fixture.Response(status: 200, headers: ["Content-Type": "application/json"],
                                      body: .json(.object(["CachesDeleted": .array([.string("abc")]), "SpaceReclaimed": .int(42)])))
        let replay = ReplayTransport(fixture: Fixture(scenario: "prune-1.52", apiVersion: "1.52", synthesized: true,
                                                      source: "shared/engine-api/v1.52.yaml: /build/prune",
                                                      exchanges: [Fixture.Exchange(kind: .unary, request: request, response: answer)]))
        let new = try DockerClient(host: .unix(path: "/replay/none"), apiVersion: APIVersion(1, 52), transport: replay, environment: [:])
        let pruned = try await new.images.pruneBuildCache(keepStorage: 1000, minFreeSpace: 2000)
        XCTAssertEqual(pruned, BuildCachePruneResult(cachesDeleted: ["abc"], spaceReclaimed: 42))
        try replay.assertFinished()
    }

    /// Platform options (API 1.46/1.48) on a 1.41 daemon: typed errors naming the version, nothing
    /// sent; on 1.52 the OCI platform goes as JSON.
    func testPlatformOptionsAreGatedOnTheVersion() async throws {
        let arm = OCIPlatform(architecture: "arm", os: "linux", variant: "v5")
        XCTAssertEqual(try arm.queryValue(), #"{"architecture":"arm","os":"linux","variant":"v5"}"#)
        let empty = ReplayTransport(fixture: Fixture(scenario: "nothing"))
        let old = try DockerClient(host: .unix(path: "/replay/none"), apiVersion: APIVersion(1, 41), transport: empty, environment: [:])
        let push = await dockerError { try await old.images.push("r.example/app:1", platform: arm) }
        let history = await dockerError { try await old.images.history("app:1", platform: arm) }
        let save = await dockerError { try await old.images.save(["app:1"], platform: arm) }
        let load = await dockerError { try await old.images.load(.data(Data()), platforms: [arm]) }
        for (error, minimum) in [(push, "1.46"), (history, "1.48"), (save, "1.48"), (load, "1.48")] {
            guard case let .requiresAPIVersion(_, required, _)? = error else { XCTFail("\(String(describing: error))"); continue }
            XCTAssertEqual(required.description, minimum)
        }
        XCTAssertNoThrow(try empty.assertFinished(), "nothing was sent")

        let request = Fixture.Request(method: "GET", path: "/images/app:1/history", apiVersion: "1.52",
                                      query: [QueryItem("platform", try arm.queryValue())])
        let answer = Fixture.Response(status: 200, headers: ["Content-Type": "application/json"], body: .json(.array([
            .object(["Id": .string("sha256:abc"), "Created": .int(1_700_000_000), "CreatedBy": .string("/bin/sh -c #(nop) CMD [\"sh\"]"),
                     "Tags": .array([.string("app:1")]), "Size": .int(0), "Comment": .string("")]),
        ])))
        let replay = ReplayTransport(fixture: Fixture(scenario: "history-1.52", apiVersion: "1.52", synthesized: true,
                                                      source: "shared/engine-api/v1.52.yaml: /images/{name}/history",
                                                      exchanges: [Fixture.Exchange(kind: .unary, request: request, response: answer)]))
        let new = try DockerClient(host: .unix(path: "/replay/none"), apiVersion: APIVersion(1, 52), transport: replay, environment: [:])
        let items = try await new.images.history("app:1", platform: arm)
        XCTAssertEqual(items.map(\.tags), [["app:1"]])
        try replay.assertFinished()
    }
}
