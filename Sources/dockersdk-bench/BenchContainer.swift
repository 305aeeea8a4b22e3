import DockerSDK
import Foundation

/// The labelled busybox container the inspect benchmark reads, made and removed with raw requests.
struct BenchContainer {
    static let image = "dockersdk/busybox:latest"
    static let label = ["com.dockersdk.recipe": "bench", "com.dockersdk.instance": "dockersdk-bench"]

    let id: String
    let transport: any DockerTransport
    let apiVersion: APIVersion

    /// Creates (not starts) the container.
    static func create(transport: any DockerTransport, apiVersion: APIVersion) async throws -> BenchContainer {
        struct Create: Encodable { let Image: String; let Cmd: [String]; let Labels: [String: String] }
        struct Created: Decodable { let Id: String }
        let request = DockerRequest(
            method: "POST", path: "/containers/create", query: [QueryItem("name", "dockersdk-bench-\(getpid())")],
            body: try .json(Create(Image: image, Cmd: ["true"], Labels: label)), apiVersion: apiVersion,
            timeout: .seconds(60))
        let response = try await transport.execute(request)
        guard response.status == 201 else {
            throw DockerError.from(status: response.status, body: response.body, requested: apiVersion)
        }
        let id = try JSONDecoder().decode(Created.self, from: response.body).Id
        return BenchContainer(id: id, transport: transport, apiVersion: apiVersion)
    }

    /// Removes the container (forcefully).
    func remove() async {
        let request = DockerRequest(method: "DELETE", path: "/containers/\(id)", query: [QueryItem("force", "true")],
                                    apiVersion: apiVersion, timeout: .seconds(60))
        do {
            let response = try await transport.execute(request)
            if response.status != 204 && response.status != 404 {
                FileHandle.standardError.write(Data("could not remove container \(id): HTTP \(response.status)\n".utf8))
            }
        } catch {
            FileHandle.standardError.write(Data("could not remove container \(id): \(error)\n".utf8))
        }
    }
}

/// The few fields the inspect benchmark decodes.
struct InspectSummary: Decodable {
    struct State: Decodable { let Status: String; let Running: Bool }
    let Id: String
    let Name: String
    let State: State
    let Config: Config
    struct Config: Decodable { let Image: String; let Labels: [String: String]? }
}
