"""Who may see, organize and answer events. Every service, view and page goes through these checks.

- An organizer is a staff user or a user staff granted (``OrganizerGrant``); only organizers
  create events.
- An event's own organizer and staff change, publish and cancel it (a user whose grant was
  withdrawn keeps seeing their events but no longer changes them).
- Everyone sees an event once it was published (a cancelled one included: people who planned to
  come must be able to read that it was cancelled). A draft, or one cancelled before it was ever
  published, is seen by its organizer and staff only: for anybody else it does not exist (404).
"""

from django.db.models import Q
from django.utils.translation import gettext as _

from accounts.callers import Caller
from events.models import Event, OrganizerGrant
from hub.errors import ErrorCode, HubError


def not_found() -> HubError:
    return HubError(ErrorCode.NOT_FOUND, _("No such event."))


def is_organizer(user: Caller) -> bool:
    """Staff, or granted; one query for a non-staff user."""
    if not user.is_authenticated or not user.is_active:
        return False
    return user.is_staff or OrganizerGrant.objects.filter(user_id=user.pk).exists()


def require_organizer(user: Caller) -> None:
    if not is_organizer(user):
        raise HubError(ErrorCode.FORBIDDEN, _("Only event organizers create events."))


def events_visible_filter(user: Caller) -> Q:
    """The events ``user`` may see, as a filter (see the module's docstring)."""
    public = Q(published_at__isnull=False)
    if not user.is_authenticated:
        return public
    if user.is_staff:
        return Q()
    return public | Q(organizer_id=user.pk)


def event_visible_to(event: Event, user: Caller) -> bool:
    if event.published_at is not None:
        return True
    return user.is_authenticated and (user.is_staff or event.organizer_id == user.pk)


def event_manageable_by(event: Event, user: Caller) -> bool:
    """Staff, or the event's organizer while they still are an organizer."""
    if not user.is_authenticated:
        return False
    if user.is_staff:
        return True
    return event.organizer_id == user.pk and is_organizer(user)


def require_manageable(event: Event, user: Caller) -> None:
    """404 for an event the caller may not see, 403 for one they see but may not change."""
    if not event_visible_to(event, user):
        raise not_found()
    if not event_manageable_by(event, user):
        raise HubError(ErrorCode.FORBIDDEN, _("Only the event's organizer and staff change this event."))
