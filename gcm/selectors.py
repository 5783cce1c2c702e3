from django.db.models import Prefetch, QuerySet
from django.shortcuts import get_object_or_404

from gcm import names
from gcm.models import Country, DocumentType, GuidingPrinciple, Language, Objective, ObjectiveAction, Region


def objectives_in_order() -> QuerySet[Objective]:
    """1..23, then General."""
    return Objective.objects.order_by("position")


def objective_for_page(key: str) -> Objective:
    """The objective with its actions and related objectives loaded; 404 for an unknown key."""
    queryset = Objective.objects.prefetch_related(
        Prefetch("actions", queryset=ObjectiveAction.objects.order_by("letter")),
        Prefetch("related", queryset=Objective.objects.order_by("position")),
    )
    return get_object_or_404(queryset, key=key)


def principles_in_order() -> QuerySet[GuidingPrinciple]:
    return GuidingPrinciple.objects.order_by("position")


def regions_by_name() -> QuerySet[Region]:
    return Region.objects.order_by("name")


def countries_by_name() -> QuerySet[Country]:
    return Country.objects.select_related("region").order_by("name")


def document_types_in_order() -> QuerySet[DocumentType]:
    return DocumentType.objects.order_by("position")


def languages_by_name() -> QuerySet[Language]:
    return Language.objects.order_by("name")


# Key → name in the active language, in display order (one query each), for labels and choices.


def objective_labels() -> dict[str, str]:
    """ "9" → "9 - Counter smuggling" (in the active language), 1..23 then General."""
    return {objective.key: str(objective) for objective in objectives_in_order()}


def principle_labels() -> dict[str, str]:
    return {principle.slug: principle.shown_name for principle in principles_in_order()}


def region_labels() -> dict[str, str]:
    return names.by_name((region.slug, region.shown_name) for region in Region.objects.all())


def country_labels() -> dict[str, str]:
    rows = Country.objects.values_list("iso2", "name")
    return names.by_name((iso2, names.country_name(iso2, name)) for iso2, name in rows)


def language_labels() -> dict[str, str]:
    rows = Language.objects.values_list("code", "name")
    return names.by_name((code, names.language_name(code, name)) for code, name in rows)


def document_type_labels() -> dict[str, str]:
    return {document_type.slug: document_type.shown_name for document_type in document_types_in_order()}
