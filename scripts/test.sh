#!/usr/bin/env bash
# Runs the whole test suite: set-up (packages, daemon, dev images), build, swift test.
# Under CI=true the live tests against the real daemon are required; elsewhere they skip
# with a reason when no daemon answers.
# DOCKERSDK_ENGINE=podman runs the live tests against Podman instead (scripts/podman.sh: the
# service on a socket of ours, the dev images copied from the docker daemon), then stops it.
set -euo pipefail
cd "$(dirname "$0")/.."
engine=${DOCKERSDK_ENGINE:-docker}
case "$engine" in
  docker | podman) ;;
  *) echo "[test] DOCKERSDK_ENGINE=$engine: expected docker or podman" >&2; exit 2 ;;
esac
if [ "${CI:-}" = "true" ]; then
  bash scripts/setup.sh
else
  bash scripts/setup.sh || echo "[test] set-up failed: live tests will skip" >&2
fi
swift build --build-tests
if [ "$engine" = docker ]; then
  # XCTest and Swift Testing (DockerTestingLiveTests has both); swift test prints each one's closing lines.
  swift test --skip-build "$@"
  exit
fi

# Podman: the live suite only (the unit and fixture tests do not talk to an engine).
export DOCKERSDK_ENGINE=podman
trap 'bash scripts/podman.sh stop' EXIT
bash scripts/podman.sh start
bash scripts/podman.sh load-images
DOCKER_HOST="unix://$(bash scripts/podman.sh socket)"
export DOCKER_HOST
echo "[test] live tests against Podman at $DOCKER_HOST" >&2
if [ $# -eq 0 ]; then set -- --filter '^LiveTests\.'; fi
swift test --skip-build --disable-swift-testing "$@"
