import ArgumentParser
import DockerSDK
import Foundation

/// `login SERVER -u USER --password-stdin`: checks the credentials through the daemon (`POST /auth`),
/// then stores them as `docker login` does: in the configured credential helper, else base64 in
/// the config file (DOCKER_CONFIG, else ~/.docker). The password is read from stdin only.
struct LoginCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "login", abstract: "Log in to a registry.")

    @OptionGroup var global: GlobalOptions
    @Option(name: .shortAndLong, help: "The user name.") var username: String
    @Flag(name: .customLong("password-stdin"), help: "Read the password from stdin (the only way: never on the command line).")
    var passwordStdin = false
    @Argument(help: "The registry, e.g. 127.0.0.1:5443 (default: Docker Hub).") var server: String = DockerConfigFile.dockerHubKey

    func run() async throws {
        do {
            guard passwordStdin else {
                throw DockerError.invalidArgument("pass the password on stdin with --password-stdin")
            }
            var password = String(decoding: FileHandle.standardInput.readDataToEndOfFile(), as: UTF8.self)
            while password.hasSuffix("\n") || password.hasSuffix("\r") { password.removeLast() }
            guard !password.isEmpty else { throw DockerError.invalidArgument("no password on stdin") }
            let key = DockerConfigFile.normalize(server)
            var auth = RegistryAuth(username: username, password: password, serverAddress: key)
            let docker = try global.client()
            let result = try await docker.system.auth(auth)
            if let token = result.identityToken, !token.isEmpty {
                auth.password = nil
                auth.identityToken = token
            }
            var config = try DockerConfigFile.load()
            try config.store(auth, for: key)
            let place = config.helper(for: key).map { "docker-credential-\($0.name)" } ?? config.path
            print("\(result.status) (credentials stored in \(place))")
        } catch {
            throw fail(error)
        }
    }
}
