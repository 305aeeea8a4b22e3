import DockerRecipes
import Foundation

extension RecipeProgress {
    /// A recipe's progress for a person: a spinner per step on a terminal, plain lines on stderr otherwise
    /// (so --json output on stdout stays clean). See `StepDisplay`.
    static var terminal: RecipeProgress {
        RecipeProgress { event in StepDisplay.shared.show(event) }
    }
}

/// Prints a value as pretty, key-sorted JSON on stdout.
func printJSON<T: Encodable>(_ value: T) throws {
    let encoder = JSONEncoder()
    encoder.outputFormatting = [.sortedKeys, .prettyPrinted, .withoutEscapingSlashes]
    Terminal.line(String(decoding: try encoder.encode(value), as: UTF8.self))
}
