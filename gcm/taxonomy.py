"""Loads the GCM taxonomy shipped in ``gcm/data/`` into the database.

Used by a data migration (with the historical ``apps`` registry) and safe to run again:
names are brought up to date, while commitment texts that staff have edited are kept.
"""

import json
from pathlib import Path
from typing import Any

from django.apps.registry import Apps
from django.utils.text import slugify

DATA_DIR = Path(__file__).resolve().parent / "data"


def read_taxonomy() -> dict[str, Any]:
    taxonomy: dict[str, Any] = json.loads((DATA_DIR / "gcm_taxonomy.json").read_text(encoding="utf-8"))
    return taxonomy


def read_objective_texts() -> dict[str, Any]:
    texts: dict[str, Any] = json.loads((DATA_DIR / "objective_texts.json").read_text(encoding="utf-8"))
    return texts


def objective_key(number: int | None) -> str:
    return str(number) if number is not None else "general"


def load_taxonomy(apps: Apps) -> None:
    """Create or refresh every taxonomy row; ``apps`` is a (historical) app registry."""
    data = read_taxonomy()
    _load_objectives(apps, data["objectives"], read_objective_texts())
    _load_named(apps.get_model("gcm", "GuidingPrinciple"), data["guiding_principles"], ordered=True)
    _load_named(apps.get_model("gcm", "DocumentType"), data["document_types"], ordered=True)
    regions = _load_named(apps.get_model("gcm", "Region"), data["regions"], ordered=False)
    Country = apps.get_model("gcm", "Country")
    for country in data["countries"]:
        Country.objects.update_or_create(
            iso2=country["iso2"],
            defaults={"iso3": country["iso3"], "name": country["name"], "region": regions[country["region"]]},
        )
    Language = apps.get_model("gcm", "Language")
    for code, name in data["languages"].items():
        Language.objects.update_or_create(code=code, defaults={"name": name})


def _load_objectives(apps: Apps, objectives: list[dict[str, Any]], texts: dict[str, dict[str, Any]]) -> None:
    Objective = apps.get_model("gcm", "Objective")
    ObjectiveAction = apps.get_model("gcm", "ObjectiveAction")
    by_key = {}
    for position, item in enumerate(objectives, start=1):
        key = objective_key(item["number"])
        objective, _ = Objective.objects.update_or_create(
            key=key,
            defaults={
                "number": item["number"],
                "position": position,
                "short_title": item["short_title"],
                "title": item["title"],
            },
        )
        by_key[key] = objective
    for key, text in texts.items():
        objective = by_key[key]
        if not objective.commitment:
            objective.commitment = text["commitment"]
            objective.commitment_reference = text.get("reference", "")
            objective.save(update_fields=["commitment", "commitment_reference"])
        for action in text.get("actions", []):
            ObjectiveAction.objects.get_or_create(
                objective=objective, letter=action["letter"], defaults={"text": action["text"]}
            )
        objective.related.add(*(by_key[related] for related in text.get("related", [])))


def _load_named(model: Any, names: list[str], *, ordered: bool) -> dict[str, Any]:
    # ``model`` is a historical model class from a migration's registry: typed by no stub.
    rows = {}
    for position, name in enumerate(names, start=1):
        defaults = {"name": name, **({"position": position} if ordered else {})}
        rows[name], _ = model.objects.update_or_create(slug=slugify(name), defaults=defaults)
    return rows
