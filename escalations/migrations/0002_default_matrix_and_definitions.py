from django.db import migrations

from escalations.defaults import ensure_defaults


def seed(apps, schema_editor):
    ensure_defaults(
        apps.get_model("escalations", "PriorityMatrixRow"),
        apps.get_model("escalations", "PriorityDefinition"),
    )


class Migration(migrations.Migration):
    dependencies = [("escalations", "0001_initial")]
    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
