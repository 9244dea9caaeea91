#!/usr/bin/env python3
"""Write fixtures/portpro-api/drop-example/: fixtures/drop-example re-expressed as PortPro API
responses, in the wire shape docs/FORMAT.md "PortPro API responses" describes.

Deterministic (stdlib only, no randomness): running it twice gives identical bytes.

    python3 scripts/make-portpro-api-fixtures.py

What it writes, and why (SyncEndToEndTests syncs these against the export files and
compares QuickBooks' end state):
- customers-page.json: one GET /v1/customer page (PortPro pages customers by 50) with
  PortPro's proxy `email` (never read) and a blank `currency` where the export has none.
- invoices-page-1.json, invoices-page-2.json: GET /v1/invoices pages, one envelope per load
  (load fields on the envelope, lookup fields alternately strings and {_id,name,label}), the
  invoice's fields repeated on each charge set, `finalAmount` strings and `amount` numbers,
  `paidAmount`/`remainAmount` per charge set. The combined invoice RSRE_000284's four loads
  are split over the two pages.
- invoice-RSRE_000198-1.json: the sub-bill RSRE_000198-1 as a GET /v1/invoices/{number}
  response, as if the list had omitted it.
Payments and credit memos stay export files: PortPro's API has no endpoint for them.

Fields whose wire name PortPro does not publish (`quickbooksEmail`, `notes`,
`charge_set_number`, `billType`, charge-set and charge `_id`, `perType`, `chargePerUnit`,
`freeDays`) are written under the export format's names, which the reader takes when present.
"""

import hashlib
import json
from decimal import Decimal
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SOURCE = ROOT / "fixtures" / "drop-example"
OUT = ROOT / "fixtures" / "portpro-api" / "drop-example"
SPLIT_INVOICE = "RSRE_000284"  # its loads go half on page 1, half on page 2
OMITTED = "RSRE_000198-1"  # comes as a single-invoice response instead
LOOKUPS = ("containerSize", "containerType", "terminal")
CHARGE_SET_FIELDS = ("_id", "charge_set_number", "billType")


def load(name):
    with open(SOURCE / name, encoding="utf-8") as handle:
        return json.load(handle, parse_float=Decimal)


def dump(value, indent=0):
    """JSON text with Decimals written exactly as numbers."""
    pad = "  " * indent
    inner = "  " * (indent + 1)
    if isinstance(value, dict):
        if not value:
            return "{}"
        items = [f"{inner}{json.dumps(k, ensure_ascii=False)}: {dump(v, indent + 1)}" for k, v in value.items()]
        return "{\n" + ",\n".join(items) + "\n" + pad + "}"
    if isinstance(value, list):
        if not value:
            return "[]"
        return "[\n" + ",\n".join(inner + dump(v, indent + 1) for v in value) + "\n" + pad + "]"
    if isinstance(value, Decimal):
        return str(value)
    return json.dumps(value, ensure_ascii=False)


def write(name, document):
    OUT.mkdir(parents=True, exist_ok=True)
    (OUT / name).write_text(dump(document) + "\n", encoding="utf-8")


def stamp(day):
    """A day as PortPro writes it: midnight UTC (a value already carrying a time is kept)."""
    return day if "T" in day else f"{day}T00:00:00Z"


def object_id(text):
    return hashlib.sha256(text.encode()).hexdigest()[:24]


def amount(value):
    return value if isinstance(value, Decimal) or isinstance(value, int) else Decimal(value)


def customers():
    result = []
    for customer in load("customers.json")["customers"]:
        wire = dict(customer)
        wire["email"] = f"{object_id(customer['_id'])}@portpro-proxy.example"  # PortPro's proxy: never read
        wire.setdefault("currency", "")
        wire["updatedAt"] = "2026-11-01T12:00:00.000Z"
        wire["secondary_contact_name"] = ""
        result.append(wire)
    return {"count": len(result), "data": result}


def paid_split(invoice):
    """paidAmount per charge set: the invoice's paid amount spread over its charge sets in order."""
    total = amount(invoice["totalAmount"])
    if "paidAmount" in invoice:
        paid = amount(invoice["paidAmount"])
    elif invoice.get("status") == "FULL_PAID":
        paid = total
    else:
        paid = Decimal(0)
    split = []
    for charge_set in invoice["chargeSets"]:
        share = min(paid, amount(charge_set["totalAmount"]))
        split.append(share)
        paid -= share
    return split


def charge_set(invoice, charge_set_, paid):
    total = amount(charge_set_["totalAmount"])
    wire = {
        "reference_number": invoice["reference_number"],
        "load_reference_number": charge_set_["load_reference_number"],
        "status": invoice["status"],
        "totalAmount": total,
        "paidAmount": paid,
        "remainAmount": total - paid,
        "billingDate": stamp(invoice["billingDate"]),
        "caller": dict(invoice["caller"], externalSystemID=""),
        "callerName": invoice["caller"]["company_name"],
        "referenceFields": {},
    }
    for field in CHARGE_SET_FIELDS:
        if field in charge_set_:
            wire[field] = charge_set_[field]
    if "notes" in invoice:
        wire["notes"] = invoice["notes"]
    pricing = []
    for charge in charge_set_["pricing"]:
        line = dict(charge)
        if "freeUnits" in line:
            line["freeDays"] = line.pop("freeUnits")
        line["finalAmount"] = f"{amount(charge['finalAmount']):.2f}"  # a string on the wire
        line["amount"] = amount(charge.get("amount", charge["finalAmount"]))  # a number on the wire
        pricing.append(line)
    wire["pricing"] = pricing
    return wire


def envelope(invoice, load_number, details, charge_sets, index):
    wire = {"_id": object_id(f"{invoice['_id']}/{load_number}"), "reference_number": load_number}
    for key, value in (details or {}).items():
        if key == "pickupDate":
            wire["pickupTimes"] = [{"pickupFromTime": stamp(value)}]
        elif key == "deliveryDate":
            wire["deliveryTimes"] = [{"deliveryFromTime": stamp(value)}]
        elif key in LOOKUPS and index % 2 == 1:
            wire[key] = {"_id": object_id(value), "name": value, "label": value}
        else:
            wire[key] = value
    if "payment_terms" in invoice:
        wire["payment_terms"] = invoice["payment_terms"]
        wire["payment_terms_method"] = "Net Days"
    if "invoiceDueDate" in invoice:
        wire["invoiceDueDate"] = stamp(invoice["invoiceDueDate"])
    wire["createdAt"] = invoice["createdAt"]
    wire["updatedAt"] = invoice["updatedAt"]
    wire["invoice"] = charge_sets
    return wire


def envelopes(invoices):
    """(load number, (invoice, load details, charge sets)) per invoice and load, in order."""
    by_load = {}
    order = []
    for invoice in invoices:
        for charge_set_, paid in zip(invoice["chargeSets"], paid_split(invoice)):
            key = (invoice["reference_number"], charge_set_["load_reference_number"])
            if key not in by_load:
                order.append(key)
                by_load[key] = (invoice, charge_set_.get("load"), [])
            by_load[key][2].append(charge_set(invoice, charge_set_, paid))
    return [(key[1], by_load[key]) for key in order]


def main():
    write("customers-page.json", customers())
    page_a = load("invoices-2026-11-a.json")["invoices"]
    page_b = load("invoices-2026-11-b.json")["invoices"]
    omitted = [invoice for invoice in page_a + page_b if invoice["reference_number"] == OMITTED]
    page_a = [invoice for invoice in page_a if invoice["reference_number"] != OMITTED]
    page_b = [invoice for invoice in page_b if invoice["reference_number"] != OMITTED]
    first = envelopes(page_a)
    second = envelopes(page_b)
    split = [i for i, (_, (invoice, _, _)) in enumerate(first) if invoice["reference_number"] == SPLIT_INVOICE]
    moved = first[split[len(split) // 2]:split[-1] + 1]
    first = [item for item in first if item not in moved]
    second = moved + second
    for name, items in (("invoices-page-1.json", first), ("invoices-page-2.json", second)):
        data = [envelope(invoice, number, details, sets, index)
                for index, (number, (invoice, details, sets)) in enumerate(items)]
        write(name, {"count": len(first) + len(second), "data": data})
    for invoice in omitted:
        (number, (source, details, sets)), = envelopes([invoice])
        single = envelope(source, number, details, sets, 0)
        single["total"] = len(sets)
        write(f"invoice-{invoice['reference_number']}.json", {"data": single, "error": None})


if __name__ == "__main__":
    main()
