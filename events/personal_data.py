"""Events' personal data in the data-rights registry (``accounts.personal_data``).

Export: the caller's RSVPs, places on waiting lists, invitations, the reminders sent to them,
their organizer grant, whether they have a calendar feed (its secret address is not written to
the file), and the events they organized.

Erasure: RSVPs and waiting-list places go, and a seat they held is offered to the next person
waiting, as when someone answers no; invitations (to the account or to its email address),
reminder claims, the organizer grant and the calendar feed (its URL stops working) go; events
they organized stay, without an organizer. Invitees of the user are no longer told the user's
name: their invitation notifications say "Deleted user".
"""

from collections.abc import Iterator, Mapping
from typing import Any

from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from accounts.models import User
from accounts.personal_data import EXPORT_CHUNK_SIZE, iso, register_eraser, register_export, register_kept_reference
from events.models import (
    CalendarFeed,
    Event,
    EventNotice,
    Invitation,
    OrganizerGrant,
    Rsvp,
    RsvpResponse,
    WaitlistEntry,
)
from events.services.waitlist import waitlist_offer_free_seats
from notifications.personal_data import notifications_rename_author, source_keys_of

INVITATION_SOURCE_PREFIX = "event-invitation:"  # events.services.invitations' notification source_key


def rsvp_items(user: User) -> Iterator[Mapping[str, Any]]:
    rsvps = Rsvp.objects.filter(user=user).select_related("event").order_by("pk")
    for rsvp in rsvps.iterator(chunk_size=EXPORT_CHUNK_SIZE):
        yield {
            "event": rsvp.event_id,
            "event_title": rsvp.event.title,
            "starts_at": iso(rsvp.event.starts_at),
            "response": rsvp.response,
            "created_at": iso(rsvp.created_at),
            "updated_at": iso(rsvp.updated_at),
        }


def waitlist_items(user: User) -> Iterator[Mapping[str, Any]]:
    entries = WaitlistEntry.objects.filter(user=user).select_related("event").order_by("pk")
    for entry in entries.iterator(chunk_size=EXPORT_CHUNK_SIZE):
        yield {
            "event": entry.event_id,
            "event_title": entry.event.title,
            "state": entry.state,
            "created_at": iso(entry.created_at),
            "offered_at": iso(entry.offered_at),
            "offer_expires_at": iso(entry.offer_expires_at),
        }


def _invitations_of(user: User) -> Q:
    return Q(user=user) | Q(user__isnull=True, email__iexact=user.email)


def invitation_items(user: User) -> Iterator[Mapping[str, Any]]:
    invitations = Invitation.objects.filter(_invitations_of(user)).select_related("event").order_by("pk")
    for invitation in invitations.iterator(chunk_size=EXPORT_CHUNK_SIZE):
        yield {
            "event": invitation.event_id,
            "event_title": invitation.event.title,
            "email": invitation.email,
            "response": invitation.response,
            "created_at": iso(invitation.created_at),
            "responded_at": iso(invitation.responded_at),
            "email_state": invitation.email_state,
            "email_sent_at": iso(invitation.email_sent_at),
        }


def notice_items(user: User) -> Iterator[Mapping[str, Any]]:
    notices = EventNotice.objects.filter(Q(user=user) | Q(user__isnull=True, email__iexact=user.email))
    for notice in notices.order_by("pk").iterator(chunk_size=EXPORT_CHUNK_SIZE):
        yield {"event": notice.event_id, "kind": notice.kind, "created_at": iso(notice.created_at)}


def organizer_items(user: User) -> Iterator[Mapping[str, Any]]:
    grant = OrganizerGrant.objects.filter(user=user).first()
    feed = CalendarFeed.objects.filter(user=user).first()
    yield {
        "organizer_since": iso(grant.created_at) if grant is not None else None,
        "calendar_feed_since": iso(feed.created_at) if feed is not None else None,
    }


def organized_items(user: User) -> Iterator[Mapping[str, Any]]:
    events = Event.objects.filter(organizer=user).order_by("pk")
    for event in events.iterator(chunk_size=EXPORT_CHUNK_SIZE):
        yield {
            "id": event.pk,
            "title": event.title,
            "kind": event.kind,
            "status": event.status,
            "starts_at": iso(event.starts_at),
            "ends_at": iso(event.ends_at),
        }


def _seats_freed(user: User) -> list[int]:
    """The events where the user holds a seat: a yes, or an open offer from the waiting list."""
    yes = Rsvp.objects.filter(user=user, response=RsvpResponse.YES).values_list("event_id", flat=True)
    offered = WaitlistEntry.objects.filter(user=user, state=WaitlistEntry.State.OFFERED).values_list(
        "event_id", flat=True
    )
    return sorted(set(yes) | set(offered))


def events_erase(user: User) -> None:
    now = timezone.now()
    # Event rows locked in id order (as every RSVP locks its event), then the seat passes on.
    for event in Event.objects.select_for_update().filter(pk__in=_seats_freed(user)).order_by("pk"):
        Rsvp.objects.filter(user=user, event=event).delete()
        WaitlistEntry.objects.filter(user=user, event=event).delete()
        waitlist_offer_free_seats(event, now)
    Rsvp.objects.filter(user=user).delete()
    WaitlistEntry.objects.filter(user=user).delete()
    sent = source_keys_of(INVITATION_SOURCE_PREFIX, Invitation.objects.filter(invited_by=user))
    notifications_rename_author(source_keys=sent, old=user.shown_name, new=None)
    Invitation.objects.filter(_invitations_of(user)).delete()
    EventNotice.objects.filter(Q(user=user) | Q(user__isnull=True, email__iexact=user.email)).delete()
    OrganizerGrant.objects.filter(user=user).delete()
    CalendarFeed.objects.filter(user=user).delete()
    Event.objects.filter(organizer=user).update(organizer=None)


register_export(
    "rsvps",
    items=rsvp_items,
    description=_("Your answers to events."),
    fields={
        "event": _("The event's number (/events/<id>/)."),
        "event_title": _("Its title."),
        "starts_at": _("When it starts."),
        "response": _("yes, no or maybe."),
        "created_at": _("When you first answered."),
        "updated_at": _("When you last changed your answer."),
    },
    order=30,
)
register_export(
    "waiting_lists",
    items=waitlist_items,
    description=_("Your places on events' waiting lists."),
    fields={
        "event": _("The event's number."),
        "event_title": _("Its title."),
        "state": _("waiting, offered, accepted, expired or left."),
        "created_at": _("When you joined the list."),
        "offered_at": _("When a seat was offered to you, or null."),
        "offer_expires_at": _("When that offer ran out, or null."),
    },
    order=31,
)
register_export(
    "event_invitations",
    items=invitation_items,
    description=_("Invitations to events you received, to your account or to your email address."),
    fields={
        "event": _("The event's number."),
        "event_title": _("Its title."),
        "email": _("The address the invitation was sent to (yours)."),
        "response": _("Your answer, or empty."),
        "created_at": _("When you were invited."),
        "responded_at": _("When you answered, or null."),
        "email_state": _("Whether the invitation email was sent."),
        "email_sent_at": _("When it was sent, or null."),
    },
    order=32,
)
register_export(
    "event_notices",
    items=notice_items,
    description=_("Reminders and event messages the Hub sent you."),
    fields={
        "event": _("The event's number."),
        "kind": _("Which reminder or message."),
        "created_at": _("When it was sent."),
    },
    order=33,
)
register_export(
    "organizer",
    items=organizer_items,
    single=True,
    description=_("Your organizer grant and calendar feed (the feed's secret address is not exported)."),
    fields={
        "organizer_since": _("When staff let you organize events, or null."),
        "calendar_feed_since": _("When you created your personal calendar feed, or null."),
    },
    order=34,
)
register_export(
    "events_organized",
    items=organized_items,
    description=_("Events you organize or organized."),
    fields={
        "id": _("The event's number."),
        "title": _("Its title."),
        "kind": _("Its kind."),
        "status": _("draft, published or cancelled."),
        "starts_at": _("When it starts."),
        "ends_at": _("When it ends."),
    },
    order=35,
)
register_eraser(
    "events",
    erase=events_erase,
    handles=[
        "events.Rsvp.user",
        "events.WaitlistEntry.user",
        "events.Invitation.user",
        "events.EventNotice.user",
        "events.OrganizerGrant.user",
        "events.CalendarFeed.user",
        "events.Event.organizer",
    ],
    order=30,
)
for _label in ("events.OrganizerGrant.granted_by", "events.Invitation.invited_by"):
    register_kept_reference(_label, reason=_("Other people's grants and invitations keep their record."))
