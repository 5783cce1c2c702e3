"""GIN indexes on the events' tag columns (PostgreSQL only), as on experts and resources.

``jsonb_ops`` answers the ``?|`` of ``TagsField``'s ``overlaps`` from the index. SQLite filters
with ``json_each`` and has no index for it (correct, only slower).
"""

from django.apps.registry import Apps
from django.db import migrations
from django.db.backends.base.schema import BaseDatabaseSchemaEditor

PG_CREATE = """
CREATE INDEX IF NOT EXISTS events_event_objectives ON events_event USING gin (objectives);
CREATE INDEX IF NOT EXISTS events_event_regions ON events_event USING gin (regions);
"""

PG_DROP = """
DROP INDEX IF EXISTS events_event_objectives;
DROP INDEX IF EXISTS events_event_regions;
"""


def create_tag_indexes(apps: Apps, schema_editor: BaseDatabaseSchemaEditor) -> None:
    if schema_editor.connection.vendor == "postgresql":
        with schema_editor.connection.cursor() as cursor:
            cursor.execute(PG_CREATE)


def drop_tag_indexes(apps: Apps, schema_editor: BaseDatabaseSchemaEditor) -> None:
    if schema_editor.connection.vendor == "postgresql":
        with schema_editor.connection.cursor() as cursor:
            cursor.execute(PG_DROP)


class Migration(migrations.Migration):
    dependencies = [("events", "0001_initial")]

    operations = [migrations.RunPython(create_tag_indexes, drop_tag_indexes)]
