#!/usr/bin/env bash
# Builds qbo-sandbox, installs python-quickbooks into a private venv, runs sdk_check.py.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
root="$(cd "$here/../.." && pwd)"
scratch="${SCRATCH:-$root/.build-sandbox}"
venv="${VENV:-$scratch/sdk-check-venv}"
(cd "$root" && swift build --scratch-path "$scratch" --product qbo-sandbox >&2)
bin="$(cd "$root" && swift build --scratch-path "$scratch" --product qbo-sandbox --show-bin-path)/qbo-sandbox"
if [ ! -x "$venv/bin/python" ]; then
    python3 -m venv "$venv"
    "$venv/bin/pip" install --quiet -r "$here/requirements.txt"
fi
exec "$venv/bin/python" "$here/sdk_check.py" --sandbox-bin "$bin" "$@"
