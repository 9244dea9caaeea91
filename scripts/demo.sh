#!/usr/bin/env bash
# `make demo`: the example drop set through PortBooks on the embedded defaults.
set -euo pipefail
cd "$(dirname "$0")/.."
bin=.build/debug/portbooks
echo "== Validating fixtures/drop-example (JSON and XML) =="
"$bin" validate fixtures/drop-example/*.json fixtures/drop-example/*.xml
echo
echo "== A refused file gets file:line:col and a stable code =="
"$bin" validate fixtures/invalid/unknown-enum.json fixtures/invalid/xxe-external-entity.xml || true
