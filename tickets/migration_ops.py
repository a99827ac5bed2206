"""Operations shared by migrations of several apps."""

from django.db import migrations


def drop_index_by_name(table: str, index: str, column: str) -> migrations.RunSQL:
    """Drop a foreign key's single-column index by its name only: altering the
    field instead would also drop any other index on that column (a partial
    unique one included) and check the foreign key again over the whole table."""
    return migrations.RunSQL(
        f'DROP INDEX IF EXISTS "{index}"',
        reverse_sql=f'CREATE INDEX "{index}" ON "{table}" ("{column}")',
    )
