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

    /// Podman's errors for a request the container's state does not allow ("container state improper"),
    /// for a network name in use ("network already exists") and for a container name in use or a container
    /// whose network namespace others still join ("container already exists"), HTTP 500 there, are
    /// Docker's 409 Conflict.
    static func status(_ status: Int, body: Data) -> Int {
        guard status == 500 else { return status }
        struct Cause: Decodable { let cause: String }
        guard let cause = try? JSONDecoder().decode(Cause.self, from: body).cause else { return status }
        return conflictCauses.contains(cause) ? 409 : status
    }

    /// The `cause` of Podman's error bodies that Docker answers with 409 (dockerd sends no `cause`).
    static let conflictCauses: Set<String> = ["container state improper", "network already exists",
                                              "container already exists"]

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

extension EngineCompatibility {
    /// Podman builds with Buildah, which prints `STEP 3/5: RUN make`, prefixed with `[2/3] ` in
    /// multi-stage builds, and numbers the steps within each stage (Docker numbers them over the file).
    static func buildahStep(_ line: String) -> BuildStep? {
        var rest = Substring(line)
        if rest.hasPrefix("["), let close = rest.firstIndex(of: "]") {
            rest = rest[rest.index(after: close)...].drop { $0 == " " }
        }
        guard rest.hasPrefix("STEP "), let colon = rest.range(of: ": ") else { return nil }
        let numbers = rest[rest.index(rest.startIndex, offsetBy: 5)..<colon.lowerBound].split(separator: "/")
        guard numbers.count == 2, let number = Int(numbers[0]), let total = Int(numbers[1]) else { return nil }
        return BuildStep(number: number, total: total, instruction: String(rest[colon.upperBound...]))
    }

    /// The exit code in Buildah's `building at STEP "RUN ...": while running runtime: exit status 3`
    /// (Docker sends it as `errorDetail.code`).
    static func buildExitCode(_ message: String) -> Int? {
        guard let range = message.range(of: "exit status ", options: .backwards) else { return nil }
        return Int(message[range.upperBound...].prefix { $0.isNumber })
    }
}

extension EngineCompatibility {
    /// Podman's container inspect has `null` bindings for exposed ports it does not publish
    /// (`"PortBindings": {"3306/tcp": null}`); Docker leaves such ports out.
    ///
    /// Its `HostConfig.Ulimits` name the limits as the kernel does (`RLIMIT_NOFILE`), which its own create
    /// refuses ("invalid ulimit type"): Docker's `nofile`. And it says `NetworkMode: "bridge"` for a container
    /// created on one user-defined network, where Docker names that network: the network's name, when the
    /// container is on that one network only (not on Podman's default `podman` network).
    static func containerInspectBody(_ body: Data, engine: Engine?) -> Data {
        guard engine?.isPodman == true,
              var object = (try? JSONSerialization.jsonObject(with: body)) as? [String: Any],
              var host = object["HostConfig"] as? [String: Any]
        else { return body }
        var changed = false
        if let bindings = host["PortBindings"] as? [String: Any], bindings.values.contains(where: { $0 is NSNull }) {
            host["PortBindings"] = bindings.filter { !($0.value is NSNull) }
            changed = true
        }
        if let limits = host["Ulimits"] as? [[String: Any]],
           limits.contains(where: { ($0["Name"] as? String)?.hasPrefix("RLIMIT_") == true }) {
            host["Ulimits"] = limits.map { limit -> [String: Any] in
                guard let name = limit["Name"] as? String, name.hasPrefix("RLIMIT_") else { return limit }
                var limit = limit
                limit["Name"] = name.dropFirst("RLIMIT_".count).lowercased()
                return limit
            }
            changed = true
        }
        if host["NetworkMode"] as? String == "bridge",
           let networks = (object["NetworkSettings"] as? [String: Any])?["Networks"] as? [String: Any],
           networks.count == 1, let name = networks.keys.first, name != "podman", name != "bridge" {
            host["NetworkMode"] = name
            changed = true
        }
        guard changed else { return body }
        object["HostConfig"] = host
        return (try? JSONSerialization.data(withJSONObject: object)) ?? body
    }

    /// Podman 4.3's import reads `LABEL a=1 b=2` as one label `a` with the value `1 b=2`: there,
    /// such a change is sent as one `LABEL` per pair (quoted values are left as they are).
    static func importChanges(_ changes: [String], engine: Engine?) -> [String] {
        guard engine?.isPodman == true else { return changes }
        return changes.flatMap { change -> [String] in
            guard change.hasPrefix("LABEL "), !change.contains("\""), !change.contains("'") else { return [change] }
            let pairs = change.dropFirst("LABEL ".count).split(separator: " ")
            guard pairs.count > 1, pairs.allSatisfy({ $0.contains("=") }) else { return [change] }
            return pairs.map { "LABEL \($0)" }
        }
    }
}

extension EngineCompatibility {
    /// Podman 4.3 reads `extrahosts` of `POST /build` as one JSON array (a plain `HOST:IP` is a 400);
    /// dockerd takes the parameter once per host.
    static func buildQuery(_ query: [QueryItem], engine: Engine?) throws -> [QueryItem] {
        guard engine?.isPodman == true else { return query }
        let hosts = query.filter { $0.name == "extrahosts" }.map(\.value)
        guard !hosts.isEmpty else { return query }
        let json = String(decoding: try JSONEncoder().encode(hosts), as: UTF8.self)
        var rewritten = query.filter { $0.name != "extrahosts" }
        rewritten.append(QueryItem("extrahosts", json))
        return rewritten
    }

    /// Image history with `sha256:` IDs and Docker's names (Podman sends bare IDs and `localhost/` names).
    static func familiar(_ items: [ImageHistoryItem], engine: Engine?) -> [ImageHistoryItem] {
        guard engine?.isPodman == true else { return items }
        return items.map { item in
            var item = item
            item.id = imageID(item.id)
            item.tags = familiarReferences(item.tags, engine: engine)
            return item
        }
    }
}

extension EngineCompatibility {
    /// Podman's push ends with the status line `1: digest: sha256:... size: 579` and no `aux`
    /// record (dockerd sends both, so this reads the line only on Podman).
    static func pushedImage(status: String, engine: Engine?) -> PushedImage? {
        guard engine?.isPodman == true, let digestRange = status.range(of: ": digest: ") else { return nil }
        let tag = String(status[..<digestRange.lowerBound])
        let rest = status[digestRange.upperBound...].split(separator: " ")
        guard let digest = rest.first, digest.hasPrefix("sha256:") else { return nil }
        var size: Int64?
        if rest.count >= 3, rest[1] == "size:" { size = Int64(rest[2]) }
        return PushedImage(tag: tag, digest: String(digest), size: size)
    }
}

extension EngineCompatibility {
    /// Podman answers `/images/search` with its own keys (`Name`, `Description`, `Stars`, and
    /// `Official`/`Automated` as `"[OK]"` or `""`), and searches a v2 registry's catalog where
    /// dockerd asks the v1 search API.
    static func searchResults(_ body: Data, engine: Engine?) throws -> [ImageSearchResult] {
        let what = "GET /images/search"
        guard engine?.isPodman == true else { return try JSONCoding.decode([ImageSearchResult].self, from: body, what: what) }
        struct PodmanResult: Decodable {
            let Name: String
            let Description: String?
            let Stars: Int?
            let Official: String?
            let Automated: String?
        }
        return try JSONCoding.decode([PodmanResult].self, from: body, what: what).map {
            ImageSearchResult(name: $0.Name, description: $0.Description, isOfficial: $0.Official.map { !$0.isEmpty },
                              isAutomated: $0.Automated.map { !$0.isEmpty }, starCount: $0.Stars)
        }
    }
}

extension EngineCompatibility {
    /// A 404 from Podman's router for an endpoint it does not serve (its body is just "Not Found"),
    /// made to say so; any other 404 is kept as it is.
    static func missingEndpoint(_ message: String, _ endpoint: String, engine: Engine?) -> DockerError {
        guard let engine, engine.isPodman, message == "Not Found" || message == "not found" else {
            return .notFound(message: message)
        }
        return .notFound(message: "\(engine.description.capitalized) does not serve \(endpoint): this needs Docker Engine")
    }
}

extension EngineCompatibility {
    /// The Swarm-only routes: Podman has no Swarm mode (it serves `/secrets` itself, without one).
    static let swarmRoutes = ["/swarm", "/services", "/nodes", "/tasks", "/configs"]

    /// Podman's refusals of Swarm calls as Docker's answer outside a swarm, `.swarm(reason: .notInSwarm)`:
    /// its router's bare 404 "Not Found" (`GET /swarm`, `/services`, `/nodes`, `/tasks`, `/configs`; only
    /// when the engine is Podman) and its 503 "Podman does not support service: PATH" (always: dockerd never
    /// says so). `/swarm/init` and `/swarm/join` keep Podman's 503: there "not in a swarm" would mislead.
    /// Nil when the refusal is not one of these.
    static func swarmRefusal(status: Int, message: String, method: String, path: String,
                             engine: Engine?) -> DockerError? {
        guard swarmRoutes.contains(where: { path == $0 || path.hasPrefix($0 + "/") }),
              path != "/swarm/init", path != "/swarm/join" else { return nil }
        let unsupported = status == 503 && message.hasPrefix("Podman does not support service")
        let unrouted = status == 404 && (message == "Not Found" || message == "not found") && engine?.isPodman == true
        guard unsupported || unrouted else { return nil }
        let template = PathTemplate.of(path)
        return .swarm(reason: .notInSwarm,
                      message: "Podman is not part of a swarm: it has no Swarm mode and does not serve \(method) \(template) (it said: \(message))")
    }
}

extension EngineCompatibility {
    /// `ps_args` for Podman: `-o LIST` and `-eo LIST` as the bare `LIST` of descriptors (`pid,args`), which
    /// Podman reads itself; for ps-style flags it runs `ps` inside the container instead, which an image
    /// without ps (redis) cannot answer (Podman then sends an empty 200). Docker runs ps on the host.
    static func topArguments(_ psArgs: String, engine: Engine?) -> String {
        guard engine?.isPodman == true else { return psArgs }
        let parts = psArgs.split(separator: " ")
        guard parts.count == 2, parts[0] == "-o" || parts[0] == "-eo" else { return psArgs }
        return String(parts[1])
    }

    /// Podman runs `ps` for `ps_args` it does not parse itself (`-eo pid,args`) and answers its lines
    /// unsplit: one title `"PID   COMMAND"`, one field per row `"1 sleep 100"`. Split as Docker does:
    /// on white space, into as many fields as titles, the last field keeping the rest of the line.
    static func top(_ top: ContainerTop, engine: Engine?) -> ContainerTop {
        guard engine?.isPodman == true, top.titles.count == 1 else { return top }
        let titles = top.titles[0].split(whereSeparator: { $0 == " " || $0 == "\t" }).map(String.init)
        guard titles.count > 1, top.processes.allSatisfy({ $0.count == 1 }) else { return top }
        var split = top
        split.titles = titles
        split.processes = top.processes.map { row in
            var fields: [String] = []
            var rest = Substring(row[0]).drop { $0 == " " }
            while fields.count < titles.count - 1, let space = rest.firstIndex(where: { $0 == " " || $0 == "\t" }) {
                fields.append(String(rest[..<space]))
                rest = rest[space...].drop { $0 == " " || $0 == "\t" }
            }
            fields.append(String(rest))
            return fields
        }
        return split
    }
}
