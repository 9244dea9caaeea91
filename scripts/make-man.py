#!/usr/bin/env python3
"""Man pages from the commands' own help: `make install` runs this.

Reads `BINARY --experimental-dump-help` (swift-argument-parser's description of every command,
option and help text) and writes one man(7) page per command into OUTDIR: `NAME.1` for the tool
and `NAME-SUB.1` (e.g. `portbooks-sync.1`) for each subcommand, nested ones included. The help
text is the only source, so the pages never drift from `--help`.

    scripts/make-man.py BINARY OUTDIR
"""
import datetime
import json
import os
import subprocess
import sys


def roff(text):
    """Text safe in a roff line: backslashes doubled, a leading dot or quote made inert."""
    text = (text or "").replace("\\", "\\e")
    lines = []
    for line in text.split("\n"):
        if line.startswith((".", "'")):
            line = "\\&" + line
        lines.append(line)
    return "\n".join(lines)


def synopsis_item(argument):
    names = argument.get("names") or []
    preferred = argument.get("preferredName") or (names[0] if names else None)
    if argument["kind"] == "positional":
        item = "<" + argument["valueName"] + ">" + ("..." if argument.get("isRepeating") else "")
    else:
        dash = "--" if preferred and preferred["kind"] == "long" else "-"
        item = dash + preferred["name"] if preferred else argument["valueName"]
        if argument["kind"] == "option":
            item += " <" + argument["valueName"] + ">"
    return "[" + item + "]" if argument.get("isOptional") else item


def option_label(argument):
    if argument["kind"] == "positional":
        return "<" + argument["valueName"] + ">"
    labels = []
    for name in argument.get("names") or []:
        label = ("--" if name["kind"] == "long" else "-") + name["name"]
        if argument["kind"] == "option":
            label += " <" + argument["valueName"] + ">"
        labels.append(label)
    return ", ".join(labels)


def page(command, path, date):
    name = "-".join(path)
    arguments = [a for a in command.get("arguments") or [] if a.get("shouldDisplay", True)]
    out = [
        '.TH "%s" "1" "%s" "PortBooks" "User Commands"' % (name.upper(), date),
        ".SH NAME",
        "%s \\- %s" % (name, roff(command.get("abstract", ""))),
        ".SH SYNOPSIS",
        ".B %s" % " ".join(path),
        roff(" ".join(synopsis_item(a) for a in arguments)),
    ]
    if command.get("discussion") or command.get("abstract"):
        out += [".SH DESCRIPTION", roff(command.get("abstract", ""))]
        for paragraph in (command.get("discussion") or "").split("\n\n"):
            lines = paragraph.split("\n")
            prose = [line for line in lines if not line.startswith("  ")]
            examples = [line.strip() for line in lines if line.startswith("  ")]
            if prose:
                out += [".PP", roff(" ".join(prose))]
            if examples:
                out += [".PP", ".RS 4", ".nf", roff("\n".join(examples)), ".fi", ".RE"]
    if arguments:
        out.append(".SH OPTIONS")
        for argument in arguments:
            out += [".TP", ".B " + roff(option_label(argument))]
            text = argument.get("abstract", "")
            if argument.get("defaultValue") not in (None, ""):
                text += " (default: %s)" % argument["defaultValue"]
            out.append(roff(text))
    subcommands = [s for s in command.get("subcommands") or [] if s.get("shouldDisplay", True)]
    subcommands = [s for s in subcommands if s["commandName"] != "help"]
    if subcommands:
        out.append(".SH COMMANDS")
        for sub in subcommands:
            out += [".TP", ".B " + sub["commandName"], roff(sub.get("abstract", ""))]
    see = ["%s(1)" % "-".join(path + [s["commandName"]]) for s in subcommands]
    if len(path) > 1:
        see.insert(0, "%s(1)" % path[0])
    if see:
        out += [".SH SEE ALSO", ", ".join(see)]
    return "\n".join(out) + "\n"


def walk(command, path, outdir, date, written):
    file = os.path.join(outdir, "-".join(path) + ".1")
    with open(file, "w") as handle:
        handle.write(page(command, path, date))
    written.append(file)
    for sub in command.get("subcommands") or []:
        if sub.get("shouldDisplay", True) and sub["commandName"] != "help":
            walk(sub, path + [sub["commandName"]], outdir, date, written)


def main():
    binary, outdir = sys.argv[1], sys.argv[2]
    info = json.loads(subprocess.run([binary, "--experimental-dump-help"], check=True, capture_output=True).stdout)
    os.makedirs(outdir, exist_ok=True)
    date = datetime.date.today().isoformat()
    written = []
    walk(info["command"], [info["command"]["commandName"]], outdir, date, written)
    print("man: %d page(s) in %s" % (len(written), outdir))


if __name__ == "__main__":
    main()
