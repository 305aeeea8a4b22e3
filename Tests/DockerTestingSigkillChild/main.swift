// A test process to be killed: the DockerTesting reaper's live test starts it, waits for READY,
// SIGKILLs it, and checks that everything it created is gone within 10 s.
//
// It creates, with DockerTesting, a network, a named volume and a container (on that network,
// with a published port and the volume mounted), and a container with labels of its own that it
// registers with the reaper (as the Redis Cluster and MySQL modules do), prints `SESSION <id>` and `READY`, then sleeps
// (bounded: it exits by itself after 120 s if nobody kills it).
import DockerSDK
import DockerTesting
import Foundation

/// Writes `text` and a newline to stdout at once (unbuffered).
func say(_ text: String) {
    FileHandle.standardOutput.write(Data((text + "\n").utf8))
}

let done = DispatchSemaphore(value: 0)
Task.detached {
    do {
        let docker = try DockerClient()
        let session = TestSession.shared
        let network = try await TestNetwork.create(docker: docker)
        let volume = session.uniqueName("dt-vol")
        _ = try await docker.volumes.create(name: volume, labels: session.labels)
        var definition = ContainerDefinition(image: "dockersdk/busybox", command: ["sleep", "300"], exposedPorts: [8080])
        definition.networks = [.init(network.name, aliases: ["victim"])]
        definition.customize = { request in
            request.hostConfig?.mounts = [.volume(volume, at: "/data")]
        }
        let container = try await definition.start(docker: docker)
        // A "recipe deployment" the reaper is told about: its own labels, not the session's.
        let tracked = session.uniqueName("dt-tracked")
        try session.track(recipe: "dockertesting-tracked", instance: tracked, docker: docker)
        let trackedID = try await docker.containers.create(
            ContainerCreate(image: "dockersdk/busybox", cmd: ["sleep", "300"],
                            labels: ["com.dockersdk.recipe": "dockertesting-tracked", "com.dockersdk.instance": tracked]),
            name: tracked).id
        try await docker.containers.start(trackedID)
        say("SESSION \(session.id)\nCONTAINER \(container.id)\nNETWORK \(network.id)\nVOLUME \(volume)\nTRACKED \(trackedID)\nREADY")
    } catch {
        say("FAILED \(error)")
        exit(1)
    }
}
_ = done.wait(timeout: .now() + 120)
exit(0)
