import DockerSDK
import Foundation

/// A running test container: its published ports, logs, exec, and removal.
public struct StartedContainer: Sendable {
    /// The client.
    public let docker: DockerClient
    /// The container's ID.
    public let id: String
    /// Its unique name.
    public let name: String
    /// What it was made from.
    public let definition: ContainerDefinition
    /// Container port -> host port on 127.0.0.1, for every exposed port.
    public let ports: [Int: Int]

    /// The host on which published ports listen.
    public var host: String { "127.0.0.1" }

    init(docker: DockerClient, id: String, name: String, definition: ContainerDefinition) async throws {
        self.docker = docker
        self.id = id
        self.name = name
        self.definition = definition
        var ports: [Int: Int] = [:]
        if !definition.exposedPorts.isEmpty {
            let published = try await docker.containers.inspect(id).networkSettings?.ports ?? [:]
            for port in definition.exposedPorts {
                let bindings = (published["\(port)/tcp"] ?? nil) ?? []
                guard let binding = bindings.first(where: { $0.hostIP == "127.0.0.1" }) ?? bindings.first,
                      let hostPort = binding.hostPort.flatMap(Int.init) else {
                    throw DockerError.malformedResponse("\(name): port \(port)/tcp was not published")
                }
                ports[port] = hostPort
            }
        }
        self.ports = ports
    }

    /// The host port on 127.0.0.1 that `containerPort` is published on.
    public func mappedPort(_ containerPort: Int) throws -> Int {
        guard let port = ports[containerPort] else {
            throw DockerError.invalidArgument("\(name) does not publish port \(containerPort): add it to exposedPorts")
        }
        return port
    }

    /// `127.0.0.1:PORT` for `containerPort`.
    public func endpoint(_ containerPort: Int) throws -> String { "\(host):\(try mappedPort(containerPort))" }

    /// The container's address on `network`.
    public func ipAddress(on network: String) async throws -> String {
        let inspect = try await docker.containers.inspect(id)
        guard let address = inspect.networkSettings?.networks?[network]?.ipAddress, !address.isEmpty else {
            throw DockerError.notFound(message: "\(name) has no address on \(network)")
        }
        return address
    }

    /// Runs a command inside the container.
    public func exec(_ command: [String], env: [String: String] = [:], stdin: Data? = nil) async throws -> ExecResult {
        try await docker.exec.run(command, in: id, stdin: stdin,
                                  env: env.isEmpty ? nil : env.sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value)" })
    }

    /// stdout and stderr so far, as text (stdout first).
    public func logs() async throws -> (stdout: String, stderr: String) {
        let output = try await docker.containers.logs(id).collect(limit: 16 << 20)
        return (String(decoding: output.stdout, as: UTF8.self), String(decoding: output.stderr, as: UTF8.self))
    }

    /// The last `count` lines of output (stdout and stderr, in arrival order), for error messages.
    public func lastLogLines(_ count: Int = 20) async -> [String] {
        guard let output = try? await docker.containers.logs(id, options: LogsOptions(tail: count)) else { return [] }
        var text = ""
        do {
            for try await chunk in output { text += String(decoding: chunk.data, as: UTF8.self) }
        } catch {
            text += "\n(logs ended: \(error))"
        }
        return text.split(whereSeparator: \.isNewline).suffix(count).map(String.init)
    }

    /// Removes the container (forced, with its anonymous volumes); never throws, never cancelled.
    public func remove() async {
        await Self.remove(id, docker: docker)
    }

    /// Removes `idOrName` in a task of its own, so that a cancelled caller still cleans up.
    static func remove(_ idOrName: String, docker: DockerClient) async {
        await Task.detached {
            for _ in 0..<3 {
                do {
                    try await docker.containers.remove(idOrName, force: true, volumes: true)
                    return
                } catch DockerError.notFound {
                    return
                } catch {
                    // "removal already in progress" and the like: try again shortly.
                    try? await Task.sleep(for: .milliseconds(300))
                }
            }
        }.value
    }
}
