/// What `POST /containers/{id}/start` did.
public enum ContainerStartOutcome: String, Sendable, Equatable {
    /// The container was started.
    case started
    /// It was already running: nothing was done (HTTP 304).
    case alreadyStarted
}

/// What `POST /containers/{id}/stop` did.
public enum ContainerStopOutcome: String, Sendable, Equatable {
    /// The container was stopped.
    case stopped
    /// It was not running: nothing was done (HTTP 304).
    case alreadyStopped
}
