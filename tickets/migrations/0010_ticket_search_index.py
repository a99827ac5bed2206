"""The GIN index of ticket full-text search, and the vectors of the tickets that
exist (PostgreSQL only; other databases search without them)."""

from django.db import migrations

BACKFILL = """
UPDATE tickets_ticket t SET search_vector =
    setweight(to_tsvector('simple', coalesce(t.title, '')), 'A')
    || setweight(to_tsvector('simple', coalesce(t.description, '')), 'B')
    || setweight(to_tsvector('simple', coalesce((
        SELECT string_agg(c.body, ' ') FROM tickets_comment c WHERE c.ticket_id = t.id
    ), '')), 'C')
"""


def forwards(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute(
        "CREATE INDEX IF NOT EXISTS ticket_search ON tickets_ticket USING GIN (search_vector)"
    )
    schema_editor.execute(BACKFILL)


def backwards(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute("DROP INDEX IF EXISTS ticket_search")


class Migration(migrations.Migration):
    dependencies = [("tickets", "0009_ticket_search_vector")]

    operations = [migrations.RunPython(forwards, backwards)]
