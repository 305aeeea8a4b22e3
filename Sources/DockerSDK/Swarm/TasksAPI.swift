import Foundation

extension DockerClient {
    /// The Tasks area: list, inspect, logs. Managers only.
    public var tasks: TasksAPI { TasksAPI(client: self) }
}

/// The Tasks area of the Engine API (`/tasks/...`); every call needs a manager.
public struct TasksAPI: Sendable {
    let client: DockerClient

    /// The tasks (`GET /tasks`), e.g. `["service": ["web"], "desired-state": ["running"]]`.
    ///
    /// Filters the daemon knows: `desired-state` (`running`, `shutdown`, `accepted`), `id`, `label`,
    /// `name`, `node`, `service`.
    public func list(filters: Filters = Filters()) async throws -> [SwarmTask] {
        try await client.decode([SwarmTask].self, "GET", "/tasks", query: filters.queryItem.map { [$0] } ?? [])
    }

    /// One task by ID (`GET /tasks/{id}`); a missing one is `.notFound`.
    public func inspect(_ id: String) async throws -> SwarmTask {
        try SwarmPaths.check(id, "task")
        return try await client.decode(SwarmTask.self, "GET", "/tasks/\(SwarmPaths.escape(id))")
    }

    /// One task's output, demultiplexed (raw when its container has a TTY), read through the manager.
    public func logs(_ id: String, options: LogsOptions = LogsOptions()) async throws -> ContainerOutput {
        let task = try await inspect(id)
        let tty = task.spec?.containerSpec?.tty ?? false
        let response = try await client.openStream("GET", "/tasks/\(SwarmPaths.escape(task.id))/logs",
                                                   query: SwarmLogs.query(options))
        return ContainerOutput(bytes: response.body, multiplexed: !tty)
    }
}
