import DockerSDK
import Foundation

/// Peak memory while streaming a large log: a busybox container writes `megabytes` MB to stdout,
/// then the SDK streams its logs, counting bytes without keeping them.
enum MemoryBench {
    struct Result {
        var bytes: Int
        var seconds: Double
        var peakBeforeKB: Int
        var peakAfterKB: Int
    }

    static func measure(transport: any DockerTransport, apiVersion: APIVersion, megabytes: Int) async throws -> Result {
        struct Create: Encodable { let Image: String; let Cmd: [String]; let Labels: [String: String] }
        struct Created: Decodable { let Id: String }
        let line = String(repeating: "0123456789abcdef", count: 64) // 1 KiB lines
        let script = "yes \(line) | head -c \(megabytes << 20)"
        let create = DockerRequest(method: "POST", path: "/containers/create",
                                   body: try .json(Create(Image: BenchContainer.image, Cmd: ["sh", "-c", script],
                                                          Labels: BenchContainer.label)),
                                   apiVersion: apiVersion, timeout: .seconds(60))
        let created = try await transport.execute(create)
        guard created.status == 201 else { throw DockerError.from(status: created.status, body: created.body, requested: apiVersion) }
        let container = BenchContainer(id: try JSONDecoder().decode(Created.self, from: created.body).Id,
                                       transport: transport, apiVersion: apiVersion)
        do {
            let start = try await transport.execute(DockerRequest(method: "POST", path: "/containers/\(container.id)/start",
                                                                  apiVersion: apiVersion, timeout: .seconds(60)))
            guard start.status == 204 else { throw DockerError.from(status: start.status, body: start.body, requested: apiVersion) }
            let wait = try await transport.execute(DockerRequest(method: "POST", path: "/containers/\(container.id)/wait",
                                                                 apiVersion: apiVersion, timeout: .seconds(120)))
            guard wait.status == 200 else { throw DockerError.from(status: wait.status, body: wait.body, requested: apiVersion) }
            let before = peakKB()
            let began = nowNanos()
            let logs = try await transport.stream(DockerRequest(
                method: "GET", path: "/containers/\(container.id)/logs", query: [QueryItem("stdout", "1")],
                apiVersion: apiVersion, timeout: .seconds(300)))
            var bytes = 0
            for try await chunk in logs.body { bytes += chunk.count }
            let seconds = Double(nowNanos() - began) / 1e9
            await container.remove()
            return Result(bytes: bytes, seconds: seconds, peakBeforeKB: before, peakAfterKB: peakKB())
        } catch {
            await container.remove()
            throw error
        }
    }

    /// VmHWM from /proc/self/status, in kB.
    static func peakKB() -> Int {
        guard let status = try? String(contentsOfFile: "/proc/self/status", encoding: .utf8) else { return -1 }
        for line in status.split(separator: "\n") where line.hasPrefix("VmHWM:") {
            return Int(line.split(separator: " ").dropFirst().first ?? "") ?? -1
        }
        return -1
    }
}
