"""A small reader and writer of gettext PO files: enough to check catalogs and to
fill in translations, with no dependency beyond the standard library."""

from __future__ import annotations

import ast
from dataclasses import dataclass, field
from pathlib import Path


@dataclass
class Entry:
    msgid: str
    msgid_plural: str = ""
    msgctxt: str | None = None
    msgstr: list[str] = field(default_factory=lambda: [""])
    comments: list[str] = field(default_factory=list)  # "#: ...", "#. ...", "#, ..." lines
    obsolete: bool = False

    @property
    def flags(self) -> set[str]:
        found: set[str] = set()
        for line in self.comments:
            if line.startswith("#,"):
                found |= {flag.strip() for flag in line[2:].split(",")}
        return found

    @property
    def fuzzy(self) -> bool:
        return "fuzzy" in self.flags

    @property
    def translated(self) -> bool:
        return all(self.msgstr) and bool(self.msgstr)

    def unfuzz(self) -> None:
        kept = []
        for line in self.comments:
            if line.startswith("#,"):
                flags = [f.strip() for f in line[2:].split(",") if f.strip() != "fuzzy"]
                if not flags:
                    continue
                line = "#, " + ", ".join(flags)
            elif line.startswith("#|"):
                continue  # the previous msgid of a fuzzy match
            kept.append(line)
        self.comments = kept


@dataclass
class Catalog:
    header_comments: list[str]
    entries: list[Entry]

    @property
    def header(self) -> dict[str, str]:
        head = next((e for e in self.entries if e.msgid == "" and e.msgctxt is None), None)
        if head is None:
            return {}
        pairs = (line.split(":", 1) for line in head.msgstr[0].splitlines() if ":" in line)
        return {key.strip(): value.strip() for key, value in pairs}

    def messages(self) -> list[Entry]:
        """The real messages: no header, nothing obsolete."""
        return [e for e in self.entries if e.msgid and not e.obsolete]


def _unquote(text: str) -> str:
    return ast.literal_eval(text) if text.startswith('"') else ""


def read(path: Path) -> Catalog:
    header_comments: list[str] = []
    entries: list[Entry] = []
    current: Entry | None = None
    comments: list[str] = []
    target: tuple[str, int] | None = None

    def finish():
        nonlocal current
        if current is not None:
            entries.append(current)
        current = None

    for raw in path.read_text(encoding="utf-8").splitlines():
        line = raw.strip()
        obsolete = line.startswith("#~")
        if obsolete:
            line = line[2:].strip()
        if not line:
            finish()
            target = None
            continue
        if line.startswith("#"):
            if current is not None and target is not None:
                finish()
                target = None
            comments.append(line)
            continue
        keyword, _, rest = line.partition(" ")
        if keyword.startswith('"'):
            value, rest = _unquote(line), None
        else:
            value = _unquote(rest.strip())
        if rest is None:  # a continuation line
            name, index = target
            if name == "msgstr":
                current.msgstr[index] += value
            else:
                setattr(current, name, getattr(current, name) + value)
            continue
        if keyword in ("msgctxt", "msgid") and (current is None or target[0] not in ("msgctxt",)):
            finish()
            if not entries and comments and keyword == "msgid" and value == "":
                header_comments, comments = comments, []
            current = Entry(msgid="", comments=comments, obsolete=obsolete)
            comments = []
        if keyword == "msgctxt":
            current.msgctxt = value
            target = ("msgctxt", 0)
        elif keyword == "msgid":
            current.msgid = value
            target = ("msgid", 0)
        elif keyword == "msgid_plural":
            current.msgid_plural = value
            current.msgstr = []
            target = ("msgid_plural", 0)
        elif keyword.startswith("msgstr"):
            index = int(keyword[7:-1]) if "[" in keyword else 0
            while len(current.msgstr) <= index:
                current.msgstr.append("")
            current.msgstr[index] = value
            target = ("msgstr", index)
    finish()
    return Catalog(header_comments=header_comments, entries=entries)


def _quote(text: str) -> str:
    escaped = text.replace("\\", "\\\\").replace('"', '\\"').replace("\t", "\\t")
    return '"' + escaped.replace("\n", "\\n") + '"'


def _field(keyword: str, text: str, prefix: str) -> list[str]:
    parts = text.splitlines(keepends=True)
    if len(parts) <= 1:
        return [f"{prefix}{keyword} {_quote(text)}"]
    return [f'{prefix}{keyword} ""'] + [f"{prefix}{_quote(part)}" for part in parts]


def write(catalog: Catalog, path: Path) -> None:
    lines = list(catalog.header_comments)
    for entry in catalog.entries:
        prefix = "#~ " if entry.obsolete else ""
        lines += entry.comments
        if entry.msgctxt is not None:
            lines += _field("msgctxt", entry.msgctxt, prefix)
        lines += _field("msgid", entry.msgid, prefix)
        if entry.msgid_plural:
            lines += _field("msgid_plural", entry.msgid_plural, prefix)
            for index, text in enumerate(entry.msgstr):
                lines += _field(f"msgstr[{index}]", text, prefix)
        else:
            lines += _field("msgstr", entry.msgstr[0] if entry.msgstr else "", prefix)
        lines.append("")
    path.write_text("\n".join(lines), encoding="utf-8")
