import DockerSDK
import Foundation

/// The SDK's own figures: `system.ping()`, and inspect through the transport plus JSONDecoder.
enum SDKBench {
    static func measure(docker: DockerClient, container: String, apiVersion: APIVersion, iterations: Int)
        async throws -> [String: Samples]
    {
        var result: [String: Samples] = [:]
        result["ping"] = try await time(iterations) { _ = try await docker.system.ping() }
        let request = DockerRequest(method: "GET", path: "/containers/\(container)/json", apiVersion: apiVersion)
        let decoder = JSONDecoder()
        result["inspect"] = try await time(iterations) {
            let response = try await docker.transport.execute(request)
            guard response.status == 200 else { throw BenchError("inspect: HTTP \(response.status)") }
            _ = try decoder.decode(InspectSummary.self, from: response.body)
        }
        // The same request without decoding: what the transport costs apart from JSONDecoder.
        result["inspect-raw"] = try await time(iterations) {
            let response = try await docker.transport.execute(request)
            guard response.status == 200 else { throw BenchError("inspect: HTTP \(response.status)") }
        }
        return result
    }

    /// Runs `body` 50 times to warm up, then `iterations` times (at most 60 s), timing each.
    static func time(_ iterations: Int, _ body: () async throws -> Void) async throws -> Samples {
        for _ in 0..<50 { try await body() }
        var values: [UInt64] = []
        values.reserveCapacity(iterations)
        let deadline = nowNanos() + 60_000_000_000
        for _ in 0..<iterations where nowNanos() < deadline {
            let start = nowNanos()
            try await body()
            values.append(nowNanos() - start)
        }
        return Samples(values: values)
    }
}
