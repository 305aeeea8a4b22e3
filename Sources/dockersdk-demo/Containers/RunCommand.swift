import ArgumentParser
import DockerSDK
import Foundation

/// `dockersdk-demo run`: like `docker run`; without -d, prints the output and exits with the container's code.
struct RunCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "run", abstract: "Create and run a container.")

    @OptionGroup var global: GlobalOptions
    @Option(help: "The container's name.") var name: String?
    @Flag(help: "Remove the container when it exits.") var rm = false
    @Flag(name: .shortAndLong, help: "Run in the background and print the container's ID.") var detach = false
    @Option(name: .short, help: "Environment variable NAME=value (repeatable).") var env: [String] = []
    @Option(name: .short, help: "Publish a port, [ip:][hostPort:]containerPort[/proto], ranges too (repeatable; the address defaults to 127.0.0.1).")
    var publish: [String] = []
    @Option(help: "Network mode or network name.") var net: String?
    @Option(help: "Static IPv4 address on --net.") var ip: String?
    @Flag(help: "Give extended privileges.") var privileged = false
    @Flag(help: "With -d, print {\"id\": ...} as JSON.") var json = false
    @Argument(help: "The image.") var image: String
    @Argument(parsing: .postTerminator, help: "The command and its arguments.") var command: [String] = []

    func run() async throws {
        let code: Int32
        do {
            code = try await execute()
        } catch {
            throw fail(error)
        }
        if code != 0 { throw ExitCode(code) }
    }

    private func execute() async throws -> Int32 {
        let docker = try global.client()
        var host = HostConfig(networkMode: net, privileged: privileged ? true : nil)
        let specs = try publish.map { try PortSpec($0) }
        var config = ContainerConfig(image: image, cmd: command.isEmpty ? nil : command, env: env.isEmpty ? nil : env,
                                     labels: ["com.dockersdk.recipe": "demo-run", "com.dockersdk.instance": name ?? "anonymous"])
        for spec in specs {
            host.publish(spec, defaultHostIP: "127.0.0.1")
            config.expose(spec)
        }
        config.attachStdout = !detach
        config.attachStderr = !detach
        var endpoints: [String: EndpointSettings]?
        if let ip {
            guard let net else { throw DockerError.invalidArgument("--ip needs --net: an address is on a network") }
            endpoints = [net: EndpointSettings(ipv4Address: ip)]
        }
        let id = try await docker.containers.create(ContainerCreate(config: config, hostConfig: host, endpoints: endpoints),
                                                    name: name).id
        if detach {
            try await docker.containers.start(id)
            if json { try printJSON(["id": id]) } else { print(id) }
            return 0
        }
        do {
            let session = try await docker.containers.attach(id, stdin: false)
            try await docker.containers.start(id)
            for try await chunk in session.output {
                Terminal.write(chunk)
            }
            session.close()
            let result = try await docker.containers.wait(id)
            if rm { try await docker.containers.remove(id, force: true) }
            return Int32(truncatingIfNeeded: result.statusCode)
        } catch {
            if rm { try? await docker.containers.remove(id, force: true) }
            throw error
        }
    }
}
