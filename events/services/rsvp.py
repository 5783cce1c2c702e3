"""Answering an event: yes, no or maybe, with its capacity kept under concurrency.

The attendee count is the number of ``yes`` answers, of accounts and of invited addresses without an
account (``address_answer``: the same seats, the same lock). Every answer locks the event row
(``select_for_update``) before it counts seats, so two people racing for the last seat are served
one after the other: the first takes it, the second finds the event full (409 ``event_full``), or
is put on the waiting list when they asked for that (``waitlist=True``). Seats held by open offers
to people on the waiting list count as taken (``events.services.waitlist``).

Only a published event that has not ended takes answers; a draft the caller may not see does not
exist (404); a cancelled or ended one, or a draft its organizer answers, is a 409 ``conflict``.
"""

from dataclasses import dataclass
from datetime import datetime

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import User
from events.models import Event, Invitation, Rsvp, RsvpResponse, WaitlistEntry
from events.selectors.access import event_visible_to, not_found
from events.services.waitlist import (
    seats_taken,
    waitlist_join,
    waitlist_offer_free_seats,
    waitlist_release_expired,
)
from hub.errors import ErrorCode, HubError


@dataclass(frozen=True)
class RsvpOutcome:
    """What an answer did: ``rsvp`` is the caller's answer as it stands (None when they never
    answered); ``waitlisted`` says the yes was not given a seat but a place on the waiting list."""

    event: Event
    rsvp: Rsvp | None
    entry: WaitlistEntry | None
    waitlisted: bool


def require_open_for_answers(event: Event, now: datetime) -> None:
    if event.status == Event.Status.CANCELLED:
        raise HubError(ErrorCode.CONFLICT, _("This event was cancelled."))
    if event.status != Event.Status.PUBLISHED:
        raise HubError(ErrorCode.CONFLICT, _("This event is not published yet."))
    if event.ends_at <= now:
        raise HubError(ErrorCode.CONFLICT, _("This event has ended."))


def rsvp_respond(*, event_id: int, user: User, response: str, waitlist: bool = False) -> RsvpOutcome:
    """Record ``user``'s answer to the event.

    ``yes``: a seat if one is free (or the offer the user holds is open); else, with ``waitlist``,
    a place at the end of the waiting list (the user's previous answer stays), without it 409
    ``event_full``. Answering yes again changes nothing. ``no`` or ``maybe``: a seat the user held
    is freed and offered to the next in line; the user leaves the waiting list (an open offer to
    them is declined and passed on). An invitation the user holds records the answer too.
    """
    response = RsvpResponse(response)
    now = timezone.now()
    with transaction.atomic():
        event = Event.objects.select_for_update().filter(pk=event_id).first()
        if event is None or not event_visible_to(event, user):
            raise not_found()
        require_open_for_answers(event, now)
        # Offers that ran out pass on first: the people waiting come before whoever answers now.
        waitlist_release_expired(event, now)
        rsvp = Rsvp.objects.filter(event=event, user=user).first()
        entry = WaitlistEntry.objects.filter(event=event, user=user).first()
        outcome: RsvpOutcome | None
        if response == RsvpResponse.YES:
            outcome = _answer_yes(event, user, rsvp, entry, waitlist=waitlist, now=now)
        else:
            outcome = _answer_not_yes(event, user, rsvp, entry, response, now=now)
        if outcome is not None and not outcome.waitlisted:
            Invitation.objects.filter(event=event, user=user).exclude(response=response).update(
                response=response, responded_at=now
            )
    if outcome is None:
        # Refused after the commit, not inside it: offers that ran out have been passed on meanwhile
        # (the answer itself changed nothing).
        raise HubError(ErrorCode.EVENT_FULL, _("This event is full."))
    return outcome


def _answer_yes(
    event: Event, user: User, rsvp: Rsvp | None, entry: WaitlistEntry | None, *, waitlist: bool, now: datetime
) -> RsvpOutcome | None:
    """The outcome of a yes; None when the event is full and the user did not ask to wait."""
    if rsvp is not None and rsvp.response == RsvpResponse.YES:
        return RsvpOutcome(event, rsvp, entry, waitlisted=False)
    holds_offer = entry is not None and entry.state == WaitlistEntry.State.OFFERED
    # An open offer's seat is already counted as taken: accepting it moves that seat to the answer.
    if not holds_offer and event.capacity is not None and seats_taken(event, now) >= event.capacity:
        if not waitlist:
            return None
        return RsvpOutcome(event, rsvp, waitlist_join(event, user.pk, now), waitlisted=True)
    if entry is not None and entry.state in (WaitlistEntry.State.WAITING, WaitlistEntry.State.OFFERED):
        entry.state = WaitlistEntry.State.ACCEPTED
        entry.save(update_fields=["state"])
    return RsvpOutcome(event, _saved(event, user, rsvp, RsvpResponse.YES), entry, waitlisted=False)


def _answer_not_yes(
    event: Event, user: User, rsvp: Rsvp | None, entry: WaitlistEntry | None, response: str, *, now: datetime
) -> RsvpOutcome:
    freed = rsvp is not None and rsvp.response == RsvpResponse.YES
    if entry is not None and entry.state in (WaitlistEntry.State.WAITING, WaitlistEntry.State.OFFERED):
        freed = freed or entry.state == WaitlistEntry.State.OFFERED
        entry.state = WaitlistEntry.State.LEFT
        entry.save(update_fields=["state"])
    saved = _saved(event, user, rsvp, response)
    if freed:
        waitlist_offer_free_seats(event, now)
    return RsvpOutcome(event, saved, entry, waitlisted=False)


def _saved(event: Event, user: User, rsvp: Rsvp | None, response: str) -> Rsvp:
    if rsvp is None:
        return Rsvp.objects.create(event=event, user=user, response=response)
    if rsvp.response != response:
        rsvp.response = response
        rsvp.save(update_fields=["response", "updated_at"])
    return rsvp


def address_answer(event: Event, invitation: Invitation, response: RsvpResponse, now: datetime) -> bool:
    """Record the answer of an invited address without an account (its signed link); False, with nothing
    changed, when it is a yes to a full event.

    Precondition: inside a transaction holding the event row lock (then the invitation's), the lock
    every account's answer takes, so an address and an account racing for the last seat take turns.
    A yes takes a seat under the accounts' rule (seats held by open offers count as taken); an
    address cannot wait in line (the waiting list is of accounts). A yes given back (no, maybe)
    frees its seat, offered at once to the first in line.
    """
    # Offers that ran out pass on first, as for an account's answer.
    waitlist_release_expired(event, now)
    held_a_seat = invitation.response == RsvpResponse.YES
    if response == RsvpResponse.YES and not held_a_seat and _full(event, now):
        return False
    if invitation.response != response or invitation.responded_at is None:
        invitation.response = response
        invitation.responded_at = now
        invitation.save(update_fields=["response", "responded_at"])
    if held_a_seat and response != RsvpResponse.YES:
        waitlist_offer_free_seats(event, now)
    return True


def _full(event: Event, now: datetime) -> bool:
    return event.capacity is not None and seats_taken(event, now) >= event.capacity
