from django.db import migrations

MATRIX = {
    1: ("P1", "P1", "P2", "P3"),
    2: ("P1", "P2", "P3", "P3"),
    3: ("P2", "P3", "P3", "P4"),
    4: ("P3", "P3", "P4", "P4"),
}
DEFINITIONS = [
    ("P1", "Critical", "Total outage or severe degradation affecting all users; no workaround.",
     "The web shop is down: no customer can place an order."),
    ("P2", "High", "Major function unavailable or degraded for many users; workaround hard.",
     "Checkout fails for customers paying by card."),
    ("P3", "Medium", "A function impaired for some users; a workaround exists.",
     "Discount codes are not applied; staff apply them by hand."),
    ("P4", "Low", "Cosmetic issue or question affecting a few users.",
     "A typo on the order confirmation page."),
]


def seed(apps, schema_editor):
    Row = apps.get_model("escalations", "PriorityMatrixRow")
    Definition = apps.get_model("escalations", "PriorityDefinition")
    for impact, cells in MATRIX.items():
        Row.objects.get_or_create(
            impact=impact,
            defaults={f"urgency_{u}": cells[u - 1] for u in range(1, 5)},
        )
    for priority, name, description, example in DEFINITIONS:
        Definition.objects.get_or_create(
            priority=priority,
            defaults={"name": name, "description": description, "example": example},
        )


class Migration(migrations.Migration):
    dependencies = [("escalations", "0001_initial")]
    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
