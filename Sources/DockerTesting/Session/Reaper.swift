import DockerSDK
import Foundation
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Why the reaper could not start.
public struct ReaperUnavailable: Error, Sendable, CustomStringConvertible {
    /// What went wrong and how to fix it.
    public var reason: String
    public var description: String { "the DockerTesting reaper cannot start: \(reason)" }
}

/// The watcher that removes a session's resources when the test process dies, by any death.
///
/// Mechanism (no registry, no ryuk image): the test process spawns `dockertesting-reaper` with
/// `posix_spawn`, in its own process group, with its stdin the read end of a pipe. The test process
/// holds the only write end (close-on-exec, so no other child inherits it) and never writes EOF
/// itself: when the process ends (exit, crash, SIGKILL) the kernel closes it, the reaper's `read`
/// returns 0, and the reaper removes the session's labelled containers, networks and volumes through
/// the Engine API, in two passes a second apart, then exits. Measured here: gone about 1 s after the SIGKILL.
///
/// Why not a watcher container: the dev busybox has no HTTP client that speaks over a Unix socket
/// (its `wget` and `nc` speak TCP only; `nc -f` opens files, and open(2) on a socket fails), and no
/// registry can serve an image that has one.
struct Reaper: Sendable {
    /// The reaper's process id.
    let pid: Int32
    /// The pipe's write end, held until the process ends.
    let writeEnd: Int32

    /// Where the reaper executable is: `DOCKERTESTING_REAPER`, next to this executable, or on `PATH`.
    static func executable() throws -> String {
        let environment = ProcessInfo.processInfo.environment
        let name = "dockertesting-reaper"
        if let given = environment["DOCKERTESTING_REAPER"], !given.isEmpty {
            guard FileManager.default.isExecutableFile(atPath: given) else {
                throw ReaperUnavailable(reason: "DOCKERTESTING_REAPER=\(given) is not an executable file")
            }
            return given
        }
        var candidates: [String] = []
        if let me = try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/exe") {
            candidates.append((me as NSString).deletingLastPathComponent)
        }
        if let me = Bundle.main.executablePath { candidates.append((me as NSString).deletingLastPathComponent) }
        // An .xctest bundle on macOS: Contents/MacOS inside the products directory.
        candidates += candidates.map { (($0 as NSString).appendingPathComponent("../../..") as NSString).standardizingPath }
        candidates += (environment["PATH"] ?? "").split(separator: ":").map(String.init)
        for directory in candidates {
            let path = (directory as NSString).appendingPathComponent(name)
            if FileManager.default.isExecutableFile(atPath: path) { return path }
        }
        throw ReaperUnavailable(reason: "\(name) is not built: run `swift build --product \(name)` (it is looked for next to the test executable, on PATH, or at DOCKERTESTING_REAPER)")
    }

    /// Spawns the reaper for `session` and waits (at most 10 s) until it says it is ready.
    static func start(session: String, host: DockerHost) throws -> Reaper {
        let path = try executable()
        var control: [Int32] = [0, 0], status: [Int32] = [0, 0]
        guard makePipe(&control), makePipe(&status) else {
            throw ReaperUnavailable(reason: "pipe failed: \(String(cString: strerror(errno)))")
        }
        #if canImport(Darwin)
        var actions: posix_spawn_file_actions_t?
        var attributes: posix_spawnattr_t?
        let environment = _NSGetEnviron().pointee
        #else
        var actions = posix_spawn_file_actions_t()
        var attributes = posix_spawnattr_t()
        let environment = environ
        #endif
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_adddup2(&actions, control[0], 0)
        posix_spawn_file_actions_adddup2(&actions, status[1], 1)
        let log = ProcessInfo.processInfo.environment["DOCKERTESTING_REAPER_LOG"] ?? "/dev/null"
        posix_spawn_file_actions_addopen(&actions, 2, log, O_WRONLY | O_CREAT | O_APPEND, 0o644)
        posix_spawnattr_init(&attributes)
        defer { posix_spawnattr_destroy(&attributes) }
        posix_spawnattr_setflags(&attributes, Int16(POSIX_SPAWN_SETPGROUP))
        posix_spawnattr_setpgroup(&attributes, 0)

        var args = [path, "--session", session]
        switch host {
        case .unix, .tcp: args += ["--host", host.description]
        case .tls: break  // the reaper finds it from the inherited DOCKER_HOST / DOCKER_CERT_PATH
        }
        let argv = args.map { strdup($0) } + [nil]
        defer { argv.forEach { free($0) } }
        var pid: pid_t = 0
        let result = posix_spawn(&pid, path, &actions, &attributes, argv, environment)
        close(control[0])
        close(status[1])
        guard result == 0 else {
            close(control[1])
            close(status[0])
            throw ReaperUnavailable(reason: "posix_spawn \(path): \(String(cString: strerror(result)))")
        }
        defer { close(status[0]) }
        guard waitForReady(status[0], timeoutMs: 10_000) else {
            close(control[1])
            kill(pid, SIGKILL)
            var ignored: Int32 = 0
            waitpid(pid, &ignored, 0)
            throw ReaperUnavailable(reason: "\(path) did not say READY within 10 s")
        }
        return Reaper(pid: pid, writeEnd: control[1])
    }

    /// Tells the reaper to remove a recipe deployment's resources too.
    func track(recipe: String, instance: String) throws {
        guard !recipe.contains(where: \.isWhitespace), !instance.contains(where: \.isWhitespace) else {
            throw DockerError.invalidArgument("recipe and instance names cannot contain spaces")
        }
        let line = Array("track \(recipe) \(instance)\n".utf8)
        let written = line.withUnsafeBytes { write(writeEnd, $0.baseAddress, $0.count) }
        guard written == line.count else {
            throw ReaperUnavailable(reason: "the reaper's pipe is closed: \(String(cString: strerror(errno)))")
        }
    }

    private static func makePipe(_ fds: inout [Int32]) -> Bool {
        // (pipe2 with O_CLOEXEC is not visible to Swift without _GNU_SOURCE: set the flag right after.)
        guard pipe(&fds) == 0 else { return false }
        _ = fcntl(fds[0], F_SETFD, FD_CLOEXEC)
        _ = fcntl(fds[1], F_SETFD, FD_CLOEXEC)
        return true
    }

    private static func waitForReady(_ fd: Int32, timeoutMs: Int32) -> Bool {
        var received = Data()
        let deadline = Date().addingTimeInterval(Double(timeoutMs) / 1000)
        var buffer = [UInt8](repeating: 0, count: 64)
        while received.count < 64 {
            let left = Int32(max(0, deadline.timeIntervalSinceNow * 1000))
            var poller = pollfd(fd: fd, events: Int16(POLLIN), revents: 0)
            let ready = poll(&poller, 1, left)
            if ready < 0, errno == EINTR { continue }
            guard ready > 0 else { return false }
            let count = read(fd, &buffer, buffer.count)
            if count < 0, errno == EINTR { continue }
            guard count > 0 else { break }
            received.append(contentsOf: buffer[0..<count])
            if String(decoding: received, as: UTF8.self).contains("READY\n") { return true }
        }
        return false
    }
}
