"""Fill the rollups added by 0008 (time to resolve) and 0009 (time at level) for
the tickets already there, on PostgreSQL, where they are kept (moved here from
0012: the rebuild writes the fact columns of 0014 and 0015; a database that ran
the fill at 0012 is rebuilt once more).

A refresh adds only what changed since the stored facts, so a new rollup beside
existing facts stays empty: the facts and rollups are rebuilt from scratch (as
``manage.py rebuild_rollups --from-scratch`` does), one range of tickets a
transaction. The migration is not atomic for that reason; stopped, it is safe to
run again. It uses the rebuild of this version of the code: on a database that
skipped it, run the command instead."""

from django.db import migrations


def fill(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    Ticket = apps.get_model("tickets", "Ticket")
    if not Ticket.objects.exists():
        return
    from reports.services.rollups import rollups_rebuild

    for _progress in rollups_rebuild(from_scratch=True):
        pass


class Migration(migrations.Migration):
    atomic = False

    dependencies = [
        ("reports", "0015_stint_firsts"),
    ]

    operations = [migrations.RunPython(fill, migrations.RunPython.noop, elidable=True)]
