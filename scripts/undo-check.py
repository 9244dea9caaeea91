#!/usr/bin/env python3
"""`portbooks undo` checked end to end against qbo-sandbox (issue #20).

Default (the demo): the sequence `make demo` runs — sync of fixtures/drop-example, a second
sync, the accountant's fixes (LAYOVER mapped, a resolution file) and a sync, the later export
and a sync — then `portbooks undo <the first run>`. QuickBooks must then be exactly as before
the first run (every transaction the same, none added; the customers it created inactive), every
journalled write of the run undone once (one `undo` audit row each). Then `portbooks sync` must
bring QuickBooks back to the demo's end state (documents by number, totals, balances, payments
and what they apply to; a voided document counts as absent: PortPro voided it, and a sync does
not create a document PortPro voided before it reached QuickBooks).

With --kills N, the undo is killed with SIGKILL at seeded random moments (after a random number
of QuickBooks writes) and restarted until it finishes: nothing may be deleted twice (QuickBooks'
write count grows by exactly the number of reversals) and nothing left behind.

With --faults, the sandbox answers some requests of the undo with a 500, and drops some answers
after committing the write (the retry must replay, not write again).

With --invoices N, the first run is `portbooks import` of a generated export of N invoices (with
their customers, payments and credit memos) instead of the demo: a bigger undo to kill.

Writes a JSON summary to OUT/undo-check.json; exits 1 when a check fails.
"""

import argparse
import csv
import json
import os
import random
import re
import shutil
import signal
import sqlite3
import subprocess
import sys
import tempfile
import time
from decimal import Decimal

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import bench  # noqa: E402
from bench import ROOT, connected_project, generate, http, start_sandbox  # noqa: E402

ENTITIES = ("Customer", "Invoice", "Payment", "CreditMemo")
FAILURES = []


def fail(message):
    FAILURES.append(message)
    print("  FAIL " + message, flush=True)


def snapshot(url, realm):
    out = {}
    for entity in ENTITIES:
        request = f"{url}/_sandbox/realms/{realm}/{entity}"
        import urllib.request

        with urllib.request.urlopen(request, timeout=60) as response:
            rows = json.loads(response.read(), parse_float=Decimal)
        out[entity] = {row["Id"]: row for row in rows}
    return out


def sync(config, *extra):
    return subprocess.run([bench.PORTBOOKS, "sync", "--config", config, "--settle", "0", *extra],
                          stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)


def demo_runs(folder, config):
    """The runs of scripts/demo.sh, in order."""
    example = os.path.join(ROOT, "fixtures", "drop-example")
    for name in os.listdir(example):
        if name.endswith(".json"):
            shutil.copy(os.path.join(example, name), os.path.join(folder, "inbox", name))
    sync(config)
    sync(config)
    text = open(config).read().replace("[items.map]\n", '[items.map]\n"LAYOVER" = "Detention"\n', 1)
    open(config, "w").write(text)
    problems = os.path.join(folder, "reports", "problems.csv")
    with open(problems, encoding="utf-8-sig", newline="") as handle:
        rows = list(csv.DictReader(handle))
    actions = {"duplicate-doc-number": ("clear", "entered by hand"), "unmapped-charge-code": ("retry", "mapped")}
    resolution = os.path.join(folder, "resolutions", "problems-2026-11-27.csv")
    with open(resolution, "w", encoding="utf-8-sig", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=list(rows[0].keys()), delimiter=";")
        writer.writeheader()
        for row in rows:
            action = actions.get(row["problem_code"])
            if action:
                row["action"], row["note"] = action
            writer.writerow(row)
    sync(config)
    later = os.path.join(example, "later")
    for name in os.listdir(later):
        if name.endswith(".json"):
            shutil.copy(os.path.join(later, name), os.path.join(folder, "inbox", name))
    sync(config)


def first_run(ledger):
    with sqlite3.connect(ledger) as db:
        return db.execute(
            "SELECT id FROM runs WHERE command IN ('sync', 'import') ORDER BY started_at, id LIMIT 1").fetchone()[0]


def voided(row):
    return Decimal(str(row.get("TotalAmt", 0))) == 0 and str(row.get("PrivateNote", "")).startswith("Voided")


def meaning(snap):
    """What QuickBooks holds, without Ids, SyncTokens and times: documents by number, payments
    by customer, date, amount and what they apply to (as document numbers)."""
    numbers = {}
    for entity in ("Invoice", "CreditMemo"):
        for row in snap[entity].values():
            numbers[(entity, row["Id"])] = row.get("DocNumber")
    customers = {row["Id"]: row.get("DisplayName") for row in snap["Customer"].values()}
    documents = {}
    for entity in ("Invoice", "CreditMemo"):
        for row in snap[entity].values():
            if voided(row):
                continue
            lines = sorted(str(line.get("Amount")) for line in row.get("Line", []) if line.get("DetailType") != "SubTotalLineDetail")
            documents[(entity, row.get("DocNumber"))] = (
                customers.get(row.get("CustomerRef", {}).get("value")), str(row.get("TotalAmt")),
                str(row.get("Balance", row.get("RemainingCredit"))), tuple(lines))
    payments = []
    for row in snap["Payment"].values():
        if voided(row):
            continue
        applied = []
        for line in row.get("Line", []):
            for link in line.get("LinkedTxn", []):
                entity = "Invoice" if link.get("TxnType") == "Invoice" else "CreditMemo"
                applied.append((link.get("TxnType"), numbers.get((entity, link.get("TxnId"))), str(line.get("Amount"))))
        payments.append((customers.get(row.get("CustomerRef", {}).get("value")), row.get("TxnDate"),
                         str(row.get("TotalAmt")), tuple(sorted(applied))))
    active = {row.get("DisplayName"): (row.get("Active"), str(row.get("Balance"))) for row in snap["Customer"].values()}
    return documents, sorted(payments), active


def stripped(row):
    return {k: v for k, v in row.items() if k not in ("MetaData", "SyncToken", "LinkedTxn", "Balance", "BalanceWithJobs")}


def compare_to_before(before, after, created_customers, later):
    """`later`: the objects later runs created that the undo leaves (they do not hang on the
    run's objects), by entity."""
    for entity in ("Invoice", "Payment", "CreditMemo"):
        extra = set(after[entity]) - set(before[entity]) - later.get(entity, set())
        gone = set(before[entity]) - set(after[entity])
        if extra:
            fail(f"after the undo QuickBooks still holds {len(extra)} {entity}(s) the run created: {sorted(extra)[:5]}")
        if gone:
            fail(f"after the undo {len(gone)} {entity}(s) that were there before the run are gone: {sorted(gone)[:5]}")
        for id in set(before[entity]) & set(after[entity]):
            if stripped(before[entity][id]) != stripped(after[entity][id]):
                fail(f"{entity} {id} differs from before the run")
    for id, row in after["Customer"].items():
        if id in before["Customer"]:
            if stripped(before["Customer"][id]) != stripped(row):
                fail(f"Customer {id} ({row.get('DisplayName')}) differs from before the run")
        elif row.get("Active") is not False:
            fail(f"Customer {id} ({row.get('DisplayName')}) created by the run is still active")
    created = [id for id in after["Customer"] if id not in before["Customer"]]
    if len(created) != created_customers:
        fail(f"{len(created)} customers were created by the run, the journal says {created_customers}")


def compare_meaning(expected, actual):
    for label, a, b in zip(("documents", "payments", "customers"), expected, actual):
        if a != b:
            if isinstance(a, dict):
                keys = sorted(set(a) | set(b), key=str)
                diff = [(k, a.get(k), b.get(k)) for k in keys if a.get(k) != b.get(k)]
            else:
                diff = [x for x in a if x not in b][:3] + [("extra",) + (x,) for x in b if x not in a][:3]
            fail(f"after the re-sync the {label} differ from the end state: {diff[:4]}")


ENTITY = {"customer": "Customer", "invoice": "Invoice", "payment": "Payment", "credit_memo": "CreditMemo"}


def later_creates(ledger, run_id):
    """The objects later runs created and no undo removed, by entity."""
    later = {}
    with sqlite3.connect(ledger) as db:
        for kind, qb_id in db.execute(
                "SELECT kind, qb_id FROM run_writes WHERE run_id != ? AND operation = 'create' AND undone_at IS NULL "
                "AND id > (SELECT MAX(id) FROM run_writes WHERE run_id = ?)", (run_id, run_id)):
            later.setdefault(ENTITY[kind], set()).add(qb_id)
    return later


def reversals_by_undo(ledger, run_id):
    """The reversals the undo of `run_id` wrote (the run's writes and later payments on them):
    those it recorded, and those a killed undo sent and the next found done (`gone`, with the
    killed one's intent noted)."""
    with sqlite3.connect(ledger) as db:
        return db.execute(
            "SELECT COUNT(*) FROM run_writes WHERE (undo_result IN ('deleted', 'voided', 'deactivated', 'restored') "
            "OR (undo_result = 'gone' AND undo_intent IS NOT NULL)) "
            "AND undo_run_id IN (SELECT id FROM runs WHERE command = ?)", (f"undo {run_id}",)).fetchone()[0]


def journal(ledger, run_id):
    with sqlite3.connect(ledger) as db:
        rows = db.execute(
            "SELECT id, kind, portpro_id, operation, undo_result, undone_at FROM run_writes WHERE run_id = ?",
            (run_id,)).fetchall()
        audits = dict(db.execute(
            "SELECT portpro_id || '/' || kind, COUNT(*) FROM audit WHERE action = 'undo' AND source = ? "
            "GROUP BY portpro_id, kind", (f"undo {run_id}",)).fetchall())
    return rows, audits


def undo_until_done(config, run_id, url, kills, rng, folder):
    """Runs the undo, killing it with SIGKILL after a random number of QuickBooks writes (each
    kill waits for one more write than the last); returns (runs, kills, exit codes)."""
    runs, killed, exits = 0, 0, []
    while True:
        runs += 1
        if runs > kills + 10:
            fail(f"the undo did not finish in {runs - 1} runs (exits {exits})")
            return runs, killed, exits
        log = open(os.path.join(folder, f"undo-{runs}.log"), "w")
        process = subprocess.Popen([bench.PORTBOOKS, "undo", run_id, "--config", config], stdout=log,
                                   stderr=subprocess.STDOUT)
        log.close()
        if killed < kills:
            start = http(url + "/_sandbox/stats")["writes"]
            target = start + rng.randint(1, 6)
            while process.poll() is None and http(url + "/_sandbox/stats")["writes"] < target:
                time.sleep(0.01)
            time.sleep(rng.uniform(0.0, 0.05))
            if process.poll() is None:
                process.send_signal(signal.SIGKILL)
                process.wait()
                killed += 1
                print(f"  kill {killed}: after {http(url + '/_sandbox/stats')['writes'] - start} write(s) of run {runs}",
                      flush=True)
                continue
        exits.append(process.wait())
        if exits[-1] in (0, 3):
            return runs, killed, exits
        print(f"  undo run {runs} exited {exits[-1]}; again", flush=True)


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--build", choices=("release", "debug"), default="debug")
    parser.add_argument("--kills", type=int, default=0, help="SIGKILL the undo this many times")
    parser.add_argument("--invoices", type=int, default=0, help="a generated export of N invoices instead of the demo")
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--faults", action="store_true",
                        help="during the undo, the sandbox answers 5%% of requests with a 500 and drops 3%% of "
                        "answers after committing the write")
    parser.add_argument("--out", default=None, help="folder for the project and undo-check.json")
    args = parser.parse_args()
    bench.PORTBOOKS = os.path.join(ROOT, ".build", args.build, "portbooks")
    bench.SANDBOX = os.path.join(ROOT, ".build", args.build, "qbo-sandbox")
    out = args.out or tempfile.mkdtemp(prefix="pb-undo-")
    os.makedirs(out, exist_ok=True)
    folder = os.path.join(out, "project")
    sandbox, url = start_sandbox("--limits", "off")
    try:
        config = connected_project(url, folder)
        realm = http(url + "/_sandbox/realms")[0]
        ledger = os.path.join(folder, "state", "portbooks.sqlite")
        before = snapshot(url, realm)
        if args.invoices:
            export = os.path.join(out, f"export-{args.invoices}.json")
            generate(args.invoices, "json", export, seed=args.seed)
            subprocess.run([bench.PORTBOOKS, "import", "--config", config, export], stdout=subprocess.DEVNULL,
                           stderr=subprocess.DEVNULL)
        else:
            demo_runs(folder, config)
        end = snapshot(url, realm)
        run_id = first_run(ledger)
        rows, _ = journal(ledger, run_id)
        created_customers = sum(1 for r in rows if r[1] == "customer" and r[3] == "create")
        print(f"== undo of run {run_id}: {len(rows)} journalled writes "
              f"({', '.join(f'{sum(1 for r in rows if r[1] == k)} {k}' for k in ('customer', 'invoice', 'credit_memo', 'payment'))})",
              flush=True)
        dry = subprocess.run([bench.PORTBOOKS, "undo", run_id, "--dry-run", "--config", config],
                             stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
        if snapshot(url, realm) != end:
            fail("the dry run changed QuickBooks")
        if dry.returncode != 0:
            fail(f"the dry run exited {dry.returncode}: {dry.stdout[-2000:]}")
        writes_before = http(url + "/_sandbox/stats")["writes"]
        if args.faults:
            http(url + "/_sandbox/faults", "POST",
                 json.dumps({"serverError": 0.05, "dropAfterCommit": 0.03, "seed": args.seed}))
        runs, kills, exits = undo_until_done(config, run_id, url, args.kills, random.Random(args.seed), out)
        if args.faults:
            http(url + "/_sandbox/faults", "POST", json.dumps({"serverError": 0, "dropAfterCommit": 0}))
        writes = http(url + "/_sandbox/stats")["writes"] - writes_before
        after = snapshot(url, realm)
        compare_to_before(before, after, created_customers, later_creates(ledger, run_id))
        rows, audits = journal(ledger, run_id)
        open_rows = [r for r in rows if r[5] is None and r[3] != "void"]
        if open_rows:
            fail(f"{len(open_rows)} journalled writes are not undone: {open_rows[:3]}")
        twice = {k: v for k, v in audits.items() if v != 1}
        if twice:
            fail(f"records undone more than once in the ledger: {list(twice.items())[:3]}")
        reversals = reversals_by_undo(ledger, run_id)
        # A reversal an undo sent before it was killed and re-sent after is replayed by its
        # requestid: QuickBooks counts each reversal as one write, however often it was sent.
        if writes != reversals:
            fail(f"QuickBooks counted {writes} writes for {reversals} reversals (something was written twice)")
        print(f"  undo: {runs} run(s), {kills} kill(s), exits {exits}; {writes} QuickBooks writes for {reversals} "
              "reversals", flush=True)
        resync = sync(config)
        if resync.returncode not in (0, 3):
            fail(f"the sync after the undo exited {resync.returncode}: {resync.stdout[-2000:]}")
        compare_meaning(meaning(end), meaning(snapshot(url, realm)))
        summary = {"run": run_id, "faults": args.faults, "writes": len(rows), "undoRuns": runs, "kills": kills, "exits": exits,
                   "quickbooksWrites": writes, "reversals": reversals, "failures": FAILURES}
        json.dump(summary, open(os.path.join(out, "undo-check.json"), "w"), indent=2)
        print(f"  {'OK' if not FAILURES else f'{len(FAILURES)} FAILURE(S)'}; project folder {folder}")
    finally:
        sandbox.send_signal(signal.SIGTERM)
        sandbox.wait(timeout=30)
    sys.exit(1 if FAILURES else 0)


if __name__ == "__main__":
    main()
