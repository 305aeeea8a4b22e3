// Fuzzes the docker CLI config file parser behind registry credentials (DockerConfigFile: auths with
// base64 `auth`, username/password, identitytoken; credsStore; credHelpers): any file gives a config
// or `.invalidArgument`; what loads writes back and loads again equal; credential lookups in the file
// give values or `.invalidArgument`, and no error quotes a stored password. No helper ever runs:
// lookups are made only for registries without a credential helper.
import DockerSDK
import Foundation
import FuzzHarness

private let directory = Fuzz.scratchDirectory("dockerconfig")
private let path = directory + "/config.json"
// No PATH: even a bug that ran a helper could not find one.
private let environment = ["PATH": "/nonexistent"]

private func invalidArgument(_ what: String, _ error: any Error) {
    guard case DockerError.invalidArgument = error else { fatalError("\(what): not .invalidArgument: \(error)") }
}

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzOne(_ bytes: UnsafePointer<UInt8>?, _ size: Int) -> CInt {
    let input = Fuzz.data(bytes, size)
    Fuzz.write(input, to: path)
    let config: DockerConfigFile
    do { config = try DockerConfigFile.load(path: path, environment: environment) } catch {
        invalidArgument("load", error)
        return 0
    }
    // Written back over itself (unknown keys kept) and read again: the same credentials and helpers.
    do {
        try config.save()
        let again = try DockerConfigFile.load(path: path, environment: environment)
        Fuzz.require(again.auths == config.auths, "auths changed through save and load")
        Fuzz.require(again.credsStore == config.credsStore, "credsStore changed through save and load")
        Fuzz.require(again.credHelpers == config.credHelpers, "credHelpers changed through save and load")
    } catch {
        fatalError("a config that loaded did not save and load again: \(error)")
    }
    let passwords = config.auths.values.compactMap(\.password).filter { $0.count >= 4 }
    for key in Array(config.auths.keys.prefix(8)) + config.auths.keys.prefix(4).map({ $0 + "/team/app:1" }) {
        _ = DockerConfigFile.registryKey(forImage: key)
        guard config.helper(for: key) == nil else { continue }
        do {
            if let auth = try config.credentials(for: key) {
                Fuzz.require(auth.username != nil || auth.password != nil || auth.identityToken != nil, "empty credentials returned")
            }
        } catch {
            invalidArgument("credentials(for:)", error)
            let text = String(describing: error)
            for password in passwords where !path.contains(password) && !key.contains(password) {
                Fuzz.require(!text.contains(password), "an error quotes a stored password")
            }
        }
    }
    return 0
}

Fuzz.runDriver(fuzzOne)
