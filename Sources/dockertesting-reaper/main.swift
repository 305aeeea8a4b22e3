// dockertesting-reaper: removes a DockerTesting session's containers, networks and volumes once the
// test process that started it is gone, however it ended (normal exit, crash, SIGKILL).
//
// Started by DockerTesting with posix_spawn, in a process group of its own (a Ctrl-C to the tests
// does not reach it), with:
//   stdin   the read end of a pipe whose only write end the test process holds (close-on-exec, so
//           no other child inherits it). When the test process dies, the kernel closes that end and
//           read(0) returns 0: that is the signal, no polling, no pid reuse races.
//   stdout  a pipe on which it writes `READY` once it is listening; then it is closed.
//   argv    `--session ID [--host URL]`.
// Lines read from stdin before EOF: `track RECIPE INSTANCE` adds a recipe deployment (e.g. a Redis
// Cluster of the session) whose labels are reaped too.
// On EOF it removes, through the Engine API (the SDK), every container (forced, with its anonymous
// volumes), network, volume and built image labelled `com.dockersdk.recipe=dockertesting` and
// `com.dockersdk.instance=ID`, then those of each tracked deployment, in two passes a second apart
// (something being created as the test process died shows up in the second), and exits.
import DockerSDK
import Foundation
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

signal(SIGINT, SIG_IGN)
signal(SIGHUP, SIG_IGN)
signal(SIGPIPE, SIG_IGN)

var session: String?
var hostURL: String?
var arguments = CommandLine.arguments.dropFirst().makeIterator()
while let argument = arguments.next() {
    switch argument {
    case "--session": session = arguments.next()
    case "--host": hostURL = arguments.next()
    default:
        FileHandle.standardError.write(Data("dockertesting-reaper: unknown argument \(argument)\n".utf8))
        exit(2)
    }
}
guard let session, !session.isEmpty else {
    FileHandle.standardError.write(Data("usage: dockertesting-reaper --session ID [--host URL]\n".utf8))
    exit(2)
}

FileHandle.standardOutput.write(Data("READY\n".utf8))
close(1)

// Read until EOF, collecting `track` lines.
var tracked: [(recipe: String, instance: String)] = [("dockertesting", session)]
var pending = Data()
var buffer = [UInt8](repeating: 0, count: 4096)
while true {
    let count = read(0, &buffer, buffer.count)
    if count < 0, errno == EINTR { continue }
    if count <= 0 { break }
    pending.append(contentsOf: buffer[0..<count])
    while let newline = pending.firstIndex(of: 0x0A) {
        let line = String(decoding: pending[pending.startIndex..<newline], as: UTF8.self)
        pending.removeSubrange(pending.startIndex...newline)
        let words = line.split(separator: " ").map(String.init)
        if words.count == 3, words[0] == "track" { tracked.append((words[1], words[2])) }
    }
}

func reap(_ docker: DockerClient, recipe: String, instance: String) async -> Int {
    let filters = Filters(["label": ["com.dockersdk.recipe=\(recipe)", "com.dockersdk.instance=\(instance)"]])
    var removed = 0
    if let containers = try? await docker.containers.list(all: true, filters: filters) {
        await withTaskGroup(of: Bool.self) { group in
            for container in containers {
                group.addTask { (try? await docker.containers.remove(container.id, force: true, volumes: true)) != nil }
            }
            for await ok in group where ok { removed += 1 }
        }
    }
    for network in (try? await docker.networks.list(filters: filters)) ?? [] {
        if (try? await docker.networks.remove(network.id)) != nil { removed += 1 }
    }
    for volume in (try? await docker.volumes.list(filters: filters)) ?? [] {
        if (try? await docker.volumes.remove(volume.name, force: true)) != nil { removed += 1 }
    }
    // Images built from Dockerfile contexts for the session: removed by tag, so that layers another
    // tag still names stay.
    for image in (try? await docker.images.list(filters: filters)) ?? [] {
        let tags = (image.repoTags ?? []).filter { $0.hasPrefix("dockertesting/build:") }
        for name in tags.isEmpty ? [image.id] : tags {
            if (try? await docker.images.remove(name, force: tags.isEmpty)) != nil { removed += 1 }
        }
    }
    return removed
}

let done = DispatchSemaphore(value: 0)
let targets = tracked
let host = hostURL
Task.detached {
    do {
        let docker = try DockerClient(host: host.map { try DockerHost(url: $0) })
        for pass in 0..<2 {
            if pass > 0 { try? await Task.sleep(for: .seconds(1)) }
            for target in targets { _ = await reap(docker, recipe: target.recipe, instance: target.instance) }
        }
    } catch {
        FileHandle.standardError.write(Data("dockertesting-reaper: \(error)\n".utf8))
    }
    done.signal()
}
// Bounded: whatever the daemon does, the reaper ends within a minute.
_ = done.wait(timeout: .now() + 60)
exit(0)
