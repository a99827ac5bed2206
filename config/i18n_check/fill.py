"""Bulk filling of a catalog: export what a language lacks, write translations back.

A plural entry is exported with its source forms joined by `` ||| `` and takes
its translation in the same shape: one text per plural form of the language."""

from __future__ import annotations

from config.i18n_check import checks, pofile

SEPARATOR = " ||| "


def _key(entry: pofile.Entry) -> str:
    key = entry.msgid + (SEPARATOR + entry.msgid_plural if entry.msgid_plural else "")
    return f"{entry.msgctxt}\x04{key}" if entry.msgctxt is not None else key


def _path(language: str, domain: str = "django"):
    return checks.LOCALE / language / "LC_MESSAGES" / f"{domain}.po"


def todo(language: str, domain: str = "django") -> dict[str, str]:
    """Entries that are untranslated, fuzzy or have broken placeholders."""
    catalog = pofile.read(_path(language, domain))
    return {
        _key(entry): ""
        for entry in catalog.messages()
        if checks.entry_problems(entry, language, domain)
    }


def apply(language: str, translations: dict[str, str], domain: str = "django") -> int:
    """Write ``translations`` (keyed as ``todo`` exports them) into the catalog;
    empty values are skipped. Returns the number of entries filled."""
    path = _path(language, domain)
    catalog = pofile.read(path)
    filled = 0
    for entry in catalog.messages():
        text = translations.get(_key(entry), "")
        if not text:
            continue
        if entry.msgid_plural:
            forms = text.split(SEPARATOR)
            entry.msgstr = forms
        else:
            entry.msgstr = [text]
        entry.unfuzz()
        filled += 1
    pofile.write(catalog, path)
    if language in checks.PLURAL_FORMS:
        header_normalize(language, domain)
    return filled


def header_normalize(language: str, domain: str = "django") -> None:
    """Give a catalog the project's header: its language, its plural forms, and no
    fuzzy mark (msgfmt ignores a fuzzy header, plural forms included)."""
    path = _path(language, domain)
    catalog = pofile.read(path)
    catalog.header_comments = [
        "# Escalade: " + language + " messages. Update with `make messages`.",
        "# This file is distributed under the same license as the Escalade package.",
        "#",
    ]
    head = next(e for e in catalog.entries if e.msgid == "" and e.msgctxt is None)
    values = catalog.header
    values.update(
        {
            "Project-Id-Version": "Escalade",
            "Language": language,
            "Language-Team": language,
            "Content-Type": "text/plain; charset=UTF-8",
            "Plural-Forms": checks.PLURAL_FORMS[language],
        }
    )
    for volatile in ("POT-Creation-Date", "PO-Revision-Date", "Last-Translator"):
        values.pop(volatile, None)
    head.msgstr = ["".join(f"{key}: {value}\n" for key, value in values.items())]
    head.comments = []
    for entry in catalog.messages():
        if entry.msgid_plural:
            forms = int(checks.PLURAL_FORMS[language].split(";")[0].split("=")[1])
            entry.msgstr = (entry.msgstr + [""] * forms)[:forms]
    pofile.write(catalog, path)
