import Foundation
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// What `POST /build` builds from.
public enum BuildContext: Sendable, Equatable {
    /// A folder: walked in lexical order, filtered by its `.dockerignore`, written as a tar to a
    /// temporary file (one file at a time, never the whole context in memory) and uploaded from disk.
    case directory(String)
    /// A tar archive on disk (plain, gzip, bzip2 or xz, as the daemon accepts), uploaded as is.
    case tarFile(String)
    /// A tar archive in memory.
    case tarData(Data)
}

/// Writes a build context folder as a tar file, the way the docker CLI sends it: paths relative to
/// the folder, owner 0:0, modes and times kept, symbolic links as links, `.dockerignore` honoured
/// (the Dockerfile and `.dockerignore` are always sent).
public struct BuildContextWriter: Sendable {
    /// The folder.
    public let directory: String
    /// The Dockerfile's path inside the folder.
    public let dockerfile: String

    /// Describes a folder to write; `dockerfile` is relative to it.
    public init(directory: String, dockerfile: String = "Dockerfile") {
        self.directory = directory
        self.dockerfile = dockerfile
    }

    /// The `.dockerignore` of the folder (none: nothing excluded), with the build files kept.
    public func ignore() throws -> DockerIgnore {
        let path = (directory as NSString).appendingPathComponent(".dockerignore")
        var patterns = try DockerIgnore(patterns: [])
        if FileManager.default.fileExists(atPath: path) {
            guard let data = FileContents.read(path) else {
                throw DockerError.invalidArgument("cannot read \(path)")
            }
            patterns = try DockerIgnore(String(decoding: data, as: UTF8.self))
        }
        return try patterns.keeping(dockerfile: dockerfile)
    }

    /// The relative paths that go into the context, in the order they are written.
    public func paths() throws -> [String] {
        var paths: [String] = []
        try walk { relative, _ in paths.append(relative) }
        return paths
    }

    /// Writes the tar to `path` (created or truncated) and returns the bytes written.
    @discardableResult
    public func write(to path: String) throws -> Int64 {
        guard FileManager.default.createFile(atPath: path, contents: nil, attributes: [.posixPermissions: 0o600]),
              let out = FileHandle(forWritingAtPath: path) else {
            throw DockerError.invalidArgument("cannot write the build context to \(path)")
        }
        defer { try? out.close() }
        var written: Int64 = 0
        func emit(_ data: Data) throws {
            try out.write(contentsOf: data)
            written += Int64(data.count)
        }
        try walk { relative, info in
            try emit(try Self.header(relative, info))
            guard info.kind == .file, info.size > 0 else { return }
            let full = (directory as NSString).appendingPathComponent(relative)
            guard let input = FileHandle(forReadingAtPath: full) else {
                throw DockerError.invalidArgument("cannot read \(full) for the build context")
            }
            defer { try? input.close() }
            var remaining = info.size
            while remaining > 0 {
                let chunk = try input.read(upToCount: Int(min(remaining, 1 << 20))) ?? Data()
                if chunk.isEmpty {
                    throw DockerError.invalidArgument("\(full) shrank while the build context was written")
                }
                try emit(chunk)
                remaining -= Int64(chunk.count)
            }
            try emit(Data(count: TarArchive.padding(Int(info.size % 512))))
        }
        try emit(Data(count: 1024))
        return written
    }

    struct Info {
        enum Kind { case file, directory, symlink }
        var kind: Kind
        var size: Int64
        var mode: Int
        var mtime: Int
        var target: String
    }

    /// Calls `visit` for every path kept, parents before children, siblings in byte order.
    func walk(_ visit: (String, Info) throws -> Void) throws {
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: directory, isDirectory: &isDirectory), isDirectory.boolValue else {
            throw DockerError.invalidArgument("the build context \(directory) is not a folder")
        }
        let dockerfilePath = DockerIgnore.clean(dockerfile)
        guard !dockerfilePath.hasPrefix("../"), dockerfilePath != "..", !dockerfilePath.hasPrefix("/") else {
            throw DockerError.invalidArgument("the Dockerfile \(dockerfile) must be inside the build context \(directory)")
        }
        guard FileManager.default.fileExists(atPath: (directory as NSString).appendingPathComponent(dockerfilePath)) else {
            throw DockerError.invalidArgument("no Dockerfile at \(dockerfile) in the build context \(directory)")
        }
        let ignore = try self.ignore()
        try walk(relative: "", ignore: ignore, visit)
    }

    private func walk(relative: String, ignore: DockerIgnore, _ visit: (String, Info) throws -> Void) throws {
        let folder = relative.isEmpty ? directory : (directory as NSString).appendingPathComponent(relative)
        let names: [String]
        do { names = try FileManager.default.contentsOfDirectory(atPath: folder) } catch {
            throw DockerError.invalidArgument("cannot list \(folder) for the build context")
        }
        for name in names.sorted(by: { Array($0.utf8).lexicographicallyPrecedes(Array($1.utf8)) }) {
            let path = relative.isEmpty ? name : "\(relative)/\(name)"
            let full = (directory as NSString).appendingPathComponent(path)
            var st = stat()
            guard lstat(full, &st) == 0 else {
                throw DockerError.invalidArgument("cannot stat \(full) for the build context")
            }
            let type = st.st_mode & S_IFMT
            let info: Info
            switch type {
            case S_IFDIR: info = Info(kind: .directory, size: 0, mode: Int(st.st_mode & 0o7777), mtime: Int(st.st_mtim.tv_sec), target: "")
            case S_IFREG: info = Info(kind: .file, size: Int64(st.st_size), mode: Int(st.st_mode & 0o7777), mtime: Int(st.st_mtim.tv_sec), target: "")
            case S_IFLNK:
                let target = (try? FileManager.default.destinationOfSymbolicLink(atPath: full)) ?? ""
                info = Info(kind: .symlink, size: 0, mode: 0o777, mtime: Int(st.st_mtim.tv_sec), target: target)
            default:
                continue // sockets, FIFOs and devices have no place in a build context
            }
            if ignore.excludes(path) {
                if info.kind == .directory, ignore.mayReinclude(under: path) {
                    try walk(relative: path, ignore: ignore, visit)
                }
                continue
            }
            try visit(path, info)
            if info.kind == .directory { try walk(relative: path, ignore: ignore, visit) }
        }
    }

    static func header(_ path: String, _ info: Info) throws -> Data {
        let name = info.kind == .directory ? path + "/" : path
        var records = Data()
        if name.utf8.count > 100 { records.append(TarArchive.paxRecord("path", name)) }
        if info.target.utf8.count > 100 { records.append(TarArchive.paxRecord("linkpath", info.target)) }
        let ustarMaxSize: Int64 = 0o77777777777
        if info.size > ustarMaxSize { records.append(TarArchive.paxRecord("size", String(info.size))) }
        var out = Data()
        if !records.isEmpty {
            out.append(try TarArchive.header(name: "././@PaxHeader", size: records.count, type: UInt8(ascii: "x"), mode: 0o644,
                                         uid: 0, gid: 0, link: "", mtime: max(0, info.mtime)))
            out.append(records)
            out.append(Data(count: TarArchive.padding(records.count)))
        }
        let type: UInt8 = switch info.kind {
        case .file: UInt8(ascii: "0")
        case .directory: UInt8(ascii: "5")
        case .symlink: UInt8(ascii: "2")
        }
        out.append(try TarArchive.header(name: String(decoding: Array(name.utf8).prefix(100), as: UTF8.self),
                                     size: info.size > ustarMaxSize ? 0 : Int(info.size), type: type, mode: info.mode,
                                     uid: 0, gid: 0, link: String(decoding: Array(info.target.utf8).prefix(100), as: UTF8.self),
                                     mtime: max(0, info.mtime)))
        return out
    }
}
