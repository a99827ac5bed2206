"""What makes a catalog incomplete: a message without a translation, a fuzzy one,
or a translation whose placeholders differ from the source."""

from __future__ import annotations

import re
import shutil
import tempfile
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

from config.i18n_check import pofile

ROOT = Path(__file__).resolve().parents[2]
LOCALE = ROOT / "locale"
LANGUAGES = ("pl", "fr", "nl", "ru")
DOMAINS = ("django", "djangojs")
# Left out of makemessages: the virtualenv, run-time files, tests and benchmarks.
IGNORED = (".venv/*", "var/*", "tests/*", "bench/*", "staticfiles/*", "static/vendor/*")
PLURAL_FORMS = {
    "pl": "nplurals=3; plural=(n==1 ? 0 : n%10>=2 && n%10<=4 && (n%100<12 || n%100>14) ? 1 : 2);",
    "ru": "nplurals=3; plural=(n%10==1 && n%100!=11 ? 0 : "
    "n%10>=2 && n%10<=4 && (n%100<12 || n%100>14) ? 1 : 2);",
    "fr": "nplurals=2; plural=(n > 1);",
    "nl": "nplurals=2; plural=(n != 1);",
}
PLACEHOLDER = re.compile(
    r"%\([A-Za-z_][A-Za-z0-9_]*\)[-#0 +]*\d*(?:\.\d+)?[sdifrxX]"  # %(name)s, %(n)02d
    r"|%[sdifr]"  # %s, %d
    r"|\{\{.*?\}\}|\{%.*?%\}"  # template variables and tags in message templates
    r"|\{[A-Za-z_0-9]*(?:![rsa])?(?::[^{}]*)?\}"  # {name}, {0}, {}
)


@dataclass(frozen=True)
class Problem:
    language: str
    domain: str
    kind: str  # "untranslated", "fuzzy", "placeholders", "plural-forms"
    msgid: str
    detail: str = ""

    def __str__(self) -> str:
        text = self.msgid.replace("\n", "\\n")
        if len(text) > 100:
            text = text[:97] + "..."
        extra = f"  ({self.detail})" if self.detail else ""
        return f"[{self.language}/{self.domain}] {self.kind}: {text}{extra}"


def _normal(found: str) -> str:
    if found[:2] in ("{{", "{%"):
        return found[:2] + " ".join(found[2:-2].split()) + found[-2:]
    return found


def placeholders(text: str) -> Counter:
    return Counter(_normal(m) for m in PLACEHOLDER.findall(text.replace("%%", "")))


def entry_problems(entry: pofile.Entry, language: str, domain: str) -> list[Problem]:
    def problem(kind, detail=""):
        shown = f"[{entry.msgctxt}] {entry.msgid}" if entry.msgctxt is not None else entry.msgid
        return Problem(language, domain, kind, shown, detail)

    if entry.fuzzy:
        return [problem("fuzzy")]
    if not entry.translated:
        return [problem("untranslated")]
    expected = placeholders(entry.msgid)
    problems = []
    if entry.msgid_plural:
        plural = placeholders(entry.msgid_plural)
        for index, text in enumerate(entry.msgstr):
            got = placeholders(text)
            # the first form may follow the singular source
            if got != plural and not (index == 0 and got == expected):
                detail = f"form {index}: {sorted(got)} != {sorted(plural)}"
                problems.append(problem("placeholders", detail))
    else:
        got = placeholders(entry.msgstr[0])
        if got != expected:
            problems.append(problem("placeholders", f"{sorted(got)} != {sorted(expected)}"))
    return problems


def catalog_problems(path: Path, language: str, domain: str) -> list[Problem]:
    catalog = pofile.read(path)
    problems = []
    forms = catalog.header.get("Plural-Forms", "")
    if language in PLURAL_FORMS and forms != PLURAL_FORMS[language]:
        problems.append(Problem(language, domain, "plural-forms", "", forms or "missing"))
    for entry in catalog.messages():
        problems += entry_problems(entry, language, domain)
    return problems


def catalogs(locale: Path = LOCALE, languages=LANGUAGES):
    """(language, domain, path) of every catalog; django.po must exist."""
    for language in languages:
        for domain in DOMAINS:
            path = locale / language / "LC_MESSAGES" / f"{domain}.po"
            if path.exists() or domain == "django":
                yield language, domain, path


def problems(locale: Path = LOCALE, languages=LANGUAGES) -> list[Problem]:
    found = []
    for language, domain, path in catalogs(locale, languages):
        if not path.exists():
            found.append(Problem(language, domain, "missing catalog", str(path)))
            continue
        found += catalog_problems(path, language, domain)
    return found


def makemessages(locale: Path, languages=LANGUAGES) -> None:
    """Extract the marked strings of the project into the catalogs under ``locale``
    (merged with what they hold, as ``make messages`` does)."""
    import os

    from django.core.management import call_command
    from django.core.management.commands.makemessages import Command as MakeMessages
    from django.test.utils import override_settings

    class Extract(MakeMessages):
        # makemessages writes each file's strings into the locale directory
        # nearest to it (the project's own); send them all to ``locale``.
        def find_files(self, root):
            files = super().find_files(root)
            for found in files:
                found.locale_dir = str(locale)
            return files

    previous = Path.cwd()
    os.chdir(ROOT)
    try:
        with override_settings(LOCALE_PATHS=[str(locale)]):
            for domain in DOMAINS:
                if domain == "djangojs" and not _own_scripts():
                    continue
                call_command(
                    Extract(),
                    locale=list(languages),
                    domain=domain,
                    ignore_patterns=list(IGNORED),
                    no_obsolete=True,
                    add_location="file",
                    no_wrap=True,
                    verbosity=0,
                )
    finally:
        os.chdir(previous)


def _own_scripts() -> list[Path]:
    """The project's JavaScript (vendored libraries left out): none so far, so
    there is no djangojs catalog until a script marks a string."""
    return [p for p in ROOT.glob("static/**/*.js") if "vendor" not in p.parts]


def fresh_problems(languages=LANGUAGES) -> list[Problem]:
    """Problems after a fresh extraction into a copy of the catalogs: catches a
    string marked in the code but never added to the catalogs."""
    with tempfile.TemporaryDirectory() as tmp:
        copy = Path(tmp) / "locale"
        if LOCALE.exists():
            shutil.copytree(LOCALE, copy)
        else:
            copy.mkdir()
        makemessages(copy, languages)
        return problems(copy, languages)


def gettext_available() -> bool:
    return all(shutil.which(tool) for tool in ("xgettext", "msgmerge", "msguniq"))


def compile_catalogs() -> bool:
    """Build the .mo files whose .po changed (``make compilemessages`` does the
    same); False when msgfmt is missing."""
    msgfmt = shutil.which("msgfmt")
    if not msgfmt:
        return False
    import subprocess

    for language in LANGUAGES:
        for domain in DOMAINS:
            po = LOCALE / language / "LC_MESSAGES" / f"{domain}.po"
            mo = po.with_suffix(".mo")
            if po.exists() and (not mo.exists() or mo.stat().st_mtime < po.stat().st_mtime):
                command = [msgfmt, "--check-format", "-o", str(mo), str(po)]
                subprocess.run(command, check=True)  # noqa: S603 (our own files)
    return True
