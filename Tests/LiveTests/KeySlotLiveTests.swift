import DockerRecipes
import DockerSDK
import Foundation
import XCTest

/// `KeySlot.slot(for:)` against a real Redis's `CLUSTER KEYSLOT`, for thousands of random keys:
/// ASCII (with hash tags), UTF-8 and arbitrary bytes (NUL, CR, LF, 0xFF...).
///
/// One redis-server in cluster mode (CLUSTER KEYSLOT answers before any slot is assigned), with no
/// network at all: redis-cli talks to it over the container's own loopback through exec. The keys go
/// to redis-cli on stdin, one `CLUSTER KEYSLOT "\xHH..."` per line: redis-cli's argument splitter
/// decodes `\xHH` inside double quotes, so every byte, even NUL and newline, arrives intact. The
/// method is checked against `redis-cli -x`, which takes the raw key bytes from stdin unchanged.
final class KeySlotLiveTests: XCTestCase {
    func testKeySlotMatchesClusterKeyslotForRandomKeys() async throws {
        let docker = try await Live.client()
        let name = Live.name("keyslot")
        let labels = Live.labels(name)
        let started = ContinuousClock.now
        _ = try await docker.containers.create(ContainerCreate(
            config: ContainerConfig(image: "dockersdk/redis:7",
                                    cmd: ["redis-server", "--cluster-enabled", "yes", "--save", "", "--appendonly", "no",
                                          "--bind", "127.0.0.1"],
                                    labels: labels),
            hostConfig: HostConfig(networkMode: "none")), name: name)
        do {
            try await docker.containers.start(name)
            try await Poll.until("redis-server in \(name) to answer PING", timeout: .seconds(30)) {
                let ping = try await docker.exec.run(["redis-cli", "ping"], in: name)
                return (ping.stdoutText.trimmingCharacters(in: .whitespacesAndNewlines) == "PONG", ping.stdoutText + ping.stderrText)
            }
            try await compareSlots(docker, container: name)
            try await docker.containers.remove(name, force: true, volumes: true)
        } catch {
            try? await docker.containers.remove(name, force: true, volumes: true)
            throw error
        }
        let left = try await docker.containers.list(all: true, filters: .label("com.dockersdk.instance", name))
        XCTAssertEqual(left.map(\.id), [])
        print("KeySlotLiveTests: \(ContinuousClock.now - started) in total")
    }

    func compareSlots(_ docker: DockerClient, container: String) async throws {
        var rng = SystemRandomNumberGenerator()
        let ascii = Self.fixedASCII.map { Array($0.utf8) } + (0..<1500).map { _ in Self.randomASCII(&rng) }
        let utf8 = Self.fixedUTF8.map { Array($0.utf8) } + (0..<1000).map { _ in Self.randomUTF8(&rng) }
        let binary = Self.fixedBinary + (0..<1500).map { _ in Self.randomBytes(&rng) }
        let keys = ascii + utf8 + binary
        XCTAssertTrue(binary.contains { $0.contains(0) && $0.contains(0x0A) }, "no key with both NUL and LF")

        let redisSlots = try await clusterKeyslot(docker, container: container, keys: keys)
        XCTAssertEqual(redisSlots.count, keys.count)

        // The escaping method against redis-cli -x, which reads the last argument raw from stdin.
        let samples = Self.fixedBinary.indices.filter { !Self.fixedBinary[$0].isEmpty }.map { ascii.count + utf8.count + $0 }
            + (0..<8).map { _ in Int.random(in: (ascii.count + utf8.count)..<keys.count) }
        for index in samples where !keys[index].isEmpty {
            let raw = try await docker.exec.run(["redis-cli", "-x", "cluster", "keyslot"], in: container, stdin: Data(keys[index]))
            XCTAssertEqual(raw.exitCode, 0, raw.stderrText)
            XCTAssertEqual(Int(raw.stdoutText.trimmingCharacters(in: .whitespacesAndNewlines)), redisSlots[index],
                           "redis-cli -x and the escaped line disagree for \(Self.hex(keys[index]))")
        }

        var mismatches: [String] = []
        for (key, redis) in zip(keys, redisSlots) where KeySlot.slot(for: key) != redis {
            mismatches.append("\(Self.hex(key)): KeySlot \(KeySlot.slot(for: key)), Redis \(redis)")
        }
        XCTAssertEqual(mismatches.count, 0, "\(mismatches.count) of \(keys.count) keys differ: "
                       + mismatches.prefix(10).joined(separator: "; "))
        XCTAssertGreaterThan(Set(redisSlots).count, 2000, "the random keys should spread over many slots")

        // dockersdk-demo keyslot --stdin, one key per line: keys without LF and without a trailing CR.
        let lineKeys = (ascii + utf8 + binary.filter { !$0.contains(0x0A) && $0.last != 0x0D })
        let expected = Dictionary(zip(keys, redisSlots).map { ($0.0, $0.1) }, uniquingKeysWith: { a, _ in a })
        let demo = try Self.runDemoKeyslot(lines: lineKeys)
        XCTAssertEqual(demo.count, lineKeys.count)
        var demoMismatches: [String] = []
        for (key, (echoed, slot)) in zip(lineKeys, demo) {
            if echoed != key || slot != expected[key] {
                demoMismatches.append("\(Self.hex(key)) -> \(Self.hex(echoed)) \(slot), Redis \(expected[key] ?? -1)")
            }
        }
        XCTAssertEqual(demoMismatches.count, 0, demoMismatches.prefix(10).joined(separator: "; "))
    }

    /// `CLUSTER KEYSLOT` for every key, in one exec: one line per key, every byte `\xHH`-escaped.
    func clusterKeyslot(_ docker: DockerClient, container: String, keys: [[UInt8]]) async throws -> [Int] {
        var script = Data()
        for key in keys {
            script.append(contentsOf: Array("CLUSTER KEYSLOT \"".utf8))
            for byte in key { script.append(contentsOf: Array(String(format: "\\x%02x", byte).utf8)) }
            script.append(contentsOf: Array("\"\n".utf8))
        }
        let result = try await docker.exec.run(["redis-cli"], in: container, stdin: script)
        XCTAssertEqual(result.exitCode, 0, result.stderrText)
        let lines = result.stdoutText.split(separator: "\n", omittingEmptySubsequences: false).dropLast()
        guard lines.count == keys.count else {
            throw DockerError.malformedResponse("\(lines.count) answers for \(keys.count) keys: \(result.stdoutText.prefix(300)) \(result.stderrText.prefix(300))")
        }
        return try lines.enumerated().map { index, line in
            guard let slot = Int(line), (0..<KeySlot.slotCount).contains(slot) else {
                throw DockerError.malformedResponse("answer \(index) for \(Self.hex(keys[index])) is \"\(line)\"")
            }
            return slot
        }
    }

    // MARK: - The demo binary

    static var packageRoot: URL {
        URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
    }

    /// Runs `.build/debug/dockersdk-demo keyslot --stdin` with the keys as lines; returns (key, slot) per output line.
    static func runDemoKeyslot(lines: [[UInt8]]) throws -> [([UInt8], Int)] {
        let binary = packageRoot.appendingPathComponent(".build/debug/dockersdk-demo")
        guard FileManager.default.isExecutableFile(atPath: binary.path) else {
            XCTFail("\(binary.path) is missing: run swift build first")
            return []
        }
        let process = Process()
        process.executableURL = binary
        process.arguments = ["keyslot", "--stdin"]
        let input = Pipe(), output = Pipe(), errors = Pipe()
        process.standardInput = input
        process.standardOutput = output
        process.standardError = errors
        try process.run()
        // Bounded: the process is ended if it has not finished within 60 s.
        let watchdog = DispatchWorkItem { if process.isRunning { process.terminate() } }
        DispatchQueue.global().asyncAfter(deadline: .now() + 60, execute: watchdog)
        defer { watchdog.cancel() }
        var buffer = Data()
        for line in lines { buffer.append(contentsOf: line); buffer.append(0x0A) }
        let data = buffer
        let writer = Thread {
            input.fileHandleForWriting.write(data)
            try? input.fileHandleForWriting.close()
        }
        writer.start()
        let stdout = output.fileHandleForReading.readDataToEndOfFile()
        let stderr = errors.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        XCTAssertEqual(process.terminationStatus, 0, String(decoding: stderr, as: UTF8.self))
        var rows = stdout.split(separator: 0x0A, omittingEmptySubsequences: false)
        if rows.last?.isEmpty == true { rows.removeLast() }
        return try rows.map { row in
            guard let tab = row.lastIndex(of: 0x09), let slot = Int(String(decoding: row[(tab + 1)...], as: UTF8.self)) else {
                throw DockerError.malformedResponse("demo line \(hex(Array(row)))")
            }
            return (Array(row[..<tab]), slot)
        }
    }

    // MARK: - Keys

    static let fixedASCII = ["k1", "k2", "a", "somekey", "foo{hash_tag}", "", "{", "}", "{}", "}{", "{}{a}", "a{b}c", "{a}{b}",
                             "foo{{bar}}zap", "{user1000}.following", "with space", "quote\"d", "back\\slash", "x{}"]
    static let fixedUTF8 = ["键1", "键2", "{键}1", "ключ", "clé", "🔑", "a{🔑}b", "Ω{}Ω", "日本語のキー"]
    static let fixedBinary: [[UInt8]] = [
        [0], [0x0A], [0x0D, 0x0A], [0, 0x0A, 0x7B, 0x7D], [0x7B, 0, 0x7D], [0x7B, 0x0A, 0x7D, 0x78], [0xFF, 0xFE, 0],
        [0x6B, 0x31, 0x0A], [0x22, 0x5C, 0x78, 0x30, 0x30], [0x80], [0xC3], Array(repeating: 0, count: 40), [],
    ]

    static func randomASCII(_ rng: inout SystemRandomNumberGenerator) -> [UInt8] {
        // Printable ASCII, with braces made frequent so that hash tags occur often.
        (0..<Int.random(in: 1...24, using: &rng)).map { _ in
            Int.random(in: 0..<5, using: &rng) == 0 ? [0x7B, 0x7D].randomElement(using: &rng)! : UInt8.random(in: 0x20...0x7E, using: &rng)
        }
    }

    static func randomUTF8(_ rng: inout SystemRandomNumberGenerator) -> [UInt8] {
        let pools: [ClosedRange<UInt32>] = [0x4E00...0x9FFF, 0x0400...0x04FF, 0x00C0...0x00FF, 0x1F300...0x1F5FF, 0x61...0x7A]
        var text = ""
        for _ in 0..<Int.random(in: 1...10, using: &rng) {
            if Int.random(in: 0..<6, using: &rng) == 0 { text.append(["{", "}"].randomElement(using: &rng)!); continue }
            let pool = pools.randomElement(using: &rng)!
            text.unicodeScalars.append(Unicode.Scalar(UInt32.random(in: pool, using: &rng))!)
        }
        return Array(text.utf8)
    }

    static func randomBytes(_ rng: inout SystemRandomNumberGenerator) -> [UInt8] {
        var bytes = (0..<Int.random(in: 0...40, using: &rng)).map { _ in UInt8.random(in: 0...255, using: &rng) }
        // Make the interesting bytes frequent: NUL, LF, CR, braces, quote, backslash.
        for index in bytes.indices where Int.random(in: 0..<4, using: &rng) == 0 {
            bytes[index] = [0x00, 0x0A, 0x0D, 0x7B, 0x7D, 0x22, 0x5C].randomElement(using: &rng)!
        }
        return bytes
    }

    static func hex(_ bytes: [UInt8]) -> String {
        "0x" + bytes.map { String(format: "%02x", $0) }.joined()
    }
}
