import Foundation

/// Reads and writes the tar archives `docker cp` moves (ustar, with pax and GNU long names on read).
public enum TarArchive {
    /// One file, folder or link in an archive.
    public struct Entry: Sendable, Equatable {
        /// What the entry is.
        public enum Kind: Sendable, Equatable {
            /// A regular file, a folder, a symbolic link to `target`, or anything else.
            case file, directory, symlink(target: String), other
        }

        /// The path inside the archive, e.g. `conf/redis.conf`.
        public var path: String
        /// The kind.
        public var kind: Kind
        /// The contents, for files.
        public var data: Data
        /// The permission bits, e.g. `0o644`.
        public var mode: Int
        /// The owner's user ID.
        public var uid: Int
        /// The owner's group ID.
        public var gid: Int

        /// Creates an entry of any kind.
        public init(path: String, kind: Kind, data: Data = Data(), mode: Int, uid: Int = 0, gid: Int = 0) {
            self.path = path
            self.kind = kind
            self.data = data
            self.mode = mode
            self.uid = uid
            self.gid = gid
        }

        /// A symbolic link to `target`.
        public static func symlink(_ path: String, to target: String) -> Entry {
            Entry(path: path, kind: .symlink(target: target), mode: 0o777)
        }

        /// A regular file with the given contents.
        public static func file(_ path: String, _ data: Data, mode: Int = 0o644, uid: Int = 0, gid: Int = 0) -> Entry {
            Entry(path: path, kind: .file, data: data, mode: mode, uid: uid, gid: gid)
        }

        /// A regular file with UTF-8 text.
        public static func file(_ path: String, text: String, mode: Int = 0o644) -> Entry {
            .file(path, Data(text.utf8), mode: mode)
        }

        /// A folder.
        public static func directory(_ path: String, mode: Int = 0o755) -> Entry {
            Entry(path: path, kind: .directory, data: Data(), mode: mode, uid: 0, gid: 0)
        }
    }

    /// Writes entries as a ustar archive; names longer than ustar allows use a pax header.
    ///
    /// Every entry gets `modificationTime` (now by default); pass a fixed date for byte-identical archives.
    public static func write(_ entries: [Entry], modificationTime: Date = Date()) throws -> Data {
        let mtime = max(0, Int(modificationTime.timeIntervalSince1970))
        var out = Data()
        for entry in entries {
            var name = entry.path
            if case .directory = entry.kind, !name.hasSuffix("/") { name += "/" }
            let nameBytes = Array(name.utf8)
            let (type, link): (UInt8, String) = switch entry.kind {
            case .file: (UInt8(ascii: "0"), "")
            case .directory: (UInt8(ascii: "5"), "")
            case .symlink(let target): (UInt8(ascii: "2"), target)
            case .other: throw DockerError.invalidArgument("cannot write an entry of unknown kind: \(entry.path)")
            }
            // Names and link targets longer than their ustar fields go in a pax header.
            var records = Data()
            if nameBytes.count > 100 { records.append(paxRecord("path", name)) }
            if link.utf8.count > 100 { records.append(paxRecord("linkpath", link)) }
            if !records.isEmpty {
                out.append(try header(name: "././@PaxHeader", size: records.count, type: UInt8(ascii: "x"), mode: 0o644,
                                  uid: 0, gid: 0, link: "", mtime: mtime))
                out.append(records)
                out.append(Data(count: padding(records.count)))
            }
            let size = entry.kind == .file ? entry.data.count : 0
            out.append(try header(name: String(decoding: nameBytes.prefix(100), as: UTF8.self), size: size, type: type,
                              mode: entry.mode, uid: entry.uid, gid: entry.gid, link: link, mtime: mtime))
            if size > 0 {
                out.append(entry.data)
                out.append(Data(count: padding(size)))
            }
        }
        out.append(Data(count: 1024))
        return out
    }

    /// Reads a tar archive; a truncated or corrupt one is `.malformedResponse`.
    public static func read(_ data: Data) throws -> [Entry] {
        var entries: [Entry] = []
        var offset = data.startIndex
        var longName: String?
        var longLink: String?
        while offset < data.endIndex {
            guard offset + 512 <= data.endIndex else {
                if data[offset...].allSatisfy({ $0 == 0 }) { break }
                throw DockerError.malformedResponse("tar archive truncated inside a header")
            }
            let block = data[offset..<offset + 512]
            if block.allSatisfy({ $0 == 0 }) { break }
            guard checksumMatches(block) else { throw DockerError.malformedResponse("tar header checksum mismatch") }
            let size = try octal(block, 124, 12)
            let type = block[block.startIndex + 156]
            let bodyStart = offset + 512
            guard bodyStart + size <= data.endIndex else { throw DockerError.malformedResponse("tar entry truncated") }
            let body = data.subdata(in: bodyStart..<bodyStart + size)
            offset = bodyStart + size + padding(size)
            switch type {
            case UInt8(ascii: "x"):
                let records = paxRecords(body)
                longName = records["path"] ?? longName
                longLink = records["linkpath"] ?? longLink
                continue
            case UInt8(ascii: "g"):
                continue
            case UInt8(ascii: "L"):
                longName = String(decoding: body.prefix { $0 != 0 }, as: UTF8.self)
                continue
            case UInt8(ascii: "K"):
                longLink = String(decoding: body.prefix { $0 != 0 }, as: UTF8.self)
                continue
            default:
                break
            }
            var name = string(block, 0, 100)
            // Only POSIX ustar ("ustar\0") has a name prefix; old GNU headers keep other fields there.
            let posix = block[(block.startIndex + 257)..<(block.startIndex + 263)].elementsEqual("ustar\0".utf8)
            let prefix = posix ? string(block, 345, 155) : ""
            if !prefix.isEmpty { name = prefix + "/" + name }
            if let long = longName { name = long }
            let target = longLink ?? string(block, 157, 100)
            longName = nil
            longLink = nil
            let kind: Entry.Kind = switch type {
            case UInt8(ascii: "0"), 0, UInt8(ascii: "7"): .file
            case UInt8(ascii: "5"): .directory
            case UInt8(ascii: "2"): .symlink(target: target)
            default: .other
            }
            // Folders end with "/" as Docker writes them (Podman's archives leave it out).
            if kind == .directory, !name.isEmpty, !name.hasSuffix("/") { name += "/" }
            entries.append(Entry(path: name, kind: kind, data: kind == .file ? body : Data(),
                                 mode: (try? octal(block, 100, 8)) ?? 0, uid: (try? octal(block, 108, 8)) ?? 0,
                                 gid: (try? octal(block, 116, 8)) ?? 0))
        }
        return entries
    }

    static func padding(_ size: Int) -> Int { (512 - size % 512) % 512 }

    static func header(name: String, size: Int, type: UInt8, mode: Int, uid: Int, gid: Int, link: String,
                       mtime: Int) throws -> Data {
        var block = [UInt8](repeating: 0, count: 512)
        func put(_ text: String, _ at: Int, _ length: Int) {
            for (i, byte) in text.utf8.prefix(length).enumerated() { block[at + i] = byte }
        }
        // A number that does not fit its field is refused, never cut to its last digits.
        func putOctal(_ value: Int, _ at: Int, _ length: Int, _ field: String) throws {
            let digits = String(value, radix: 8)
            guard value >= 0, digits.count <= length - 1 else {
                throw DockerError.invalidArgument(
                    "tar entry \(name): \(field) \(value) does not fit a ustar header (0...\((1 << (3 * (length - 1))) - 1))")
            }
            put(digits.leftPadded(to: length - 1), at, length - 1)
        }
        put(name, 0, 100)
        try putOctal(mode, 100, 8, "mode")
        try putOctal(uid, 108, 8, "uid")
        try putOctal(gid, 116, 8, "gid")
        try putOctal(size, 124, 12, "size")
        try putOctal(mtime, 136, 12, "modification time")
        block[156] = type
        put(link, 157, 100)
        put("ustar", 257, 6)
        put("00", 263, 2)
        for i in 148..<156 { block[i] = UInt8(ascii: " ") }
        let sum = block.reduce(0) { $0 + Int($1) }
        put(String(String(sum, radix: 8)).leftPadded(to: 6), 148, 6)
        block[154] = 0
        block[155] = UInt8(ascii: " ")
        return Data(block)
    }

    private static func checksumMatches(_ block: Data) -> Bool {
        guard let stored = try? octal(block, 148, 8) else { return false }
        var sum = 0
        for (i, byte) in block.enumerated() { sum += (148..<156).contains(i) ? 32 : Int(byte) }
        return sum == stored
    }

    private static func string(_ block: Data, _ at: Int, _ length: Int) -> String {
        let field = block[(block.startIndex + at)..<(block.startIndex + at + length)]
        return String(decoding: field.prefix { $0 != 0 }, as: UTF8.self)
    }

    private static func octal(_ block: Data, _ at: Int, _ length: Int) throws -> Int {
        let text = string(block, at, length).trimmingCharacters(in: CharacterSet(charactersIn: " \0"))
        if text.isEmpty { return 0 }
        guard text.allSatisfy({ ("0"..."7").contains($0) }), let value = Int(text, radix: 8) else {
            throw DockerError.malformedResponse("bad number in tar header")
        }
        return value
    }

    static func paxRecord(_ key: String, _ value: String) -> Data {
        let body = " \(key)=\(value)\n"
        var length = body.utf8.count + 1
        while String(length).count + body.utf8.count != length { length = String(length).count + body.utf8.count }
        return Data("\(length)\(body)".utf8)
    }

    /// The `key=value` records of a pax header, each `<length> <key>=<value>\n` with the length in bytes.
    private static func paxRecords(_ data: Data) -> [String: String] {
        var records: [String: String] = [:]
        let bytes = [UInt8](data)
        var start = 0
        while start < bytes.count {
            guard let space = bytes[start...].firstIndex(of: UInt8(ascii: " ")),
                  let length = Int(String(decoding: bytes[start..<space], as: UTF8.self)),
                  length > space - start, start + length <= bytes.count else { break }
            var record = bytes[(space + 1)..<(start + length)]
            if record.last == UInt8(ascii: "\n") { record = record.dropLast() }
            if let equals = record.firstIndex(of: UInt8(ascii: "=")) {
                records[String(decoding: record[..<equals], as: UTF8.self)] =
                    String(decoding: record[(equals + 1)...], as: UTF8.self)
            }
            start += length
        }
        return records
    }
}

private extension String {
    func leftPadded(to length: Int) -> String {
        count >= length ? self : String(repeating: "0", count: length - count) + self
    }
}
