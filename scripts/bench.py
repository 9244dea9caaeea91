#!/usr/bin/env python3
"""`make bench`: ratios measured side by side, in one run, on this machine.

Part 1 (ingest): generated 100k-invoice exports in XML and JSON; time and peak resident
memory of `portbooks validate` beside `xmllint --stream` (with and without the XSD) on the
same XML file, and beside orjson (a C JSON parser, whole file in memory) on the same JSON
file. `--large-gb N` also generates an N-GB export of each format and checks that validating
it stays under 200 MB of peak memory.

Part 2 (push): a release qbo-sandbox with `--limits qbo --time-scale 60`, a project made with
`portbooks init --sandbox` and the example settings, connected through the OAuth flow, and
`portbooks import` of a generated export. Prints the push time against the ceiling Intuit's
limits allow for the requests actually made (batches at 40/min, all requests at 500/min and
10/s, all scaled 60x), API calls per record, and the 429s the sandbox answered.
`--chaos` also kills `portbooks import` with SIGKILL at random moments over the export and
re-runs it until it finishes, then checks every invoice is in the sandbox exactly once.

Each command runs in its own child process; peak memory is that child's ru_maxrss (wait4).
Nothing here asserts a time: it prints what it measured.
"""
import json
import random
import re
import signal
import urllib.request
import argparse
import os
import subprocess
import sys
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
OUT = os.path.join(ROOT, "bench-out")
PORTBOOKS = os.path.join(ROOT, ".build", "release", "portbooks")
SANDBOX = os.path.join(ROOT, ".build", "release", "qbo-sandbox")
EXAMPLE_SETTINGS = os.path.join(ROOT, "fixtures", "drop-example", "portbooks.toml")
TIME_SCALE = 60
XSD = os.path.join(ROOT, "schemas", "portpro-export.xsd")


def measure(argv, label):
    """Runs argv; returns (seconds, peak MiB). Fails loudly on a non-zero exit."""
    started = time.monotonic()
    process = subprocess.Popen(argv, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    _, status, usage = os.wait4(process.pid, 0)
    seconds = time.monotonic() - started
    stderr = process.stderr.read().decode(errors="replace")
    process.stderr.close()
    code = os.waitstatus_to_exitcode(status)
    if code != 0:
        sys.exit(f"bench: {label} exited {code}: {stderr[:500]}")
    return seconds, usage.ru_maxrss / 1024.0


def generate(invoices, fmt, path, seed=42):
    if os.path.exists(path):
        return
    print(f"  generating {invoices:,} invoices as {fmt} → {os.path.relpath(path, ROOT)}", flush=True)
    subprocess.run(
        [PORTBOOKS, "generate", "--invoices", str(invoices), "--format", fmt, "--seed", str(seed), "--out", path],
        check=True,
    )


def row(label, seconds, mib, size):
    rate = size / (1024 * 1024) / seconds if seconds > 0 else 0
    print(f"  {label:<44} {seconds:8.2f} s {rate:8.1f} MiB/s {mib:9.1f} MiB peak")


def ingest(invoices):
    print(f"\n== Ingest: {invoices:,} invoices ==")
    xml = os.path.join(OUT, f"export-{invoices}.xml")
    json_path = os.path.join(OUT, f"export-{invoices}.json")
    generate(invoices, "xml", xml)
    generate(invoices, "json", json_path)
    xml_size = os.path.getsize(xml)
    json_size = os.path.getsize(json_path)
    print(f"  XML {xml_size / 1e6:,.1f} MB, JSON {json_size / 1e6:,.1f} MB")

    ours_xml = measure([PORTBOOKS, "validate", xml], "portbooks validate (xml)")
    lint = measure(["xmllint", "--stream", "--noout", xml], "xmllint --stream")
    lint_xsd = measure(["xmllint", "--stream", "--noout", "--schema", XSD, xml], "xmllint --stream --schema")
    row("portbooks validate (XML, XSD + model)", *ours_xml, xml_size)
    row("xmllint --stream --noout", *lint, xml_size)
    row("xmllint --stream --noout --schema", *lint_xsd, xml_size)

    ours_json = measure([PORTBOOKS, "validate", json_path], "portbooks validate (json)")
    orjson = measure(
        [sys.executable, "-c", "import orjson,sys; orjson.loads(open(sys.argv[1],'rb').read())", json_path],
        "orjson",
    )
    row("portbooks validate (JSON, streaming + model)", *ours_json, json_size)
    row("orjson.loads (C, whole file in memory)", *orjson, json_size)

    print("  ratios (portbooks / reference; time >1 means slower):")
    print(f"    XML  time vs xmllint --stream           {ours_xml[0] / lint[0]:6.2f}x")
    print(f"    XML  time vs xmllint --stream --schema  {ours_xml[0] / lint_xsd[0]:6.2f}x")
    print(f"    JSON time vs orjson                     {ours_json[0] / orjson[0]:6.2f}x")
    print(f"    XML  peak memory vs xmllint --schema    {ours_xml[1] / lint_xsd[1]:6.2f}x")
    print(f"    JSON peak memory vs orjson              {ours_json[1] / orjson[1]:6.2f}x")
    return {"xml": ours_xml, "json": ours_json}


def large(gigabytes):
    print(f"\n== Bounded memory: {gigabytes:g} GB exports ==")
    # About 2,560 bytes per invoice in XML and 1,900 in JSON, with customers and payments.
    results = {}
    for fmt, per_invoice in (("xml", 2560), ("json", 1895)):
        invoices = int(gigabytes * 1e9 / per_invoice)
        path = os.path.join(OUT, f"large-{invoices}.{fmt}")
        generate(invoices, fmt, path)
        size = os.path.getsize(path)
        seconds, mib = measure([PORTBOOKS, "validate", path], f"portbooks validate large {fmt}")
        verdict = "OK" if mib < 200 else "OVER 200 MB"
        print(f"  {fmt}: {size / 1e9:.2f} GB, {invoices:,} invoices: {seconds:.1f} s, peak {mib:.1f} MiB — {verdict}")
        results[fmt] = mib
    return results


def http(url, method="GET", body=None):
    request = urllib.request.Request(url, method=method, data=body.encode() if body else None)
    if body:
        request.add_header("Content-Type", "application/json")
    with urllib.request.urlopen(request, timeout=30) as response:
        return json.loads(response.read() or b"null")


def start_sandbox(*flags):
    process = subprocess.Popen(
        [SANDBOX, "--port", "0", *flags], stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True
    )
    line = process.stdout.readline().strip()
    if not line.startswith("listening on "):
        sys.exit(f"bench: qbo-sandbox did not start: {line!r}")
    return process, line[len("listening on "):]


def table(text, name):
    """The [name] table of a TOML text (header line to the next header)."""
    lines, inside = [], False
    for line in text.split("\n"):
        if line.startswith("["):
            inside = line == f"[{name}]"
        if inside:
            lines.append(line)
    return "\n".join(lines)


def without_table(text, name):
    lines, inside = [], False
    for line in text.split("\n"):
        if line.startswith("["):
            inside = line == f"[{name}]"
        if not inside:
            lines.append(line)
    return "\n".join(lines)


def connected_project(url, folder):
    """init --sandbox, the example settings, and the OAuth flow followed like a browser would."""
    subprocess.run([PORTBOOKS, "init", folder, "--sandbox", url], check=True, stdout=subprocess.DEVNULL)
    config = os.path.join(folder, "portbooks.toml")
    initialised = open(config).read()
    example = open(EXAMPLE_SETTINGS).read()
    open(config, "w").write(table(initialised, "quickbooks") + "\n" + without_table(example, "quickbooks"))
    connect = subprocess.Popen(
        [PORTBOOKS, "connect", "--config", config, "--port", "0"], stdout=subprocess.PIPE, text=True
    )
    authorize = None
    for line in connect.stdout:
        match = re.search(r"https?://\S+/connect/oauth2\S*", line)
        if match:
            authorize = match.group(0)
        if "Waiting for the redirect" in line:
            break
    subprocess.run(["curl", "-sS", "-L", "-o", "/dev/null", authorize], check=True)
    connect.wait(timeout=60)
    return config


def ceiling_seconds(batches, requests):
    """The least time Intuit's limits allow for this many batches and requests, scaled."""
    minute = 60.0 / TIME_SCALE
    second = 1.0 / TIME_SCALE
    return max(batches / 40 * minute, requests / 500 * minute, requests / 10 * second)


def push(invoices):
    print(f"\n== Push: {invoices:,} invoices through qbo-sandbox --limits qbo --time-scale {TIME_SCALE} ==")
    folder = os.path.join(OUT, f"push-{invoices}-{int(time.time())}")
    export = os.path.join(OUT, f"push-export-{invoices}.json")
    generate(invoices, "json", export, seed=7)
    sandbox, url = start_sandbox("--limits", "qbo", "--time-scale", str(TIME_SCALE))
    try:
        config = connected_project(url, folder)
        before = http(url + "/_sandbox/stats")
        env = dict(os.environ, PORTBOOKS_QBO_TIME_SCALE=str(TIME_SCALE))
        started = time.monotonic()
        run = subprocess.run(
            [PORTBOOKS, "import", "--config", config, export], env=env, stdout=subprocess.PIPE,
            stderr=subprocess.DEVNULL, text=True,
        )
        wall = time.monotonic() - started
        after = http(url + "/_sandbox/stats")
        runs = sorted(os.listdir(os.path.join(folder, "reports", "runs")))
        summary = json.load(open(os.path.join(folder, "reports", "runs", runs[-1], "summary.json")))
        by_route = {k: after["byRoute"].get(k, 0) - before["byRoute"].get(k, 0) for k in after["byRoute"]}
        batches = by_route.get("POST batch", 0)
        requests = after["requests"] - before["requests"]
        throttled = after["throttled"] - before["throttled"]
        records = sum(sum(v for k, v in counts.items() if k in ("created", "adopted", "updated"))
                      for counts in summary["outcomes"].values())
        push_seconds = summary["pushSeconds"]
        ceiling = ceiling_seconds(batches, requests)
        print(f"  import exit {run.returncode}; wall {wall:.1f} s, of which pushing {push_seconds:.2f} s")
        print(f"  records written {records:,}; requests {requests:,} ({batches:,} batches); 429s {throttled}"
              + (f" {after.get('throttledBy')}" if throttled else ""))
        print("  requests by route: " + ", ".join(f"{k} {v}" for k, v in sorted(by_route.items()) if v))
        print(f"  API calls per record written      {requests / max(records, 1):6.3f}")
        print(f"  ceiling for these requests        {ceiling:6.2f} s  (40 batches/min, 500 req/min, 10 req/s; x{TIME_SCALE})")
        print(f"  push throughput vs ceiling        {ceiling / push_seconds * 100:6.1f} %")
        print(f"  records per minute (unscaled)     {records / push_seconds * 60 / TIME_SCALE:8.0f}")
    finally:
        sandbox.send_signal(signal.SIGTERM)
        sandbox.wait(timeout=30)


def chaos(invoices):
    print(f"\n== Chaos: {invoices:,} invoices, import killed with SIGKILL at random moments ==")
    folder = os.path.join(OUT, f"chaos-{invoices}-{int(time.time())}")
    export = os.path.join(OUT, f"chaos-export-{invoices}.json")
    generate(invoices, "json", export, seed=13)
    sandbox, url = start_sandbox("--limits", "off")
    try:
        http(url + "/_sandbox/faults", "POST", json.dumps({"serverError": 0.05, "dropAfterCommit": 0.02, "seed": 5}))
        config = connected_project(url, folder)
        realm = http(url + "/_sandbox/realms")[0]
        before = len(http(f"{url}/_sandbox/realms/{realm}/Invoice"))
        rng = random.Random(17)
        kills = 0
        # Up to ten kills at random moments, then runs are left to finish (each resumes).
        while True:
            process = subprocess.Popen(
                [PORTBOOKS, "import", "--config", config, export], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
            )
            try:
                code = process.wait(timeout=rng.uniform(0.5, 4.0) if kills < 10 else None)
                if code in (0, 3):
                    break
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()
                kills += 1
        invoices_now = http(f"{url}/_sandbox/realms/{realm}/Invoice")
        numbers = [i.get("DocNumber") for i in invoices_now]
        print(f"  killed {kills} times; then finished")
        print(f"  invoices in the sandbox: {len(invoices_now) - before:,} new (+{before} seeded); "
              f"distinct numbers {len(set(numbers)):,} of {len(numbers):,}")
        print(f"  duplicates: {len(numbers) - len(set(numbers))}")
    finally:
        sandbox.send_signal(signal.SIGTERM)
        sandbox.wait(timeout=30)


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--invoices", type=int, default=100_000, help="invoices in the ingest exports")
    parser.add_argument("--large-gb", type=float, default=0, help="also validate an N-GB export of each format")
    parser.add_argument("--push-invoices", type=int, default=3000, help="invoices in the push benchmark (0: skip)")
    parser.add_argument("--chaos", type=int, default=0, help="also run the SIGKILL chaos import over N invoices")
    args = parser.parse_args()
    if not os.path.exists(PORTBOOKS):
        sys.exit("bench: build first (make bench builds the release binary)")
    os.makedirs(OUT, exist_ok=True)
    ingest(args.invoices)
    if args.large_gb > 0:
        large(args.large_gb)
    if args.push_invoices > 0:
        push(args.push_invoices)
    if args.chaos > 0:
        chaos(args.chaos)


if __name__ == "__main__":
    main()
