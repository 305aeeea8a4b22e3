import DockerSDK
import Foundation

extension Bench {
    /// Ping latency idle, then while `options.waits` `wait` calls are open on a sleeping container.
    func openWaits() async throws -> [Row] {
        var row = Row(name: "ping while \(options.waits) waits are open", unit: "us", target: "p99 < 2 x idle p99")
        let docker = self.docker
        row.clients["SDK idle"] = try await timeAsync(300) { _ = try await docker.system.ping() }
        let sleeper = try await resources.container(["sleep", "3600"], name: "waited", start: true)
        let count = options.waits
        let waits = Task {
            try await withThrowingTaskGroup(of: Void.self) { group in
                for _ in 0..<count { group.addTask { _ = try await docker.containers.wait(sleeper) } }
                try await group.waitForAll()
            }
        }
        try await Task.sleep(for: .seconds(1))
        var loaded = Samples()
        var unanswered = 0.0
        for _ in 0..<300 {
            let start = nowNanos()
            guard await withTimeout(5, { _ = try await docker.system.ping() }) else {
                unanswered = 1
                break
            }
            loaded.values.append(Double(nowNanos() - start) / 1000)
        }
        loaded.extra["unanswered after 5 s"] = unanswered
        row.clients["SDK, waits open"] = loaded
        if unanswered > 0 {
            row.note = "a ping did not answer within 5 s while the waits were open (the transport's workers are all held)"
        }
        // End the waits: cancel them (bounded), then stop the container.
        waits.cancel()
        let ended = await withTimeout(15) { _ = try? await waits.value }
        if !ended { FileHandle.standardError.write(Data("waits did not end within 15 s of cancellation\n".utf8)) }
        _ = await withTimeout(30) { try await docker.containers.kill(sleeper) }
        return [row]
    }
}

/// Runs `body` for at most `seconds`; true when it finished (without error) in time.
func withTimeout(_ seconds: Double, _ body: @escaping @Sendable () async throws -> Void) async -> Bool {
    await withTaskGroup(of: Bool.self) { group in
        group.addTask { (try? await body()) != nil }
        group.addTask {
            try? await Task.sleep(for: .seconds(seconds))
            return false
        }
        let first = await group.next() ?? false
        group.cancelAll()
        return first
    }
}
