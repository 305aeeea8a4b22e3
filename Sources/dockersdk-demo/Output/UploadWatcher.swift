import Foundation

/// Reports how far the upload of a file has got, for operations whose daemon sends no progress while it
/// reads the request body (`image import` from a file: dockerd reports only the new image ID at the end).
///
/// The SDK streams the file from an open descriptor; on Linux the descriptor's offset is readable in
/// /proc/self/fdinfo, so this polls it every 100 ms and feeds the reporter. A stopgap until the transport
/// reports upload progress itself; elsewhere (no /proc) it reports nothing and the display stays a spinner.
struct UploadWatcher {
    private let task: Task<Void, Never>
    private let reporter: ProgressReporter
    private let size: Int64?

    /// Starts watching uploads of `path` into `reporter` until `stop()`.
    static func start(path: String, into reporter: ProgressReporter) -> UploadWatcher {
        let target = URL(fileURLWithPath: path).resolvingSymlinksInPath().path
        let size = (try? FileManager.default.attributesOfItem(atPath: path)[.size] as? NSNumber)?.int64Value
        let task = Task {
            // Bounded by the operation: `stop()` cancels it when the upload is over.
            while !Task.isCancelled {
                if let offset = offset(of: target) {
                    reporter.update(id: "upload", current: offset, total: size, status: "uploading")
                }
                try? await Task.sleep(for: .milliseconds(100))
            }
        }
        return UploadWatcher(task: task, reporter: reporter, size: size)
    }

    /// Stops watching; with `completed`, reports the whole file as sent.
    func stop(completed: Bool) {
        task.cancel()
        if completed, let size { reporter.update(id: "upload", current: size, total: size, status: "uploaded") }
    }

    /// The read offset of this process's descriptor open on `path`, if one is.
    private static func offset(of path: String) -> Int64? {
        guard let fds = try? FileManager.default.contentsOfDirectory(atPath: "/proc/self/fd") else { return nil }
        for fd in fds {
            guard let link = try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/fd/\(fd)"),
                  link == path,
                  let info = try? String(contentsOfFile: "/proc/self/fdinfo/\(fd)", encoding: .utf8) else { continue }
            for line in info.split(separator: "\n") where line.hasPrefix("pos:") {
                return Int64(line.dropFirst(4).trimmingCharacters(in: .whitespaces))
            }
        }
        return nil
    }
}
