import Foundation

/// A result set as printed by the `mysql`/`mariadb` command-line client, with SQL NULL as nil.
///
/// Reads `--batch` output (tab-separated, first line the column names; escaped unless `--raw`) and vertical
/// output (`-E` or `\G`). With `--batch --raw`, values containing a tab or newline cannot be told apart from
/// separators; prefer `--batch` without `--raw` or vertical output for such values.
public struct SQLResultTable: Sendable, Hashable {
    /// The column names in order.
    public var columns: [String]
    /// The rows, each with one value per column; nil is SQL NULL.
    public var rows: [[String?]]

    /// Creates a table.
    public init(columns: [String], rows: [[String?]]) {
        self.columns = columns
        self.rows = rows
    }

    /// True when there are no rows (e.g. `SHOW REPLICA STATUS` on a server that is not a replica).
    public var isEmpty: Bool { rows.isEmpty }

    /// The rows as name-addressable records.
    public var records: [SQLRecord] {
        rows.map { SQLRecord(columns: columns, values: $0) }
    }

    /// Parses either format, choosing vertical when a `*** 1. row ***` marker is present.
    /// `raw` says the batch output was produced with `--raw` (no unescaping).
    public static func parse(_ text: String, raw: Bool = false) -> SQLResultTable {
        let lines = clientLines(text)
        if lines.contains(where: { rowMarker($0) != nil }) {
            return parseVertical(lines)
        }
        return parseBatch(lines, raw: raw)
    }

    /// Parses `--batch` output: tab-separated, first line the column names, `NULL` for SQL NULL.
    /// Without `raw`, `\t`, `\n`, `\0` and `\\` in values are unescaped.
    public static func parseBatch(_ text: String, raw: Bool = false) -> SQLResultTable {
        parseBatch(clientLines(text), raw: raw)
    }

    /// Parses vertical output: `*** N. row ***` markers, then `Name: value` lines with names right-aligned;
    /// lines that are not `Name: value` continue the previous value (multi-line GTID sets).
    public static func parseVertical(_ text: String) -> SQLResultTable {
        parseVertical(clientLines(text))
    }

    // MARK: - Implementation

    /// Lines without trailing CRs, dropping a trailing empty line and leading client warnings
    /// (`mysql: [Warning] Using a password ...`) that reach stdout when streams are merged.
    static func clientLines(_ text: String) -> [Substring] {
        // "\r\n" is one Character in Swift, so it is matched explicitly.
        var lines = text.split(omittingEmptySubsequences: false, whereSeparator: { $0 == "\n" || $0 == "\r\n" }).map { line -> Substring in
            line.hasSuffix("\r") ? line.dropLast() : line
        }
        while let last = lines.last, last.allSatisfy(\.isWhitespace) { lines.removeLast() }
        // Counted, then dropped at once (removing the first line one at a time moves every other line each time).
        let leading = lines.prefix { first in
            first.hasPrefix("mysql: ") || first.hasPrefix("mariadb: ") || first.hasPrefix("Warning: ")
                || first.allSatisfy(\.isWhitespace)
        }.count
        lines.removeFirst(leading)
        return lines
    }

    private static func parseBatch(_ lines: [Substring], raw: Bool) -> SQLResultTable {
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

    private static func parseVertical(_ lines: [Substring]) -> SQLResultTable {
        var columns: [String] = []
        var rows: [[String?]] = []
        var current: [(String, String)] = []
        var separatorColumn: Int?
        // Each column name's first position, so that placing a row's values is linear in the row.
        var columnIndex: [String: Int] = [:]

        func finishRow() {
            guard !current.isEmpty || !columns.isEmpty else { return }
            if columns.isEmpty {
                columns = current.map(\.0)
                for (index, name) in columns.enumerated() where columnIndex[name] == nil { columnIndex[name] = index }
            }
            var values: [String?] = Array(repeating: nil, count: columns.count)
            for (name, value) in current {
                guard let index = columnIndex[name] else { continue }
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
    private static func keyValue(_ line: Substring, separatorColumn: Int?) -> (String, String, Int)? {
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

/// One row of a `SQLResultTable`, addressed by column name (case-insensitively).
public struct SQLRecord: Sendable, Hashable {
    /// The column names in order.
    public let columns: [String]
    /// The values in column order; nil is SQL NULL.
    public let values: [String?]

    /// Creates a record; missing trailing values are NULL.
    public init(columns: [String], values: [String?]) {
        self.columns = columns
        self.values = values
    }

    /// True when the row has a column of that name.
    public func has(_ column: String) -> Bool { index(of: column) != nil }

    /// The value of the column, nil when it is NULL or absent.
    public subscript(_ column: String) -> String? {
        guard let index = index(of: column), index < values.count else { return nil }
        return values[index]
    }

    /// The value of the first of `names` that the row has (for SLAVE/REPLICA column pairs).
    public func first(of names: [String]) -> String? {
        for name in names where has(name) { return self[name] }
        return nil
    }

    /// The row as a dictionary of its non-NULL values.
    public var dictionary: [String: String] {
        var result: [String: String] = [:]
        for (index, column) in columns.enumerated() where index < values.count {
            if let value = values[index] { result[column] = value }
        }
        return result
    }

    private func index(of column: String) -> Int? {
        columns.firstIndex(of: column) ?? columns.firstIndex { $0.caseInsensitiveCompare(column) == .orderedSame }
    }
}
