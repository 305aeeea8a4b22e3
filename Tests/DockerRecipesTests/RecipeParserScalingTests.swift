@testable import DockerRecipes
import Foundation
import XCTest

/// SQLResultTable's parsing exactly as it was before the linear rewrite of two steps (issue 12, item 3:
/// FuzzReplicaStatus ran ~13 inputs/s): the oracle the new one is compared with.
enum SQLResultTableBefore {
    static func parse(_ text: String, raw: Bool = false) -> SQLResultTable {
        let lines = clientLines(text)
        if lines.contains(where: { rowMarker($0) != nil }) {
            return parseVertical(lines)
        }
        return parseBatch(lines, raw: raw)
    }

    /// Lines without trailing CRs, dropping a trailing empty line and leading client warnings
    /// (`mysql: [Warning] Using a password ...`) that reach stdout when streams are merged.
    static func clientLines(_ text: String) -> [Substring] {
        // "\r\n" is one Character in Swift, so it is matched explicitly.
        var lines = text.split(omittingEmptySubsequences: false, whereSeparator: { $0 == "\n" || $0 == "\r\n" }).map { line -> Substring in
            line.hasSuffix("\r") ? line.dropLast() : line
        }
        while let last = lines.last, last.allSatisfy(\.isWhitespace) { lines.removeLast() }
        while let first = lines.first,
              first.hasPrefix("mysql: ") || first.hasPrefix("mariadb: ") || first.hasPrefix("Warning: ")
                || first.allSatisfy(\.isWhitespace) {
            lines.removeFirst()
        }
        return lines
    }

    static func parseBatch(_ lines: [Substring], raw: Bool) -> SQLResultTable {
        guard let header = lines.first else { return SQLResultTable(columns: [], rows: []) }
        let columns = header.split(separator: "\t", omittingEmptySubsequences: false).map {
            raw ? String($0) : unescapeBatch($0)
        }
        let rows: [[String?]] = lines.dropFirst().map { line in
            var values: [String?] = line.split(separator: "\t", omittingEmptySubsequences: false).map { field in
                field == "NULL" ? nil : (raw ? String(field) : unescapeBatch(field))
            }
            if values.count < columns.count {
                values += Array(repeating: nil, count: columns.count - values.count)
            }
            if values.count > columns.count, let last = columns.indices.last {
                // More fields than columns: with --raw the last value held a tab. Keep it whole, in the
                // last column, instead of rows longer than the header (whose extra values were lost).
                let tail = line.split(separator: "\t", omittingEmptySubsequences: false).dropFirst(last)
                let joined = tail.joined(separator: "\t")
                values = Array(values.prefix(last)) + [joined == "NULL" ? nil : (raw ? joined : unescapeBatch(Substring(joined)))]
            }
            return values
        }
        return SQLResultTable(columns: columns, rows: rows)
    }

    /// Undoes the client's batch escaping: `\t`, `\n`, `\0`, `\\`; any other backslash pair is kept as is.
    static func unescapeBatch(_ field: Substring) -> String {
        guard field.contains("\\") else { return String(field) }
        var out = ""
        var iterator = field.makeIterator()
        while let character = iterator.next() {
            guard character == "\\" else {
                out.append(character)
                continue
            }
            guard let next = iterator.next() else {
                out.append("\\")
                break
            }
            switch next {
            case "t": out.append("\t")
            case "n": out.append("\n")
            case "0": out.append("\0")
            case "\\": out.append("\\")
            default:
                out.append("\\")
                out.append(next)
            }
        }
        return out
    }

    /// The row number when `line` is a `*** N. row ***` marker.
    static func rowMarker(_ line: Substring) -> Int? {
        let trimmed = line.trimmingCharacters(in: .whitespaces)
        guard trimmed.hasPrefix("*"), trimmed.hasSuffix("*") else { return nil }
        let inner = trimmed.trimmingCharacters(in: CharacterSet(charactersIn: "*")).trimmingCharacters(in: .whitespaces)
        guard inner.hasSuffix(". row") else { return nil }
        return Int(inner.dropLast(". row".count))
    }

    static func parseVertical(_ lines: [Substring]) -> SQLResultTable {
        var columns: [String] = []
        var rows: [[String?]] = []
        var current: [(String, String)] = []
        var separatorColumn: Int?

        func finishRow() {
            guard !current.isEmpty || !columns.isEmpty else { return }
            if columns.isEmpty { columns = current.map(\.0) }
            var values: [String?] = Array(repeating: nil, count: columns.count)
            for (name, value) in current {
                guard let index = columns.firstIndex(of: name) else { continue }
                values[index] = value == "NULL" ? nil : value
            }
            rows.append(values)
            current = []
        }

        var inRow = false
        for line in lines {
            if rowMarker(line) != nil {
                if inRow { finishRow() }
                inRow = true
                separatorColumn = nil
                continue
            }
            guard inRow else { continue }
            if let (name, value, column) = keyValue(line, separatorColumn: separatorColumn) {
                if separatorColumn == nil { separatorColumn = column }
                current.append((name, value))
            } else if !current.isEmpty {
                current[current.count - 1].1 += "\n" + line
            }
        }
        if inRow { finishRow() }
        return SQLResultTable(columns: columns, rows: rows)
    }

    /// Splits `   Name: value`. A line is a key line when its `: ` sits at the row's aligned separator column
    /// (fixed by the row's first line, where the first `: ` counts), or when it starts with an identifier
    /// followed by `: `. Anything else continues the previous value.
    static func keyValue(_ line: Substring, separatorColumn: Int?) -> (String, String, Int)? {
        let characters = Array(line)
        func split(at index: Int) -> (String, String, Int)? {
            guard index < characters.count, characters[index] == ":" else { return nil }
            guard index + 1 == characters.count || characters[index + 1] == " " else { return nil }
            let name = String(characters[..<index]).trimmingCharacters(in: .whitespaces)
            guard !name.isEmpty else { return nil }
            let value = index + 2 <= characters.count ? String(characters[(index + 2)...]) : ""
            return (name, value, index)
        }
        if let separatorColumn {
            if let found = split(at: separatorColumn) { return found }
        } else if let colon = characters.indices.first(where: { split(at: $0) != nil }) {
            // The row's first line: names such as `VERSION()` or `@@version_comment` are not identifiers.
            return split(at: colon)
        }
        var index = 0
        while index < characters.count, characters[index] == " " { index += 1 }
        let start = index
        while index < characters.count, characters[index].isASCII,
              characters[index].isLetter || characters[index].isNumber || characters[index] == "_" {
            index += 1
        }
        guard index > start, !characters[start].isNumber else { return nil }
        return split(at: index)
    }
}

/// The fuzz seed corpus of a target as `scripts/fuzz.sh` builds it: every request/response body, input
/// and output of Fixtures/** (at most 256 KB each) and fuzz/seeds/<target>/.
func recipeFuzzSeedCorpus(_ target: String) throws -> [Data] {
    let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent()
    var seeds: [Data] = []
    func body(_ value: Any?) {
        guard let body = value as? [String: Any] else { return }
        var data: Data?
        if let base64 = body["base64"] as? String { data = Data(base64Encoded: base64) }
        else if let text = body["text"] as? String { data = Data(text.utf8) }
        else if let json = body["json"] { data = try? JSONSerialization.data(withJSONObject: json, options: [.fragmentsAllowed]) }
        if let data, !data.isEmpty, data.count <= 256 * 1024 { seeds.append(data) }
    }
    let files = FileManager.default.enumerator(at: root.appendingPathComponent("Fixtures"), includingPropertiesForKeys: nil)?
        .compactMap { $0 as? URL }.filter { $0.pathExtension == "json" } ?? []
    XCTAssertFalse(files.isEmpty, "no fixtures")
    for file in files {
        guard let object = try JSONSerialization.jsonObject(with: Data(contentsOf: file)) as? [String: Any] else { continue }
        for exchange in object["exchanges"] as? [[String: Any]] ?? [] {
            body((exchange["request"] as? [String: Any])?["body"])
            body((exchange["response"] as? [String: Any])?["body"])
            body(exchange["input"])
        }
    }
    let own = root.appendingPathComponent("fuzz/seeds/\(target)")
    let names = try FileManager.default.contentsOfDirectory(atPath: own.path).sorted()
    XCTAssertFalse(names.isEmpty, "no seeds in \(own.path)")
    for name in names { seeds.append(try Data(contentsOf: own.appendingPathComponent(name))) }
    return seeds
}

/// The recipe parsers FuzzReplicaStatus and FuzzClusterNodes found slow are linear in their input
/// now (issue 12, item 3), and give what they gave before on the seed corpus and its variations.
final class RecipeParserScalingTests: XCTestCase {
    /// Seeds as text, and variations that reach the rewritten steps: a client warning and blank lines
    /// first, CRLF lines, the rows repeated, continuation lines, repeated names.
    private func sqlInputs() throws -> [String] {
        // Seeds up to 16 KB: the oracle is quadratic, and the larger fixtures hold no client output.
        let seeds = try recipeFuzzSeedCorpus("FuzzReplicaStatus").filter { $0.count <= 16 * 1024 }
            .map { String(decoding: $0, as: UTF8.self) }
        var inputs = seeds
        for seed in seeds {
            inputs.append("mysql: [Warning] Using a password on the command line interface can be insecure.\n\n  \n" + seed)
            inputs.append(seed.replacingOccurrences(of: "\n", with: "\r\n"))
            inputs.append(seed + seed)
            let lines = seed.split(separator: "\n", omittingEmptySubsequences: false)
            inputs.append(lines.enumerated().map { $0.offset % 3 == 2 ? "  continued \($0.offset)\n" + $0.element : String($0.element) }
                .joined(separator: "\n"))
            inputs.append(lines.map { line in line.hasSuffix(": Yes") ? line + "\n" + line : String(line) }.joined(separator: "\n"))
        }
        return inputs
    }

    func testSQLSeedCorpusParsesAsBefore() throws {
        let inputs = try sqlInputs()
        var rows = 0
        for input in inputs {
            for raw in [false, true] {
                XCTAssertEqual(SQLResultTable.parse(input, raw: raw), SQLResultTableBefore.parse(input, raw: raw))
                XCTAssertEqual(SQLResultTable.parseBatch(input, raw: raw),
                               SQLResultTableBefore.parseBatch(SQLResultTableBefore.clientLines(input), raw: raw))
            }
            XCTAssertEqual(SQLResultTable.parseVertical(input), SQLResultTableBefore.parseVertical(SQLResultTableBefore.clientLines(input)))
            XCTAssertEqual(SQLResultTable.clientLines(input), SQLResultTableBefore.clientLines(input))
            rows += SQLResultTable.parse(input).rows.count
        }
        XCTAssertGreaterThan(inputs.count, 100)
        XCTAssertGreaterThan(rows, 20, "the corpus parses to rows, not only to empty tables")
    }

    /// A vertical row of 3,000 columns (3,000 x 3,000 name comparisons before) and a preamble of
    /// 3,000 warning and blank lines (each removal moved every later line): the same table as before.
    func testWideVerticalAndLongPreambleParseAsBefore() {
        let names = (0..<3000).map { "Column_\($0)" }
        let row = names.map { "\($0): value of \($0)" }.joined(separator: "\n")
        let wide = "*************************** 1. row ***************************\n" + row
            + "\n*************************** 2. row ***************************\n" + row + "\n"
        let table = SQLResultTable.parse(wide)
        XCTAssertEqual(table.columns, names)
        XCTAssertEqual(table.rows, Array(repeating: names.map { "value of \($0)" }, count: 2))
        XCTAssertEqual(table, SQLResultTableBefore.parse(wide))

        let preamble = String(repeating: "mysql: [Warning] Using a password.\n\n", count: 1500)
        let batch = preamble + "File\tPosition\nbin.000002\t157\n"
        XCTAssertEqual(SQLResultTable.parse(batch), SQLResultTable(columns: ["File", "Position"], rows: [["bin.000002", "157"]]))
        XCTAssertEqual(SQLResultTable.parse(batch), SQLResultTableBefore.parse(batch))
    }

    /// Larger than the oracle could parse in a test: 20,000 columns in vertical output behind 40,000
    /// preamble lines; every value in its column, and ReplicaStatus reads the row.
    func testVeryLargeVerticalOutputParses() throws {
        var lines = Array(repeating: "Warning: something", count: 20_000) + Array(repeating: "", count: 20_000)
        lines.append("*************************** 1. row ***************************")
        lines += ["Replica_IO_Running: Yes", "Replica_SQL_Running: Yes", "Source_Log_File: bin.000002", "Read_Source_Log_Pos: 157"]
        lines += (0..<20_000).map { "Extra_\($0): \($0)" }
        let table = SQLResultTable.parse(lines.joined(separator: "\n"))
        XCTAssertEqual(table.columns.count, 20_004)
        XCTAssertEqual(table.rows.count, 1)
        XCTAssertEqual(table.rows.first?.last, "19999")
        XCTAssertEqual(table.records.first?["Extra_13337"], "13337")
        let status = try XCTUnwrap(ReplicaStatus.parse(lines.joined(separator: "\n")))
        XCTAssertTrue(status.isReplicating)
        XCTAssertEqual(status.readCoordinates, BinlogCoordinates(file: "bin.000002", position: 157))
        XCTAssertEqual(status.fields.count, 20_004)
    }

    /// ClusterView.slotOwners as it was: every listing of a slot visited.
    private func slotOwnersBefore(_ view: ClusterView) -> [String?] {
        var owners = [String?](repeating: nil, count: KeySlot.slotCount)
        for node in view.nodes where node.role == .master {
            for range in node.slots { for slot in range.slots where owners[slot] == nil { owners[slot] = node.id } }
        }
        return owners
    }

    func testClusterSeedCorpusGivesTheSameSlotOwners() throws {
        let texts = try recipeFuzzSeedCorpus("FuzzClusterNodes").map { String(decoding: $0, as: UTF8.self) }
        var views = texts.compactMap { try? ClusterView(parsing: $0) }
        views += [ClusterFixtures.m1, ClusterFixtures.m2, ClusterFixtures.m3].map { try? ClusterFixtures.view(as: $0) }.compactMap { $0 }
        XCTAssertGreaterThanOrEqual(views.count, 5, "the seeds hold CLUSTER NODES answers")
        // Overlapping ranges across masters (double claims), and a master listing overlapping ranges
        // (0-100 and 50-8000: slots 50-100 once for m1, so only 90-200 is claimed by two masters there).
        let m1 = ClusterFixtures.m1, m2 = ClusterFixtures.m2
        let overlapping = try ClusterView(parsing: """
            \(m1) 10.0.0.1:6379@16379 myself,master - 0 0 1 connected 0-100 50-8000 7000-7100 16000
            \(m2) 10.0.0.2:6379@16379 master - 0 0 2 connected 90-200 8000-16383
            """)
        views.append(overlapping)
        for view in views {
            XCTAssertEqual(view.slotOwners, slotOwnersBefore(view))
        }
        XCTAssertEqual(overlapping.slotOwners[150], m1)
        XCTAssertEqual(overlapping.slotOwners[8001], m2)
        XCTAssertEqual(ClusterCheck.problems(in: [overlapping]), [
            .slotsClaimedByMultipleMasters(slots: [SlotRange(first: 90, last: 200), SlotRange(first: 8000, last: 8000),
                                                   SlotRange(first: 16000, last: 16000)],
                                           masterIDs: [m1, m2].sorted(), reporter: m1),
        ])
    }

    /// A master listing every slot 300 times (16384 x 300 slot visits per owner map and per double
    /// claim check before; FuzzClusterNodes inputs of 8 KB held up to 1,000 such listings): the same owners and problems as one listing, and a master
    /// is never reported as claiming a slot together with itself (before: "claimed by several
    /// masters: m, m").
    func testRepeatedRangesCountOnce() throws {
        let m1 = ClusterFixtures.m1, m2 = ClusterFixtures.m2
        let once = try ClusterView(parsing: "\(m1) 10.0.0.1:6379@16379 myself,master - 0 0 1 connected 0-16383\n")
        let repeated = try ClusterView(parsing: "\(m1) 10.0.0.1:6379@16379 myself,master - 0 0 1 connected "
            + Array(repeating: "0-16383", count: 300).joined(separator: " ") + "\n")
        XCTAssertEqual(repeated.nodes.first?.slots.count, 300)
        XCTAssertEqual(repeated.slotOwners, once.slotOwners)
        XCTAssertEqual(repeated.slotOwners, slotOwnersBefore(repeated))
        XCTAssertEqual(ClusterCheck.problems(in: [repeated]), [])
        XCTAssertEqual(ClusterCheck.problems(in: [repeated, once]), ClusterCheck.problems(in: [once, once]))

        let twice = try ClusterView(parsing: """
            \(m1) 10.0.0.1:6379@16379 myself,master - 0 0 1 connected 0-8191 5 5
            \(m2) 10.0.0.2:6379@16379 master - 0 0 2 connected 8192-16383 9000
            """)
        XCTAssertEqual(ClusterCheck.problems(in: [twice]), [])
    }
}
