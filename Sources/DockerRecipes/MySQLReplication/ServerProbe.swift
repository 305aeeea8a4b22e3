import DockerSDK
import Foundation

/// Finds an image's server flavour before any server starts, from `mysqld --version` in a throw-away container.
struct ServerProbe: Sendable {
    let docker: DockerClient
    let resources: RecipeResources

    /// The flavour and the client binary of `image`.
    func probe(image: String) async throws -> (flavor: MySQLFlavor, client: String) {
        var config = ContainerConfig(
            image: image,
            cmd: ["(mariadbd --version || mysqld --version) 2>/dev/null; command -v mariadb >/dev/null && echo client=mariadb || echo client=mysql"],
            labels: resources.labels)
        config.entrypoint = ["sh", "-c"]
        let name = "\(resources.instance)-probe"
        // A probe left by an interrupted run is ours only if it carries our labels.
        for stale in try await docker.containers.list(all: true, filters: resources.filters.adding("name", "^/\(name)$")) {
            try await docker.containers.remove(stale.id, force: true)
        }
        let id = try await docker.containers.create(ContainerCreate(config: config, hostConfig: HostConfig(networkMode: "none")),
                                                    name: name).id
        do {
            try await docker.containers.start(id)
            _ = try await docker.containers.wait(id)
            let (out, _) = try await docker.containers.logs(id).collect()
            try await docker.containers.remove(id, force: true)
            let text = String(decoding: out, as: UTF8.self)
            guard let parsed = Self.parse(text) else {
                throw DockerError.invalidArgument("\(image) does not look like a MySQL or MariaDB server image (`mysqld --version` said: \(text.prefix(200)))")
            }
            return parsed
        } catch {
            try? await docker.containers.remove(id, force: true)
            throw error
        }
    }

    /// Reads `mysqld  Ver 8.0.36 for Linux on x86_64 (MySQL Community Server - GPL)` and the client line.
    static func parse(_ text: String) -> (flavor: MySQLFlavor, client: String)? {
        guard let line = text.split(separator: "\n").first(where: { $0.contains(" Ver ") }),
              let ver = line.range(of: " Ver ") else { return nil }
        let version = line[ver.upperBound...].split(separator: " ").first.map(String.init) ?? ""
        let comment = line.range(of: "(", options: .backwards).map { String(line[$0.upperBound...].dropLast()) } ?? ""
        guard let flavor = MySQLFlavor.detect(version: version, comment: comment) else { return nil }
        let client = text.contains("client=mariadb") ? "mariadb" : "mysql"
        return (flavor, client)
    }
}
