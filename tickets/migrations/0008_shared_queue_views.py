"""The shared default views of the queue."""

from django.db import migrations

DEFAULTS = [
    ("my_open", "My open tickets", "scope=mine"),
    ("unassigned", "Unassigned in my teams", "unassigned=true"),
    ("breached", "Breached", "sla_status=breached"),
    ("waiting", "Waiting on the customer", "status=pending"),
]


def add_defaults(apps, schema_editor):
    SavedView = apps.get_model("tickets", "SavedView")
    for position, (key, name, query) in enumerate(DEFAULTS):
        SavedView.objects.get_or_create(
            owner=None, key=key, defaults={"name": name, "query": query, "position": position}
        )


def remove_defaults(apps, schema_editor):
    SavedView = apps.get_model("tickets", "SavedView")
    SavedView.objects.filter(owner=None, key__in=[key for key, _n, _q in DEFAULTS]).delete()


class Migration(migrations.Migration):
    dependencies = [("tickets", "0007_saved_views")]

    operations = [migrations.RunPython(add_defaults, remove_defaults)]
