from django.db.models import Prefetch, QuerySet
from django.shortcuts import get_object_or_404

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
