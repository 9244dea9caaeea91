#!/usr/bin/env python3
"""Check the drop-file schemas against the fixtures with standard validators.

Run by `make test`; independent of the Swift reader. It checks that:

1. every JSON file in fixtures/drop-example and fixtures/messy validates against
   schemas/portpro-export.schema.json (jsonschema's Draft202012Validator, with format
   checking), and every XML file there against schemas/portpro-export.xsd
   (`xmllint --noout --nonet --schema`);
2. each JSON/XML pair in fixtures/drop-example carries the same content: the XML is read
   with xml.etree into the JSON shape, driven by the XSD (which elements are array
   wrappers, which are amounts or counts), the JSON is normalised by the JSON Schema, and
   the two are compared with amounts (and informational numbers) as Decimal, text trimmed of
   whitespace at both ends (unknown fields and empty optional text ignored on both sides, as
   docs/FORMAT.md says);
3. every row of fixtures/invalid/MANIFEST.tsv holds: schema_rejects=yes means the
   standard validator rejects the file, schema_rejects=no means it accepts it (so the
   reader alone must catch it).

"Standard validator, run safely": JSON is decoded as UTF-8 with Python's json module,
then validated. XML first goes through `xmllint --noout --nonet` (no entity
substitution, no DTD loading, no network); a document that passes and has no DOCTYPE is
then validated with `--schema`. A document with a DOCTYPE is never given to `--schema`,
because xmllint's --schema switches entity substitution on (it would read
file:///etc/passwd for an XXE file). Every xmllint run has a timeout; for documents with
a DOCTYPE the run is traced with strace (when available) to prove that no file named in
the document is opened and no socket is created.

Prints one line per check and a final `N passed, M failed`; exits 1 on any failure.
"""

import csv
import json
import re
import shutil
import subprocess
import sys
import tempfile
import xml.etree.ElementTree as ET
from decimal import Decimal
from pathlib import Path

from jsonschema import Draft202012Validator, FormatChecker

ROOT = Path(__file__).resolve().parent.parent
JSON_SCHEMA = ROOT / "schemas" / "portpro-export.schema.json"
XSD = ROOT / "schemas" / "portpro-export.xsd"
EXAMPLES = ROOT / "fixtures" / "drop-example"
MESSY = ROOT / "fixtures" / "messy"
INVALID = ROOT / "fixtures" / "invalid"
XS = "{http://www.w3.org/2001/XMLSchema}"
NS = "urn:portbooks:portpro-export:1"
TIMEOUT = 20

results = {"passed": 0, "failed": 0}


def report(ok, name, detail=""):
    results["passed" if ok else "failed"] += 1
    detail = detail.replace(str(ROOT) + "/", "")
    if len(detail) > 200:
        detail = detail[:197] + "..."
    print(f"{'ok  ' if ok else 'FAIL'}  {name}" + (f" — {detail}" if detail else ""), flush=True)


# ------------------------------------------------------------------------ JSON side


def json_validator():
    schema = json.loads(JSON_SCHEMA.read_text(encoding="utf-8"))
    Draft202012Validator.check_schema(schema)
    return schema, Draft202012Validator(schema, format_checker=FormatChecker())


def json_errors(validator, path):
    """None if valid, else a short reason (parse failure or first schema errors)."""
    try:
        document = json.loads(path.read_bytes().decode("utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError) as error:
        return f"not parsed: {error}"
    errors = sorted(validator.iter_errors(document), key=lambda e: list(e.absolute_path))
    if not errors:
        return None
    first = errors[0]
    where = "/".join(str(p) for p in first.absolute_path) or "(root)"
    return f"{len(errors)} error(s), first at {where}: {first.message[:120]}"


def resolve(schema, node):
    """Follow $ref chains; return (node, names of the $defs passed through)."""
    names = []
    while "$ref" in node:
        name = node["$ref"].split("/")[-1]
        names.append(name)
        node = schema["$defs"][name]
    return node, names


WHITESPACE = " \t\r\n"


def informational(value):
    """An informational value as the readers compare it: a number when it reads as one."""
    text = str(value).strip(WHITESPACE)
    try:
        return Decimal(text)
    except ArithmeticError:
        return text


def normalise_json(schema, node, value):
    node, names = resolve(schema, node)
    if isinstance(value, str):
        value = value.strip(WHITESPACE)  # docs/FORMAT.md "Whitespace": both formats trim
    if "amount" in names:
        return Decimal(str(value))
    if "informational" in names:
        return informational(value)
    if "count" in names:
        return int(value)
    if "properties" in node:
        out = {}
        for key, item in value.items():
            if key in node["properties"] and not (isinstance(item, str) and item.strip(WHITESPACE) == ""):
                out[key] = normalise_json(schema, node["properties"][key], item)
        return out
    if node.get("type") == "array":
        return [normalise_json(schema, node["items"], item) for item in value]
    return value


# ------------------------------------------------------------------------- XML side


class XsdModel:
    """What the pair check needs from the XSD: each complex type's child elements."""

    def __init__(self, path):
        tree = ET.parse(path).getroot()
        self.types = {}  # type name -> {child element name: type name}
        self.lists = {}  # list type name -> (item element name, item type name)
        for ct in tree.findall(f"{XS}complexType"):
            self.types[ct.get("name")] = self._children(ct)
            elements = ct.findall(f"{XS}sequence/{XS}element")
            if len(elements) == 1 and elements[0].get("maxOccurs") == "unbounded":
                self.lists[ct.get("name")] = (elements[0].get("name"), self._local(elements[0].get("type")))
        root = tree.find(f"{XS}element[@name='portproExport']")
        self.types["#root"] = self._children(root.find(f"{XS}complexType"))
        self.root_attributes = [a.get("name") for a in root.findall(f"{XS}complexType/{XS}attribute")]
        self.simple_bases = {st.get("name"): self._local(st.find(f"{XS}restriction").get("base"))
                             for st in tree.findall(f"{XS}simpleType")}

    @staticmethod
    def _local(qname):
        return qname.split(":", 1)[1] if ":" in qname else qname

    def _children(self, ct):
        return {e.get("name"): self._local(e.get("type")) for e in ct.findall(f"{XS}sequence/{XS}element")}

    def kind(self, type_name):
        while type_name in self.simple_bases and type_name not in ("Amount", "Count", "InformationalText"):
            type_name = self.simple_bases[type_name]
        return {"Amount": "amount", "Count": "count", "InformationalText": "informational"}.get(type_name, "text")


def xml_to_shape(model, element, type_name):
    if type_name in model.lists:
        item_name, item_type = model.lists[type_name]
        items = []
        for child in element:
            if child.tag != f"{{{NS}}}{item_name}":
                raise ValueError(f"unexpected <{child.tag}> in <{element.tag}>")
            items.append(xml_to_shape(model, child, item_type))
        return items
    if type_name in model.types:
        out = {}
        for child in element:
            if not child.tag.startswith(f"{{{NS}}}"):
                continue  # foreign-namespace extension: tolerated, ignored
            name = child.tag.split("}", 1)[1]
            if name in out:
                raise ValueError(f"<{name}> appears twice")
            value = xml_to_shape(model, child, model.types[type_name][name])
            if value != "":
                out[name] = value
        return out
    text = (element.text or "").strip(WHITESPACE)
    kind = model.kind(type_name)
    if kind == "amount":
        return Decimal(text)
    if kind == "informational":
        return informational(text) if text else ""
    if kind == "count":
        return int(text)
    return text


def xml_document_shape(model, path):
    root = ET.parse(path).getroot()
    if root.tag != f"{{{NS}}}portproExport":
        raise ValueError(f"root is {root.tag}")
    shape = {a: root.get(a) for a in model.root_attributes if root.get(a) is not None}
    shape.update(xml_to_shape(model, root, "#root"))
    return shape


def first_difference(a, b, path="$"):
    if type(a) is not type(b):
        return f"{path}: {type(a).__name__} {a!r} vs {type(b).__name__} {b!r}"
    if isinstance(a, dict):
        for key in sorted(set(a) | set(b)):
            if key not in a or key not in b:
                return f"{path}.{key}: only in {'JSON' if key in a else 'XML'}"
            diff = first_difference(a[key], b[key], f"{path}.{key}")
            if diff:
                return diff
        return None
    if isinstance(a, list):
        if len(a) != len(b):
            return f"{path}: {len(a)} items vs {len(b)}"
        for i, (x, y) in enumerate(zip(a, b)):
            diff = first_difference(x, y, f"{path}[{i}]")
            if diff:
                return diff
        return None
    return None if a == b else f"{path}: {a!r} vs {b!r}"


# ----------------------------------------------------------------------- xmllint


def working_strace():
    """strace's path if it can trace here (containers may forbid ptrace), else None."""
    path = shutil.which("strace")
    if path is None:
        return None
    try:
        probe = subprocess.run([path, "-f", "-qq", "-o", "/dev/null", "true"], capture_output=True, timeout=TIMEOUT)
    except (OSError, subprocess.TimeoutExpired):
        return None
    return path if probe.returncode == 0 else None


STRACE = working_strace()


def has_doctype(path):
    return b"<!DOCTYPE" in path.read_bytes()[:4096].replace(b"\x00", b"")


def run_xmllint(args, path, trace):
    """Run xmllint with a timeout; with trace, also return the strace log lines."""
    command = ["xmllint", "--noout", "--nonet", *args, str(path)]
    log = None
    if trace and STRACE:
        log = tempfile.NamedTemporaryFile(prefix="check-schemas-", suffix=".strace", delete=False)
        log.close()
        command = [STRACE, "-f", "-qq", "-e", "trace=openat,open,connect,socket", "-o", log.name, *command]
    try:
        done = subprocess.run(command, capture_output=True, timeout=TIMEOUT)
    except subprocess.TimeoutExpired:
        return None, "timed out", []
    lines = []
    if log is not None:
        lines = Path(log.name).read_text(errors="replace").splitlines()
        Path(log.name).unlink()
    elif trace:
        lines = None  # no strace here: the caller says it could not prove no file was read
    message = done.stderr.decode("utf-8", errors="replace").strip().splitlines()
    return done.returncode, (message[0] if message else ""), lines


def xml_verdict(path):
    """(rejected, detail, problems): the safe standard-validator verdict on an XML file."""
    problems = []
    doctype = has_doctype(path)
    rc, detail, trace = run_xmllint([], path, trace=doctype)
    if rc is None:
        return None, detail, ["xmllint did not finish in time"]
    if doctype:
        text = path.read_bytes().decode("utf-8", errors="replace")
        named = [m.group(1) for m in re.finditer(r'SYSTEM\s+["\']([^"\']+)["\']', text)]
        local = [n[len("file://"):] if n.startswith("file://") else n for n in named if not n.startswith("http")]
        if trace is None:
            problems.append("strace unavailable: could not prove no file was read")
        else:
            for entry in trace:
                if any(f'"{p}"' in entry for p in local):
                    problems.append(f"xmllint opened a file named in the document: {entry.strip()}")
                if "connect(" in entry or "socket(" in entry:
                    problems.append(f"xmllint used the network: {entry.strip()}")
    if rc != 0:
        return True, f"not well-formed (xmllint rc {rc}): {detail}", problems
    if doctype:
        return False, "well-formed; has a DOCTYPE, so not given to --schema (it would substitute entities)", problems
    rc, detail, _ = run_xmllint(["--schema", str(XSD)], path, trace=False)
    if rc is None:
        return None, detail, ["xmllint --schema did not finish in time"]
    return rc != 0, (f"xmllint --schema rc {rc}: {detail}" if rc else "valid"), problems


# ------------------------------------------------------------------------------ main


def check_examples(schema, validator, model, folder):
    """1. every example in `folder` validates; 2. its JSON/XML twins carry the same content."""
    # 1. the examples validate
    for path in sorted(folder.glob("*.json")):
        error = json_errors(validator, path)
        report(error is None, path.relative_to(ROOT).as_posix(), error or "valid (JSON Schema)")
    for path in sorted(folder.glob("*.xml")):
        rejected, detail, problems = xml_verdict(path)
        report(rejected is False and not problems, path.relative_to(ROOT).as_posix(),
               "valid (XSD)" if rejected is False else detail)

    # 2. JSON/XML twins carry the same content
    json_stems = {p.stem for p in folder.glob("*.json")}
    xml_stems = {p.stem for p in folder.glob("*.xml")}
    for stem in sorted(json_stems ^ xml_stems):
        report(False, f"{folder.relative_to(ROOT).as_posix()}/{stem}.*", "has no twin in the other format")
    for stem in sorted(json_stems & xml_stems):
        name = f"{folder.relative_to(ROOT).as_posix()}/{stem}.json = .xml"
        try:
            from_json = normalise_json(schema, schema, json.loads(
                (folder / f"{stem}.json").read_text(encoding="utf-8"), parse_float=Decimal))
            from_xml = xml_document_shape(model, folder / f"{stem}.xml")
        except (ValueError, KeyError, ET.ParseError) as error:
            report(False, name, f"could not read: {error}")
            continue
        diff = first_difference(from_json, from_xml)
        counts = ", ".join(f"{len(v)} {k}" for k, v in from_json.items() if isinstance(v, list))
        report(diff is None, name, diff or f"same content ({counts})")


def main():
    schema, validator = json_validator()
    report(True, "schemas/portpro-export.schema.json", "a valid Draft 2020-12 schema")
    model = XsdModel(XSD)

    for folder in (EXAMPLES, MESSY):
        check_examples(schema, validator, model, folder)

    # 3. the invalid fixtures behave as MANIFEST.tsv says
    manifest = INVALID / "MANIFEST.tsv"
    with manifest.open(encoding="utf-8", newline="") as handle:
        rows = list(csv.DictReader(handle, delimiter="\t"))
    listed = {row["file"] for row in rows}
    for path in sorted(INVALID.iterdir()):
        if path.name != "MANIFEST.tsv" and path.name not in listed:
            report(False, path.relative_to(ROOT).as_posix(), "not listed in MANIFEST.tsv")
    for row in rows:
        path = INVALID / row["file"]
        name = path.relative_to(ROOT).as_posix()
        expect_reject = row["schema_rejects"].strip() == "yes"
        if row["schema_rejects"].strip() not in ("yes", "no") or not path.exists():
            report(False, name, "missing file or schema_rejects not yes/no")
            continue
        if row["expected_line"].strip() and not row["expected_line"].strip().isdigit():
            report(False, name, f"expected_line {row['expected_line']!r} is not a line number")
            continue
        problems = []
        if path.suffix == ".json":
            error = json_errors(validator, path)
            rejected, detail = error is not None, error or "accepted by JSON Schema"
        else:
            rejected, detail, problems = xml_verdict(path)
        ok = rejected is expect_reject and not problems
        verdict = "rejected" if rejected else "accepted"
        report(ok, name, f"{verdict} as expected: {detail}" if ok and not problems
               else f"{verdict}, MANIFEST says schema_rejects={row['schema_rejects']}: {detail}; {'; '.join(problems)}")

    print(f"{results['passed']} passed, {results['failed']} failed")
    return 1 if results["failed"] else 0


if __name__ == "__main__":
    sys.exit(main())
