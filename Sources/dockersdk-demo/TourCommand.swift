import ArgumentParser
import DockerRecipes
import DockerSDK
import Foundation

/// `dockersdk-demo tour`: every scenario the demo has, in order; stops at the first failure, and
/// always removes what each scenario created.
struct TourCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "tour", abstract: "Run every demo scenario.",
        discussion: "The Swarm part runs when the lab of `scripts/lab.sh up 3` is up (as root); otherwise it says why it is skipped.")

    @OptionGroup var global: GlobalOptions
    @Flag(help: "Run only the Swarm part (on the lab of scripts/lab.sh).") var swarmOnly = false
    @Option(help: "The Swarm part's manager (the lab's h1).") var swarmHost = TourCommand.labManager

    func run() async throws {
        do {
            if swarmOnly {
                let ran = try await Self.swarmTour(manager: swarmHost)
                return print(ran ? "\ntour: the Swarm part passed" : "\ntour: the Swarm part was skipped")
            }
            let docker = try global.client()
            try await Self.tour(docker)
            try await Self.swarmTour(manager: swarmHost)
            print("\ntour: all scenarios passed")
        } catch {
            throw fail(error)
        }
    }

    /// A scenario that did not pass.
    struct ScenarioFailed: Error, CustomStringConvertible {
        let description: String
    }

    static func section(_ title: String) {
        print("\n== \(title)")
    }

    static func tour(_ docker: DockerClient) async throws {
        section("info")
        let report = try await InfoCommand.report(docker)
        print("Docker \(report.serverVersion), API \(report.apiVersion) (negotiated) at \(report.host)")

        section("run: a busybox container writes to stdout and stderr and exits 3")
        let run = try await runContainer(docker)
        print("stdout \(String(reflecting: run.stdout)), stderr \(String(reflecting: run.stderr)), exit code \(run.exitCode)")
        guard run.stdout == "out\n", run.stderr == "err\n", run.exitCode == 3 else { throw ScenarioFailed(description: "run") }

        section("network tour (seed 002)")
        let networks = try await NetworkTourCommand.run(docker, subnet: "192.168.213.0/24", gateway: "192.168.213.1")
        guard networks.passed else { throw ScenarioFailed(description: "network tour") }

        section("Redis Cluster, 3 masters x 1 replica on a custom network (seeds 000 and 002)")
        let redis = try await RedisCluster(docker: docker, options: RedisClusterOptions(namePrefix: "tour-redis"))
        try await redis.down()  // leftovers of an interrupted tour
        do {
            try await redis.up(progress: .terminal)
            let problems = try await redis.check()
            print(problems.isEmpty ? "check: [OK] all 16384 slots covered; all nodes agree" : "check: \(problems)")
            let redirect = try await redis.demonstrateRedirect()
            print("set k1 on \(redirect.askedNode): \(redirect.redirect?.description ?? "-"); with -c: \(redirect.redirectedReply)")
            let failover = try await redis.failoverDrill(progress: .terminal)
            print(String(format: "failover: %@ promoted after %.1f s, %d/%d keys kept, %@ back as its replica",
                         failover.newMaster, failover.promotedAfter, failover.keysReadBack, failover.keysWritten, failover.oldMaster))
            guard problems.isEmpty, redirect.passed, failover.passed else { throw ScenarioFailed(description: "redis cluster") }
        } catch {
            _ = try? await redis.down(progress: .terminal)
            throw error
        }
        try await redis.down(progress: .terminal)

        section("MySQL replication, source + 2 replicas (seed 000)")
        let mysql = try await MySQLReplication(docker: docker, options: MySQLReplicationOptions(replicas: 2, namePrefix: "tour-mysql"))
        try await mysql.down()  // leftovers of an interrupted tour
        do {
            try await mysql.up(progress: .terminal)
            let verify = try await mysql.verify(progress: .terminal)
            print("\(verify.rowsWritten) rows on \(verify.rowsRead.count) replicas; replica writes refused: \(verify.replicaWriteRefused.count)")
            guard verify.passed else { throw ScenarioFailed(description: "mysql verify") }
        } catch {
            _ = try? await mysql.down(progress: .terminal)
            throw error
        }
        try await mysql.down(progress: .terminal)
    }

    /// `docker run --rm busybox sh -c 'echo out; echo err >&2; exit 3'` through the SDK.
    static func runContainer(_ docker: DockerClient) async throws -> (stdout: String, stderr: String, exitCode: Int) {
        var config = ContainerConfig(image: "dockersdk/busybox:latest", cmd: ["sh", "-c", "echo out; echo err >&2; exit 3"],
                                     labels: ["com.dockersdk.recipe": "demo-run", "com.dockersdk.instance": "tour"])
        config.attachStdout = true
        config.attachStderr = true
        let id = try await docker.containers.create(ContainerCreate(config: config)).id
        do {
            let session = try await docker.containers.attach(id, stdin: false)
            try await docker.containers.start(id)
            let (out, err) = try await session.output.collect()
            session.close()
            let code = try await docker.containers.wait(id).statusCode
            try await docker.containers.remove(id, force: true)
            return (String(decoding: out, as: UTF8.self), String(decoding: err, as: UTF8.self), code)
        } catch {
            try? await docker.containers.remove(id, force: true)
            throw error
        }
    }
}
