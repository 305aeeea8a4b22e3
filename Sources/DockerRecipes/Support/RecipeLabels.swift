import DockerSDK

/// The labels every recipe puts on what it creates, so `down` finds it all even after a crash.
public enum RecipeLabels {
    /// The recipe's name, e.g. `redis-cluster`.
    public static let recipe = "com.dockersdk.recipe"
    /// Which deployment of the recipe, e.g. the name prefix.
    public static let instance = "com.dockersdk.instance"

    /// The label set for one deployment.
    public static func labels(recipe: String, instance: String) -> [String: String] {
        [Self.recipe: recipe, Self.instance: instance]
    }
}

extension ImagesAPI {
    /// The image a recipe runs: the one given, else the dev image when present locally, else `fallback`.
    func recipeImage(_ given: String?, dev: String, fallback: String) async throws -> String {
        if let given { return given }
        return try await exists(dev) ? dev : fallback
    }
}
