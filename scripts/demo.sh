#!/usr/bin/env bash
# `make demo`: the main job on the embedded defaults — a qbo-sandbox and a SQLite ledger.
#
# Starts qbo-sandbox on a free loopback port, makes demo/ with `portbooks init --sandbox`, connects
# (curl follows the authorize URL, as a browser would), drops fixtures/drop-example/ into the inbox,
# runs `portbooks sync`, prints the summary and the first rows of problems.csv, applies the example
# resolution file, syncs again, and stops the sandbox.
set -euo pipefail
cd "$(dirname "$0")/.."
root=$(pwd)
bin="$root/.build/debug"
demo="$root/demo"

rm -rf "$demo"
mkdir -p "$demo"
log="$demo/qbo-sandbox.log"
"$bin/qbo-sandbox" --port 0 --state "$demo/sandbox-state" >"$demo/sandbox.out" 2>"$log" &
sandbox=$!
trap 'kill $sandbox 2>/dev/null || true; wait $sandbox 2>/dev/null || true' EXIT
for _ in $(seq 1 100); do
  grep -q "^listening on " "$demo/sandbox.out" 2>/dev/null && break
  sleep 0.1
done
url=$(sed -n 's/^listening on //p' "$demo/sandbox.out" | head -n 1)
[ -n "$url" ] || { echo "demo: qbo-sandbox did not start; see $log" >&2; exit 1; }
echo "== qbo-sandbox listening on $url"

"$bin/portbooks" init "$demo" --sandbox "$url" >/dev/null
# The example settings map the example's charge codes; keep the sandbox connection from init.
python3 - "$demo/portbooks.toml" "$root/fixtures/drop-example/portbooks.toml" <<'PY'
import re, sys
demo_path, example_path = sys.argv[1], sys.argv[2]
demo = open(demo_path).read()
example = open(example_path).read()
def section(text, name):
    match = re.search(r"(?ms)^\[" + re.escape(name) + r"\]\n.*?(?=^\[(?!" + re.escape(name) + r"[.\]])|\Z)", text)
    return match.group(0) if match else ""
connection = section(demo, "quickbooks")
rest = re.sub(r"(?ms)^\[quickbooks\]\n.*?(?=^\[|\Z)", "", example)
open(demo_path, "w").write(connection + "\n" + rest)
PY
config="$demo/portbooks.toml"

echo "== portbooks connect (curl follows the authorize URL, as a browser would)"
"$bin/portbooks" connect --config "$config" --port 0 >"$demo/connect.out" 2>&1 &
connect=$!
for _ in $(seq 1 100); do
  authorize=$(grep -Eo 'https?://[^ ]+/connect/oauth2[^ ]*' "$demo/connect.out" 2>/dev/null | head -n 1 || true)
  [ -n "$authorize" ] && break
  sleep 0.1
done
curl -sS -L -o /dev/null "$authorize"
wait $connect
grep -E "^Connected" "$demo/connect.out"
"$bin/portbooks" connect --config "$config" --status | sed 's/^/   /'

echo
echo "== Dropping fixtures/drop-example/*.json into the inbox; first a dry run: what would the sync do?"
cp "$root"/fixtures/drop-example/*.json "$demo/inbox/"
set +e
"$bin/portbooks" sync --config "$config" --settle 0 --dry-run 2>/dev/null
set -e
echo "   (nothing was changed: the files are still in inbox/, the ledger and QuickBooks are untouched)"
ls "$demo/inbox" | sed 's/^/   inbox\//'

echo
echo "== portbooks sync"
set +e
"$bin/portbooks" sync --config "$config" --settle 0
status=$?
set -e
echo "   (exit $status: 3 means done, with records in problems.csv)"
first_report=$(ls -d "$demo"/reports/runs/*/ | sort | head -n 1)report.html
echo "   The run's report, to open in a browser: $first_report"

echo
echo "== The first rows of reports/problems.csv"
python3 - "$demo/reports/problems.csv" <<'PY'
import csv, sys
with open(sys.argv[1], encoding="utf-8-sig", newline="") as handle:
    rows = list(csv.DictReader(handle))
for row in rows[:8]:
    print(f"   {row['entity']:<12} {row['number']:<24} {row['problem_code']:<26} {row['problem'][:90]}")
    if row.get("suggestion"):
        print(f"   {'':<12} {'':<24} {'→ ' + row['suggestion'][:100]}")
print(f"   ({len(rows)} rows)")
PY

echo
echo "== Running sync again: nothing is sent twice"
set +e
"$bin/portbooks" sync --config "$config" --settle 0 | grep -E "API calls|problems:"
set -e

echo
echo "== The accountant's fixes: map LAYOVER in portbooks.toml, and a resolution file saved from problems.csv"
python3 - "$config" <<'PY'
import sys
path = sys.argv[1]
text = open(path).read()
text = text.replace('[items.map]\n', '[items.map]\n"LAYOVER" = "Detention"\n', 1)
open(path, "w").write(text)
PY
python3 - "$demo/reports/problems.csv" "$demo/resolutions/problems-2026-11-27.csv" <<'PY'
import csv, sys
with open(sys.argv[1], encoding="utf-8-sig", newline="") as handle:
    rows = list(csv.DictReader(handle))
actions = {
    "duplicate-doc-number": ("clear", "Entered by hand in QuickBooks last month; that invoice is the real one"),
    "unmapped-charge-code": ("retry", "LAYOVER now maps to Detention"),
}
with open(sys.argv[2], "w", encoding="utf-8-sig", newline="") as handle:
    writer = csv.DictWriter(handle, fieldnames=list(rows[0].keys()) if rows else ["entity"], delimiter=";")
    writer.writeheader()
    for row in rows:
        action = actions.get(row["problem_code"])
        if action:
            row["action"], row["note"] = action
            print(f"   {row['entity']:<10} {row['number']:<14} {action[0]:<6} — {action[1]}")
        writer.writerow(row)
PY
echo "   (saved as resolutions/problems-2026-11-27.csv, semicolon-separated as Excel saves it)"
set +e
"$bin/portbooks" sync --config "$config" --settle 0
status=$?
set -e
echo "   (exit $status)"

echo
echo "== A later export: PortPro voided RSRE_000290 and applied credit memo CM-000041 to RSRE_000274"
cp "$root"/fixtures/drop-example/later/*.json "$demo/inbox/"
set +e
"$bin/portbooks" sync --config "$config" --settle 0 | grep -vE "^  (plan|results):"
status=$?
set -e
realm=$(curl -sS "$url/_sandbox/realms" | python3 -c 'import json,sys; print(json.load(sys.stdin)[0])')
curl -sS "$url/_sandbox/realms/$realm/Invoice" > "$demo/invoices-in-quickbooks.json"
python3 - "$demo/invoices-in-quickbooks.json" <<'PY'
import json, sys
from decimal import Decimal
# PortPro: RSRE_000271 6,913.00 less 6,823.00 paid and CM-000043's 90.00; RSRE_000274 4,135.50 less
# 3,910.50 paid and CM-000041's 225.00; RSRE_000290 voided.
for invoice in json.load(open(sys.argv[1]), parse_float=Decimal):
    if invoice.get("DocNumber") in ("RSRE_000271", "RSRE_000274", "RSRE_000290"):
        note = invoice.get("PrivateNote") or ""
        voided = ', note "Voided"' if note.startswith("Voided") else ""
        print(f"   Invoice {invoice['DocNumber']}: total {invoice['TotalAmt']}, balance {invoice['Balance']}{voided}")
PY
rm -f "$demo/invoices-in-quickbooks.json"

echo
echo "== QuickBooks (the sandbox) now holds:"
for entity in Customer Invoice Payment CreditMemo; do
  realm=$(curl -sS "$url/_sandbox/realms" | python3 -c 'import json,sys; print(json.load(sys.stdin)[0])')
  count=$(curl -sS "$url/_sandbox/realms/$realm/$entity" | python3 -c 'import json,sys; print(len(json.load(sys.stdin)))')
  printf '   %-11s %s\n' "$entity" "$count"
done
echo
echo "Reports: $demo/reports/ (index.html, problems.csv, runs/<run-id>/report.html, results-*.csv, summary.json)"
echo "The first run's report: $first_report"
first=$(python3 - "$demo/state/portbooks.sqlite" <<'PY'
import sqlite3, sys
row = sqlite3.connect(sys.argv[1]).execute(
    "SELECT id FROM runs WHERE command = 'sync' ORDER BY started_at, id LIMIT 1").fetchone()
print(row[0] if row else "")
PY
)
echo
echo "== portbooks undo $first --dry-run: what undoing the first sync would do (nothing is changed)"
set +e
"$bin/portbooks" undo "$first" --config "$config" --dry-run 2>/dev/null | sed 's/^/   /'
set -e
echo "   (portbooks undo $first reverses it; scripts/undo-check.py runs this demo, the undo and a re-sync,"
echo "   and checks QuickBooks after each)"
