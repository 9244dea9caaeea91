#!/usr/bin/env python3
"""`make lifecycle`: PortPro billing over time, synced after every day, with QuickBooks'
balances audited against PortPro's.

A seeded simulation of one carrier's billing: customers (one of them billing in CAD),
invoices of one to three charge sets, edited while open, voided before anything is paid,
credit memos that go DRAFTED → APPROVED → APPLIED (or stay ISSUED as customer credit),
payments in part, in full, across two invoices and over the amount owed (what is left
applied later to another invoice: the payment is updated), payments voided (sometimes with
their invoice, the same day). Each day's changes
are written as a PortPro export (JSON drop file, the records touched that day plus a few
re-exported unchanged) into the project's inbox, and `portbooks sync` runs. After every
sync the audit reads QuickBooks (a qbo-sandbox, through its test API) and checks, for every
record PortBooks manages:

- an invoice PortPro voided is void in QuickBooks (TotalAmt and Balance 0, "Voided" in its
  note) or was never created; any other is there once with PortPro's total, and its
  `Balance` is total − payments applied − credits applied;
- a DRAFTED or APPROVED credit memo is not in QuickBooks; an ISSUED one is, with all its
  credit remaining; an APPLIED one is, with none remaining;
- every payment is there once with PortPro's amount, applied to the right invoices;
- each customer's `Balance` is what Intuit's definition gives: its open invoices' balances
  less its unapplied credit (credit memos' remaining credit and payments' unapplied amounts);
- every customer and invoice is in PortPro's currency (`--multicurrency`: the company has
  multicurrency on, and the CAD customer's records are booked in CAD);
- problems.csv holds exactly what the company makes inevitable: the CAD customer while
  multicurrency is off (`currency-not-enabled`), and its records waiting on it.

`--faults` has the sandbox inject server errors, commit-then-drop and throttles, and `--kills`
SIGKILLs some syncs at random moments (the sync is run again until it finishes, as the
scheduled job would); the audit is the same. Exits 1
listing every mismatch. Nothing here asserts a time.
"""
import argparse
import json
import os
import random
import shutil
import signal
import subprocess
import sys
import tempfile
import urllib.request
from decimal import Decimal

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import bench  # noqa: E402

CENT = Decimal("0.01")
CHARGES = ["BASE PRICE", "FUEL SURCHARGE", "CHASSIS", "WAITING TIME", "PREPULL", "YARD STORAGE"]
FAULTS = {"serverError": 0.04, "dropAfterCommit": 0.03, "throttle": 0.03, "latencyMs": 2}


def money(value):
    return str(value.quantize(CENT))


def get(url):
    with urllib.request.urlopen(url, timeout=60) as response:
        return json.loads(response.read(), parse_float=Decimal, parse_int=Decimal)


class PortPro:
    """What PortPro holds and means: the simulation's state, and the export of a day's changes."""

    def __init__(self, rng, per_day):
        self.rng = rng
        self.per_day = per_day
        self.day = 0
        self.customers = {}
        self.invoices = {}
        self.memos = {}
        self.payments = {}
        self.touched = set()
        self.next_number = 1
        for n in range(1, 7):
            cad = n == 6
            cid = f"lc{n:022d}"
            self.customers[cid] = {
                "_id": cid,
                "company_name": f"Lifecycle {'Maple ' if cad else ''}Drayage Client {n}",
                "quickbooksEmail": f"ap+{n}@lifecycle-client-{n}.example",
                "currency": "CAD" if cad else "USD",
                "country": "CA" if cad else "US",
            }
            self.touched.add(("customer", cid))

    # MARK: The state PortBooks must reproduce

    def paid(self, iid):
        return sum((a for p in self.payments.values() if not p.get("voided") for i, a in p["apps"] if i == iid),
                   Decimal(0))

    def credited(self, iid):
        return sum((m["amount"] for m in self.memos.values() if m["invoice"] == iid and m["status"] == "APPLIED"),
                   Decimal(0))

    def owed(self, iid):
        invoice = self.invoices[iid]
        return invoice["total"] - self.paid(iid) - self.credited(iid)

    def open_invoices(self):
        return [i for i, v in self.invoices.items() if v["status"] != "VOIDED" and self.owed(i) > 0]

    # MARK: One day of billing

    def advance(self):
        self.day += 1
        rng = self.rng
        for _ in range(self.per_day):
            self.new_invoice()
        for iid in rng.sample(self.open_invoices(), k=min(2, len(self.open_invoices()))):
            self.edit(iid)
        untouched = [i for i in self.open_invoices() if self.paid(i) == 0 and not self.memos_of(i)]
        if untouched and rng.random() < 0.6:
            iid = rng.choice(untouched)
            self.invoices[iid]["status"] = "VOIDED"
            self.touched.add(("invoice", iid))
        for memo in list(self.memos.values()):
            self.progress(memo)
        for iid in rng.sample(self.open_invoices(), k=min(2, len(self.open_invoices()))):
            if rng.random() < 0.5 and not self.memos_of(iid):
                self.new_memo(iid)
        self.pay()
        self.apply_leftovers()
        self.void_payment()

    def memos_of(self, iid):
        return [m for m in self.memos.values() if m["invoice"] == iid]

    def charge_sets(self, number):
        sets = []
        for part in range(self.rng.randint(1, 3)):
            charges = [(name, Decimal(self.rng.randint(4000, 90000)) / 100)
                       for name in self.rng.sample(CHARGES, k=self.rng.randint(1, 3))]
            sets.append({"number": number if part == 0 else f"{number}-{part}", "load": f"LC_L{self.next_number}{part}",
                         "charges": charges})
        return sets

    def new_invoice(self):
        number = f"LC_{self.next_number:06d}"
        self.next_number += 1
        customer = self.rng.choice(list(self.customers))
        iid = f"li{self.next_number:022d}"
        sets = self.charge_sets(number)
        self.invoices[iid] = {"_id": iid, "number": number, "customer": customer, "day": self.day,
                              "status": "BILLING", "sets": sets, "total": self.total(sets)}
        self.touched.add(("invoice", iid))

    @staticmethod
    def total(sets):
        return sum((a for s in sets for _, a in s["charges"]), Decimal(0))

    def edit(self, iid):
        """A charge re-rated; never below what is already paid and credited."""
        invoice = self.invoices[iid]
        charge_set = self.rng.choice(invoice["sets"])
        index = self.rng.randrange(len(charge_set["charges"]))
        name, amount = charge_set["charges"][index]
        floor = self.paid(iid) + self.credited(iid) - (invoice["total"] - amount)
        new = max(Decimal(self.rng.randint(4000, 90000)) / 100, floor + Decimal("1.00"))
        charge_set["charges"][index] = (name, new)
        invoice["total"] = self.total(invoice["sets"])
        self.touched.add(("invoice", iid))

    def new_memo(self, iid):
        owed = self.owed(iid)
        amount = min(owed, Decimal(self.rng.randint(2500, 30000)) / 100)
        if amount <= 0:
            return
        mid = f"lm{len(self.memos) + 1:022d}"
        self.memos[mid] = {"_id": mid, "number": f"LCM-{len(self.memos) + 1:05d}", "invoice": iid,
                           "customer": self.invoices[iid]["customer"], "amount": amount, "status": "DRAFTED",
                           "day": self.day, "issue_only": self.rng.random() < 0.25}
        self.touched.add(("credit_memo", mid))

    def progress(self, memo):
        """DRAFTED → APPROVED → APPLIED (or ISSUED: customer credit), when the invoice still owes it."""
        if self.rng.random() < 0.4:
            return
        before = memo["status"]
        if before == "DRAFTED":
            memo["status"] = "APPROVED"
        elif before == "APPROVED":
            invoice = self.invoices[memo["invoice"]]
            if memo["issue_only"]:
                memo["status"] = "ISSUED"
            elif invoice["status"] != "VOIDED" and self.owed(memo["invoice"]) >= memo["amount"]:
                memo["status"] = "APPLIED"
        if memo["status"] != before:
            self.touched.add(("credit_memo", memo["_id"]))

    def pay(self):
        """Customers pay part, all, two invoices at once, or more than they owe."""
        by_customer = {}
        for iid in self.open_invoices():
            if self.invoices[iid]["day"] < self.day:
                by_customer.setdefault(self.invoices[iid]["customer"], []).append(iid)
        for customer, invoices in by_customer.items():
            if self.rng.random() < 0.5:
                continue
            chosen = self.rng.sample(invoices, k=min(len(invoices), self.rng.randint(1, 2)))
            apps = []
            for iid in chosen:
                owed = self.owed(iid)
                amount = owed if self.rng.random() < 0.6 else (owed * Decimal(self.rng.randint(20, 80)) / 100).quantize(CENT)
                if amount > 0:
                    apps.append((iid, amount))
            if not apps:
                continue
            over = Decimal(self.rng.randint(100, 5000)) / 100 if self.rng.random() < 0.15 else Decimal(0)
            pid = f"lp{len(self.payments) + 1:022d}"
            self.payments[pid] = {"_id": pid, "customer": customer, "day": self.day, "apps": apps, "over": over > 0,
                                  "amount": sum((a for _, a in apps), Decimal(0)) + over,
                                  "ref": f"LCHK-{len(self.payments) + 1:05d}"}
            self.touched.add(("payment", pid))

    def void_payment(self):
        """PortPro voids a payment entered by mistake: its invoices owe again. Some days the same
        day as it voids one of those invoices (the payment must come off first)."""
        earlier = [p for p in self.payments.values() if not p.get("voided") and p["day"] < self.day]
        if not earlier or self.rng.random() < 0.7:
            return
        payment = self.rng.choice(earlier)
        payment["voided"] = True
        self.touched.add(("payment", payment["_id"]))
        if self.rng.random() < 0.5:
            for iid, _ in payment["apps"]:
                invoice = self.invoices[iid]
                if invoice["status"] != "VOIDED" and self.paid(iid) == 0 and not self.memos_of(iid):
                    invoice["status"] = "VOIDED"
                    self.touched.add(("invoice", iid))

    def apply_leftovers(self):
        """PortPro applies what a customer paid too much to another of its open invoices: the
        payment's applications change, its amount does not."""
        for payment in self.payments.values():
            over = payment["amount"] - sum((a for _, a in payment["apps"]), Decimal(0))
            if over <= 0 or payment["day"] == self.day or payment.get("voided") or self.rng.random() < 0.5:
                continue
            applied = {i for i, _ in payment["apps"]}
            candidates = [i for i in self.open_invoices()
                          if self.invoices[i]["customer"] == payment["customer"] and i not in applied
                          and self.owed(i) >= over]
            if candidates:
                payment["apps"].append((self.rng.choice(candidates), over))
                payment["reapplied"] = True
                self.touched.add(("payment", payment["_id"]))

    # MARK: Export

    def caller(self, cid):
        customer = self.customers[cid]
        return {"_id": cid, "company_name": customer["company_name"], "currency": customer["currency"]}

    def date(self, day):
        return f"2026-{1 + day // 28:02d}-{1 + day % 28:02d}"

    def export(self):
        """The records touched today, plus a few re-exported unchanged (they must change nothing)."""
        touched = set(self.touched)
        for iid in self.rng.sample(list(self.invoices), k=min(3, len(self.invoices))):
            touched.add(("invoice", iid))
        self.touched = set()
        doc = {"formatVersion": "1.0", "exportedAt": f"{self.date(self.day)}T20:00:00Z",
               "customers": [], "invoices": [], "payments": [], "creditMemos": []}
        for kind, rid in sorted(touched):
            if kind == "customer":
                c = self.customers[rid]
                doc["customers"].append({k: c[k] for k in ("_id", "company_name", "quickbooksEmail", "currency",
                                                           "country")})
            elif kind == "invoice":
                i = self.invoices[rid]
                doc["invoices"].append({
                    "_id": rid, "reference_number": i["number"], "caller": self.caller(i["customer"]),
                    "billingDate": self.date(i["day"]), "status": i["status"],
                    "currency": self.customers[i["customer"]]["currency"], "totalAmount": money(i["total"]),
                    "chargeSets": [{
                        "charge_set_number": s["number"], "billType": "MAIN" if n == 0 else "SUB_BILL",
                        "load_reference_number": s["load"],
                        "totalAmount": money(sum((a for _, a in s["charges"]), Decimal(0))),
                        "pricing": [{"name": name, "chargeType": "BASE", "unit": 1, "chargePerUnit": money(a),
                                     "finalAmount": money(a)} for name, a in s["charges"]],
                    } for n, s in enumerate(i["sets"])],
                })
            elif kind == "credit_memo":
                m = self.memos[rid]
                invoice = self.invoices[m["invoice"]]
                doc["creditMemos"].append({
                    "_id": rid, "credit_memo_number": m["number"], "caller": self.caller(m["customer"]),
                    "creditDate": self.date(m["day"]), "invoiceId": m["invoice"],
                    "invoice_reference_number": invoice["number"], "status": m["status"],
                    "totalAmount": money(m["amount"]),
                    "lines": [{"name": "BASE PRICE", "description": "Rate adjustment", "amount": money(m["amount"])}],
                })
            else:
                p = self.payments[rid]
                record = {
                    "_id": rid, "caller": self.caller(p["customer"]), "paymentDate": self.date(p["day"]),
                    "amount": money(p["amount"]), "paymentMethod": "CHECK", "referenceNo": p["ref"],
                    "invoices": [{"invoiceId": i, "reference_number": self.invoices[i]["number"], "amount": money(a)}
                                 for i, a in p["apps"]],
                }
                if p.get("voided"):
                    record["status"] = "VOIDED"
                doc["payments"].append(record)
        return doc


class Audit:
    def __init__(self):
        self.failures = []

    def fail(self, day, message):
        self.failures.append(f"day {day}: {message}")


def audit(world, url, realm, project, day, result, multicurrency):
    """QuickBooks against PortPro, after one day's sync."""
    qb = {e: get(f"{url}/_sandbox/realms/{realm}/{e}") for e in ("Customer", "Invoice", "CreditMemo", "Payment")}
    cad = {cid for cid, c in world.customers.items() if c["currency"] != "USD"}
    blocked = set() if multicurrency else cad

    def one(entity, key, value, what):
        found = [o for o in qb[entity] if o.get(key) == value]
        if len(found) > 1:
            result.fail(day, f"{what} is in QuickBooks {len(found)} times")
        return found[0] if found else None

    customers = {}
    for cid, c in world.customers.items():
        obj = one("Customer", "DisplayName", c["company_name"], f"customer {c['company_name']}")
        if cid in blocked:
            if obj:
                result.fail(day, f"customer {c['company_name']} ({c['currency']}) was created with multicurrency off")
            continue
        if not obj:
            result.fail(day, f"customer {c['company_name']} is not in QuickBooks")
            continue
        customers[cid] = obj
        currency = (obj.get("CurrencyRef") or {}).get("value", "USD")
        if currency != c["currency"]:
            result.fail(day, f"customer {c['company_name']} is in {currency} in QuickBooks, {c['currency']} in PortPro")
    invoices = {}
    for iid, i in world.invoices.items():
        obj = one("Invoice", "DocNumber", i["number"], f"invoice {i['number']}")
        if i["customer"] in blocked:
            if obj:
                result.fail(day, f"invoice {i['number']} of a {world.customers[i['customer']]['currency']} customer "
                                 "was booked with multicurrency off")
            continue
        if i["status"] == "VOIDED":
            if obj and not (Decimal(obj["TotalAmt"]) == 0 and Decimal(obj["Balance"]) == 0
                            and (obj.get("PrivateNote") or "").startswith("Voided")):
                result.fail(day, f"invoice {i['number']} is VOIDED in PortPro but open in QuickBooks "
                                 f"(total {obj['TotalAmt']}, balance {obj['Balance']})")
            continue
        if not obj:
            result.fail(day, f"invoice {i['number']} is not in QuickBooks")
            continue
        invoices[iid] = obj
        currency = (obj.get("CurrencyRef") or {}).get("value", "USD")
        if currency != world.customers[i["customer"]]["currency"]:
            result.fail(day, f"invoice {i['number']} is in {currency} in QuickBooks, "
                             f"{world.customers[i['customer']]['currency']} in PortPro")
        expected = i["total"] - world.paid(iid) - world.credited(iid)
        if Decimal(obj["TotalAmt"]) != i["total"]:
            result.fail(day, f"invoice {i['number']}: total {obj['TotalAmt']} in QuickBooks, {i['total']} in PortPro")
        if Decimal(obj["Balance"]) != expected:
            result.fail(day, f"invoice {i['number']}: balance {obj['Balance']} in QuickBooks, PortPro's is {expected} "
                             f"({i['total']} − {world.paid(iid)} paid − {world.credited(iid)} credited)")
        if obj.get("CustomerRef", {}).get("value") != customers.get(i["customer"], {}).get("Id"):
            result.fail(day, f"invoice {i['number']} is on the wrong customer")
    unapplied = {}
    for mid, m in world.memos.items():
        obj = one("CreditMemo", "DocNumber", m["number"], f"credit memo {m['number']}")
        posted = m["status"] in ("ISSUED", "APPLIED") and m["customer"] not in blocked
        if not posted:
            if obj:
                result.fail(day, f"credit memo {m['number']} is {m['status']} in PortPro but posted to QuickBooks")
            continue
        if not obj:
            result.fail(day, f"credit memo {m['number']} ({m['status']}) is not in QuickBooks")
            continue
        remaining = Decimal(obj.get("RemainingCredit", obj.get("Balance", 0)))
        want = Decimal(0) if m["status"] == "APPLIED" else m["amount"]
        if remaining != want:
            result.fail(day, f"credit memo {m['number']} ({m['status']}): {remaining} credit remaining in QuickBooks, "
                             f"{want} expected")
        unapplied[m["customer"]] = unapplied.get(m["customer"], Decimal(0)) + want
    for pid, p in world.payments.items():
        obj = one("Payment", "PaymentRefNum", p["ref"], f"payment {p['ref']}")
        if p["customer"] in blocked:
            if obj:
                result.fail(day, f"payment {p['ref']} of a blocked customer was booked")
            continue
        if p.get("voided"):
            if obj and not (Decimal(obj["TotalAmt"]) == 0 and (obj.get("PrivateNote") or "").startswith("Voided")):
                result.fail(day, f"payment {p['ref']} is VOIDED in PortPro but stands in QuickBooks ({obj['TotalAmt']})")
            continue
        if not obj:
            result.fail(day, f"payment {p['ref']} is not in QuickBooks")
            continue
        if Decimal(obj["TotalAmt"]) != p["amount"]:
            result.fail(day, f"payment {p['ref']}: {obj['TotalAmt']} in QuickBooks, {p['amount']} in PortPro")
        applied = {}
        for line in obj.get("Line", []):
            for link in line.get("LinkedTxn", []):
                if link.get("TxnType") == "Invoice":
                    applied[link["TxnId"]] = applied.get(link["TxnId"], Decimal(0)) + Decimal(line["Amount"])
        want = {invoices[i]["Id"] if i in invoices else i: a for i, a in p["apps"]}
        if applied != want:
            result.fail(day, f"payment {p['ref']} applies {applied} in QuickBooks, {want} in PortPro")
        over = p["amount"] - sum((a for _, a in p["apps"]), Decimal(0))
        unapplied[p["customer"]] = unapplied.get(p["customer"], Decimal(0)) + over
    for cid, obj in customers.items():
        open_balance = sum((Decimal(invoices[i]["Balance"]) for i in invoices if world.invoices[i]["customer"] == cid),
                           Decimal(0))
        want = open_balance - unapplied.get(cid, Decimal(0))
        if Decimal(obj.get("Balance", 0)) != want:
            result.fail(day, f"customer {obj['DisplayName']}: balance {obj.get('Balance')} in QuickBooks, {want} by "
                             f"Intuit's definition ({open_balance} open − {unapplied.get(cid, Decimal(0))} credit)")
    # problems.csv: the CAD customer and what waits on it, nothing else.
    import csv
    with open(os.path.join(project, "reports", "problems.csv"), encoding="utf-8-sig", newline="") as handle:
        rows = list(csv.DictReader(handle))
    cad_names = {world.customers[c]["company_name"] for c in blocked}
    for row in rows:
        if row["customer"] in cad_names or row["number"] in cad_names:
            continue
        result.fail(day, f"problems.csv: {row['entity']} {row['number']} {row['problem_code']}: {row['problem']}")


def sync(config, faults, kills=None):
    """One scheduled run; with faults or kills, run again until one finishes (exit 0 or 3), as
    the scheduled job would. `kills` (a random.Random) SIGKILLs some runs at a random moment."""
    for attempt in range(40):
        process = subprocess.Popen([bench.PORTBOOKS, "sync", "--config", config, "--settle", "0"],
                                   stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        if kills is not None and attempt < 3 and kills.random() < 0.5:
            try:
                process.wait(timeout=kills.uniform(0.05, 1.5))
            except subprocess.TimeoutExpired:
                process.send_signal(signal.SIGKILL)
        out, err = process.communicate()
        if process.returncode in (0, 3):
            return attempt + 1
        if not faults and kills is None:
            sys.exit(f"lifecycle: sync exited {process.returncode}\n{out}\n{err}")
    sys.exit("lifecycle: the sync did not finish in 40 runs")


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--days", type=int, default=20)
    parser.add_argument("--per-day", type=int, default=8, help="new invoices a day")
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--faults", action="store_true", help="server errors, dropped answers and throttles")
    parser.add_argument("--kills", action="store_true", help="SIGKILL some syncs at random moments")
    parser.add_argument("--multicurrency", action="store_true",
                        help="the company has multicurrency on: the CAD customer is booked in CAD")
    parser.add_argument("--build", choices=("release", "debug"), default="debug")
    parser.add_argument("--keep", action="store_true", help="keep the project folder")
    args = parser.parse_args()
    bench.PORTBOOKS = os.path.join(bench.ROOT, ".build", args.build, "portbooks")
    bench.SANDBOX = os.path.join(bench.ROOT, ".build", args.build, "qbo-sandbox")
    world = PortPro(random.Random(args.seed), args.per_day)
    folder = tempfile.mkdtemp(prefix="portbooks-lifecycle-")
    sandbox, url = bench.start_sandbox("--limits", "off", *(["--multicurrency"] if args.multicurrency else []))
    result = Audit()
    try:
        project = os.path.join(folder, "project")
        bench.connected_project(url, project)
        config = os.path.join(project, "portbooks.toml")
        realm = bench.http(url + "/_sandbox/realms")[0]
        if args.faults:
            bench.http(url + "/_sandbox/faults", "POST", json.dumps({**FAULTS, "seed": args.seed}))
        runs = 0
        for day in range(1, args.days + 1):
            world.advance()
            path = os.path.join(project, "inbox", f"portpro-{day:03d}.json")
            with open(path + ".part", "w", encoding="utf-8") as handle:
                json.dump(world.export(), handle, indent=1)
            os.rename(path + ".part", path)
            runs += sync(config, args.faults, random.Random(args.seed * 1000 + day) if args.kills else None)
            audit(world, url, realm, project, day, result, multicurrency=args.multicurrency)
        if args.faults:
            bench.http(url + "/_sandbox/faults", "POST", json.dumps({k: 0 for k in FAULTS}))
        writes = bench.http(url + "/_sandbox/stats")["writes"]
        sync(config, False)
        if bench.http(url + "/_sandbox/stats")["writes"] != writes:
            result.fail(args.days, "a re-run with nothing new wrote to QuickBooks")
        statuses = {}
        for m in world.memos.values():
            statuses[m["status"]] = statuses.get(m["status"], 0) + 1
        voided = sum(1 for i in world.invoices.values() if i["status"] == "VOIDED")
        over = sum(1 for p in world.payments.values() if p["over"])
        reapplied = sum(1 for p in world.payments.values() if p.get("reapplied"))
        voided_payments = sum(1 for p in world.payments.values() if p.get("voided"))
        print(f"lifecycle: {args.days} days, {len(world.invoices)} invoices ({voided} voided), "
              f"{len(world.payments)} payments ({voided_payments} voided, {over} over the amount owed, {reapplied} of them "
              f"re-applied later), "
              f"{len(world.memos)} credit memos "
              f"({', '.join(f'{n} {s}' for s, n in sorted(statuses.items()))}), {runs} sync runs"
              + (", multicurrency on" if args.multicurrency else "") + (", with faults" if args.faults else "") + (", with kills" if args.kills else "") + f": {len(result.failures)} mismatch(es)")
        for line in result.failures[:200]:
            print("  " + line)
    finally:
        sandbox.terminate()
        sandbox.wait()
        if args.keep or result.failures:
            print(f"lifecycle: project kept in {folder}")
        else:
            shutil.rmtree(folder, ignore_errors=True)
    sys.exit(1 if result.failures else 0)


if __name__ == "__main__":
    main()
