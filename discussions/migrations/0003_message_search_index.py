"""Full-text search over message bodies on PostgreSQL (other databases search without an index)."""

from django.apps.registry import Apps
from django.db import migrations
from django.db.backends.base.schema import BaseDatabaseSchemaEditor

CREATE = (
    "CREATE INDEX IF NOT EXISTS discussions_message_body_fts ON discussions_message "
    "USING gin (to_tsvector('english'::regconfig, COALESCE(body, '')))"
)
DROP = "DROP INDEX IF EXISTS discussions_message_body_fts"


def create_index(apps: Apps, schema_editor: BaseDatabaseSchemaEditor) -> None:
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(CREATE)


def drop_index(apps: Apps, schema_editor: BaseDatabaseSchemaEditor) -> None:
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(DROP)


class Migration(migrations.Migration):
    dependencies = [("discussions", "0002_objective_spaces")]

    operations = [migrations.RunPython(create_index, drop_index)]
