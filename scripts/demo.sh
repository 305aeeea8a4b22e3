#!/usr/bin/env bash
# Runs the demo tour against a real daemon, after set-up (packages, daemon, dev images).
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
swift build --product dockersdk-demo
exec "$(swift build --show-bin-path)/dockersdk-demo" tour "$@"
