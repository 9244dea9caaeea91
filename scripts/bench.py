#!/usr/bin/env python3
"""`make bench`: ratios measured side by side, in one run, on this machine.

Part 1 (ingest): generated 100k-invoice exports in XML and JSON; time and peak resident
memory of `portbooks validate` beside `xmllint --stream` (with and without the XSD) on the
same XML file, and beside orjson (a C JSON parser, whole file in memory) on the same JSON
file. `--large-gb N` also generates an N-GB export of each format and checks that validating
it stays under 200 MB of peak memory.

Each command runs in its own child process; peak memory is that child's ru_maxrss (wait4).
Nothing here asserts a time: it prints what it measured.
"""
import argparse
import os
import subprocess
import sys
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
OUT = os.path.join(ROOT, "bench-out")
PORTBOOKS = os.path.join(ROOT, ".build", "release", "portbooks")
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


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--invoices", type=int, default=100_000, help="invoices in the ingest exports")
    parser.add_argument("--large-gb", type=float, default=0, help="also validate an N-GB export of each format")
    args = parser.parse_args()
    if not os.path.exists(PORTBOOKS):
        sys.exit("bench: build first (make bench builds the release binary)")
    os.makedirs(OUT, exist_ok=True)
    ingest(args.invoices)
    if args.large_gb > 0:
        large(args.large_gb)


if __name__ == "__main__":
    main()
