import Foundation

/// The patterns of a `.dockerignore` file, matched like the docker CLI matches them.
///
/// Semantics (those of moby's patternmatcher, which the CLI and BuildKit use): one pattern a line,
/// `#` starts a comment line, surrounding spaces are trimmed, each pattern is cleaned like a path
/// (`./a/../b` is `b`, a leading `/` is dropped); `*` matches within one path component, `?` one
/// character, `[...]` a class, `\` escapes; `**` matches any number of components (also none);
/// a pattern also excludes everything under a folder it matches; `!pattern` re-includes, and the
/// last pattern that matches a path decides.
public struct DockerIgnore: Sendable, Equatable {
    /// One cleaned pattern.
    public struct Pattern: Sendable, Equatable {
        /// The cleaned pattern, without its `!`.
        public var text: String
        /// Whether it re-includes (`!pattern`).
        public var isException: Bool
        let regex: String

        public static func == (lhs: Pattern, rhs: Pattern) -> Bool {
            lhs.text == rhs.text && lhs.isException == rhs.isException
        }

        func matches(_ path: String) -> Bool {
            path.range(of: regex, options: .regularExpression) != nil
        }
    }

    /// The patterns, in file order.
    public private(set) var patterns: [Pattern]

    /// Parses the text of a `.dockerignore` file; a lone `!` is `.invalidArgument`.
    public init(_ text: String) throws {
        var lines = text.components(separatedBy: "\n")
        if let first = lines.first, first.hasPrefix("\u{FEFF}") { lines[0] = String(first.dropFirst()) }
        var patterns: [String] = []
        for raw in lines {
            let line = raw.trimmingCharacters(in: .whitespacesAndNewlines)
            if line.isEmpty || line.hasPrefix("#") { continue }
            patterns.append(line)
        }
        try self.init(patterns: patterns)
    }

    /// Compiles patterns as written in a `.dockerignore` file (`!` marks an exception).
    public init(patterns: [String]) throws {
        self.patterns = []
        for raw in patterns {
            var text = raw.trimmingCharacters(in: .whitespaces)
            var exception = false
            if text.hasPrefix("!") {
                exception = true
                text = String(text.dropFirst()).trimmingCharacters(in: .whitespaces)
                if text.isEmpty { throw DockerError.invalidArgument("illegal exclusion pattern in .dockerignore: \"!\"") }
            }
            if text.isEmpty { continue }
            text = Self.clean(text)
            if text.count > 1, text.hasPrefix("/") { text.removeFirst() }
            if text == "/" || text == "." { continue }
            self.patterns.append(Pattern(text: text, isException: exception, regex: try Self.regex(for: text)))
        }
    }

    /// The matcher the CLI uses for a build: the patterns, plus exceptions that always send the
    /// Dockerfile and `.dockerignore` themselves (the daemon needs the one and reads the other).
    public func keeping(dockerfile: String) throws -> DockerIgnore {
        var copy = self
        for name in [".dockerignore", dockerfile] where copy.excludes(name) {
            copy.patterns.append(Pattern(text: Self.clean(name), isException: true, regex: try Self.regex(for: Self.clean(name))))
        }
        return copy
    }

    /// Whether `path` (relative to the context, `/`-separated) is left out of the context.
    public func excludes(_ path: String) -> Bool {
        let path = Self.clean(path)
        var parentComponents = path.split(separator: "/").map(String.init)
        if !parentComponents.isEmpty { parentComponents.removeLast() }
        var excluded = false
        for pattern in patterns {
            // An exception cannot un-match what is not excluded; an exclusion need not re-match.
            if pattern.isException != excluded { continue }
            var match = pattern.matches(path)
            if !match {
                for count in stride(from: 1, through: parentComponents.count, by: 1) {
                    if pattern.matches(parentComponents.prefix(count).joined(separator: "/")) {
                        match = true
                        break
                    }
                }
            }
            if match { excluded = !pattern.isException }
        }
        return excluded
    }

    /// Whether an excluded folder must still be walked: an exception pattern starts with its path
    /// (the CLI's rule; an exception such as `!**/*.go` does not reach into an excluded folder).
    public func mayReinclude(under directory: String) -> Bool {
        let prefix = Self.clean(directory) + "/"
        return patterns.contains { $0.isException && ($0.text + "/").hasPrefix(prefix) }
    }

    /// Whether there is any exception pattern.
    public var hasExceptions: Bool { patterns.contains(where: \.isException) }

    /// Lexical path cleaning like Go's `filepath.Clean` for relative and absolute `/` paths.
    static func clean(_ path: String) -> String {
        if path.isEmpty { return "." }
        let absolute = path.hasPrefix("/")
        var out: [Substring] = []
        for part in path.split(separator: "/", omittingEmptySubsequences: true) {
            if part == "." { continue }
            if part == ".." {
                if let last = out.last, last != ".." {
                    out.removeLast()
                } else if !absolute {
                    out.append(part)
                }
                continue
            }
            out.append(part)
        }
        let joined = out.joined(separator: "/")
        if absolute { return "/" + joined }
        return joined.isEmpty ? "." : joined
    }

    /// The anchored regular expression of a cleaned pattern.
    static func regex(for pattern: String) throws -> String {
        var out = "^"
        let chars = Array(pattern)
        var i = 0
        while i < chars.count {
            let c = chars[i]
            switch c {
            case "*":
                if i + 1 < chars.count, chars[i + 1] == "*" {
                    i += 1
                    if i + 1 < chars.count, chars[i + 1] == "/" { i += 1 }
                    out += i + 1 >= chars.count ? ".*" : "(.*/)?"
                } else {
                    out += "[^/]*"
                }
            case "?":
                out += "[^/]"
            case "\\":
                i += 1
                guard i < chars.count else { throw DockerError.invalidArgument("bad .dockerignore pattern \"\(pattern)\": ends with \\") }
                out += NSRegularExpression.escapedPattern(for: String(chars[i]))
            case "[":
                guard let close = chars[(i + 1)...].firstIndex(of: "]") else {
                    throw DockerError.invalidArgument("bad .dockerignore pattern \"\(pattern)\": unclosed [")
                }
                var body = String(chars[(i + 1)..<close])
                if body.hasPrefix("!") { body = "^" + body.dropFirst() }
                out += "[" + body.replacingOccurrences(of: "\\", with: "\\\\") + "]"
                i = close
            case ".", "+", "(", ")", "|", "{", "}", "$", "^":
                out += "\\" + String(c)
            default:
                out += String(c)
            }
            i += 1
        }
        out += "$"
        guard (try? NSRegularExpression(pattern: out)) != nil else {
            throw DockerError.invalidArgument("bad .dockerignore pattern \"\(pattern)\"")
        }
        return out
    }
}
