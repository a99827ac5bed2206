"""The catalogs are complete: every marked string translated in every language,
nothing fuzzy, placeholders as in the source, plural forms right."""

import pytest

from config.i18n_check import checks, pofile
from config.i18n_check.checks import Problem


def shown(problems: list[Problem]) -> str:
    return "\n".join(str(p) for p in problems[:40]) + (
        f"\n... and {len(problems) - 40} more" if len(problems) > 40 else ""
    )


def test_committed_catalogs_are_complete_with_matching_placeholders():
    problems = checks.problems()
    assert not problems, "run `make messages` and translate:\n" + shown(problems)


@pytest.mark.skipif(not checks.gettext_available(), reason="gettext tools (xgettext) missing")
def test_every_string_marked_in_the_code_is_in_the_catalogs_and_translated():
    """A fresh extraction into a copy of the catalogs: a string marked since the
    last `make messages` shows up as untranslated here."""
    problems = checks.fresh_problems()
    assert not problems, "run `make messages` and translate:\n" + shown(problems)


@pytest.mark.parametrize("language", checks.LANGUAGES)
def test_plural_forms_header_matches_the_language(language):
    catalog = pofile.read(checks.LOCALE / language / "LC_MESSAGES" / "django.po")
    forms = catalog.header["Plural-Forms"]
    assert forms == checks.PLURAL_FORMS[language]
    expected = 3 if language in ("pl", "ru") else 2
    plural = [e for e in catalog.messages() if e.msgid_plural]
    assert plural
    assert all(len(e.msgstr) == expected for e in plural)


@pytest.mark.parametrize(
    ("source", "translation", "ok"),
    [
        ("%(n)s tickets", "%(n)s zgłoszeń", True),
        ("%(n)s tickets", "%(count)s zgłoszeń", False),
        ("%(a)s and %(b)s", "%(b)s i %(a)s", True),
        ("%s left", "zostało", False),
        ("{name} left", "{name} zostało", True),
        ("{name} left", "{nom} reste", False),
        ("Hi {{ ticket.title }}", "Cześć {{ticket.title}}", True),
        ("Hi {{ ticket.title }}", "Cześć {{ ticket.name }}", False),
        ("{% if x %}a{% endif %}", "b", False),
        ("100%% sure", "na 100%%", True),
    ],
)
def test_placeholder_check(source, translation, ok):
    entry = pofile.Entry(msgid=source, msgstr=[translation])
    assert (checks.entry_problems(entry, "pl", "django") == []) is ok


def test_untranslated_and_fuzzy_entries_are_reported(tmp_path):
    path = tmp_path / "pl" / "LC_MESSAGES" / "django.po"
    path.parent.mkdir(parents=True)
    path.write_text(
        'msgid ""\nmsgstr ""\n"Plural-Forms: ' + checks.PLURAL_FORMS["pl"] + '\\n"\n\n'
        'msgid "Queue"\nmsgstr ""\n\n'
        '#, fuzzy\nmsgid "Inbox"\nmsgstr "Skrzynka"\n\n'
        'msgid "%(n)d ticket"\nmsgid_plural "%(n)d tickets"\n'
        'msgstr[0] "%(n)d zgłoszenie"\nmsgstr[1] "%(n)d zgłoszenia"\nmsgstr[2] ""\n\n'
        'msgid "Save"\nmsgstr "Zapisz"\n',
        encoding="utf-8",
    )
    found = {(p.kind, p.msgid) for p in checks.problems(tmp_path, ("pl",))}
    assert found == {
        ("untranslated", "Queue"),
        ("fuzzy", "Inbox"),
        ("untranslated", "%(n)d ticket"),
    }


def test_catalogs_compile_with_msgfmt_format_checks(tmp_path):
    import shutil
    import subprocess

    msgfmt = shutil.which("msgfmt")
    if not msgfmt:
        pytest.skip("msgfmt missing")
    for language, _domain, path in checks.catalogs():
        subprocess.run(
            [msgfmt, "--check-format", "-o", str(tmp_path / f"{language}.mo"), str(path)],
            check=True,
        )


@pytest.mark.parametrize("language", checks.LANGUAGES)
def test_compiled_catalogs_are_built_from_the_current_po_files(language):
    """`make test` (and the start of a pytest run) compile them with msgfmt."""
    po = checks.LOCALE / language / "LC_MESSAGES" / "django.po"
    mo = po.with_suffix(".mo")
    assert mo.exists(), "no compiled catalog: install gettext (msgfmt) and run `make test`"
    assert mo.stat().st_mtime >= po.stat().st_mtime


@pytest.mark.skipif(not checks.gettext_available(), reason="gettext tools (xgettext) missing")
def test_fresh_extraction_finds_a_new_string_and_leaves_the_catalogs_alone(tmp_path, monkeypatch):
    project = tmp_path / "project"
    (project / "app").mkdir(parents=True)
    (project / "app" / "mod.py").write_text(
        'from django.utils.translation import gettext as _\n\nLABEL = _("A string marked today")\n'
    )
    po = project / "locale" / "pl" / "LC_MESSAGES" / "django.po"
    po.parent.mkdir(parents=True)
    po.write_text(
        'msgid ""\nmsgstr ""\n"Content-Type: text/plain; charset=UTF-8\\n"\n'
        '"Plural-Forms: ' + checks.PLURAL_FORMS["pl"] + '\\n"\n',
        encoding="utf-8",
    )
    before = po.read_text(encoding="utf-8")
    monkeypatch.setattr(checks, "ROOT", project)
    monkeypatch.setattr(checks, "LOCALE", project / "locale")

    found = checks.fresh_problems(("pl",))

    assert [(p.kind, p.msgid) for p in found] == [("untranslated", "A string marked today")]
    assert po.read_text(encoding="utf-8") == before
    assert not (project / "locale" / "django.pot").exists()


def test_todo_and_apply_fill_a_catalog_plural_forms_included(tmp_path, monkeypatch):
    from config.i18n_check import fill

    po = tmp_path / "ru" / "LC_MESSAGES" / "django.po"
    po.parent.mkdir(parents=True)
    po.write_text(
        '#, fuzzy\nmsgid ""\nmsgstr ""\n"Content-Type: text/plain; charset=UTF-8\\n"\n\n'
        'msgid "Queue"\nmsgstr ""\n\n'
        '#, fuzzy, python-format\n#| msgid "%(n)d old"\nmsgid "%(n)d ticket"\n'
        'msgid_plural "%(n)d tickets"\nmsgstr[0] "?"\nmsgstr[1] ""\n\n'
        'msgid "Save"\nmsgstr "Сохранить"\n',
        encoding="utf-8",
    )
    monkeypatch.setattr(checks, "LOCALE", tmp_path)

    todo = fill.todo("ru")
    assert list(todo) == ["Queue", "%(n)d ticket ||| %(n)d tickets"]
    filled = fill.apply(
        "ru",
        {
            "Queue": "Очередь",
            "%(n)d ticket ||| %(n)d tickets": "%(n)d заявка ||| %(n)d заявки ||| %(n)d заявок",
        },
    )

    assert filled == 2
    assert checks.problems(tmp_path, ("ru",)) == []
    catalog = pofile.read(po)
    plural = next(e for e in catalog.messages() if e.msgid_plural)
    assert plural.msgstr == ["%(n)d заявка", "%(n)d заявки", "%(n)d заявок"]
    assert "#| " not in po.read_text(encoding="utf-8")
