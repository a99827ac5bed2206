"""The default priority matrix and priority definitions, created by a migration.

Kept in one place so that the migration and the test suite (which restores them
after tests that empty the database) agree."""

MATRIX = {
    1: ("P1", "P1", "P2", "P3"),
    2: ("P1", "P2", "P3", "P3"),
    3: ("P2", "P3", "P3", "P4"),
    4: ("P3", "P3", "P4", "P4"),
}
DEFINITIONS = [
    (
        "P1",
        "Critical",
        "Total outage or severe degradation affecting all users; no workaround.",
        "The web shop is down: no customer can place an order.",
    ),
    (
        "P2",
        "High",
        "Major function unavailable or degraded for many users; workaround hard.",
        "Checkout fails for customers paying by card.",
    ),
    (
        "P3",
        "Medium",
        "A function impaired for some users; a workaround exists.",
        "Discount codes are not applied; staff apply them by hand.",
    ),
    (
        "P4",
        "Low",
        "Cosmetic issue or question affecting a few users.",
        "A typo on the order confirmation page.",
    ),
]


def ensure_defaults(row_model, definition_model) -> None:
    """Create whatever default rows are missing (models may be historical ones)."""
    for impact, cells in MATRIX.items():
        row_model.objects.get_or_create(
            impact=impact, defaults={f"urgency_{u}": cells[u - 1] for u in range(1, 5)}
        )
    for priority, name, description, example in DEFINITIONS:
        definition_model.objects.get_or_create(
            priority=priority,
            defaults={"name": name, "description": description, "example": example},
        )
