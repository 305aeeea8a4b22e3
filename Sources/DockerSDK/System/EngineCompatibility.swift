import Foundation

/// Where Podman's Docker-compatible API answers differently from dockerd, turned into Docker's
/// shape so that callers never branch on the engine. Each rule is listed in the README's Podman section.
///
/// The rules that cannot misread a Docker answer apply always (dockerd never sends what they rewrite);
/// the others take the detected `Engine` and act only on Podman.
enum EngineCompatibility {
    /// A bare 64-hex image ID (Podman's `/commit` and `/build` answers) with Docker's `sha256:` prefix.
    static func imageID(_ id: String) -> String {
        guard id.count == 64, id.utf8.allSatisfy({ ($0 >= 0x30 && $0 <= 0x39) || ($0 >= 0x61 && $0 <= 0x66) }) else {
            return id
        }
        return "sha256:" + id
    }

    /// Podman's errors for a request the container's state does not allow ("container state improper")
    /// and for a network name in use ("network already exists"), HTTP 500 there, are Docker's 409 Conflict.
    static func status(_ status: Int, body: Data) -> Int {
        guard status == 500 else { return status }
        struct Cause: Decodable { let cause: String }
        guard let cause = try? JSONDecoder().decode(Cause.self, from: body).cause else { return status }
        return conflictCauses.contains(cause) ? 409 : status
    }

    /// The `cause` of Podman's error bodies that Docker answers with 409 (dockerd sends no `cause`).
    static let conflictCauses: Set<String> = ["container state improper", "network already exists"]

    /// A reference as Docker names local images: Podman qualifies them, `localhost/name:tag` for
    /// images without a registry (loaded, imported, committed, built) and `docker.io/library/name:tag`
    /// for Docker Hub names. Only for Podman: on Docker `localhost/...` is a real registry's name.
    static func familiarReference(_ reference: String, engine: Engine?) -> String {
        guard engine?.isPodman == true else { return reference }
        for prefix in ["localhost/", "docker.io/library/", "docker.io/"] where reference.hasPrefix(prefix) {
            let rest = String(reference.dropFirst(prefix.count))
            if !rest.isEmpty { return rest }
        }
        return reference
    }

    /// `familiarReference` over a list, keeping the order.
    static func familiarReferences(_ references: [String]?, engine: Engine?) -> [String]? {
        references.map { $0.map { familiarReference($0, engine: engine) } }
    }
}

extension DockerClient {
    /// The engine when already known (detected during version negotiation), without a request.
    var knownEngine: Engine? {
        get async { await engineDetector.known }
    }
}

extension EngineCompatibility {
    /// Image summaries with Docker's names.
    static func familiar(_ images: [ImageSummary], engine: Engine?) -> [ImageSummary] {
        guard engine?.isPodman == true else { return images }
        return images.map { image in
            var image = image
            image.repoTags = familiarReferences(image.repoTags, engine: engine)
            return image
        }
    }

    /// An image's details with Docker's names.
    static func familiar(_ image: ImageInspect, engine: Engine?) -> ImageInspect {
        guard engine?.isPodman == true else { return image }
        var image = image
        image.repoTags = familiarReferences(image.repoTags, engine: engine)
        return image
    }

    /// What a removal did, with Docker's names and `sha256:` IDs.
    static func familiar(_ items: [ImageDeleteItem], engine: Engine?) -> [ImageDeleteItem] {
        guard engine?.isPodman == true else { return items }
        return items.map { item in
            var item = item
            item.untagged = item.untagged.map { familiarReference($0, engine: engine) }
            item.deleted = item.deleted.map(imageID)
            return item
        }
    }

    /// The names of a `Loaded image:` line: Podman lists several images on one line, comma-separated.
    static func loadedNames(_ text: String, engine: Engine?) -> [String] {
        guard engine?.isPodman == true else { return [text] }
        return text.split(separator: ",").map { familiarReference($0.trimmingCharacters(in: .whitespaces), engine: engine) }
    }
}

extension EngineCompatibility {
    /// The name of an import: Podman 4.3 ignores `tag` (the image would be `repo:latest`) but takes
    /// `repo=name:tag`, which the API allows ("the repo may include a tag").
    static func importQuery(repo: String, tag: String?, engine: Engine?) -> [QueryItem] {
        guard let tag else { return [QueryItem("repo", repo)] }
        if engine?.isPodman == true { return [QueryItem("repo", "\(repo):\(tag)")] }
        return [QueryItem("repo", repo), QueryItem("tag", tag)]
    }
}

extension EngineCompatibility {
    /// Podman ignores `VolumeOptions.Labels` of a volume mount when it creates the volume, so a
    /// deployment could not find its volumes by label: on Podman, such volumes are created first,
    /// with their labels (a volume that exists is left as it is, as Docker does).
    static func createLabelledVolumes(of spec: ContainerCreate, client: DockerClient) async throws {
        let mounts = (spec.hostConfig?.mounts ?? []).filter {
            $0.type == "volume" && !($0.source ?? "").isEmpty && !($0.volumeOptions?.labels ?? [:]).isEmpty
        }
        guard !mounts.isEmpty else { return }
        _ = try await client.apiVersion()
        guard await client.knownEngine?.isPodman == true else { return }
        for mount in mounts {
            guard let name = mount.source else { continue }
            do {
                _ = try await client.volumes.inspect(name)
            } catch DockerError.notFound {
                _ = try await client.volumes.create(name: name, labels: mount.volumeOptions?.labels)
            }
        }
    }
}
