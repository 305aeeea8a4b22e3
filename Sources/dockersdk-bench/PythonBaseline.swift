import Foundation

/// The docker-py baseline: `docker.APIClient` over the Unix socket, timed in-process.
enum PythonBaseline {
    static let script = #"""
    import sys, time, docker
    sock, cid, n = sys.argv[1], sys.argv[2], int(sys.argv[3])
    c = docker.APIClient(base_url='unix://' + sock, version=sys.argv[4])
    def measure(name, f):
        for _ in range(50): f()
        out = []
        for _ in range(n):
            t0 = time.perf_counter_ns(); f(); out.append(time.perf_counter_ns() - t0)
        print(name, ' '.join(map(str, out)))
    measure('ping', c.ping)
    measure('inspect', lambda: c.inspect_container(cid))
    """#

    static func measure(socket: String, container: String, apiVersion: String, iterations: Int) throws -> [String: Samples] {
        let output = try run("/usr/bin/env", ["python3", "-c", script, socket, container, "\(iterations)", apiVersion],
                             timeout: 300)
        return Samples.parse(output)
    }
}
