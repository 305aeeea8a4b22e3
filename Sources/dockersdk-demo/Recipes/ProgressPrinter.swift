import DockerRecipes
import Foundation

extension RecipeProgress {
    /// Progress lines on stderr (so --json output on stdout stays clean).
    static let terminal = RecipeProgress { event in
        Terminal.errorLine("\(event)")
    }
}

/// Prints a value as pretty, key-sorted JSON on stdout.
func printJSON<T: Encodable>(_ value: T) throws {
    let encoder = JSONEncoder()
    encoder.outputFormatting = [.sortedKeys, .prettyPrinted, .withoutEscapingSlashes]
    Terminal.line(String(decoding: try encoder.encode(value), as: UTF8.self))
}
