"""Loads the GCM taxonomy shipped in gcm/data/. Safe to run again (see gcm.taxonomy)."""

from django.apps.registry import Apps
from django.db import migrations
from django.db.backends.base.schema import BaseDatabaseSchemaEditor


def load(apps: Apps, schema_editor: BaseDatabaseSchemaEditor) -> None:
    from gcm.taxonomy import load_taxonomy

    load_taxonomy(apps)


class Migration(migrations.Migration):
    dependencies = [("gcm", "0001_initial")]

    operations = [migrations.RunPython(load, migrations.RunPython.noop)]
