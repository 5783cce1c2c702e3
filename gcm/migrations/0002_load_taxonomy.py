"""Loads the GCM taxonomy shipped in gcm/data/. Safe to run again (see gcm.taxonomy)."""

from django.db import migrations


def load(apps, schema_editor):
    from gcm.taxonomy import load_taxonomy

    load_taxonomy(apps)


class Migration(migrations.Migration):
    dependencies = [("gcm", "0001_initial")]

    operations = [migrations.RunPython(load, migrations.RunPython.noop)]
