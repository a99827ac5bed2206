"""The default priority matrix and priority definitions, created by a migration.

Kept in one place so that the migration and the test suite (which restores them
after tests that empty the database) agree. The definitions' texts are in the
catalogs, so the rows get their translations too (admins edit them in admin)."""

from django.utils import translation
from django.utils.translation import gettext_noop

MATRIX = {
    1: ("P1", "P1", "P2", "P3"),
    2: ("P1", "P2", "P3", "P3"),
    3: ("P2", "P3", "P3", "P4"),
    4: ("P3", "P3", "P4", "P4"),
}
DEFINITIONS = [
    (
        "P1",
        gettext_noop("Critical"),
        gettext_noop("Total outage or severe degradation affecting all users; no workaround."),
        gettext_noop("The web shop is down: no customer can place an order."),
    ),
    (
        "P2",
        gettext_noop("High"),
        gettext_noop("Major function unavailable or degraded for many users; workaround hard."),
        gettext_noop("Checkout fails for customers paying by card."),
    ),
    (
        "P3",
        gettext_noop("Medium"),
        gettext_noop("A function impaired for some users; a workaround exists."),
        gettext_noop("Discount codes are not applied; staff apply them by hand."),
    ),
    (
        "P4",
        gettext_noop("Low"),
        gettext_noop("Cosmetic issue or question affecting a few users."),
        gettext_noop("A typo on the order confirmation page."),
    ),
]


def ensure_defaults(row_model, definition_model) -> None:
    """Create whatever default rows are missing (models may be historical ones)."""
    for impact, cells in MATRIX.items():
        row_model.objects.get_or_create(
            impact=impact, defaults={f"urgency_{u}": cells[u - 1] for u in range(1, 5)}
        )
    translatable = any(f.name == "translations" for f in definition_model._meta.fields)
    for priority, name, description, example in DEFINITIONS:
        texts = {"name": name, "description": description, "example": example}
        row, _created = definition_model.objects.get_or_create(priority=priority, defaults=texts)
        if (
            translatable
            and not row.translations
            and all(getattr(row, field) == text for field, text in texts.items())
        ):
            row.translations = default_translations(texts)
            row.save(update_fields=["translations"])


def default_translations(texts: dict[str, str]) -> dict[str, dict[str, str]]:
    """The catalogs' translations of default texts, per language (those the
    catalogs translate; the compiled .mo files must exist)."""
    from django.conf import settings

    table = {}
    for code, _name in settings.LANGUAGES:
        if code == settings.LANGUAGE_CODE:
            continue
        with translation.override(code):
            done = {f: translation.gettext(t) for f, t in texts.items() if t}
        done = {f: t for f, t in done.items() if t != texts[f]}
        if done:
            table[code] = done
    return table
