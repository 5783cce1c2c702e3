"""The settings page's forms. They render fields and read the posted values; the rules are the
API's, applied by running the same input serializers (``validated_with``), so the page and
``PUT /me/...`` refuse the same input with the same words."""

from collections.abc import Mapping
from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

from events.forms import zone_choices
from events.models import Event
from notifications.models import NotificationPreference
from notifications.selectors import SettingsChoices


def validated_with(
    form: forms.Form,
    serializer_class: type[serializers.Serializer[Any]],
    data: Mapping[str, Any],
    context: Mapping[str, Any] | None = None,
) -> dict[str, Any] | None:
    """The API serializer's validated data, or ``None`` after putting its errors on the form."""
    serializer = serializer_class(data=data, context=dict(context or {}))
    if serializer.is_valid():
        return dict(serializer.validated_data)
    for field, errors in serializer.errors.items():
        messages = errors if isinstance(errors, list) else [str(errors)]
        form.add_error(field if field in form.fields else None, [str(message) for message in messages])
    return None


class PreferencesForm(forms.Form):
    email = forms.ChoiceField(
        label=_("Email me"), choices=NotificationPreference.Email.choices, widget=forms.RadioSelect
    )
    muted_spaces = forms.MultipleChoiceField(
        label=_("Muted spaces (no mention or reply notifications from them)"),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )

    # Optional as in the API: a form posted without them leaves them as they are.
    timezone = forms.ChoiceField(
        label=_("Time zone"), required=False, widget=forms.Select(attrs={"aria-describedby": "digest-help"})
    )
    digest_hour = forms.TypedChoiceField(
        label=_("Send the daily digest at"),
        required=False,
        widget=forms.Select(attrs={"aria-describedby": "digest-help"}),
        coerce=int,
        empty_value=None,
        choices=[(hour, f"{hour:02d}:00") for hour in range(24)],
    )

    def __init__(self, *args: Any, choices: SettingsChoices, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["muted_spaces"].choices = choices.spaces  # type: ignore[attr-defined]
        self.fields["timezone"].choices = zone_choices()  # type: ignore[attr-defined]

    def given(self) -> dict[str, Any]:
        """The cleaned values, without the optional ones left empty (precondition: ``is_valid()``)."""
        return {name: value for name, value in self.cleaned_data.items() if value not in ("", None)}


class SubscriptionForm(forms.Form):
    objectives = forms.MultipleChoiceField(label=_("Objectives"), required=False, widget=forms.CheckboxSelectMultiple)
    regions = forms.MultipleChoiceField(label=_("Regions"), required=False, widget=forms.CheckboxSelectMultiple)
    kinds = forms.MultipleChoiceField(
        label=_("Kinds of event (none ticked: every kind)"),
        required=False,
        choices=Event.Kind.choices,
        widget=forms.CheckboxSelectMultiple,
    )

    def __init__(self, *args: Any, choices: SettingsChoices, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["objectives"].choices = choices.objectives  # type: ignore[attr-defined]
        self.fields["regions"].choices = choices.regions  # type: ignore[attr-defined]
