"""The event pages' forms. They render fields and read posted values; the rules are the API's (the
same input serializers run on what a form read, ``validated_with``) and the services', so a page and
the API refuse the same input with the same words."""

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo, available_timezones

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django_stubs_ext import StrPromise
from rest_framework import serializers

from events.models import Event, RsvpResponse
from hub.text import validate_one_line

DATETIME_LOCAL = "%Y-%m-%dT%H:%M"


def validated_with(form: forms.Form, serializer_class: type[serializers.Serializer[Any]],
                   data: Mapping[str, Any]) -> dict[str, Any] | None:  # fmt: skip
    """The API serializer's validated data, or ``None`` after putting its errors on the form."""
    serializer = serializer_class(data=data)
    if serializer.is_valid():
        return dict(serializer.validated_data)
    add_field_errors(form, serializer.errors)
    return None


def add_field_errors(form: forms.Form, errors: Mapping[str, Any]) -> None:
    """Per-field messages (DRF's or a service's ``EventInvalid``) onto the form's fields."""
    for field, messages in errors.items():
        listed = messages if isinstance(messages, list) else [messages]
        form.add_error(field if field in form.fields else None, [str(message) for message in listed])


def zone_choices() -> list[tuple[str, str]]:
    return [(name, name.replace("_", " ")) for name in sorted(available_timezones() | {"UTC"})]


# --- The list's filters (GET) -------------------------------------------------------------------


@dataclass(frozen=True)
class ListFilters:
    objective: str
    region: str
    kind: str
    upcoming: bool
    view: str  # "agenda" or "month"
    month: tuple[int, int] | None  # (year, month) for the month view
    page: int


class EventFilterForm(forms.Form):
    """The events list's filters. A value it does not know counts as unset: an old or hand-edited link
    still shows a page."""

    objective = forms.ChoiceField(label=_("GCM objective"), required=False)
    region = forms.ChoiceField(label=_("Region"), required=False)
    kind = forms.ChoiceField(label=_("Kind"), required=False, choices=[("", _("Any kind")), *Event.Kind.choices])
    upcoming = forms.ChoiceField(
        label=_("When"), required=False,
        choices=[("true", _("Upcoming")), ("false", _("Past and upcoming"))],
    )  # fmt: skip
    view = forms.ChoiceField(required=False, choices=[("agenda", _("Agenda")), ("month", _("Month"))],
                             widget=forms.HiddenInput)  # fmt: skip
    month = forms.CharField(required=False, max_length=7, widget=forms.HiddenInput)
    page = forms.IntegerField(required=False, min_value=1, widget=forms.HiddenInput)

    def __init__(self, data: Any, *, objectives: Mapping[str, str], regions: Mapping[str, str]) -> None:
        super().__init__(data)
        self.fields["objective"].choices = [("", _("Any objective")), *objectives.items()]  # type: ignore[attr-defined]
        self.fields["region"].choices = [("", _("Any region")), *regions.items()]  # type: ignore[attr-defined]

    def _value(self, name: str) -> Any:
        field = self.fields[name]
        try:
            return field.clean(field.to_python(self.data.get(name)))
        except forms.ValidationError:
            return None

    def filters(self) -> ListFilters:
        month: tuple[int, int] | None = None
        raw_month = self._value("month") or ""
        try:
            parsed = datetime.strptime(raw_month, "%Y-%m")  # noqa: DTZ007 (a month, no time)
            month = (parsed.year, parsed.month) if 1900 <= parsed.year <= 9999 else None
        except ValueError:
            month = None
        return ListFilters(
            objective=self._value("objective") or "",
            region=self._value("region") or "",
            kind=self._value("kind") or "",
            upcoming=(self._value("upcoming") or "true") == "true",
            view=self._value("view") or "agenda",
            month=month,
            page=self._value("page") or 1,
        )


# --- Organizers' forms ---------------------------------------------------------------------------


def _wall_clock_field(label: StrPromise) -> forms.DateTimeField:
    """A time as the browser's ``datetime-local`` input posts it: naive, the wall clock of the event's zone."""
    return forms.DateTimeField(
        label=label,
        input_formats=[DATETIME_LOCAL, "%Y-%m-%d %H:%M", "%Y-%m-%dT%H:%M:%S"],
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format=DATETIME_LOCAL),
    )


class EventForm(forms.Form):
    """Create or change an event; times are wall-clock times in the event's own zone."""

    title = forms.CharField(label=_("Title"), max_length=300, validators=[validate_one_line])
    kind = forms.ChoiceField(label=_("Kind"), choices=Event.Kind.choices, initial=Event.Kind.EVENT)
    description = forms.CharField(
        label=_("Description"), required=False, widget=forms.Textarea(attrs={"rows": 8}), strip=False,
        help_text=_("Plain text or Markdown."),
    )  # fmt: skip
    timezone = forms.ChoiceField(label=_("Time zone"), initial="UTC",
                                 help_text=_("The zone the event is held in; its times below are in it."))  # fmt: skip
    starts_at = _wall_clock_field(_("Starts"))
    ends_at = _wall_clock_field(_("Ends"))
    location = forms.CharField(label=_("Location"), max_length=300, required=False)
    online_url = forms.URLField(label=_("Online link"), max_length=1000, required=False, assume_scheme="https")
    capacity = forms.IntegerField(label=_("Capacity"), required=False, min_value=1,
                                  help_text=_("Empty: no limit."))  # fmt: skip

    def __init__(self, *args: Any, objectives: Mapping[str, str], regions: Mapping[str, str], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["timezone"].choices = zone_choices()  # type: ignore[attr-defined]
        self.fields["objectives"] = forms.MultipleChoiceField(
            label=_("GCM objectives"), required=False, choices=list(objectives.items()),
            widget=forms.CheckboxSelectMultiple,
        )  # fmt: skip
        self.fields["regions"] = forms.MultipleChoiceField(
            label=_("Regions"), required=False, choices=list(regions.items()), widget=forms.CheckboxSelectMultiple
        )

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        # Django made the naive input aware in the server's zone: the service wants it naive (the
        # event's own wall clock), so drop the zone Django added.
        for name in ("starts_at", "ends_at"):
            value = cleaned.get(name)
            if isinstance(value, datetime) and timezone.is_aware(value):
                cleaned[name] = timezone.make_naive(value)
        return cleaned

    @staticmethod
    def initial_from(event: Event) -> dict[str, Any]:
        zone = ZoneInfo(event.timezone)
        return {
            **{name: getattr(event, name) for name in ("title", "kind", "description", "timezone", "location",
                                                        "online_url", "capacity", "objectives", "regions")},
            "starts_at": event.starts_at.astimezone(zone).replace(tzinfo=None),
            "ends_at": event.ends_at.astimezone(zone).replace(tzinfo=None),
        }  # fmt: skip

    def api_data(self) -> dict[str, Any]:
        """The cleaned values in the API's shape (what its serializers read)."""
        data = dict(self.cleaned_data)
        for name in ("starts_at", "ends_at"):
            data[name] = data[name].strftime("%Y-%m-%dT%H:%M:%S")
        return data


class InviteForm(forms.Form):
    usernames = forms.CharField(
        label=_("Usernames"), required=False, widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Hub members' usernames, separated by commas, spaces or lines."),
    )  # fmt: skip
    emails = forms.CharField(
        label=_("Email addresses"), required=False, widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("People without an account are invited too, by email. One per line, or separated by commas."),
    )  # fmt: skip

    @staticmethod
    def _words(text: str) -> list[str]:
        return [word for word in text.replace(",", " ").replace(";", " ").split() if word]

    def api_data(self) -> dict[str, Any]:
        return {
            "usernames": self._words(self.cleaned_data.get("usernames", "")),
            "emails": self._words(self.cleaned_data.get("emails", "")),
        }


class RsvpForm(forms.Form):
    response = forms.ChoiceField(choices=RsvpResponse.choices)
    waitlist = forms.BooleanField(required=False)
