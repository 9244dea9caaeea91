#!/usr/bin/env bash
# `make test`'s Swift suite, bounded: `swift test` with a watchdog. A hang cannot outlive CI:
# past PORTBOOKS_TEST_MINUTES (default 30) the run is stopped, and what was still running is
# printed first — every test that started and did not end (from Swift Testing's event stream)
# and, when gdb is installed, every thread's stack of the test process. Exit 1 then.
#
# Suites that use the network, processes or sleeps also carry `.timeLimit` traits, which name a
# test that overruns; only this watchdog can end a test stuck on something that never wakes.
set -uo pipefail
cd "$(dirname "$0")/.."
minutes=${PORTBOOKS_TEST_MINUTES:-30}
events=$(mktemp -t portbooks-test-events.XXXXXX)
trap 'rm -f "$events"' EXIT

setsid swift test --event-stream-output-path "$events" --event-stream-version 0 "$@" &
runner=$!
deadline=$(( $(date +%s) + minutes * 60 ))
while kill -0 "$runner" 2>/dev/null; do
  if [ "$(date +%s)" -ge "$deadline" ]; then
    echo
    echo "test: the suite did not finish within $minutes minutes; still running:" >&2
    python3 - "$events" <<'PY' >&2
import json, sys
running, names = {}, {}
for line in open(sys.argv[1], errors="replace"):
    try:
        record = json.loads(line)
    except ValueError:
        continue
    payload = record.get("payload", {})
    if record.get("kind") == "test":
        names[payload.get("id")] = payload.get("displayName") or payload.get("name")
    elif payload.get("kind") == "testStarted":
        running[payload.get("testID")] = True
    elif payload.get("kind") == "testEnded":
        running.pop(payload.get("testID"), None)
for test in running:
    print(f"  {test}  ({names.get(test, '')})")
PY
    # The test process (swift test starts it in a process group of its own), found by this
    # run's event file so that no other checkout's tests are touched.
    tests=$(pgrep -f -- "--event-stream-output-path $events" | grep -v "^$runner\$" | head -n 1)
    if [ -n "$tests" ] && command -v gdb >/dev/null; then
      echo "test: the stacks of the test process $tests:" >&2
      timeout 60 gdb -p "$tests" -batch -ex 'thread apply all bt 25' 2>/dev/null | grep -E '^(Thread|#)' >&2
    fi
    kill -TERM -- "-$runner" 2>/dev/null
    [ -n "$tests" ] && kill -TERM "$tests" 2>/dev/null
    sleep 5
    kill -KILL -- "-$runner" 2>/dev/null
    [ -n "$tests" ] && kill -KILL "$tests" 2>/dev/null
    exit 1
  fi
  sleep 2
done
wait "$runner"
