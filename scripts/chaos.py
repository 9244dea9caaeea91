#!/usr/bin/env python3
"""`make chaos`: faults, SIGKILL and restart, then an exact audit of QuickBooks, the ledger
and problems.csv against the export itself.

A release qbo-sandbox (Intuit's limits at `--time-scale 60`, PortBooks pacing to match)
injects server errors (500, nothing written), commit-then-drop (the write is committed, the
connection closed without an answer), throttles (injected 429s) and latency, all from a
seeded generator. `portbooks import` of a generated export (`portbooks generate --invoices
N --payments-per-invoice 1`: N invoices, each paid by a payment, plus their customers and
credit memos; payments go in batches like invoices) is killed with SIGKILL at
seeded random moments spread over the import (the first within a second of starting, each
later one once a random share of what is left has synced, plus up to a second) and restarted,
until a run finishes. Then, from the export file (read here with Python's json, amounts as
Decimal), the sandbox's objects (read through its test API) and the ledger (SQLite, opened
read-only):

- QuickBooks holds exactly the expected objects: every customer (by DisplayName), invoice
  and credit memo (by DocNumber) and payment (by PaymentRefNum) exactly once, with equal
  amounts (Decimal, exact), the right customer, payments applied to the right invoices for
  the right amounts, and nothing else beyond what the sandbox was seeded with;
- the ledger agrees: every record is there, synced ones name a QuickBooks object that exists
  and carries the record's number, no two records share an object, nothing is left pending;
- problems.csv lists only genuine problems: the ones the export and the seeded company make
  inevitable (the demo seed's invoice RSRE_000150 belongs to another customer, so the
  export's RSRE_000150 is `duplicate-doc-number`, and payments applying to it wait,
  `invoice-not-synced`), and nothing a fault left behind.

Exits 1 with every mismatch listed; prints a short summary either way. Nothing here
asserts a time.
"""
import argparse
import csv
import json
import os
import random
import signal
import sqlite3
import subprocess
import sys
import time
from decimal import Decimal

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import bench  # noqa: E402
from bench import ROOT, TIME_SCALE, connected_project, generate, http, start_sandbox  # noqa: E402

DEFAULT_FAULTS = {"serverError": 0.03, "dropAfterCommit": 0.02, "throttle": 0.03, "latencyMs": 10}
KINDS = ("customer", "invoice", "credit_memo", "payment")
ENTITY = {"customer": "Customer", "invoice": "Invoice", "credit_memo": "CreditMemo", "payment": "Payment"}


def decimal_json(raw):
    return json.loads(raw, parse_float=Decimal, parse_int=Decimal)


def objects(url, realm, entity):
    """Every object of an entity in the sandbox, numbers as Decimal."""
    import urllib.request

    with urllib.request.urlopen(f"{url}/_sandbox/realms/{realm}/{entity}", timeout=60) as response:
        return decimal_json(response.read())


def number_of(kind, obj):
    """The field that identifies an object: what the ledger stores as the record's number."""
    if kind == "customer":
        return obj.get("DisplayName")
    if kind == "payment":
        return obj.get("PaymentRefNum")
    return obj.get("DocNumber")


def amount(text):
    return Decimal(str(text))


# MARK: Expectations from the export


class Expected:
    """What the export should become: records by kind, and the problems it must leave."""

    def __init__(self, export_path, baseline):
        data = json.load(open(export_path, encoding="utf-8"), parse_float=Decimal)
        self.customers = {c["_id"]: c for c in data.get("customers", [])}
        self.invoices = {i["_id"]: i for i in data.get("invoices", [])}
        self.payments = {p["_id"]: p for p in data.get("payments", [])}
        self.memos = {m["_id"]: m for m in data.get("creditMemos", [])}
        self.records = {
            "customer": self.customers, "invoice": self.invoices, "credit_memo": self.memos,
            "payment": self.payments,
        }
        self.problems = self._genuine_problems(baseline)

    @staticmethod
    def number(kind, record):
        return {
            "customer": lambda r: r["company_name"],
            "invoice": lambda r: r["reference_number"],
            "credit_memo": lambda r: r["credit_memo_number"],
            "payment": lambda r: r.get("referenceNo"),
        }[kind](record)

    @staticmethod
    def total(kind, record):
        if kind == "customer":
            return None
        return amount(record["amount"] if kind == "payment" else record["totalAmount"])

    def _genuine_problems(self, baseline):
        """(kind, portpro_id) → problem code, for what the seeded company makes inevitable."""
        problems = {}
        taken_names = {n.lower() for n in (v.get("DisplayName") for v in baseline["Vendor"]) if n}
        for cid, customer in self.customers.items():
            if customer["company_name"].lower() in taken_names:
                problems[("customer", cid)] = "customer-name-clash"
        for kind in ("invoice", "credit_memo"):
            seeded = {number_of(kind, o) for o in baseline[ENTITY[kind]]}
            for rid, record in self.records[kind].items():
                if ("customer", record["caller"]["_id"]) in problems:
                    problems[(kind, rid)] = "customer-not-synced"
                elif self.number(kind, record) in seeded:
                    # The seeded document has another customer (the export's customers are all new).
                    problems[(kind, rid)] = "duplicate-doc-number"
        troubled = {self.invoices[rid]["reference_number"] for (kind, rid) in problems if kind == "invoice"}
        for pid, payment in self.payments.items():
            if any(a["reference_number"] in troubled for a in payment["invoices"]):
                problems[("payment", pid)] = "invoice-not-synced"
        return problems

    def synced(self, kind):
        """The records of a kind that must end up in QuickBooks."""
        return {rid: r for rid, r in self.records[kind].items() if (kind, rid) not in self.problems}


# MARK: The audit


class Audit:
    def __init__(self):
        self.failures = []
        self.counts = {"duplicates": 0, "missing": 0, "unexpected": 0, "amounts": 0, "ledger": 0, "problems": 0}

    def fail(self, category, message):
        self.counts[category] += 1
        if len(self.failures) < 200:
            self.failures.append(f"[{category}] {message}")


def audit_sandbox(audit, expected, baseline, sandbox):
    """Every expected object exactly once, amounts equal, nothing else. Returns number → object."""
    created = {}
    for kind in KINDS:
        entity = ENTITY[kind]
        seeded_ids = {o["Id"] for o in baseline[entity]}
        new = [o for o in sandbox[entity] if o["Id"] not in seeded_ids]
        by_number = {}
        for obj in new:
            key = number_of(kind, obj)
            key = key.lower() if kind == "customer" and key else key
            by_number.setdefault(key, []).append(obj)
        wanted = {}
        for rid, record in expected.synced(kind).items():
            key = expected.number(kind, record)
            wanted[key.lower() if kind == "customer" else key] = (rid, record)
        for key, objs in by_number.items():
            if len(objs) > 1:
                audit.fail("duplicates", f"{entity} {key!r} is in QuickBooks {len(objs)} times "
                           f"(Ids {', '.join(o['Id'] for o in objs)})")
            if key not in wanted:
                audit.fail("unexpected", f"{entity} {key!r} (Id {objs[0]['Id']}) is not an expected object")
        for key, (rid, record) in wanted.items():
            objs = by_number.get(key, [])
            if not objs:
                audit.fail("missing", f"{entity} {key!r} ({rid}) is not in QuickBooks")
                continue
            created[(kind, rid)] = objs[0]
        for (k, rid), obj in list(created.items()):
            if k != kind:
                continue
            record = expected.records[kind][rid]
            total = Expected.total(kind, record)
            if total is not None and amount(obj.get("TotalAmt")) != total:
                audit.fail("amounts", f"{entity} {number_of(kind, obj)!r}: TotalAmt {obj.get('TotalAmt')} "
                           f"in QuickBooks, {total} in the export")
    # References: each transaction's customer, each payment's invoices and amounts.
    customer_qb = {rid: created[("customer", rid)]["Id"] for (k, rid) in created if k == "customer"}
    invoice_qb = {expected.invoices[rid]["reference_number"]: created[("invoice", rid)]["Id"]
                  for (k, rid) in created if k == "invoice"}
    for (kind, rid), obj in created.items():
        if kind == "customer":
            continue
        record = expected.records[kind][rid]
        want = customer_qb.get(record["caller"]["_id"])
        if obj.get("CustomerRef", {}).get("value") != want:
            audit.fail("amounts", f"{ENTITY[kind]} {number_of(kind, obj)!r}: CustomerRef "
                       f"{obj.get('CustomerRef', {}).get('value')}, expected {want}")
        if kind != "payment":
            continue
        applied = {}
        for line in obj.get("Line", []):
            for link in line.get("LinkedTxn", []):
                if link.get("TxnType") == "Invoice":
                    applied[link["TxnId"]] = applied.get(link["TxnId"], Decimal(0)) + amount(line["Amount"])
        wanted = {}
        for application in record["invoices"]:
            qb = invoice_qb.get(application["reference_number"])
            wanted[qb] = wanted.get(qb, Decimal(0)) + amount(application["amount"])
        if applied != wanted:
            audit.fail("amounts", f"Payment {number_of(kind, obj)!r} applies {applied}, expected {wanted}")
    return created


def audit_ledger(audit, expected, sandbox, ledger_path):
    """The ledger agrees with the export and with QuickBooks."""
    db = sqlite3.connect(f"file:{ledger_path}?mode=ro", uri=True)
    rows = db.execute("SELECT kind, portpro_id, number, state, qb_id, problem_code FROM records").fetchall()
    db.close()
    by_id = {kind: {o["Id"]: o for o in sandbox[ENTITY[kind]]} for kind in KINDS}
    ledger = {(kind, pid): (number, state, qb, code) for kind, pid, number, state, qb, code in rows}
    claimed = {}
    for (kind, pid), (number, state, qb, code) in ledger.items():
        if state == "pending":
            audit.fail("ledger", f"{kind} {pid} ({number}) is still pending")
        if state != "synced":
            continue
        obj = by_id[kind].get(qb)
        if obj is None:
            audit.fail("ledger", f"{kind} {pid} ({number}) is synced to QuickBooks Id {qb}, which does not exist")
        elif (number_of(kind, obj) or "").lower() != (number or "").lower():
            audit.fail("ledger", f"{kind} {pid} ({number}) is synced to {ENTITY[kind]} {qb}, "
                       f"which is {number_of(kind, obj)!r}")
        if (kind, qb) in claimed:
            audit.fail("ledger", f"{kind} {pid} and {claimed[(kind, qb)]} are both linked to Id {qb}")
        claimed[(kind, qb)] = pid
    for kind in KINDS:
        for rid in expected.records[kind]:
            entry = ledger.get((kind, rid))
            genuine = expected.problems.get((kind, rid))
            if entry is None:
                audit.fail("ledger", f"{kind} {rid} is not in the ledger")
            elif genuine is None and entry[1] != "synced":
                audit.fail("ledger", f"{kind} {rid} ({entry[0]}) is {entry[1]} {entry[3] or ''}, expected synced")
            elif genuine is not None and entry[1] == "synced":
                audit.fail("ledger", f"{kind} {rid} ({entry[0]}) is synced, expected the problem {genuine}")
    return ledger


def audit_problems(audit, expected, problems_path):
    """problems.csv holds exactly the genuine problems."""
    with open(problems_path, encoding="utf-8-sig", newline="") as handle:
        rows = list(csv.DictReader(handle))
    listed = {(row["entity"], row["portpro_id"]): row for row in rows}
    for key, row in listed.items():
        want = expected.problems.get(key)
        if want is None:
            audit.fail("problems", f"problems.csv lists {key[0]} {key[1]} ({row['number']}): "
                       f"{row['problem_code']} — {row['problem']}")
        elif row["problem_code"] != want:
            audit.fail("problems", f"problems.csv lists {key[0]} {key[1]} ({row['number']}) as "
                       f"{row['problem_code']}, expected {want}")
    for key, code in expected.problems.items():
        if key not in listed:
            audit.fail("problems", f"problems.csv does not list {key[0]} {key[1]} ({code})")
    return rows


# MARK: The run


def synced_count(ledger_path):
    try:
        db = sqlite3.connect(f"file:{ledger_path}?mode=ro", uri=True, timeout=1)
        try:
            return db.execute("SELECT COUNT(*) FROM records WHERE state = 'synced'").fetchone()[0]
        finally:
            db.close()
    except sqlite3.Error:
        return 0


def ledger_progress(ledger_path):
    """Synced records per kind right now (read-only), to say where a kill landed."""
    if not os.path.exists(ledger_path):
        return "before staging"
    try:
        db = sqlite3.connect(f"file:{ledger_path}?mode=ro", uri=True, timeout=5)
        rows = db.execute("SELECT kind, COUNT(*), SUM(state = 'synced') FROM records GROUP BY kind").fetchall()
        db.close()
    except sqlite3.Error as error:
        return f"ledger unreadable ({error})"
    if not rows:
        return "nothing staged"
    staged = {kind: (count, synced or 0) for kind, count, synced in rows}
    return ", ".join(f"{k} {staged[k][1]}/{staged[k][0]}" for k in KINDS if k in staged)


def run(invoices, seed=4, kills=12, max_delay=20.0, faults=None, max_runs=60, payments_per_invoice=1):
    """The whole chaos run; returns (audit, summary dict). `payments_per_invoice` N pays every
    invoice in N payments (`generate --payments-per-invoice N`); 0 keeps the generator's
    default mix (about 3 payments for every 10 invoices)."""
    faults = dict(DEFAULT_FAULTS if faults is None else faults)
    faults.setdefault("seed", seed)
    print(f"\n== Chaos: {invoices:,} invoices (with their customers, payments and credit memos); faults "
          + ", ".join(f"{k} {v}" for k, v in faults.items()) + f"; up to {kills} SIGKILLs ==", flush=True)
    os.makedirs(bench.OUT, exist_ok=True)
    folder = os.path.join(bench.OUT, f"chaos-{invoices}-{int(time.time())}")
    export = os.path.join(bench.OUT, f"chaos-export-{invoices}-{seed}-ppi{payments_per_invoice}.json")
    extra = ("--payments-per-invoice", str(payments_per_invoice)) if payments_per_invoice > 0 else ()
    generate(invoices, "json", export, seed=seed, extra=extra)
    # Intuit's limits run 60x faster, and PortBooks paces (and pauses 60/60 s after a 429) to
    # match, so injected throttles cost a second each instead of a minute.
    sandbox, url = start_sandbox("--limits", "qbo", "--time-scale", str(TIME_SCALE))
    started = time.monotonic()
    try:
        config = connected_project(url, folder)
        realm = http(url + "/_sandbox/realms")[0]
        baseline = {e: objects(url, realm, e) for e in (*ENTITY.values(), "Vendor")}
        http(url + "/_sandbox/faults", "POST", json.dumps(faults))
        ledger_path = os.path.join(folder, "state", "portbooks.sqlite")
        rng = random.Random(seed)
        records = sum(len(v) for v in Expected(export, baseline).records.values())
        # Kill moments spread over the whole import: the first lands early (staging, the
        # first lookups); each later one waits until the run has synced a random share (up to
        # an eighth) of what is left, then a random 0-1 s more, so kills land in every phase
        # and mid-request.
        killed, runs, exits = [], 0, []
        while True:
            runs += 1
            if runs > max_runs:
                sys.exit(f"chaos: import did not finish in {max_runs} runs (exits {exits})")
            log = open(os.path.join(folder, f"import-{runs}.log"), "w")
            process = subprocess.Popen(
                [bench.PORTBOOKS, "import", "--config", config, export], stdout=log, stderr=subprocess.STDOUT,
                env=dict(os.environ, PORTBOOKS_QBO_TIME_SCALE=str(TIME_SCALE)),
            )
            log.close()
            if len(killed) < kills:
                done = synced_count(ledger_path)
                target = None if not killed else done + rng.randint(1, max(1, (records - done) // 8))
                at = time.monotonic() + (rng.uniform(0.1, 1.0) if target is None else max_delay)
                jitter = rng.uniform(0.0, 1.0)
                while process.poll() is None and time.monotonic() < at:
                    if target is not None and synced_count(ledger_path) >= target:
                        at = min(at, time.monotonic() + jitter)
                        target = None
                    time.sleep(0.05)
                if process.poll() is None:
                    process.send_signal(signal.SIGKILL)
                    process.wait()
                    where = ledger_progress(ledger_path)
                    killed.append(where)
                    print(f"  kill {len(killed):2d}: synced so far {where}", flush=True)
                    continue
            code = process.wait()
            exits.append(code)
            if code in (0, 3):
                break
            # 75: QuickBooks unreachable or throttled past the retry budget; the next run resumes.
            print(f"  run {runs} exited {code}; restarting", flush=True)
        wall = time.monotonic() - started
        http(url + "/_sandbox/faults", "POST", json.dumps({k: 0 for k in DEFAULT_FAULTS}))
        stats = http(url + "/_sandbox/stats")
        sandbox_now = {e: objects(url, realm, e) for e in ENTITY.values()}
        expected = Expected(export, baseline)
        audit = Audit()
        audit_sandbox(audit, expected, baseline, sandbox_now)
        audit_ledger(audit, expected, sandbox_now, ledger_path)
        problem_rows = audit_problems(audit, expected, os.path.join(folder, "reports", "problems.csv"))
        if stats.get("duplicateDocNumbers", 0):
            audit.fail("duplicates", f"the sandbox counted {stats['duplicateDocNumbers']} duplicate DocNumbers")
        records = sum(len(v) for v in expected.records.values())
        summary = {
            "invoices": invoices, "records": records, "kills": len(killed), "runs": runs,
            "exits": exits, "seconds": round(wall, 1), "faults": faults,
            "duplicates": audit.counts["duplicates"], "missing": audit.counts["missing"],
            "unexpected": audit.counts["unexpected"], "mismatched": audit.counts["amounts"],
            "ledgerDisagreements": audit.counts["ledger"], "problemRows": len(problem_rows),
            "problemMismatches": audit.counts["problems"], "genuineProblems": len(expected.problems),
            "sandbox": {k: stats.get(k) for k in ("requests", "writes", "reads", "throttled")},
        }
        print(f"  {records:,} records ({', '.join(f'{len(expected.records[k]):,} {k}' for k in KINDS)}); "
              f"{len(killed)} kills, {runs} runs (last exit {exits[-1]}), {wall:.1f} s")
        print(f"  sandbox: {stats.get('requests'):,} requests, {stats.get('writes'):,} writes, "
              f"{stats.get('throttled')} 429s; throttledBy {stats.get('throttledBy')}")
        print(f"  duplicates {summary['duplicates']}, missing {summary['missing']}, unexpected "
              f"{summary['unexpected']}, mismatched amounts/references {summary['mismatched']}, "
              f"ledger disagreements {summary['ledgerDisagreements']}")
        print(f"  problems.csv: {len(problem_rows)} rows, {len(expected.problems)} genuine problems expected, "
              f"{summary['problemMismatches']} mismatches")
        for failure in audit.failures:
            print("  FAIL " + failure)
        json.dump(summary, open(os.path.join(folder, "chaos.json"), "w"), indent=2, default=str)
        print(f"  project folder: {folder}")
        return audit, summary
    finally:
        sandbox.send_signal(signal.SIGTERM)
        sandbox.wait(timeout=30)


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--invoices", "-n", type=int, default=2000, help="invoices in the generated export")
    # Seed 4's export has a payment covering RSRE_000150 (any N >= 150), so the genuine
    # problems include a blocked dependent, not only the clash itself.
    parser.add_argument("--seed", type=int, default=4, help="seeds the export, the kill moments and the faults")
    parser.add_argument("--kills", type=int, default=12, help="SIGKILLs before runs are left to finish")
    parser.add_argument("--max-delay", type=float, default=20.0, help="a run is killed after this many s at the latest")
    parser.add_argument("--build", choices=("release", "debug"), default="release", help="which binaries to run")
    parser.add_argument("--payments-per-invoice", type=int, default=1,
                        help="every invoice paid in N payments (they go in batches like the invoices); "
                             "0: the generator's default mix")
    parser.add_argument("--out", default=bench.OUT, help="where the export and the project folder go")
    args = parser.parse_args()
    bench.OUT = os.path.abspath(args.out)
    # bench's helpers (generate, start_sandbox, connected_project) read these module globals.
    bench.PORTBOOKS = os.path.join(ROOT, ".build", args.build, "portbooks")
    bench.SANDBOX = os.path.join(ROOT, ".build", args.build, "qbo-sandbox")
    if not os.path.exists(bench.PORTBOOKS) or not os.path.exists(bench.SANDBOX):
        sys.exit(f"chaos: build first (make chaos builds the release binaries; missing {bench.PORTBOOKS})")
    audit, _ = run(args.invoices, seed=args.seed, kills=args.kills, max_delay=args.max_delay,
                   payments_per_invoice=args.payments_per_invoice)
    if audit.failures:
        sys.exit(f"chaos: FAILED — {sum(audit.counts.values())} mismatch(es)")
    print("chaos: OK — QuickBooks holds exactly the export, the ledger agrees, problems.csv lists only genuine problems")


if __name__ == "__main__":
    main()
