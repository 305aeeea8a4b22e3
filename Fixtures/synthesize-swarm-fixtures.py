#!/usr/bin/env python3
"""Synthesizes the API 1.52 (Docker 29) Swarm fixture from the official Engine API spec.

Docker 29 cannot run here and no swarm is recorded for this shape, so every body is built from the
v1.52 spec's definitions (Swarm, Node, Service, Task, SystemInfo's SwarmInfo) with the same builder
as synthesize-model-fixtures.py: every property with its documented `example`, or an empty value of
its type. Service and Task are built property by property (their definition-level examples predate
API 1.44 and would hide the newer fields). Then identifiers are made consistent across exchanges
and the fields added after API 1.41 that the spec gives no example for get a plain value, named
below, so the fixture test can check them:

    python3 Fixtures/synthesize-swarm-fixtures.py

It rewrites Fixtures/v1.52/swarm-docker29.json. Needs PyYAML.
"""
import copy
import importlib.util
import os

ROOT = os.path.dirname(os.path.abspath(__file__))
_spec = importlib.util.spec_from_file_location("models", os.path.join(ROOT, "synthesize-model-fixtures.py"))
models = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(models)

VERSION = "1.52"
SERVER = "Docker/29.0.0 (linux)"
SERVICE_ID = "9mnpnzenvg8p8tdbtq4wvbkcz"
NODE_ID = "24ifsmvkjbyhk"
TASK_ID = "0kzzo1i0y4jz6027t0k7aezc7"
SWARM_ID = "abajmipo7b4xz5ip2nrla6b11"


def without_example(defs, name):
    node = copy.deepcopy(defs[name])
    node.pop("example", None)
    return node


def container_spec_152(spec):
    """The 1.44-1.52 fields of a ContainerSpec, with values for those the spec leaves without an example."""
    c = spec["ContainerSpec"]
    c["Image"] = "dockersdk/redis:7"
    c["HealthCheck"]["StartInterval"] = 2_000_000_000                       # 1.44
    c["Privileges"]["Seccomp"] = {"Mode": "custom", "Profile": '{"defaultAction":"SCMP_ACT_ERRNO"}'}  # 1.44
    c["Privileges"]["AppArmor"] = {"Mode": "disabled"}                      # 1.44
    c["Privileges"]["NoNewPrivileges"] = True                               # 1.44
    c["OomScoreAdj"] = 250                                                  # 1.46
    mount = c["Mounts"][0]
    mount["BindOptions"].update({"CreateMountpoint": True, "ReadOnlyNonRecursive": True})  # 1.42, 1.44
    mount["VolumeOptions"]["Subpath"] = "data/app"                          # 1.45
    mount["TmpfsOptions"]["Options"] = [["noexec"], ["size", "64m"]]        # 1.46
    mount["ImageOptions"] = {"Subpath": "/usr/share"}                      # 1.48
    spec["Resources"]["SwapBytes"] = 268435456                              # 1.52
    spec["Resources"]["MemorySwappiness"] = 10                              # 1.52
    return spec


def main():
    spec = models.load(VERSION)
    b = models.Builder(spec)
    defs = spec["definitions"]

    swarm = b.definition("Swarm")
    swarm["ID"] = SWARM_ID
    # The builder nests the list example of DefaultAddrPool one level too deep; dockerd sends CIDRs.
    swarm["DefaultAddrPool"] = ["10.10.0.0/16", "20.20.0.0/16"]
    # Join tokens as the recorder keeps them (scrubbed), even though the spec's are placeholders.
    swarm["JoinTokens"] = {"Worker": "<redacted>", "Manager": "<redacted>"}
    node = b.definition("Node")
    node["ID"] = NODE_ID
    service = b.build(without_example(defs, "Service"))
    service["ID"] = SERVICE_ID
    service["Spec"]["Name"] = "dsdk-fx-web"
    service["Spec"]["Mode"] = {"Replicated": {"Replicas": 3}}  # the builder sets all four modes
    container_spec_152(service["Spec"]["TaskTemplate"])
    task = b.build(without_example(defs, "Task"))
    task["ID"] = TASK_ID
    task["ServiceID"] = SERVICE_ID
    task["NodeID"] = NODE_ID
    task["Slot"] = 1
    task["DesiredState"] = "running"
    task["Status"]["State"] = "running"
    container_spec_152(task["Spec"])
    # The network attachment as dockerd sends it (the spec's Task example: a swarm network object),
    # with 1.47's EnableIPv4 in it.
    example_task = defs["Task"]["example"]
    task["NetworksAttachments"] = copy.deepcopy(example_task["NetworksAttachments"])
    task["NetworksAttachments"][0]["Network"]["Spec"]["EnableIPv4"] = True
    # Host-mode published ports (Task.Status.PortStatus, documented since 1.44).
    task["Status"]["PortStatus"] = {"Ports": [b.definition("EndpointPortConfig")]}
    info = b.definition("SystemInfo")
    info["Swarm"]["NodeID"] = NODE_ID
    info["Swarm"]["Cluster"]["ID"] = SWARM_ID
    info["Swarm"]["Cluster"]["DefaultAddrPool"] = swarm["DefaultAddrPool"]

    exchanges = [
        models.ping(VERSION, SERVER),
        models.exchange(VERSION, "/swarm", swarm, server=SERVER),
        models.exchange(VERSION, "/info", info, server=SERVER),
        models.exchange(VERSION, "/nodes", [node], server=SERVER),
        models.exchange(VERSION, "/services", [service], [{"name": "status", "value": "true"}], server=SERVER),
        models.exchange(VERSION, f"/services/{SERVICE_ID}", service, server=SERVER),
        models.exchange(VERSION, "/tasks", [task], server=SERVER),
    ]
    data = {"scenario": "swarm-docker29", "apiVersion": VERSION, "server": SERVER, "synthesized": True,
            "source": f"shared/engine-api/v{VERSION}.yaml: definitions/Swarm, definitions/SystemInfo (SwarmInfo),"
                      " definitions/Node, definitions/Service, definitions/Task (property examples; the Task"
                      " example's NetworksAttachments); values for the 1.44-1.52 fields without examples",
            "exchanges": exchanges}
    models.write(data)


if __name__ == "__main__":
    main()
