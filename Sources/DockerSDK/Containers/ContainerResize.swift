/// A terminal's size in character cells.
public struct TerminalSize: Sendable, Equatable, Hashable {
    /// Rows.
    public var height: Int
    /// Columns.
    public var width: Int

    /// Creates a size; each side must be 1...65535.
    public init(height: Int, width: Int) {
        self.height = height
        self.width = width
    }

    /// The `h` and `w` query of the resize endpoints, after checking the bounds.
    func query(for what: String) throws -> [QueryItem] {
        guard (1...65535).contains(height), (1...65535).contains(width) else {
            throw DockerError.invalidArgument(
                "cannot resize the TTY of \(what) to \(height)x\(width): height and width must be 1...65535")
        }
        return [QueryItem("h", String(height)), QueryItem("w", String(width))]
    }
}

extension ContainersAPI {
    /// Resizes the container's TTY (`POST /containers/{id}/resize`), e.g. when the attached terminal
    /// changes size. The container must run (else `.conflict`); without a TTY the daemon ignores it.
    public func resize(_ id: String, _ size: TerminalSize) async throws {
        _ = try await client.send("POST", "/containers/\(Self.escape(id))/resize",
                                  query: try size.query(for: "container \(id)"))
    }

    /// Resizes the container's TTY to `height` rows and `width` columns.
    public func resize(_ id: String, height: Int, width: Int) async throws {
        try await resize(id, TerminalSize(height: height, width: width))
    }
}

extension ExecAPI {
    /// Resizes the exec's TTY (`POST /exec/{id}/resize`).
    public func resize(_ id: String, _ size: TerminalSize) async throws {
        _ = try await client.send("POST", "/exec/\(ContainersAPI.escape(id))/resize",
                                  query: try size.query(for: "exec \(id)"))
    }
}
