import DockerSDK
import Foundation

/// What a recipe deployment owns, found by its labels, and how to remove it all.
public struct RecipeResources: Sendable {
    /// The client.
    public let docker: DockerClient
    /// The recipe's name (`com.dockersdk.recipe`).
    public let recipe: String
    /// The deployment (`com.dockersdk.instance`).
    public let instance: String

    /// Creates a view of one deployment's resources.
    public init(docker: DockerClient, recipe: String, instance: String) {
        self.docker = docker
        self.recipe = recipe
        self.instance = instance
    }

    /// `progress`, with every event also logged through the client's logger (`docker.logger`), tagged with the
    /// recipe and the deployment: the recipes' public operations report through this.
    public func logged(_ progress: RecipeProgress) -> RecipeProgress {
        progress.logging(to: docker.logger, metadata: ["recipe": "\(recipe)", "recipe.instance": "\(instance)"])
    }

    /// The labels to put on everything the deployment creates.
    public var labels: [String: String] { RecipeLabels.labels(recipe: recipe, instance: instance) }

    /// Filters matching this deployment.
    public var filters: Filters {
        Filters(["label": ["\(RecipeLabels.recipe)=\(recipe)", "\(RecipeLabels.instance)=\(instance)"]])
    }

    /// The deployment's containers, running or not.
    public func containers() async throws -> [ContainerSummary] {
        try await docker.containers.list(all: true, filters: filters)
    }

    /// What `removeAll` removed.
    public struct Removed: Sendable, Codable, Equatable {
        /// Containers removed.
        public var containers: [String] = []
        /// Networks removed.
        public var networks: [String] = []
        /// Volumes removed.
        public var volumes: [String] = []
    }

    /// Removes everything of the deployment (see `removeAll`), reporting what it removed.
    @discardableResult
    public func remove(progress: RecipeProgress) async throws -> Removed {
        progress.step("removing \(instance)")
        let removed = try await removeAll()
        progress.info("removed \(removed.containers.count) containers, \(removed.networks.count) networks, \(removed.volumes.count) volumes")
        return removed
    }

    /// Removes every container, network and volume with the deployment's labels; keeps going past
    /// failures and throws the first one at the end.
    @discardableResult
    public func removeAll() async throws -> Removed {
        var removed = Removed()
        var firstError: (any Error)?
        var containers: [ContainerSummary] = []
        do {
            containers = try await self.containers()
        } catch {
            firstError = error
        }
        // All at once; a container refused as a conflict is tried again once the others are gone: Podman
        // refuses to remove one whose network namespace others join (`container:NAME`, the loopback
        // cluster's holder) while they exist, dockerd one whose removal is already in progress.
        var refused: [ContainerSummary] = []
        for round in 0..<2 {
            let batch = round == 0 ? containers : refused
            refused = []
            await withTaskGroup(of: (ContainerSummary, (any Error)?).self) { group in
                for container in batch {
                    group.addTask {
                        do {
                            try await docker.containers.remove(container.id, force: true, volumes: true)
                            return (container, nil)
                        } catch DockerError.notFound {
                            return (container, nil)
                        } catch {
                            return (container, error)
                        }
                    }
                }
                for await (container, error) in group {
                    let name = container.name ?? container.id
                    if let error {
                        if round == 0, case DockerError.conflict = error { refused.append(container) } else {
                            firstError = firstError ?? error
                        }
                    } else {
                        removed.containers.append(name)
                    }
                }
            }
            if refused.isEmpty { break }
        }
        do {
            for network in try await docker.networks.list(filters: filters) {
                do {
                    try await docker.networks.remove(network.id)
                    removed.networks.append(network.name)
                } catch DockerError.notFound {
                } catch {
                    firstError = firstError ?? error
                }
            }
        } catch {
            firstError = firstError ?? error
        }
        do {
            for volume in try await docker.volumes.list(filters: filters) {
                do {
                    try await docker.volumes.remove(volume.name, force: true)
                    removed.volumes.append(volume.name)
                } catch DockerError.notFound {
                } catch {
                    firstError = firstError ?? error
                }
            }
        } catch {
            firstError = firstError ?? error
        }
        if let firstError { throw firstError }
        removed.containers.sort()
        return removed
    }
}
