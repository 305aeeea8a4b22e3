"""docker-py baseline for dockersdk-bench: docker.APIClient over the Unix socket, timed in-process.

Usage: python3 baseline.py SOCKET VERSION MODE ...
  get NAME PATH N            ping, inspect (json parsed), list (json parsed); PATH: _ping | inspect:ID | list:LABEL
  lifecycle IMAGE LABELS N   create + start + wait + remove of `true` (LABELS: a JSON object)
  exec CONTAINER N           exec `echo hi` with its exit code
  logs CONTAINER             stream the logs (demultiplexed by docker-py), count the bytes
Prints `name t1 t2 ...` in nanoseconds, or `name key=value ...`.
"""
import json
import resource
import sys
import time

import docker


def timed(name, n, f, warmup=5):
    for _ in range(warmup):
        f()
    out = []
    for _ in range(n):
        t0 = time.perf_counter_ns()
        f()
        out.append(time.perf_counter_ns() - t0)
    print(name, " ".join(map(str, out)), flush=True)


def main():
    sock, version, mode = sys.argv[1], sys.argv[2], sys.argv[3]
    c = docker.APIClient(base_url="unix://" + sock, version=version, timeout=300)
    args = sys.argv[4:]
    if mode == "get":
        name, path, n = args[0], args[1], int(args[2])
        if path == "_ping":
            timed(name, n, c.ping)
        elif path.startswith("inspect:"):
            cid = path.split(":", 1)[1]
            timed(name, n, lambda: c.inspect_container(cid))
        elif path.startswith("list:"):
            label = path.split(":", 1)[1]
            timed(name, n, lambda: c.containers(all=True, filters={"label": label}))
    elif mode == "lifecycle":
        image, labels, n = args[0], json.loads(args[1]), int(args[2])

        def run():
            cid = c.create_container(image, ["true"], labels=labels)["Id"]
            c.start(cid)
            if c.wait(cid)["StatusCode"] != 0:
                raise SystemExit("true failed")
            c.remove_container(cid)

        timed("lifecycle", n, run, warmup=1)
    elif mode == "exec":
        cid, n = args[0], int(args[1])

        def run():
            eid = c.exec_create(cid, ["echo", "hi"])["Id"]
            out = c.exec_start(eid)
            if out != b"hi\n" or c.exec_inspect(eid)["ExitCode"] != 0:
                raise SystemExit("exec failed: %r" % out)

        timed("exec", n, run, warmup=2)
    elif mode == "logs":
        cid = args[0]
        t0 = time.perf_counter()
        total = 0
        for chunk in c.logs(cid, stdout=True, stderr=True, stream=True):
            total += len(chunk)
        seconds = time.perf_counter() - t0
        peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
        print("logs bytes=%d seconds=%.6f peak_kb=%d" % (total, seconds, peak), flush=True)
    else:
        raise SystemExit("bad mode " + mode)


main()
