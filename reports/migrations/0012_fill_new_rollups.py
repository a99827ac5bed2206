"""Filled the rollups added by 0008 (time to resolve) and 0009 (time at level)
for the tickets already there. The fill moved to 0016, after the fact columns
of 0014 and 0015, which the rebuild of the code writes: run here, it would
write columns that do not exist yet."""

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [
        ("reports", "0011_escalation_fact_pair_index"),
    ]

    operations = [migrations.RunPython(migrations.RunPython.noop, migrations.RunPython.noop)]
