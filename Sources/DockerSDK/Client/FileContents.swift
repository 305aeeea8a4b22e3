import Foundation

/// Reads small files (config.json, a context's meta.json, .dockerignore, fixtures) whole.
///
/// Not `FileManager.contents(atPath:)`: on Linux (swift-foundation, Swift 6.3) it leaks a 4 KB
/// buffer for every empty file it reads (found by fuzz/FuzzHostDiscovery, out of memory after
/// ~276,000 inputs).
enum FileContents {
    /// The file's bytes; nil when it cannot be opened or read (missing, a folder, no permission).
    static func read(_ path: String) -> Data? {
        let fd = open(path, O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else { return nil }
        defer { close(fd) }
        var info = stat()
        guard fstat(fd, &info) == 0, (info.st_mode & S_IFMT) == S_IFREG else { return nil }
        var data = Data()
        var buffer = [UInt8](repeating: 0, count: 64 << 10)
        while true {
            let n = buffer.withUnsafeMutableBytes { Foundation.read(fd, $0.baseAddress, $0.count) }
            if n < 0 {
                if errno == EINTR { continue }
                return nil
            }
            if n == 0 { return data }
            data.append(contentsOf: buffer[0..<n])
        }
    }
}
