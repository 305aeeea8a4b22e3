#!/usr/bin/env python3
"""Synthesizes the API 1.44 and 1.52 model fixtures from the official Engine API specs.

Each response body is built from the spec's own definition: every property with its documented
`example` (or an empty value of its type when the spec gives none), following `$ref` and `allOf`,
then a few identifiers are made consistent across exchanges (the inspected container's ID, the
image's ID). Run from the repository root:

    python3 Fixtures/synthesize-model-fixtures.py

It rewrites Fixtures/v1.44/models-docker25.json and Fixtures/v1.52/models-docker29.json.
Needs PyYAML. The specs are read from Fixtures/engine-api/ (v1.52) and /work/shared/engine-api
(v1.44, not vendored), or SPEC_DIR.
"""
import copy
import json
import os
import sys

import yaml

ROOT = os.path.dirname(os.path.abspath(__file__))
SPEC_DIRS = [os.environ.get("SPEC_DIR", ""), os.path.join(ROOT, "engine-api"), "/work/shared/engine-api"]


def load(version):
    for d in SPEC_DIRS:
        path = os.path.join(d, f"v{version}.yaml")
        if d and os.path.exists(path):
            with open(path) as f:
                return yaml.safe_load(f)
    sys.exit(f"no v{version}.yaml in {SPEC_DIRS}")


class Builder:
    def __init__(self, spec):
        self.spec = spec
        self.defs = spec["definitions"]

    def resolve(self, node):
        if "$ref" in node:
            return self.defs[node["$ref"].split("/")[-1]]
        return node

    def build(self, node, depth=0):
        node = self.resolve(node)
        if "example" in node:
            value = copy.deepcopy(node["example"])
            # Some examples are quoted numbers (`"1739811096"` for an int64): the daemon sends numbers.
            if node.get("type") == "integer" and isinstance(value, str) and value.lstrip("-").isdigit():
                value = int(value)
            # ... and some are lists of one (`GwPriority: example: [10]`).
            if node.get("type") == "integer" and isinstance(value, list) and len(value) == 1:
                value = value[0]
            return value
        if depth > 8:
            return None
        if len(node.get("allOf", [])) == 1 and "properties" not in node:
            return self.build(node["allOf"][0], depth + 1)  # e.g. `Type: allOf: [$ref: MountType]`
        if "allOf" in node or "properties" in node:
            out = {}
            for part in node.get("allOf", []):
                value = self.build(part, depth + 1)
                if isinstance(value, dict):
                    out.update(value)
            for key, prop in node.get("properties", {}).items():
                out[key] = self.build(prop, depth + 1)
            return out
        kind = node.get("type")
        if kind == "array":
            item = self.build(node.get("items", {}), depth + 1)
            return [] if item in (None, {}, "") else [item]
        if kind == "object":
            return {}
        if kind == "integer":
            return 0
        if kind == "number":
            return 0
        if kind == "boolean":
            return False
        if kind == "string":
            return node.get("enum", [""])[0] if node.get("enum") else ""
        return None

    def definition(self, name):
        return self.build(self.defs[name])

    def response(self, path, method="get"):
        responses = self.spec["paths"][path][method]["responses"]
        return self.build(responses.get(200, responses.get("200"))["schema"])


CONTAINER_ID = "aa86eacfb3b3ed4cd362c1e88fc89a53908ad05fb3a4103bca3f9b28292d14bf"
IMAGE_ID = "sha256:ec3f0931a6e6b6855d76b2d7b0be30e81860baccd891b2e243280bf1cd8ad710"


def exchange(version, path, body, query=None, kind="unary", server="Docker/25.0.5 (linux)"):
    headers = {"Api-Version": version, "Content-Type": "application/json", "Docker-Experimental": "false",
               "Ostype": "linux", "Server": server}
    if kind == "stream":
        text = "".join(json.dumps(event, separators=(",", ":")) + "\n" for event in body)
        response_body = {"text": text}
    else:
        response_body = {"json": body}
    return {"kind": kind,
            "request": {"apiVersion": version, "method": "GET", "path": path, "query": query or []},
            "response": {"status": 200, "headers": headers, "body": response_body}}


def ping(version, server):
    return {"kind": "unary", "request": {"method": "GET", "path": "/_ping", "query": []},
            "response": {"status": 200, "body": {"text": "OK"},
                         "headers": {"Api-Version": version, "Builder-Version": "2",
                                     "Content-Type": "text/plain; charset=utf-8", "Docker-Experimental": "false",
                                     "Ostype": "linux", "Server": server}}}


def fixture(version, server, sources, events_query):
    spec = load(version)
    b = Builder(spec)
    defs = spec["definitions"]
    if "ContainerInspectResponse" in defs:
        inspect = b.definition("ContainerInspectResponse")
    else:
        inspect = b.response("/containers/{id}/json")
    inspect["Id"] = CONTAINER_ID
    inspect["Image"] = IMAGE_ID
    inspect["Name"] = "/dockersdk-fx-models"
    # A health check with every duration set, StartInterval (1.44+) included, in nanoseconds.
    inspect["Config"]["Healthcheck"] = {"Test": ["CMD-SHELL", "true"], "Interval": 30_000_000_000,
                                        "Timeout": 5_000_000_000, "Retries": 3, "StartPeriod": 10_000_000_000,
                                        "StartInterval": 2_000_000_000}
    # Maps of definitions come out empty: one endpoint on the default bridge.
    inspect["NetworkSettings"]["Networks"] = {"bridge": b.definition("EndpointSettings")}
    summary = b.definition("ContainerSummary")
    summary["Id"] = CONTAINER_ID
    summary["ImageID"] = IMAGE_ID
    # Properties the 1.44 spec gives no example for.
    summary["Names"] = summary.get("Names") or ["/dockersdk-fx-models"]
    summary["Image"] = summary.get("Image") or "dockersdk/busybox"
    summary["State"] = summary.get("State") or "running"
    summary["Status"] = summary.get("Status") or "Up 4 days"
    image = b.definition("ImageInspect")
    image["Id"] = IMAGE_ID
    image_summary = b.definition("ImageSummary")
    image_summary["Id"] = IMAGE_ID
    info = b.definition("SystemInfo")
    df = b.response("/system/df")
    event = b.definition("EventMessage")
    event["Actor"]["ID"] = CONTAINER_ID
    die = copy.deepcopy(event)
    die["Action"] = "die"
    die["Actor"]["Attributes"] = dict(die["Actor"].get("Attributes") or {}, exitCode="0")
    die["timeNano"] = (event.get("timeNano") or 0) + 1000
    # Fill the lists the daemon fills (the spec's /system/df gives them as items of definitions).
    if "Images" in df:
        df["Images"] = [image_summary]
        df["Containers"] = [summary]
        df["Volumes"] = [b.definition("Volume")]
        df["BuildCache"] = [b.definition("BuildCache")]
    df_query = [{"name": "verbose", "value": "1"}] if version == "1.52" else []
    for usage, item in (("ImageUsage", image_summary), ("ContainerUsage", summary),
                        ("VolumeUsage", b.definition("Volume")), ("BuildCacheUsage", b.definition("BuildCache"))):
        if usage in df:
            df[usage]["Items"] = [item]
    exchanges = [
        ping(version, server),
        exchange(version, f"/containers/{CONTAINER_ID}/json", inspect, server=server),
        exchange(version, "/containers/json", [summary], [{"name": "all", "value": "1"}], server=server),
        exchange(version, "/info", info, server=server),
        exchange(version, "/system/df", df, df_query, server=server),
        exchange(version, "/images/json", [image_summary], [{"name": "all", "value": "0"}], server=server),
        exchange(version, "/images/" + IMAGE_ID + "/json", image, server=server),
        exchange(version, "/events", [event, die], events_query, kind="stream", server=server),
    ]
    return {"scenario": f"models-{ 'docker25' if version == '1.44' else 'docker29' }", "apiVersion": version,
            "server": server, "synthesized": True, "source": sources, "exchanges": exchanges}


def write(data):
    """Writes a fixture to Fixtures/v<apiVersion>/<scenario>.json, keys sorted."""
    out = os.path.join(ROOT, f"v{data['apiVersion']}", data["scenario"] + ".json")
    with open(out, "w") as f:
        json.dump(data, f, indent=2, sort_keys=True)
        f.write("\n")
    print("wrote", out)


EVENTS_QUERY = [{"name": "since", "value": "1700000000.000000000"}, {"name": "until", "value": "1700000010.000000000"}]


def main():
    for version, server in (("1.44", "Docker/25.0.5 (linux)"), ("1.52", "Docker/29.0.0 (linux)")):
        sources = (f"shared/engine-api/v{version}.yaml: "
                   + ("definitions/ContainerInspectResponse" if version == "1.52" else "paths//containers/{id}/json")
                   + ", definitions/ContainerSummary, definitions/SystemInfo, paths//system/df, definitions/ImageSummary,"
                   + " definitions/ImageInspect, definitions/EventMessage (property examples)")
        write(fixture(version, server, sources, EVENTS_QUERY))


if __name__ == "__main__":
    main()
