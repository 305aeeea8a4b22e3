#!/usr/bin/env bash
# Runs the whole test suite: set-up (packages, daemon, dev images), build, swift test.
# Under CI=true the live tests against the real daemon are required; elsewhere they skip
# with a reason when no daemon answers.
set -euo pipefail
cd "$(dirname "$0")/.."
if [ "${CI:-}" = "true" ]; then
  bash scripts/setup.sh
else
  bash scripts/setup.sh || echo "[test] set-up failed: live tests will skip" >&2
fi
swift build --build-tests
# XCTest and Swift Testing (DockerTestingLiveTests has both); swift test prints each one's closing lines.
swift test --skip-build "$@"
