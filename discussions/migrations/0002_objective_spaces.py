"""One public discussion space per GCM objective: objective-1 ... objective-23 and general."""

from django.apps.registry import Apps
from django.db import migrations
from django.db.backends.base.schema import BaseDatabaseSchemaEditor


def create_objective_spaces(apps: Apps, schema_editor: BaseDatabaseSchemaEditor) -> None:
    Objective = apps.get_model("gcm", "Objective")
    Space = apps.get_model("discussions", "Space")
    for objective in Objective.objects.order_by("position"):
        slug = f"objective-{objective.number}" if objective.number else "general"
        name = f"{objective.number} - {objective.short_title}" if objective.number else objective.short_title
        Space.objects.get_or_create(
            slug=slug,
            defaults={
                "name": name,
                "description": objective.title,
                "kind": "objective",
                "objective": objective,
                "visibility": "public",
                "languages": ["en", "fr", "es"],
            },
        )


class Migration(migrations.Migration):
    dependencies = [("discussions", "0001_initial"), ("gcm", "0002_load_taxonomy")]

    operations = [migrations.RunPython(create_objective_spaces, migrations.RunPython.noop)]
