@testable import DockerSDK
import Foundation
import XCTest

/// A test took longer than its bound.
struct TestTimeout: Error, CustomStringConvertible {
    var seconds: Double
    var description: String { "the operation did not finish within \(seconds) s" }
}

/// Resumes a continuation once, whoever comes first.
private final class Once<T: Sendable>: @unchecked Sendable {
    private let lock = NSLock()
    private var continuation: CheckedContinuation<T, any Error>?

    init(_ continuation: CheckedContinuation<T, any Error>) {
        self.continuation = continuation
    }

    func resume(_ result: Result<T, any Error>) {
        lock.lock()
        let c = continuation
        continuation = nil
        lock.unlock()
        c?.resume(with: result)
    }
}

/// Runs `operation`, failing with `TestTimeout` after `seconds` even when the operation hangs for good
/// (it is left running, so a hung transport cannot hang the whole suite).
func within<T: Sendable>(_ seconds: Double, _ operation: @escaping @Sendable () async throws -> T) async throws -> T {
    try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<T, any Error>) in
        let once = Once(continuation)
        let work = Task {
            do { once.resume(.success(try await operation())) } catch { once.resume(.failure(error)) }
        }
        Task {
            try? await Task.sleep(for: .seconds(seconds))
            once.resume(.failure(TestTimeout(seconds: seconds)))
            work.cancel()
        }
    }
}

/// Expects `operation` to throw and returns the error (bounded by `seconds`).
func expectError<T: Sendable>(
    _ seconds: Double = 10, file: StaticString = #filePath, line: UInt = #line,
    _ operation: @escaping @Sendable () async throws -> T
) async -> (any Error)? {
    do {
        let value = try await within(seconds, operation)
        XCTFail("expected an error, got \(value)", file: file, line: line)
        return nil
    } catch {
        return error
    }
}

extension FakeDaemon {
    /// Where a client reaches this daemon.
    var host: DockerHost { port > 0 ? .tcp(host: "127.0.0.1", port: port) : .unix(path: path) }
}

/// What a teardown block stops, held only until the block runs.
///
/// swift-corelibs-xctest keeps every XCTestCase instance until the process exits, and each keeps
/// the teardown blocks it ran (`TeardownBlocksState.finalize` hands them out without clearing them):
/// a block that captured a fake daemon kept it, its handler's captures and every request it
/// received alive to the end of the run (84 fake daemons, 10.6 MB, in the ASan run of 2026-12-02,
/// reported by LeakSanitizer at exit). The block takes the daemon out of this box instead.
final class TeardownHandOff<T: AnyObject>: @unchecked Sendable {
    private let lock = NSLock()
    private var held: T?

    init(_ value: T) { held = value }

    /// The value, once; nil afterwards.
    func take() -> T? {
        lock.lock()
        defer { lock.unlock() }
        let value = held
        held = nil
        return value
    }
}

extension XCTestCase {
    /// A fake daemon stopped (and released) when the test ends.
    func fakeDaemon(_ handler: @escaping FakeDaemon.Handler) throws -> FakeDaemon {
        let fake = try FakeDaemon(handler: handler)
        let handOff = TeardownHandOff(fake)
        addTeardownBlock { handOff.take()?.stop() }
        return fake
    }

    /// A fake daemon on 127.0.0.1 TCP, stopped (and released) when the test ends.
    func fakeTCPDaemon(_ handler: @escaping FakeDaemon.Handler) throws -> FakeDaemon {
        let fake = try FakeDaemon(overTCP: true, handler: handler)
        let handOff = TeardownHandOff(fake)
        addTeardownBlock { handOff.take()?.stop() }
        return fake
    }

    /// A client to `fake` with a fixed API version (no ping) unless `apiVersion` is nil.
    func client(for fake: FakeDaemon, transport: CurlTransport? = nil, apiVersion: APIVersion? = APIVersion(1, 41),
                environment: [String: String] = [:]) throws -> DockerClient {
        let transport = transport ?? CurlTransport(host: fake.host)
        return try DockerClient(host: fake.host, apiVersion: apiVersion, transport: transport,
                                environment: environment)
    }

    /// A temporary folder removed when the test ends.
    func temporaryDirectory() throws -> String {
        let dir = NSTemporaryDirectory() + "dockersdk-test-" + UUID().uuidString.prefix(8)
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        addTeardownBlock { try? FileManager.default.removeItem(atPath: dir) }
        return dir
    }
}

/// The DockerError inside `error`, or a failure.
func dockerError(_ error: (any Error)?, file: StaticString = #filePath, line: UInt = #line) -> DockerError? {
    guard let error else { return nil }
    guard let typed = error as? DockerError else {
        XCTFail("expected a DockerError, got \(type(of: error)): \(error)", file: file, line: line)
        return nil
    }
    return typed
}

/// Collects a stream's chunks (bounded by count).
func collectChunks(_ body: ByteStream, max: Int = 100_000) async throws -> [Data] {
    var chunks: [Data] = []
    for try await chunk in body {
        chunks.append(chunk)
        if chunks.count >= max { break }
    }
    return chunks
}
