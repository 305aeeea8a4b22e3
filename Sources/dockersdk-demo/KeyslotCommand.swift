import ArgumentParser
import DockerRecipes
import Foundation

/// `dockersdk-demo keyslot`: the Redis Cluster hash slot of each key, computed locally.
struct KeyslotCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "keyslot",
        abstract: "Print KEY<TAB>SLOT for each key, as CLUSTER KEYSLOT would (no daemon needed)."
    )

    @Argument(help: "Keys to hash.") var keys: [String] = []
    @Flag(help: "Also read keys from standard input, one per line (raw bytes; trailing \\r stripped).") var stdin = false
    @Flag(help: "Print a JSON array of {key, slot} (keyBase64 for keys that are not UTF-8).") var json = false

    /// One `--json` row.
    struct Row: Encodable {
        var key: String?
        var keyBase64: String?
        var slot: Int
    }

    func validate() throws {
        if keys.isEmpty && !stdin { throw ValidationError("Give at least one KEY, or --stdin.") }
    }

    func run() async throws {
        if json {
            var rows: [Row] = []
            func add(_ key: some Collection<UInt8>) {
                let bytes = Array(key)
                let text = String(validating: bytes, as: UTF8.self)
                rows.append(Row(key: text, keyBase64: text == nil ? Data(bytes).base64EncodedString() : nil,
                                slot: Int(KeySlot.slot(for: bytes))))
            }
            for key in keys { add(Array(key.utf8)) }
            if stdin {
                for line in Self.lines(of: FileHandle.standardInput.readDataToEndOfFile()) { add(line) }
            }
            return try printJSON(rows)
        }
        var output = Data()
        func emit(_ key: some Collection<UInt8>) {
            output.append(contentsOf: key)
            output.append(contentsOf: Array("\t\(KeySlot.slot(for: key))\n".utf8))
            if output.count >= 1 << 16 {
                Terminal.out(output)
                output.removeAll(keepingCapacity: true)
            }
        }
        for key in keys { emit(Array(key.utf8)) }
        if stdin {
            let input = FileHandle.standardInput.readDataToEndOfFile()
            for line in Self.lines(of: input) { emit(line) }
        }
        Terminal.out(output)
    }

    /// Splits raw bytes on `\n`, dropping one trailing `\r` per line and the empty tail after a final newline.
    static func lines(of data: Data) -> [Data] {
        var lines = data.split(separator: UInt8(ascii: "\n"), omittingEmptySubsequences: false)
        if let last = lines.last, last.isEmpty { lines.removeLast() }
        return lines.map { line in line.last == UInt8(ascii: "\r") ? Data(line.dropLast()) : Data(line) }
    }
}
