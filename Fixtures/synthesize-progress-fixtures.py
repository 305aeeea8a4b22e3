#!/usr/bin/env python3
"""Synthesizes the API 1.44 and 1.52 build and push progress fixtures from the Engine API specs.

Every stream line is checked against the spec's definition of that stream's lines (BuildInfo for
`POST /build`, PushImageInfo for `POST /images/{name}/push`): a field the version's definition lacks
is refused, so the 1.52 lines carry no `error` or `progress` strings (the 1.52 spec dropped them and
keeps only `errorDetail` and `progressDetail`), and the 1.44 push error is the bare `error` string. Values come from the spec's examples: the built image
ID from definitions/ImageID, the pushed digest and size from definitions/OCIDescriptor.

One exception, named in each fixture's `source`: the push's `aux` {Tag, Digest, Size} line is not in
PushImageInfo (the spec leaves it out at every version); its shape is the one dockerd 20.10 sent in
the recorded Fixtures/v1.41/images-registry.json. Run from the repository root:

    python3 Fixtures/synthesize-progress-fixtures.py

It rewrites Fixtures/v1.44/progress-docker25.json and Fixtures/v1.52/progress-docker29.json.
Needs PyYAML. Specs from SPEC_DIR, Fixtures/engine-api/ or /work/shared/engine-api.
"""
import json
import os
import sys

import yaml

ROOT = os.path.dirname(os.path.abspath(__file__))
SPEC_DIRS = [os.environ.get("SPEC_DIR", ""), os.path.join(ROOT, "engine-api"), "/work/shared/engine-api"]

BUILT_TAG = "dockersdk-fx/progress:1"
PUSHED_REPOSITORY = "127.0.0.1:5443/dockersdk-fx/progress"
LAYER = "e1ec1214820d"


def load(version):
    for d in SPEC_DIRS:
        path = os.path.join(d, f"v{version}.yaml")
        if d and os.path.exists(path):
            with open(path) as f:
                return yaml.safe_load(f)
    sys.exit(f"no v{version}.yaml in {SPEC_DIRS}")


class Lines:
    """Stream lines of one definition, refusing fields the definition does not have."""

    def __init__(self, defs, name, extra=()):
        self.name = name
        self.allowed = set(defs[name]["properties"]) | set(extra)

    def has(self, field):
        return field in self.allowed

    def __call__(self, **fields):
        unknown = set(fields) - self.allowed
        if unknown:
            sys.exit(f"{self.name} has no {sorted(unknown)}")
        return fields


def error_line(lines, message, code=None):
    """An error line: `errorDetail` and the old `error` string, each where the definition has it (1.44's
    PushImageInfo has only `error`, 1.52's only `errorDetail`)."""
    line = {}
    if lines.has("errorDetail"):
        line["errorDetail"] = {"message": message} if code is None else {"code": code, "message": message}
    if lines.has("error"):
        line["error"] = message
    return lines(**line)


def progress_line(lines, status, current, total):
    """A transfer line: `progressDetail`, plus the rendered `progress` bar where the definition has it."""
    line = {"status": status, "progressDetail": {"current": current, "total": total}, "id": LAYER} \
        if lines.has("id") else {"status": status, "progressDetail": {"current": current, "total": total}}
    if lines.has("progress"):
        line["progress"] = "[=========================>                         ]  " \
                           f"{current / 1e6:.3g}MB/{total / 1e6:.3g}MB"
    return lines(**line)


def stream(lines):
    return {"text": "".join(json.dumps(line, separators=(",", ":")) + "\r\n" for line in lines)}


def headers(version, server):
    return {"Api-Version": version, "Content-Type": "application/json", "Docker-Experimental": "false",
            "Ostype": "linux", "Server": server}


def ping(version, server):
    return {"kind": "unary", "request": {"method": "GET", "path": "/_ping", "query": []},
            "response": {"status": 200, "body": {"text": "OK"},
                         "headers": {"Api-Version": version, "Builder-Version": "2",
                                     "Content-Type": "text/plain; charset=utf-8", "Docker-Experimental": "false",
                                     "Ostype": "linux", "Server": server}}}


def build_exchange(version, server, query, lines):
    return {"kind": "stream",
            "request": {"apiVersion": version, "method": "POST", "path": "/build", "query": query,
                        "headers": {"Content-Type": "application/x-tar"},
                        "body": {"text": "<file build-context.tar>"}},
            "response": {"status": 200, "headers": headers(version, server), "body": stream(lines)}}


def push_exchange(version, server, lines):
    return {"kind": "stream",
            "request": {"apiVersion": version, "method": "POST", "path": f"/images/{PUSHED_REPOSITORY}/push",
                        "query": [{"name": "tag", "value": "1"}], "headers": {"X-Registry-Auth": "<redacted>"}},
            "response": {"status": 200, "headers": headers(version, server), "body": stream(lines)}}


def fixture(version, server, scenario):
    spec = load(version)
    defs = spec["definitions"]
    build = Lines(defs, "BuildInfo")
    push = Lines(defs, "PushImageInfo", extra=("aux",))
    image_id = defs["ImageID"]["example"]["ID"]
    descriptor = defs["OCIDescriptor"]["properties"]
    digest = descriptor["digest"]["example"]
    size = descriptor["size"]["example"]
    short = image_id.split(":")[1][:12]

    # A build whose FROM image is pulled first (status/id/progressDetail lines), then built.
    built = [
        build(stream="Step 1/2 : FROM dockersdk/busybox"),
        build(stream="\n"),
        build(status="Pulling from dockersdk/busybox", id="latest"),
        build(status="Pulling fs layer", progressDetail={}, id=LAYER),
        progress_line(build, "Downloading", 1_048_576, 2_592_430),
        build(status="Download complete", progressDetail={}, id=LAYER),
        build(status="Pull complete", progressDetail={}, id=LAYER),
        build(status=f"Digest: {digest}"),
        build(status="Status: Downloaded newer image for dockersdk/busybox:latest"),
        build(stream=" ---> cafc43593f4d\n"),
        build(stream="Step 2/2 : CMD [\"true\"]"),
        build(stream="\n"),
        build(stream=" ---> Running in 80d28d3ccc15\n"),
        build(stream="Removing intermediate container 80d28d3ccc15\n"),
        build(stream=f" ---> {short}\n"),
        build(aux={"ID": image_id}),
        build(stream=f"Successfully built {short}\n"),
        build(stream=f"Successfully tagged {BUILT_TAG}\n"),
    ]
    failure = "The command '/bin/sh -c echo about to fail && exit 3' returned a non-zero code: 3"
    failed = [
        build(stream="Step 1/2 : FROM dockersdk/busybox"),
        build(stream="\n"),
        build(stream=" ---> cafc43593f4d\n"),
        build(stream="Step 2/2 : RUN echo about to fail && exit 3"),
        build(stream="\n"),
        build(stream=" ---> Running in a71da87adf2c\n"),
        build(stream="about to fail\n"),
        error_line(build, failure, code=3),
    ]
    pushed = [
        push(status=f"The push refers to repository [{PUSHED_REPOSITORY}]"),
        push(status="Preparing", progressDetail={}),
        progress_line(push, "Pushing", 1_048_576, 2_592_430),
        push(status="Pushed", progressDetail={}),
        push(status=f"1: digest: {digest} size: {size}"),
        push(progressDetail={}, aux={"Tag": "1", "Digest": digest, "Size": size}),
    ]
    refused = [
        push(status=f"The push refers to repository [{PUSHED_REPOSITORY}]"),
        push(status="Preparing", progressDetail={}),
        error_line(push, "received unexpected HTTP status: 500 Internal Server Error"),
    ]
    exchanges = [
        ping(version, server),
        build_exchange(version, server, [{"name": "version", "value": "1"}, {"name": "t", "value": BUILT_TAG},
                                         {"name": "rm", "value": "1"}], built),
        build_exchange(version, server, [{"name": "version", "value": "1"}, {"name": "rm", "value": "1"},
                                         {"name": "forcerm", "value": "1"}], failed),
        push_exchange(version, server, pushed),
        push_exchange(version, server, refused),
    ]
    source = (f"shared/engine-api/v{version}.yaml: definitions/BuildInfo (POST /build lines), "
              "definitions/PushImageInfo (POST /images/{name}/push lines), definitions/ErrorDetail, "
              "definitions/ProgressDetail, definitions/ImageID (example: the built ID), "
              "definitions/OCIDescriptor (examples: the pushed digest and size); the push's aux {Tag, Digest, Size} "
              "line is not in PushImageInfo: its shape is dockerd 20.10's, recorded in v1.41/images-registry.json")
    return {"scenario": scenario, "apiVersion": version, "server": server, "synthesized": True,
            "source": source, "exchanges": exchanges}


for version, server, scenario in (("1.44", "Docker/25.0.5 (linux)", "progress-docker25"),
                                  ("1.52", "Docker/29.0.0 (linux)", "progress-docker29")):
    data = fixture(version, server, scenario)
    out = os.path.join(ROOT, f"v{version}", scenario + ".json")
    with open(out, "w") as f:
        json.dump(data, f, indent=2, sort_keys=True)
        f.write("\n")
    print("wrote", out)
