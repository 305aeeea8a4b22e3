// Fuzzes the docker context/config parsers (HostDiscovery) and DockerHost(url:): the input's first
// line is a host URL, the second a context name, the rest is split into config.json and meta.json.
// Every outcome is a host or a typed DockerError.
import DockerSDK
import Foundation
import FuzzHarness
import Crypto

private let configDir = Fuzz.scratchDirectory("config")
/// The context folder of the previous input, removed when the next one names another context.
nonisolated(unsafe) private var previousMetaDir: String?

private func typed(_ what: String, _ body: () throws -> Void) {
    do { try body() } catch let error as DockerError {
        guard case .invalidArgument = error else { fatalError("\(what): unexpected DockerError case: \(error)") }
    } catch {
        fatalError("\(what): untyped error: \(error)")
    }
}

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzOne(_ bytes: UnsafePointer<UInt8>?, _ size: Int) -> CInt {
    let text = String(decoding: Fuzz.data(bytes, size), as: UTF8.self)
    let parts = Fuzz.parts(text, 4)
    let (url, context, config, meta) = (parts[0], parts[1], parts[2], parts[3])
    typed("DockerHost(url:)") { _ = try DockerHost(url: url) }
    typed("DockerHost(url:tls:)") { _ = try DockerHost(url: url, tls: TLSConfiguration(verify: true)) }

    // config.json and the context's meta.json, at the paths the docker CLI uses.
    let digest = SHA256.hash(data: Array(context.utf8)).map { String(format: "%02x", $0) }.joined()
    let metaDir = configDir + "/contexts/meta/" + digest
    // Only one context folder exists at a time (as before), without creating and removing it per input.
    if previousMetaDir != metaDir {
        if let previous = previousMetaDir { try? FileManager.default.removeItem(atPath: previous) }
        try? FileManager.default.createDirectory(atPath: metaDir, withIntermediateDirectories: true)
        previousMetaDir = metaDir
    }
    Fuzz.write(Data(config.utf8), to: configDir + "/config.json")
    Fuzz.write(Data(meta.utf8), to: metaDir + "/meta.json")

    let discovery = HostDiscovery(environment: ["DOCKER_CONFIG": configDir], defaultSocketPath: "/nonexistent.sock")
    typed("currentContextName") { _ = try discovery.currentContextName() }
    typed("contextEndpoint") { _ = try discovery.contextEndpoint(named: context) }
    typed("resolve") { _ = try discovery.resolve() }
    let named = HostDiscovery(environment: ["DOCKER_CONFIG": configDir, "DOCKER_CONTEXT": context],
                              defaultSocketPath: "/nonexistent.sock")
    typed("resolve(DOCKER_CONTEXT)") { _ = try named.resolve() }
    let env = HostDiscovery(environment: ["DOCKER_HOST": url, "DOCKER_TLS_VERIFY": context, "DOCKER_CERT_PATH": configDir],
                            defaultSocketPath: "/nonexistent.sock")
    typed("resolve(DOCKER_HOST)") { _ = try env.resolve() }
    return 0
}

Fuzz.runDriver(fuzzOne)
