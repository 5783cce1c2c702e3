"""The pages' forms. They render fields and read the posted values; the rules (lengths, vocabularies,
one-line subjects, the conflict-of-interest declaration) are the API's, applied by running the
same input serializer (``validated_with``), so a page and the API refuse the same input with the
same words. The services then decide everything else (who may, how often).
"""

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy
from django_stubs_ext import StrPromise
from rest_framework import serializers

from experts.models import Expert, ProfileLanguage, Resource, Review
from experts.search.queries import ExpertQuery, ResourceQuery
from experts.selectors.pages import Labels
from gcm.vocabulary import Vocabulary, normalized_tag

SEARCH_Q_MAX = 200


def validated_with(form: forms.Form, serializer_class: type[serializers.Serializer[Any]],
                   data: Mapping[str, Any]) -> dict[str, Any] | None:  # fmt: skip
    """The API serializer's validated data, or ``None`` after putting its errors on the form."""
    serializer = serializer_class(data=data)
    if serializer.is_valid():
        return dict(serializer.validated_data)
    for field, errors in serializer.errors.items():
        messages = errors if isinstance(errors, list) else [str(errors)]
        form.add_error(field if field in form.fields else None, [str(message) for message in messages])
    return None


def _choices(labels: Mapping[str, str | StrPromise]) -> list[tuple[str, str | StrPromise]]:
    return list(labels.items())


# --- Search (GET) ----------------------------------------------------------------------------


@dataclass(frozen=True)
class Facet:
    """A filter of a search page: its GET parameter (also its key in ``SearchPage.facets``)."""

    name: str
    label: StrPromise
    vocabulary: Vocabulary | None = None
    # A long list (countries, languages): values no result carries are hidden, not just disabled.
    long: bool = False


EXPERT_FACETS = (
    Facet("objective", _("GCM objective"), Vocabulary.OBJECTIVE),
    Facet("principle", _("Guiding principle"), Vocabulary.PRINCIPLE),
    Facet("region", _("Region"), Vocabulary.REGION),
    Facet("country", _("Country"), Vocabulary.COUNTRY, long=True),
    Facet("language", _("Language"), Vocabulary.LANGUAGE, long=True),
    Facet("available_for", _("Available for")),
)
RESOURCE_FACETS = (
    Facet("objective", _("GCM objective"), Vocabulary.OBJECTIVE),
    Facet("principle", _("Guiding principle"), Vocabulary.PRINCIPLE),
    Facet("region", _("Region"), Vocabulary.REGION),
    Facet("country", _("Country"), Vocabulary.COUNTRY, long=True),
    Facet("document_type", _("Type of document"), Vocabulary.DOCUMENT_TYPE),
    Facet("language", _("Language"), Vocabulary.LANGUAGE, long=True),
)


def facet_labels(facet: Facet, labels: Labels) -> dict[str, str | StrPromise]:
    if facet.name == "available_for":
        return dict(Expert.Availability.choices)
    if facet.name == "kind":
        return dict(Resource.Kind.choices)
    return dict(labels.of(facet.name))


class FilterField(forms.MultipleChoiceField):
    """A facet's ticked values. Values it does not know are dropped, not refused: an old or
    hand-edited link still shows a page."""

    widget = forms.CheckboxSelectMultiple

    def __init__(self, *, vocabulary: Vocabulary | None, choices: list[tuple[str, str | StrPromise]],
                 label: StrPromise) -> None:  # fmt: skip
        self.vocabulary = vocabulary
        self.known = frozenset(value for value, _label in choices)
        super().__init__(required=False, choices=choices, label=label)

    def clean(self, value: Any) -> list[str]:
        values = [str(v) for v in self.to_python(value)]
        if self.vocabulary is not None:
            values = [normalized_tag(self.vocabulary, v) for v in values]
        return list(dict.fromkeys(v for v in values if v in self.known))


class SearchForm(forms.Form):
    facets: tuple[Facet, ...] = ()

    q = forms.CharField(label=_("Search"), required=False, max_length=SEARCH_Q_MAX)
    page = forms.IntegerField(required=False, min_value=1)

    def __init__(self, data: Any, *, labels: Labels) -> None:
        super().__init__(data)
        for facet in self.facets:
            self.fields[facet.name] = FilterField(
                vocabulary=facet.vocabulary, label=facet.label, choices=_choices(facet_labels(facet, labels))
            )

    def values(self) -> dict[str, Any]:
        """The cleaned filters; a field that fails (a 300-character ``q``, ``page=x``) counts as unset."""
        self.is_valid()
        cleaned = self.cleaned_data
        return {
            "q": cleaned.get("q") or "",
            "page": cleaned.get("page") or 1,
            **{facet.name: cleaned.get(facet.name, []) for facet in self.facets},
        }


class ExpertSearchForm(SearchForm):
    facets = EXPERT_FACETS

    def query(self) -> tuple[ExpertQuery, int]:
        v = self.values()
        query = ExpertQuery(
            q=v["q"],
            objectives=tuple(v["objective"]),
            principles=tuple(v["principle"]),
            regions=tuple(v["region"]),
            countries=tuple(v["country"]),
            languages=tuple(v["language"]),
            available_for=tuple(v["available_for"]),
        )
        return query, v["page"]


class ResourceSearchForm(SearchForm):
    facets = RESOURCE_FACETS

    kind = forms.ChoiceField(label=_("Kind"), required=False, choices=[("", _("All")), *Resource.Kind.choices])

    def query(self) -> tuple[ResourceQuery, int]:
        v = self.values()
        kind = self.cleaned_data.get("kind") or ""
        query = ResourceQuery(
            q=v["q"],
            kinds=(kind,) if kind else (),
            objectives=tuple(v["objective"]),
            principles=tuple(v["principle"]),
            regions=tuple(v["region"]),
            countries=tuple(v["country"]),
            document_types=tuple(v["document_type"]),
            languages=tuple(v["language"]),
        )
        return query, v["page"]


# --- Profiles and contact ----------------------------------------------------------------------


def _tags_field(
    label: StrPromise, labels: Mapping[str, str | StrPromise], *, long: bool = False
) -> forms.MultipleChoiceField:
    widget = forms.SelectMultiple(attrs={"size": 8}) if long else forms.CheckboxSelectMultiple
    return forms.MultipleChoiceField(label=label, required=False, choices=_choices(labels), widget=widget)


def keywords_list(text: str) -> list[str]:
    return [word.strip() for word in text.split(",") if word.strip()]


class ExpertProfileForm(forms.Form):
    """Create or change a profile; checked by ``ExpertCreateSerializer`` / ``ExpertChangeSerializer``."""

    name = forms.CharField(label=_("Name"), max_length=200)
    title = forms.CharField(label=pgettext_lazy("an expert's position", "Title"), max_length=200, required=False)
    organization = forms.CharField(label=_("Organization"), max_length=200, required=False)
    bio = forms.CharField(label=_("Biography"), required=False, widget=forms.Textarea(attrs={"rows": 8}), strip=False)
    email = forms.EmailField(
        label=_("Contact email"), required=False,
        help_text=_("Where messages sent through the Hub are relayed; never shown to anyone. "
                    "Empty: your account's address."),
    )  # fmt: skip
    profile_language = forms.ChoiceField(
        label=_("Profile language"), choices=ProfileLanguage.choices, initial=ProfileLanguage.ENGLISH
    )
    keywords = forms.CharField(label=_("Keywords"), required=False, help_text=_("Separated by commas."))
    available_for = forms.MultipleChoiceField(
        label=_("Available for"), required=False, choices=Expert.Availability.choices,
        widget=forms.CheckboxSelectMultiple,
    )  # fmt: skip
    accepts_contact = forms.BooleanField(label=_("Accept messages from Hub members"), required=False, initial=True)

    TAGS = ("objectives", "principles", "regions", "countries", "languages")

    def __init__(self, *args: Any, labels: Labels, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["objectives"] = _tags_field(_("GCM objectives"), labels.objective)
        self.fields["principles"] = _tags_field(_("Guiding principles"), labels.principle)
        self.fields["regions"] = _tags_field(_("Regions"), labels.region)
        self.fields["countries"] = _tags_field(_("Countries"), labels.country, long=True)
        self.fields["languages"] = _tags_field(_("Languages spoken"), labels.language, long=True)

    @staticmethod
    def initial_from(expert: Expert) -> dict[str, Any]:
        return {
            **{name: getattr(expert, name) for name in ("name", "title", "organization", "bio", "email",
                                                         "profile_language", "available_for", "accepts_contact")},
            **{name: getattr(expert, name) for name in ExpertProfileForm.TAGS},
            "keywords": ", ".join(expert.keywords),
        }  # fmt: skip

    def api_data(self) -> dict[str, Any]:
        """The cleaned values in the API's shape (what its serializers read)."""
        data = dict(self.cleaned_data)
        data["keywords"] = keywords_list(data.get("keywords", ""))
        if not data.get("email"):
            data.pop("email", None)
        return data


class ContactForm(forms.Form):
    subject = forms.CharField(label=_("Subject"), max_length=200)
    message = forms.CharField(label=_("Message"), widget=forms.Textarea(attrs={"rows": 6}))


# --- Resources and review ----------------------------------------------------------------------


class ResourceSubmitForm(forms.Form):
    """Suggest a resource for the library; checked by the resources API's input serializer."""

    kind = forms.ChoiceField(label=_("Kind"), choices=Resource.Kind.choices)
    title = forms.CharField(label=_("Title"), max_length=300)
    summary = forms.CharField(label=_("Summary"), widget=forms.Textarea(attrs={"rows": 6}), required=False)
    url = forms.URLField(label=_("Link"), max_length=1000, required=False, assume_scheme="https")
    publication_date = forms.DateField(
        label=_("Publication date"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    summary_language = forms.ChoiceField(
        label=_("Summary language"), choices=ProfileLanguage.choices, initial=ProfileLanguage.ENGLISH
    )
    scope = forms.ChoiceField(label=_("Geographic scope"), choices=Resource.Scope.choices)
    organization = forms.CharField(label=_("Organization"), max_length=200, required=False)

    TAGS = ("objectives", "principles", "regions", "countries", "languages")

    def __init__(self, *args: Any, labels: Labels, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["document_type"] = forms.ChoiceField(
            label=_("Type of document"), required=False, choices=[("", "—"), *_choices(labels.document_type)]
        )
        self.fields["objectives"] = _tags_field(_("GCM objectives"), labels.objective)
        self.fields["principles"] = _tags_field(_("Guiding principles"), labels.principle)
        self.fields["regions"] = _tags_field(_("Regions"), labels.region)
        self.fields["countries"] = _tags_field(_("Countries"), labels.country, long=True)
        self.fields["languages"] = _tags_field(_("Languages"), labels.language, long=True)

    def api_data(self) -> dict[str, Any]:
        data = {key: value for key, value in self.cleaned_data.items() if value not in ("", None)}
        if "publication_date" in data:
            data["publication_date"] = data["publication_date"].isoformat()
        return data


class ReviewForm(forms.Form):
    decision = forms.ChoiceField(label=_("Decision"), choices=Review.Decision.choices, widget=forms.RadioSelect)
    comment = forms.CharField(label=_("Comment"), required=False, widget=forms.Textarea(attrs={"rows": 4}))
    no_conflict_of_interest = forms.BooleanField(
        label=_("I declare that I have no conflict of interest with this resource or its authors."),
        error_messages={"required": _("Declare that you have no conflict of interest to review this resource.")},
    )


class AssignForm(forms.Form):
    usernames = forms.CharField(
        label=_("Reviewers"), max_length=1000, help_text=_("Usernames of roster members, separated by commas.")
    )

    def username_list(self) -> list[str]:
        return keywords_list(self.cleaned_data["usernames"])


class ReviewerApplicationForm(forms.Form):
    motivation = forms.CharField(label=_("Why you would like to review"), widget=forms.Textarea(attrs={"rows": 6}))

    def __init__(self, *args: Any, labels: Labels, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["objectives"] = _tags_field(_("Objectives you could review"), labels.objective)
