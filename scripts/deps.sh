#!/usr/bin/env bash
# Installs what PortBooks needs on a fresh Debian machine, and nothing when it is already there:
# the C libraries it links (libxml2, libcurl, SQLite), xmllint (the standard XSD validator the
# tests compare against) and Python's jsonschema (the standard JSON Schema validator).
set -euo pipefail

packages=(libxml2-dev libcurl4-openssl-dev libsqlite3-dev libxml2-utils pkg-config)
# The LibreOffice round trip of resolution files (Tests/PortBooksSyncTests) only on request: it is large.
[ "${PORTBOOKS_SPREADSHEET_TESTS:-}" = "1" ] && packages+=(libreoffice-calc-nogui)
# The run report in a real browser (Tests/PortBooksCommandsTests/RunReportBrowserTests) only on request.
[ "${PORTBOOKS_BROWSER_TESTS:-}" = "1" ] && packages+=(chromium)
missing=()
for package in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$package" 2>/dev/null | grep -q "install ok installed" || missing+=("$package")
done
if [ ${#missing[@]} -gt 0 ]; then
  echo "deps: installing ${missing[*]}"
  sudo=""
  [ "$(id -u)" -eq 0 ] || sudo="sudo"
  $sudo apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq "${missing[@]}" >/dev/null
fi

python_modules=(jsonschema)
[ "${1:-}" = "--bench" ] && python_modules+=(orjson)
for module in "${python_modules[@]}"; do
  python3 -c "import $module" 2>/dev/null || {
    echo "deps: installing Python module $module"
    python3 -m pip install --quiet "$module"
  }
done
command -v swift >/dev/null || { echo "deps: Swift 6 is required (swift not on PATH)" >&2; exit 1; }
echo "deps: ok"
