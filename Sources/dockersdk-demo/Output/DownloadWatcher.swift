import Foundation

/// Reports how many bytes of a download have reached the disk, for operations that stream to a file with no
/// progress events of their own (`export -o`, `image save -o`).
///
/// The SDK writes to a temporary `.NAME.partial-XXXXXXXX` file beside the target and renames it at the end, so
/// this polls that file's size every 100 ms and feeds the reporter (total unknown: a spinner with bytes and rate).
struct DownloadWatcher {
    private let task: Task<Void, Never>

    /// Starts watching the download to `path` into `reporter` until `stop()`.
    static func start(path: String, into reporter: ProgressReporter) -> DownloadWatcher {
        let target = URL(fileURLWithPath: path)
        let folder = target.deletingLastPathComponent().path
        let prefix = ".\(target.lastPathComponent).partial-"
        let task = Task {
            // Bounded by the operation: `stop()` cancels it when the transfer is over.
            while !Task.isCancelled {
                let names = (try? FileManager.default.contentsOfDirectory(atPath: folder)) ?? []
                if let name = names.first(where: { $0.hasPrefix(prefix) }),
                   let size = (try? FileManager.default.attributesOfItem(atPath: "\(folder)/\(name)")[.size] as? NSNumber)?.int64Value {
                    reporter.update(id: "download", current: size, total: nil, status: "writing")
                }
                try? await Task.sleep(for: .milliseconds(100))
            }
        }
        return DownloadWatcher(task: task)
    }

    /// Stops watching; `bytes`, when known, is reported as the final size.
    func stop(bytes: Int64?, reporter: ProgressReporter) {
        task.cancel()
        if let bytes { reporter.update(id: "download", current: bytes, total: bytes, status: "written") }
    }
}

extension DownloadWatcher {
    /// Runs `download`, which writes `path` and returns its byte count, under a spinner titled `title`
    /// showing the bytes written on a terminal (nothing in a pipe); the display ends as a success or a failure.
    static func withSpinner(title: String, path: String, _ download: () async throws -> Int64) async throws -> Int64 {
        let progress = ProgressReporter(title: title, quiet: !OutputStyle.current().animated)
        let watcher = start(path: path, into: progress)
        let bytes: Int64
        do {
            bytes = try await download()
        } catch {
            watcher.stop(bytes: nil, reporter: progress)
            progress.finish(success: false)
            throw error
        }
        watcher.stop(bytes: bytes, reporter: progress)
        progress.finish(success: true)
        return bytes
    }
}
