"""The taxonomy's keys as vocabularies that tags are checked against (experts, resources, events).

Each vocabulary is the set of values a tag of that kind may take: objective keys ("1".."23",
"general"), principle, region and document-type slugs, ISO 3166 alpha-2 country codes and ISO
639-1 language codes. The taxonomy changes only by migration, so each set is read once per
process.
"""

from enum import StrEnum
from functools import cache
from typing import Any

from django.db.models import Model
from django.utils.translation import gettext as _
from rest_framework import serializers

from gcm.models import Country, DocumentType, GuidingPrinciple, Language, Objective, Region


class Vocabulary(StrEnum):
    OBJECTIVE = "objective"
    PRINCIPLE = "principle"
    REGION = "region"
    COUNTRY = "country"
    LANGUAGE = "language"
    DOCUMENT_TYPE = "document_type"


_SOURCES: dict[Vocabulary, tuple[type[Model], str]] = {
    Vocabulary.OBJECTIVE: (Objective, "key"),
    Vocabulary.PRINCIPLE: (GuidingPrinciple, "slug"),
    Vocabulary.REGION: (Region, "slug"),
    Vocabulary.COUNTRY: (Country, "iso2"),
    Vocabulary.LANGUAGE: (Language, "code"),
    Vocabulary.DOCUMENT_TYPE: (DocumentType, "slug"),
}


@cache
def vocabulary_values(vocabulary: Vocabulary) -> frozenset[str]:
    model, key = _SOURCES[vocabulary]
    return frozenset(model._default_manager.values_list(key, flat=True))


def normalized_tag(vocabulary: Vocabulary, value: str) -> str:
    """Country codes are upper case (``fr`` → ``FR``), every other key lower case."""
    value = value.strip()
    return value.upper() if vocabulary is Vocabulary.COUNTRY else value.lower()


def unknown_tags(vocabulary: Vocabulary, values: list[str]) -> list[str]:
    known = vocabulary_values(vocabulary)
    return [value for value in values if value not in known]


class TagsSerializerField(serializers.ListField):
    """A list of one vocabulary's keys: normalized, de-duplicated in order, unknown keys refused (400)."""

    def __init__(self, vocabulary: Vocabulary, **kwargs: Any) -> None:
        self.vocabulary = vocabulary
        kwargs.setdefault("child", serializers.CharField(max_length=64))
        kwargs.setdefault("max_length", 300)
        super().__init__(**kwargs)

    def to_internal_value(self, data: Any) -> list[str]:
        values = [normalized_tag(self.vocabulary, value) for value in super().to_internal_value(data)]
        unknown = unknown_tags(self.vocabulary, values)
        if unknown:
            raise serializers.ValidationError(
                _("Unknown %(vocabulary)s: %(values)s.")
                % {"vocabulary": self.vocabulary.value, "values": ", ".join(unknown)}
            )
        return list(dict.fromkeys(values))
