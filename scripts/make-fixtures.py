#!/usr/bin/env python3
"""Write fixtures/drop-example/: a month of PortPro exports for a small LA/Long Beach
drayage carrier (RS Rush Drayage), each file as a JSON and an XML twin with the same
content (docs/FORMAT.md).

Deterministic: stdlib only, one fixed seed; running it twice gives identical bytes.

    python3 scripts/make-fixtures.py [OUTPUT_DIR]

Planted on purpose for `make demo` (the sandbox is seeded to match):
- the charge code LAYOVER (left unmapped by the example settings) on RSRE_000277;
- the customer named exactly "Harbor Freight Logistics" (the sandbox holds a Vendor of
  that name, so creating the Customer clashes);
- the invoice number RSRE_000150 (the sandbox already holds an invoice with it).

Realism: invoice numbers RSRE_000NNN (sub-bills RSRE_000NNN-1), load numbers
RSRUSH_E1NNNNN, ISO 6346 container numbers with computed check digits, master bills
of lading in each carrier's format, LA/LB terminals, drayage charges with realistic
units and rates (shared/reference/portpro-domain.md §3). Every charge satisfies
unit × chargePerUnit = finalAmount exactly, every charge set total is the sum of its
charges, every invoice total the sum of its charge sets, every payment the sum of its
applications, every credit memo the sum of its lines (asserted below).
"""

import copy
import datetime as dt
import json
import random
import re
import sys
from decimal import Decimal
from pathlib import Path
from xml.sax.saxutils import escape, quoteattr

SEED = 20261120
NS = "urn:portbooks:portpro-export:1"
EXTRA_NS = "urn:portpro:extra"  # foreign namespace for unknown PortPro fields in XML
CENT = Decimal("0.01")

rng = random.Random(SEED)


# --------------------------------------------------------------------------- values


class Num:
    """An amount written as a JSON number (PortPro's `amount`), e.g. 337.5 or 1265.00."""

    def __init__(self, value, fixed=False):
        self.value = Decimal(value)
        self.fixed = fixed  # True: always two decimals ("1265.00"); False: like JavaScript ("337.5")

    def literal(self):
        if self.fixed:
            return f"{self.value.quantize(CENT):f}"
        text = f"{self.value.normalize():f}"
        return text


def money(d):
    """An amount written as a string with cents, as PortPro writes finalAmount."""
    return f"{Decimal(d).quantize(CENT):f}"


def as_num_or_str(d, string_share=0.35, fixed_share=0.3):
    """Mix the two wire forms, as real exports do."""
    r = rng.random()
    if r < string_share:
        return money(d)
    return Num(d, fixed=rng.random() < fixed_share)


def qty(d, string_share=0.15):
    d = Decimal(d)
    if rng.random() < string_share:
        return f"{d.normalize():f}"
    return Num(d)


def decimal_of(v):
    return v.value if isinstance(v, Num) else Decimal(v)


def object_id(when):
    """A MongoDB ObjectId like PortPro's _id: creation time in seconds, then 16 hex digits."""
    ts = int(when.replace(tzinfo=dt.timezone.utc).timestamp())
    return f"{ts:08x}" + "".join(rng.choice("0123456789abcdef") for _ in range(16))


def iso_ts(when, millis=True):
    if millis:
        return when.strftime("%Y-%m-%dT%H:%M:%S.") + f"{rng.randrange(1000):03d}Z"
    return when.strftime("%Y-%m-%dT%H:%M:%SZ")


# ---------------------------------------------------------------------- ISO 6346


def _letter_values():
    values, v = {}, 10
    for c in "ABCDEFGHIJKLMNOPQRSTUVWXYZ":
        if v % 11 == 0:
            v += 1
        values[c] = v
        v += 1
    return values


LETTER_VALUES = _letter_values()


def iso6346_check_digit(first10):
    total = sum(
        (LETTER_VALUES[c] if c.isalpha() else int(c)) * (2**i) for i, c in enumerate(first10)
    )
    return (total % 11) % 10


assert iso6346_check_digit("CSQU305438") == 3  # the reference doc's verified example
assert iso6346_check_digit("MSCU100007") == 0  # remainder 10 -> 0

_used_equipment = set()


def equipment_number(prefix):
    """prefix: 3-letter owner code + category letter (U container, Z chassis), e.g. MSCU."""
    while True:
        serial = f"{rng.randrange(1_000_000):06d}"
        first10 = prefix + serial
        number = first10 + str(iso6346_check_digit(first10))
        if number not in _used_equipment:
            _used_equipment.add(number)
            return number


# ------------------------------------------------------------------ reference data

# steamship line -> (container owner prefixes, master bill of lading maker)
def _digits(n):
    return "".join(rng.choice("0123456789") for _ in range(n))


def _alnum(n):
    return "".join(rng.choice("ABCDEFGHJKLMNPQRSTUVWXYZ0123456789") for _ in range(n))


LINES = {
    "MAERSK": (["MAEU", "MSKU", "MRKU"], lambda: "MAEU" + _digits(9)),
    "COSCO": (["CSNU", "CBHU", "TCNU"], lambda: "COSU" + _digits(10)),
    "EVERGREEN": (["EGHU", "EMCU", "TGHU"], lambda: "EGLV" + _digits(12)),
    "MSC": (["MSCU", "MEDU", "FCIU"], lambda: "MEDU" + _alnum(2) + _digits(6)),
    "CMA CGM": (["CMAU", "ECMU", "TRHU"], lambda: rng.choice(["SHZ", "NGB", "CNX"]) + _digits(7)),
    "ONE": (["ONEU", "TCLU", "SEGU"], lambda: "ONEY" + rng.choice(["SHA", "TYO", "HKG"]) + _alnum(9)),
    "HAPAG-LLOYD": (["HLXU", "HLBU", "FANU"], lambda: "HLCU" + rng.choice(["SH1", "TA1", "HK1"]) + _digits(9)),
    "OOCL": (["OOLU", "OOCU"], lambda: "OOLU" + _digits(10)),
}

TERMINALS = [
    "ITS LONG BEACH", "TTI", "LBCT", "WBCT", "APM LOS ANGELES", "FENIX", "YTI", "TRAPAC WILMINGTON",
]

CHASSIS_POOLS = ["DCLZ", "FLXZ", "TRAZ", "MCHZ"]

# Customers: (key, name, contact, phone, street, city, state, country, zip, currency,
#             terms days, delivery site, base rate, base charge name, fuel surcharge rate,
#             usual steamship lines)
CUSTOMERS = [
    dict(key="HFL", name="Harbor Freight Logistics", contact="Dana Whitfield", phone="(310) 555-0142",
         street="20850 S Alameda St", city="Carson", state="CA", country="USA", zip="90810", currency="USD",
         terms=30, site="HARBOR FREIGHT LOGISTICS CFS - CARSON", rate=375, base="PICK UP & DELIVERY",
         fsc="0.28", lines=["MAERSK", "MSC", "ONE"], domain="harborfreightlogistics.com", ext="HFL-0007"),
    dict(key="PCHF", name="Pacific Coast Home Furnishings Inc", contact="Marisol Ortega", phone="(909) 555-0187",
         street="4100 E Mission Blvd", city="Ontario", state="CA", country="USA", zip="91761", currency="USD",
         terms=45, site="PCHF DC #2 - ONTARIO", rate=725, base="PICK UP & DELIVERY", fsc="0.28",
         lines=["COSCO", "EVERGREEN", "OOCL"], domain="pchomefurnishings.com", ext="C-10233"),
    dict(key="SCB", name="SoCal Beverage Distributors LLC", contact="Kevin Tran", phone="(323) 555-0119",
         street="5800 Sheila St", city="Commerce", state="CA", country="USA", zip="90040", currency="USD",
         terms=30, site="SOCAL BEVERAGE - COMMERCE", rate=450, base="PICK UP & DELIVERY", fsc="0.30",
         lines=["HAPAG-LLOYD", "CMA CGM"], domain="socalbev.com", ext=None),
    dict(key="GSAP", name="Golden State Auto Parts", contact="Ray Delgado", phone="(909) 555-0163",
         street="10681 Production Ave", city="Fontana", state="CA", country="USA", zip="92337", currency="USD",
         terms=30, site="GOLDEN STATE AUTO PARTS - FONTANA", rate=695, base="BASE PRICE", fsc="0.30",
         lines=["ONE", "MAERSK"], domain="gsautoparts.com", ext="GSAP-2291"),
    dict(key="IECS", name="Inland Empire Cold Storage", contact="Priya Natarajan", phone="(951) 555-0134",
         street="2255 Iowa Ave", city="Riverside", state="CA", country="USA", zip="92507", currency="USD",
         terms=15, site="INLAND EMPIRE COLD STORAGE - RIVERSIDE", rate=775, base="PICK UP & DELIVERY",
         fsc="0.32", lines=["MAERSK", "HAPAG-LLOYD"], domain="iecoldstorage.com", ext=None),
    dict(key="TPAG", name="Trans-Pacific Apparel Group", contact="Grace Lim", phone="(323) 555-0178",
         street="2900 E 50th St", city="Vernon", state="CA", country="USA", zip="90058", currency="USD",
         terms=30, site="TRANS-PACIFIC APPAREL - VERNON", rate=425, base="PICK UP & DELIVERY", fsc="0.28",
         lines=["COSCO", "EVERGREEN", "MSC"], domain="transpacapparel.com", ext="TPAG-001"),
    dict(key="MLIB", name="Maple Leaf Import Brokers Ltd.", contact="Étienne Gagnon", phone="(905) 555-0126",
         street="6695 Millcreek Dr", city="Mississauga", state="ON", country="Canada", zip="L5N 5R8",
         currency="CAD", terms=30, site="MAPLE LEAF CONSOLIDATION - RIALTO", rate=700, base="BASE PRICE",
         fsc="0.25", lines=["CMA CGM", "ONE"], domain="mapleleafbrokers.ca", ext="MLIB-CA-14"),
    dict(key="SEW", name="Sunrise Electronics Wholesale", contact="Jason Park", phone="(626) 555-0151",
         street="17800 Castleton St", city="City of Industry", state="CA", country="USA", zip="91748",
         currency="USD", terms=30, site="SUNRISE ELECTRONICS - CITY OF INDUSTRY", rate=525,
         base="PICK UP & DELIVERY", fsc="0.28", lines=["EVERGREEN", "OOCL", "COSCO"],
         domain="sunrise-ew.com", ext=None),
    dict(key="DBGS", name="Desert Bloom Garden Supply", contact="Luis Ramírez", phone="(951) 555-0109",
         street="14000 Day St", city="Moreno Valley", state="CA", country="USA", zip="92553", currency="USD",
         terms=30, site="DESERT BLOOM - MORENO VALLEY", rate=795, base="BASE PRICE", fsc="0.30",
         lines=["MSC", "CMA CGM"], domain="desertbloomgarden.com", ext="DB-77"),
    dict(key="ACF", name="Alameda Corridor Forwarding", contact="Tom Becker", phone="(310) 555-0190",
         street="2001 E Dominguez St", city="Compton", state="CA", country="USA", zip="90220", currency="USD",
         terms=15, site="ALAMEDA CORRIDOR FWD CFS - COMPTON", rate=395, base="PICK UP & DELIVERY",
         fsc="0.28", lines=["MAERSK", "HAPAG-LLOYD", "ONE"], domain="alamedacorridorfwd.com", ext=None),
]
BY_KEY = {c["key"]: c for c in CUSTOMERS}


# ------------------------------------------------------------------------ charges


class Charges:
    """Builds the pricing[] of one charge set."""

    def __init__(self, created):
        self.created = created
        self.lines = []

    def add(self, name, per_type, unit, rate, charge_type, gl, description, free_units=None,
            exact_unit=None):
        unit = Decimal(unit)
        rate = Decimal(rate)
        final = unit * rate
        assert final == final.quantize(CENT), (name, unit, rate, final)
        line = {"_id": object_id(self.created), "name": name, "chargeType": charge_type}
        if description is not None:
            line["description"] = description
        line["unit"] = exact_unit if exact_unit is not None else qty(unit)
        line["perType"] = per_type
        line["chargePerUnit"] = Num(rate) if rng.random() < 0.8 else money(rate)
        if free_units is not None:
            line["freeUnits"] = Num(free_units)
        line["amount"] = Num(final)
        line["finalAmount"] = money(final)
        line["glCode"] = gl
        self.lines.append(line)
        return final

    def flat(self, name, amount, description=None, charge_type="ACCESSORIAL", gl="4020"):
        return self.add(name, "fixed", 1, amount, charge_type, gl, description)

    def subtotal(self):
        return sum(Decimal(l["finalAmount"]) for l in self.lines)


# --------------------------------------------------------------------------- loads

load_counter = [100690]


def next_load_number(prefix="RSRUSH_E"):
    load_counter[0] += 1
    return f"{prefix}{load_counter[0]}"


def optional_text(load, key, maker, missing=0.3, empty=0.1):
    """Optional reference fields: often present, sometimes missing, a few empty strings."""
    r = rng.random()
    if r < missing:
        return
    load[key] = "" if r < missing + empty else maker()


def make_main_charge_set(cust, delivery_day, kind="IMPORT", extras=(), integer_hours=False, line_name=None):
    """One load and its MAIN charges. extras: names of accessorials to add."""
    created = dt.datetime.combine(delivery_day, dt.time(17, rng.randrange(60)))
    pickup_day = delivery_day - dt.timedelta(days=rng.choice([0, 1, 1, 2]))
    line_name = line_name or rng.choice(cust["lines"])
    owners, mbl = LINES[line_name]
    terminal = rng.choice(TERMINALS)
    size, ctype = rng.choice([("40'", "HC"), ("40'", "HC"), ("40'", "ST"), ("20'", "ST"), ("45'", "HC")])
    if "TRIAXLE SURCHARGE" in extras:
        size, ctype = "20'", "ST"
    if cust["key"] == "IECS":
        size, ctype = "40'", "RF"
    load_number = next_load_number("RSRUSH_R" if kind == "ROAD" else "RSRUSH_E")
    load = {"type_of_load": kind}
    if kind != "ROAD":
        load["containerNo"] = equipment_number(rng.choice(owners))
        load["containerSize"] = size
        load["containerType"] = ctype
        load["chassisNo"] = equipment_number(rng.choice(CHASSIS_POOLS))
    if kind == "IMPORT":
        optional_text(load, "sealNo", lambda: rng.choice(["ML-", "EMC", "CN", "H", ""]) + _digits(7), 0.15, 0.1)
        optional_text(load, "bookingNo", lambda: _digits(9), 0.85, 0.1)
        load["callerbillLandingNo"] = mbl()
        if cust["key"] in ("HFL", "ACF", "MLIB"):
            load["doNo"] = cust["key"] + "LAX" + _digits(7)
        optional_text(load, "purchaseOrderNo", lambda: rng.choice(["PO-", "4500", "PO"]) + _digits(6), 0.35, 0.1)
        optional_text(load, "callerPONo", lambda: _alnum(6), 0.4, 0.05)
        shipper, consignee = terminal, cust["site"]
    elif kind == "EXPORT":
        optional_text(load, "sealNo", lambda: rng.choice(["ML-", "CN", "H"]) + _digits(7), 0.2, 0.1)
        load["bookingNo"] = rng.choice([_digits(9), _alnum(3) + _digits(7), _digits(10)])
        optional_text(load, "purchaseOrderNo", lambda: "PO-" + _digits(6), 0.5, 0.1)
        shipper, consignee = cust["site"], terminal
    else:  # ROAD: a street move between warehouses, no container
        optional_text(load, "purchaseOrderNo", lambda: "PO-" + _digits(6), 0.0, 0.0)
        shipper, consignee = cust["site"], "HFL OVERFLOW WAREHOUSE - RANCHO DOMINGUEZ"
    if rng.random() < 0.5:
        load["shipmentNo"] = "SH" + _digits(8)
    optional_text(load, "secondaryReferenceNo", lambda: cust["key"] + "-" + _digits(5), 0.5, 0.1)
    load["shipperName"] = shipper
    load["consigneeName"] = consignee
    load["terminal"] = terminal if kind != "ROAD" else "WILMINGTON YARD"
    load["pickupDate"] = pickup_day.isoformat() if rng.random() < 0.6 else pickup_day.isoformat() + "T00:00:00Z"
    load["deliveryDate"] = delivery_day.isoformat()

    ch = Charges(created)
    base = Decimal(cust["rate"]) + (Decimal(150) if kind == "ROAD" else 0) - (Decimal(100) if kind == "ROAD" else 0)
    where = f"{shipper} -> {consignee}"
    ch.add(cust["base"], "fixed", 1, base, "BASE", "4100", where)
    fsc = Decimal(cust["fsc"])
    ch.add("FUEL SURCHARGE", "percentage", base, fsc, "FUEL", "4100",
           f"{(fsc * 100).normalize():f} % of line haul {money(base)}", exact_unit=Num(base, fixed=rng.random() < 0.5))
    if kind != "ROAD":
        days = max(3, (delivery_day - pickup_day).days + rng.choice([1, 2, 2, 3]))
        ch.add("CHASSIS", "perday", days, 45, "ACCESSORIAL", "4020",
               f"Chassis {load['chassisNo']} {days} days (3-day minimum)")
    for extra in extras:
        if extra == "WAITING TIME":
            hours = Decimal(rng.choice([1, 2, 3])) if integer_hours else Decimal(rng.choice(["0.5", "1.25", "1.5", "2", "2.75"]))
            ch.add("WAITING TIME", "perhour", hours, 85, "ACCESSORIAL", "4020",
                   f"Live unload at {consignee}: {hours + 2:f} h on site, 2 h free", free_units=2)
        elif extra == "PREPULL":
            ch.flat("PREPULL", 150, f"Prepulled from {terminal} to RSR yard Wilmington")
        elif extra == "YARD STORAGE":
            days = rng.choice([1, 2, 3])
            ch.add("YARD STORAGE", "perday", days, 60, "ACCESSORIAL", "4020",
                   f"Loaded container in RSR yard, {days + 2} days, 2 free", free_units=2)
        elif extra == "HAZMAT":
            ch.flat("HAZMAT", 200, rng.choice(["UN3480 lithium ion batteries, class 9", "UN2067 ammonium nitrate fertilizer, class 5.1"]))
        elif extra == "TRIAXLE SURCHARGE":
            ch.flat("TRIAXLE SURCHARGE", 225, "Tri-axle chassis, gross cargo " + str(rng.randrange(38000, 44000, 250)) + " lb")
        elif extra == "DRY RUN":
            ch.flat("DRY RUN", 150, "Consignee closed on arrival; redelivered next day")
        elif extra == "STOP OFF":
            stops = rng.choice([1, 2])
            ch.add("STOP OFF", "perstop", stops, 150, "ACCESSORIAL", "4020",
                   f"{stops} extra stop(s) en route", free_units=None)
        elif extra == "LAYOVER":
            ch.flat("LAYOVER", 525, "Driver held overnight: receiver could not take the reefer until next morning")
        else:
            raise ValueError(extra)
    if cust["currency"] == "CAD":
        subtotal = ch.subtotal()
        ch.add("HST (13 %)", "percentage", subtotal, "0.13", "TAX", "2200",
               f"HST on {money(subtotal)}", exact_unit=Num(subtotal, fixed=True))
    return load_number, load, ch


def charge_set(number, bill_type, load_number, load, ch, explicit_main):
    cs = {"_id": object_id(ch.created)}
    if number is not None:
        cs["charge_set_number"] = number
    if bill_type == "SUB_BILL" or explicit_main:
        cs["billType"] = bill_type
    cs["load_reference_number"] = load_number
    total = ch.subtotal()
    cs["totalAmount"] = as_num_or_str(total)
    cs["load"] = load
    cs["pricing"] = ch.lines
    return cs, total


# ------------------------------------------------------------------------ invoices


def caller(cust, ids):
    ref = {"_id": ids[cust["key"]], "company_name": cust["name"]}
    if rng.random() < 0.7 or cust["currency"] != "USD":
        ref["currency"] = cust["currency"]
    return ref


def make_invoice(number, cust, billing_day, sets, ids, notes=None, billing_form=None, updated=None):
    created = dt.datetime.combine(billing_day, dt.time(rng.randrange(15, 23), rng.randrange(60), rng.randrange(60)))
    inv = {
        "_id": object_id(created),
        "reference_number": number,
        "caller": caller(cust, ids),
        "billingDate": billing_form or rng.choice([billing_day.isoformat(), billing_day.isoformat() + "T00:00:00Z"]),
    }
    if rng.random() < 0.85:
        inv["invoiceDueDate"] = (billing_day + dt.timedelta(days=cust["terms"])).isoformat()
    inv["payment_terms"] = cust["terms"]
    inv["status"] = "BILLING"  # settled once payments are known
    inv["currency"] = cust["currency"]
    total = sum(t for _, t in sets)
    inv["totalAmount"] = as_num_or_str(total, string_share=0.3)
    if notes:
        inv["notes"] = notes
    inv["createdAt"] = iso_ts(created)
    inv["updatedAt"] = iso_ts(updated or created + dt.timedelta(minutes=rng.randrange(5, 600)))
    inv["chargeSets"] = [cs for cs, _ in sets]
    return inv, total


ACCESSORIAL_POOL = ["WAITING TIME", "WAITING TIME", "PREPULL", "STOP OFF", None, None, None]


def pick_extras(cust, forced=()):
    extras = list(forced)
    pick = rng.choice(ACCESSORIAL_POOL)
    if pick and pick not in extras:
        extras.append(pick)
        if pick == "PREPULL" and rng.random() < 0.6:
            extras.append("YARD STORAGE")
    if cust["key"] in ("SEW",) and "HAZMAT" not in extras and rng.random() < 0.5:
        extras.append("HAZMAT")
    return extras


def d(day):
    return dt.date(2026, 11, day)


def build_invoices(ids):
    """The plan: (file, invoice number, customer, billing day, [(kind, forced extras)], bill type, notes)."""
    plan_a = [
        ("RSRE_000150", "DBGS", dt.date(2026, 10, 14), [("IMPORT", ())], "MAIN",
         "Re-issued 11/06: chassis days corrected per customer dispute"),
        ("RSRE_000271", "PCHF", d(2), [("IMPORT", ())] * 6, "MAIN", "Combined invoice: 6 loads, vessel COSCO SHIPPING AQUARIUS 071E"),
        ("RSRE_000272", "SCB", d(2), [("IMPORT", ())], "MAIN", None),
        ("RSRE_000273", "HFL", d(3), [("IMPORT", ())], "MAIN", None),
        ("RSRE_000274", "GSAP", d(3), [("IMPORT", ("TRIAXLE SURCHARGE",))] * 3, "MAIN", "Combined invoice: 3 heavy 20' loads"),
        ("RSRE_000275", "MLIB", d(4), [("IMPORT", ("WAITING TIME",))], "MAIN", "Amounts in CAD. HST registration 81234 5678 RT0001"),
        ("RSRE_000276", "TPAG", d(4), [("IMPORT", ())], "MAIN", None),
        ("RSRE_000277", "IECS", d(5), [("IMPORT", ("LAYOVER", "WAITING TIME"))], "MAIN", "Reefer set point -18 C; genset supplied by line"),
        ("RSRE_000278", "SEW", d(5), [("IMPORT", ("HAZMAT",))], "MAIN", None),
        ("RSRE_000279", "ACF", d(6), [("EXPORT", ())], "MAIN", None),
        ("RSRE_000280", "HFL", d(6), [("ROAD", ())], "MAIN", "Street move, no container"),
        ("RSRE_000281", "DBGS", d(9), [("EXPORT", ("HAZMAT",))], "MAIN", None),
        ("RSRE_000282", "SCB", d(9), [("IMPORT", ())] * 2, "MAIN", None),
        ("RSRE_000283", "PCHF", d(9), [("IMPORT", ("PREPULL", "YARD STORAGE"))], "MAIN", None),
        ("RSRE_000284", "TPAG", d(10), [("IMPORT", ())] * 4, "MAIN", "Combined invoice: 4 loads, same vessel"),
        ("RSRE_000198-1", "GSAP", d(10), [("IMPORT", ())], "SUB_BILL", "Sub-bill: storage and chassis days after main bill RSRE_000198"),
        ("RSRE_000285", "ACF", d(10), [("EXPORT", ("DRY RUN",))], "MAIN", None),
    ]
    plan_b = [
        ("RSRE_000286", "SEW", d(11), [("IMPORT", ())] * 2, "MAIN", None),
        ("RSRE_000287", "IECS", d(11), [("IMPORT", ())], "MAIN", None),
        ("RSRE_000288", "HFL", d(12), [("IMPORT", ("STOP OFF",))], "MAIN", None),
        ("RSRE_000289", "MLIB", d(12), [("IMPORT", ())], "MAIN", "Amounts in CAD. HST registration 81234 5678 RT0001"),
        ("RSRE_000290", "GSAP", d(13), [("IMPORT", ("TRIAXLE SURCHARGE",))], "MAIN", None),
        ("RSRE_000276-1", "TPAG", d(13), [("IMPORT", ())], "SUB_BILL", "Sub-bill: waiting time and chassis days reported after main bill"),
        ("RSRE_000291", "PCHF", d(16), [("IMPORT", ())], "MAIN", None),
        ("RSRE_000292", "SCB", d(16), [("IMPORT", ())], "MAIN", None),
        ("RSRE_000293", "DBGS", d(16), [("IMPORT", ())], "MAIN", None),
        ("RSRE_000294", "TPAG", d(17), [("EXPORT", ())], "MAIN", None),
        ("RSRE_000295", "ACF", d(17), [("IMPORT", ())], "MAIN", None),
        ("RSRE_000296", "PCHF", d(17), [("IMPORT", ())] * 2, "MAIN", None),
        ("RSRE_000297", "SEW", d(18), [("IMPORT", ())], "MAIN", None),
        ("RSRE_000298", "GSAP", d(18), [("IMPORT", ("TRIAXLE SURCHARGE",)), ("IMPORT", ()), ("EXPORT", ())], "MAIN",
         "Combined invoice: 2 imports, 1 export"),
        ("RSRE_000283-1", "PCHF", d(18), [("IMPORT", ())], "SUB_BILL", "Sub-bill: additional yard storage"),
        ("RSRE_000299", "IECS", d(19), [("IMPORT", ())], "MAIN", None),
        ("RSRE_000300", "HFL", d(19), [("EXPORT", ())], "MAIN", None),
    ]
    main_loads = {}  # invoice number -> (load number, load) of its first charge set, for sub-bills
    files = []
    for plan in (plan_a, plan_b):
        invoices = []
        for number, key, day, loads, bill_type, notes in plan:
            cust = BY_KEY[key]
            sets = []
            if bill_type == "SUB_BILL":
                main_number = number.rsplit("-", 1)[0]
                sets.append(make_sub_bill(number, main_number, cust, day, main_loads))
            else:
                # a combined invoice is usually one vessel's boxes: one steamship line
                ssl = ("COSCO" if number == "RSRE_000271" else rng.choice(cust["lines"])) if len(loads) > 1 else None
                for i, (kind, forced) in enumerate(loads):
                    delivery = day - dt.timedelta(days=rng.choice([0, 1, 1, 2, 3]) + (i if len(loads) > 3 else 0) % 3)
                    extras = pick_extras(cust, forced) if kind != "ROAD" else []
                    if cust["currency"] == "CAD":
                        extras = [e for e in extras if e not in ("PREPULL", "YARD STORAGE", "STOP OFF")]
                    load_number, load, ch = make_main_charge_set(cust, delivery, kind, extras,
                                                                 integer_hours=cust["currency"] == "CAD", line_name=ssl)
                    single = len(loads) == 1
                    sets.append(charge_set(number if single else None, "MAIN", load_number, load, ch,
                                           explicit_main=rng.random() < 0.5))
                    if i == 0:
                        main_loads[number] = (load_number, load, delivery)
            extra = {}
            billing_form = None
            updated = None
            if number == "RSRE_000150":
                updated = dt.datetime(2026, 11, 6, 16, 20, 5)
            if number == "RSRE_000282":
                billing_form = "2026-11-09T23:30:00-08:00"  # the day is the 9th, whatever the zone
            inv, total = make_invoice(number, cust, day, sets, ids, notes, billing_form, updated)
            if rng.random() < 0.3:
                extra["callerName"] = cust["name"]
            if extra:
                inv["_extra"] = extra
            invoices.append((inv, total, cust))
        files.append(invoices)
    return files


def make_sub_bill(number, main_number, cust, day, main_loads):
    if main_number in main_loads:
        load_number, load, delivery = main_loads[main_number]
    else:  # the main bill went out last month: RSRE_000198, load delivered in October
        delivery = dt.date(2026, 10, 19)
        load_number, load, _ = make_main_charge_set(cust, delivery, "IMPORT", [])
        load_number = "RSRUSH_E100642"
    created = dt.datetime.combine(day, dt.time(14, rng.randrange(60)))
    ch = Charges(created)
    if cust["key"] == "TPAG":
        ch.add("WAITING TIME", "perhour", Decimal("2.5"), 85, "ACCESSORIAL", "4020",
               "Consignee detention reported by driver after billing: 4.5 h on site, 2 h free", free_units=2)
        ch.add("CHASSIS", "perday", 2, 45, "ACCESSORIAL", "4020", "2 additional chassis days")
    elif cust["key"] == "PCHF":
        ch.add("YARD STORAGE", "perday", 3, 60, "ACCESSORIAL", "4020", "3 further days in RSR yard awaiting delivery appointment")
    else:
        ch.add("YARD STORAGE", "perday", 4, 60, "ACCESSORIAL", "4020", "Yard storage 6 days, 2 free")
        ch.add("CHASSIS", "perday", 6, 45, "ACCESSORIAL", "4020", "Chassis held during storage, 6 days")
        ch.flat("PREPULL", 150, "Prepulled ahead of last free day")
    cs, total = charge_set(number, "SUB_BILL", load_number, dict(load), ch, explicit_main=False)
    return cs, total


# -------------------------------------------------------------- payments & credits


def build_payments(invoices_by_number, ids):
    plan = [
        # (customer, day, method, reference, [(invoice, amount or None for the balance)], notes)
        ("DBGS", d(4), "CHECK", "3318", [("RSRE_000150", None)], None),
        ("SCB", d(10), "CHECK", "104522", [("RSRE_000272", None)], None),
        ("SEW", d(12), "CHECK", "55871", [("RSRE_000278", None)], None),
        ("TPAG", d(13), "ACH", "ACH 0000871234", [("RSRE_000276", None), ("RSRE_000284", Decimal("1000.00"))],
         "Partial on RSRE_000284; balance after POD review"),
        ("GSAP", d(14), "CHECK", "20877", [("RSRE_000274", "short:225")], "Short-paid: disputes one triaxle surcharge"),
        ("PCHF", d(19), "CHECK", "88120", [("RSRE_000271", "short:90"), ("RSRE_000283", None), ("RSRE_000283-1", None)],
         "RSRE_000271 less credit memo CM-000043 (90.00)"),
        ("MLIB", d(17), "WIRE", "TRF 2611170044", [("RSRE_000275", None)], "CAD wire, RBC"),
        ("HFL", d(18), "ACH", "ACH 0000874410", [("RSRE_000273", None), ("RSRE_000280", None), ("RSRE_000288", None)], None),
        ("ACF", d(19), "CREDIT_CARD", "VISA *4417 auth 83K2QD", [("RSRE_000279", None)], None),
        ("IECS", d(19), "CHECK", "7781", [("RSRE_000277", Decimal("900.00"))], "Partial payment"),
        ("SCB", d(19), "ACH", "ACH 0000875002", [("RSRE_000282", None), ("RSRE_000292", None)], None),
        ("DBGS", d(19), "CHECK", "3342", [("RSRE_000281", None)], None),
    ]
    payments = []
    for key, day, method, ref, apps, notes in plan:
        cust = BY_KEY[key]
        when = dt.datetime.combine(day, dt.time(rng.randrange(9, 17), rng.randrange(60)))
        applications = []
        total = Decimal(0)
        for number, amount in apps:
            inv, inv_total, _ = invoices_by_number[number]
            if amount is None:
                amount = inv_total
            elif isinstance(amount, str):
                amount = inv_total - Decimal(amount.split(":")[1])
            total += amount
            app = {}
            if rng.random() < 0.85:
                app["invoiceId"] = inv["_id"]
            app["reference_number"] = number
            app["amount"] = as_num_or_str(amount)
            applications.append(app)
        p = {"_id": object_id(when), "caller": caller(cust, ids),
             "paymentDate": day.isoformat() if rng.random() < 0.7 else day.isoformat() + "T00:00:00Z",
             "amount": as_num_or_str(total), "paymentMethod": method, "referenceNo": ref}
        if notes:
            p["notes"] = notes
        p["invoices"] = applications
        payments.append((p, day, total, [(n, decimal_of(a["amount"])) for (n, _), a in zip(apps, applications)]))
    return payments


def build_credit_memos(invoices_by_number, ids):
    plan = [
        ("CM-000041", "GSAP", d(14), "RSRE_000274", "APPROVED", "Triaxle surcharge waived on one load (cargo under 38,000 lb)",
         [("TRIAXLE SURCHARGE", "Waived: load scaled at 36,900 lb", Decimal(225))]),
        ("CM-000042", "TPAG", d(17), "RSRE_000276-1", "ISSUED", "Waiting time disputed: consignee appointment moved by carrier",
         [("WAITING TIME", "1 of 2.5 hours credited", Decimal(85))]),
        ("CM-000043", "PCHF", d(18), "RSRE_000271", "APPLIED", "Chassis days billed twice on one load",
         [("CHASSIS", "2 days credited", Decimal(90))]),
        ("CM-000044", "MLIB", d(19), "RSRE_000289", "DRAFTED", "Base price adjusted to the 2026 contract rate (CAD 600.00)",
         [("BASE PRICE", "Rate adjustment per contract", Decimal(100)), ("HST (13 %)", "HST on 100.00", Decimal(13))]),
    ]
    memos = []
    for number, key, day, inv_number, status, note, lines in plan:
        cust = BY_KEY[key]
        inv = invoices_by_number[inv_number][0]
        charge_names = {c["name"] for cs in inv["chargeSets"] for c in cs["pricing"]}
        assert all(name in charge_names for name, _, _ in lines), (number, charge_names)
        when = dt.datetime.combine(day, dt.time(rng.randrange(9, 17), rng.randrange(60)))
        memo = {"_id": object_id(when), "credit_memo_number": number, "caller": caller(cust, ids),
                "creditDate": day.isoformat(), "invoiceId": inv["_id"], "invoice_reference_number": inv_number,
                "status": status, "note": note,
                "totalAmount": as_num_or_str(sum(a for _, _, a in lines)),
                "lines": [{"name": n, "description": desc, "amount": as_num_or_str(a)} for n, desc, a in lines]}
        memos.append(memo)
    return memos


def build_customers():
    ids, customers = {}, []
    for i, c in enumerate(CUSTOMERS):
        created = dt.datetime(2024, 3 + i % 9, 3 + 2 * i, 18, 4 * i)
        ids[c["key"]] = object_id(created)
        rec = {"_id": ids[c["key"]], "company_name": c["name"],
               "quickbooksEmail": f"ap@{c['domain']}",
               "billingEmail": f"ap@{c['domain']}" + (f", {c['contact'].split()[0].lower()}@{c['domain']}" if i % 3 == 0 else ""),
               "main_contact_name": c["contact"]}
        if i % 4 != 2:
            rec["mobile"] = c["phone"]
        rec.update({"address1": c["street"], "city": c["city"], "state": c["state"], "country": c["country"],
                    "zip_code": c["zip"]})
        if c["currency"] != "USD" or i % 3 != 1:
            rec["currency"] = c["currency"]
        rec["defaultPaymentTerms"] = {"paymentTermsMethod": "Net Days", "days": c["terms"]}
        if c["ext"]:
            rec["externalSystemID"] = c["ext"]
        if i % 2 == 0:
            rec["_extra"] = {"customerType": "CUSTOMER"}
        customers.append(rec)
    return ids, customers


# -------------------------------------------------------------------------- writers

# record type -> {field: (child record type, XML item element name or None for an object)}
CHILDREN = {
    "root": {"customers": ("customer", "customer"), "invoices": ("invoice", "invoice"),
             "payments": ("payment", "payment"), "creditMemos": ("creditMemo", "creditMemo")},
    "customer": {"defaultPaymentTerms": ("paymentTerms", None)},
    "invoice": {"caller": ("customerRef", None), "chargeSets": ("chargeSet", "chargeSet")},
    "chargeSet": {"load": ("load", None), "pricing": ("charge", "charge")},
    "payment": {"caller": ("customerRef", None), "invoices": ("application", "invoice")},
    "creditMemo": {"caller": ("customerRef", None), "lines": ("creditLine", "line")},
}


def to_json_value(value):
    if isinstance(value, Num):
        return "@@num@@" + value.literal()
    if isinstance(value, dict):
        out = {k: to_json_value(v) for k, v in value.items() if k != "_extra"}
        out.update({k: to_json_value(v) for k, v in value.get("_extra", {}).items()})
        return out
    if isinstance(value, list):
        return [to_json_value(v) for v in value]
    return value


def write_json(path, doc):
    text = json.dumps(to_json_value(doc), indent=2, ensure_ascii=False)
    text = re.sub(r'"@@num@@(-?[0-9.]+)"', r"\1", text)
    path.write_text(text + "\n", encoding="utf-8")


def xml_text(value):
    if isinstance(value, Num):
        return value.literal()
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


def xml_record(out, tag, record, rtype, indent, uses_extra):
    pad = "  " * indent
    out.append(f"{pad}<{tag}>")
    for key, value in record.items():
        if key == "_extra":
            continue
        child = CHILDREN.get(rtype, {}).get(key)
        if child and child[1]:  # array wrapper
            out.append(f"{pad}  <{key}>")
            for item in value:
                xml_record(out, child[1], item, child[0], indent + 2, uses_extra)
            out.append(f"{pad}  </{key}>")
        elif child:
            xml_record(out, key, value, child[0], indent + 1, uses_extra)
        elif value == "":
            out.append(f"{pad}  <{key}/>")
        else:
            out.append(f"{pad}  <{key}>{escape(xml_text(value))}</{key}>")
    for key, value in record.get("_extra", {}).items():
        uses_extra[0] = True
        out.append(f"{pad}  <pp:{key}>{escape(xml_text(value))}</pp:{key}>")
    out.append(f"{pad}</{tag}>")


def write_xml(path, doc):
    body, uses_extra = [], [False]
    for key in ("customers", "invoices", "payments", "creditMemos"):
        if key in doc:
            body.append(f"  <{key}>")
            rtype, item = CHILDREN["root"][key]
            for rec in doc[key]:
                xml_record(body, item, rec, rtype, 2, uses_extra)
            body.append(f"  </{key}>")
    attrs = f' xmlns="{NS}"'
    if uses_extra[0]:
        attrs += f' xmlns:pp="{EXTRA_NS}"'
    attrs += f" formatVersion={quoteattr(doc['formatVersion'])}"
    if "exportedAt" in doc:
        attrs += f" exportedAt={quoteattr(doc['exportedAt'])}"
    lines = ['<?xml version="1.0" encoding="UTF-8"?>', f"<portproExport{attrs}>"] + body + ["</portproExport>"]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")


def write_pair(out_dir, stem, doc):
    write_json(out_dir / f"{stem}.json", doc)
    write_xml(out_dir / f"{stem}.xml", doc)


# ----------------------------------------------------------------------------- main


def main():
    root = Path(__file__).resolve().parent.parent
    out_dir = Path(sys.argv[1]) if len(sys.argv) > 1 else root / "fixtures" / "drop-example"
    out_dir.mkdir(parents=True, exist_ok=True)

    ids, customers = build_customers()
    file_a, file_b = build_invoices(ids)
    exported = {"a": dt.datetime(2026, 11, 15, 8, 0), "b": dt.datetime(2026, 11, 20, 8, 0)}
    invoices_by_number = {inv["reference_number"]: (inv, total, cust) for inv, total, cust in file_a + file_b}
    assert len(invoices_by_number) == len(file_a) + len(file_b)
    payments = build_payments(invoices_by_number, ids)
    memos = build_credit_memos(invoices_by_number, ids)

    # Invoice status as of each invoice file's export time.
    for label, invoices in (("a", file_a), ("b", file_b)):
        cutoff = exported[label].date()
        for inv, total, _ in invoices:
            paid = sum(a for _, day, _, apps in payments if day < cutoff for n, a in apps if n == inv["reference_number"])
            if paid >= total:
                inv["status"] = "FULL_PAID"
            elif paid > 0:
                inv["status"] = "PARTIALLY_PAID" if inv["reference_number"] == "RSRE_000284" else "PARTIAL_PAID"
            if paid and rng.random() < 0.6:
                inv.setdefault("_extra", {}).update({"paidAmount": Num(paid), "remainAmount": Num(total - paid)})

    # Cross-checks of the arithmetic the fixtures promise.
    for inv, total, _ in file_a + file_b:
        assert decimal_of(inv["totalAmount"]) == sum(decimal_of(cs["totalAmount"]) for cs in inv["chargeSets"])
        for cs in inv["chargeSets"]:
            assert decimal_of(cs["totalAmount"]) == sum(Decimal(c["finalAmount"]) for c in cs["pricing"])
            for c in cs["pricing"]:
                assert decimal_of(c["unit"]) * decimal_of(c["chargePerUnit"]) == Decimal(c["finalAmount"])
    for p, _, total, apps in payments:
        assert decimal_of(p["amount"]) == sum(a for _, a in apps) == total
    for m in memos:
        assert decimal_of(m["totalAmount"]) == sum(decimal_of(l["amount"]) for l in m["lines"])

    def doc(when, **arrays):
        return {"formatVersion": "1.0", "exportedAt": iso_ts(when, millis=False), **arrays}

    write_pair(out_dir, "customers", doc(dt.datetime(2026, 11, 20, 7, 55), customers=customers))
    write_pair(out_dir, "invoices-2026-11-a", doc(exported["a"], invoices=[i for i, _, _ in file_a]))
    write_pair(out_dir, "invoices-2026-11-b", doc(exported["b"], invoices=[i for i, _, _ in file_b]))
    write_pair(out_dir, "payments", doc(dt.datetime(2026, 11, 20, 8, 5), payments=[p for p, _, _, _ in payments]))
    write_pair(out_dir, "credit-memos", doc(dt.datetime(2026, 11, 20, 8, 10), creditMemos=memos))

    # A later export: PortPro voided RSRE_000290 (never paid) and applied CM-000041 to RSRE_000274,
    # which it settles (4,135.50 billed, 3,910.50 paid, 225.00 credited).
    later_dir = out_dir / "later"
    later_dir.mkdir(exist_ok=True)
    voided = copy.deepcopy(next(i for i, _, _ in file_b if i["reference_number"] == "RSRE_000290"))
    voided["status"] = "VOIDED"
    applied = copy.deepcopy(next(m for m in memos if m["credit_memo_number"] == "CM-000041"))
    applied["status"] = "APPLIED"
    settled = next(i for i, _, _ in file_a if i["reference_number"] == "RSRE_000274")
    assert decimal_of(settled["totalAmount"]) - decimal_of(applied["totalAmount"]) == sum(
        a for _, _, _, apps in payments for n, a in apps if n == "RSRE_000274")
    later = dt.datetime(2026, 12, 1, 8, 0)
    write_pair(later_dir, "invoices-2026-12-01", doc(later, invoices=[voided]))
    write_pair(later_dir, "credit-memos-2026-12-01", doc(later, creditMemos=[applied]))

    all_invoices = file_a + file_b
    combined = sum(1 for inv, _, _ in all_invoices if len(inv["chargeSets"]) > 1)
    sub_bills = sum(1 for inv, _, _ in all_invoices for cs in inv["chargeSets"] if cs.get("billType") == "SUB_BILL")
    print(f"wrote {out_dir}: {len(customers)} customers, {len(all_invoices)} invoices "
          f"({combined} combined, {sub_bills} sub-bills), {len(payments)} payments, {len(memos)} credit memos")


if __name__ == "__main__":
    main()
