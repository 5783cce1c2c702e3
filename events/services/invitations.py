"""Invitations: inviting users and bare addresses to an event, their answers by signed link, and the
invitation withdrawn when the event is cancelled.

Each invitee gets one invitation email with the event as iCalendar (METHOD:REQUEST) and an answer
link bound to their address (``events.invitation_links``); invitees with an account also get an
in-app notification (``event_invitation``; its email is the invitation email, not a second one).
The emails are sent after commit, at most once each, by ``events.invitation_delivery``.
"""

from collections.abc import Sequence
from dataclasses import dataclass
from functools import partial

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from accounts.models import User
from events.calendar import event_zone
from events.models import Event, Invitation, RsvpResponse
from events.paths import event_path
from events.selectors.access import not_found, require_manageable
from events.services.rsvp import address_answer, require_open_for_answers, rsvp_respond
from hub.errors import ErrorCode, HubError
from notifications.models import Notification, NotificationPreference
from notifications.selectors import email_preference_of
from notifications.services import notification_create

State = Invitation.EmailState


@dataclass(frozen=True)
class Invitee:
    """Someone to invite: an address, and the account it belongs to if any (then it is the account's)."""

    email: str
    user: User | None = None


@dataclass(frozen=True)
class InvitationsOutcome:
    """Every invitation the request named (in its order, each address once) and which of them are new."""

    invitations: list[Invitation]
    created: list[Invitation]


def _event_for_update(event_id: int) -> Event:
    event = Event.objects.select_for_update(of=("self",)).select_related("organizer").filter(pk=event_id).first()
    if event is None:
        raise not_found()
    return event


def _notify(invitation: Invitation, user: User, event: Event, by: User) -> None:
    starts = event.starts_at.astimezone(event_zone(event))
    notification_create(
        recipient=user,
        kind=Notification.Kind.EVENT_INVITATION,
        title=gettext_lazy("%(inviter)s invites you to %(title)s"),
        body=gettext_lazy("%(title)s, %(when)s (%(zone)s). Answer on the event's page."),
        params={"inviter": by.shown_name, "title": event.title, "when": f"{starts:%Y-%m-%d %H:%M}",
                "zone": event.timezone},
        url=event_path(event.pk),
        source_key=f"event-invitation:{invitation.pk}",
        email=False,  # the invitation email (with its .ics) is this notification's email
    )  # fmt: skip


def invitations_create(*, event_id: int, by: User, invitees: Sequence[Invitee]) -> InvitationsOutcome:
    """Invite ``invitees`` to the event; an address invited before gets nothing new.

    Only the event's organizer and staff invite (403; 404 for an event they cannot see), and only to
    a published event that is not over (409). Addresses are compared in lower case. Runs under the
    event's row lock, so two requests inviting the same address create one invitation. The emails
    (and the notifications' live push) go out after commit.
    """
    with transaction.atomic():
        event = _event_for_update(event_id)
        require_manageable(event, by)
        require_open_for_answers(event, timezone.now())
        wanted: dict[str, Invitee] = {}
        for invitee in invitees:
            email = (invitee.user.email if invitee.user is not None else invitee.email).strip().lower()
            if email and email not in wanted:
                wanted[email] = Invitee(email=email, user=invitee.user)
        existing = {invitation.email: invitation for invitation in
                    Invitation.objects.filter(event=event, email__in=list(wanted))}  # fmt: skip
        created: list[Invitation] = []
        for email, invitee in wanted.items():
            if email in existing:
                continue
            invitation = Invitation(event=event, user=invitee.user, email=email, invited_by=by)
            if invitee.user is not None and email_preference_of(invitee.user) == NotificationPreference.Email.OFF:
                # They turned the Hub's emails off: the in-app notification is all they get.
                invitation.email_state = State.SKIPPED
                invitation.email_error = "not sent: the invitee turned notification emails off"
            created.append(invitation)
        Invitation.objects.bulk_create(created)  # ids come back (PostgreSQL, SQLite 3.35+)
        for invitation in created:
            if invitation.user is not None:
                _notify(invitation, invitation.user, event, by)
        owed = [invitation.pk for invitation in created if invitation.email_state == State.PENDING]
        if owed:
            transaction.on_commit(partial(_enqueue_invitation_emails, owed))
        by_email = {**existing, **{invitation.email: invitation for invitation in created}}
    return InvitationsOutcome(invitations=[by_email[email] for email in wanted], created=created)


def _chunks(ids: list[int]) -> list[list[int]]:
    size = settings.NOTIFICATION_EMAIL_CHUNK
    return [ids[start : start + size] for start in range(0, len(ids), size)]


def _enqueue_invitation_emails(invitation_ids: list[int]) -> None:
    from events.invitation_tasks import send_invitation_emails  # the tasks module imports this one

    for chunk in _chunks(invitation_ids):
        send_invitation_emails.delay(chunk)


def _enqueue_cancellation_emails(invitation_ids: list[int]) -> None:
    from events.invitation_tasks import send_cancellation_emails

    for chunk in _chunks(invitation_ids):
        send_cancellation_emails.delay(chunk)


def invitations_cancelled_on_commit(event: Event) -> None:
    """The event is being cancelled: every invitee who did not decline is owed one cancellation email
    (METHOD:CANCEL), sent after commit. Call it inside the transaction that cancels ``event``; a
    second call owes nobody anything new."""
    with transaction.atomic():
        owed = list(
            Invitation.objects.filter(event_id=event.pk, cancel_email_state="")
            .exclude(response=RsvpResponse.NO)
            .values_list("pk", flat=True)
        )
        Invitation.objects.filter(pk__in=owed, cancel_email_state="").update(cancel_email_state=State.PENDING)
        if owed:
            transaction.on_commit(partial(_enqueue_cancellation_emails, owed))


def _invitation_for_update(invitation_id: int, email: str) -> Invitation:
    """The invitation a signed link names, locked after its event's row (the order the RSVP service
    locks them in); refused unless it is still for that address."""
    event_id = Invitation.objects.filter(pk=invitation_id).values_list("event_id", flat=True).first()
    if event_id is not None:
        Event.objects.select_for_update().filter(pk=event_id).first()
    invitation = (
        Invitation.objects.select_for_update(of=("self",))
        .select_related("event", "user")
        .filter(pk=invitation_id)
        .first()
    )
    if invitation is None or invitation.email != email:
        raise HubError(ErrorCode.NOT_FOUND, _("This invitation link is not valid."))
    return invitation


@dataclass(frozen=True)
class InvitationAnswer:
    invitation: Invitation
    # A yes from an account to a full event, given a place on the waiting list instead of a seat.
    waitlisted: bool = False


def invitation_respond(*, invitation_id: int, email: str, response: RsvpResponse,
                       waitlist: bool = False) -> InvitationAnswer:  # fmt: skip
    """Record the answer given through the invitation's signed link (no login: the link is the proof).

    ``invitation_id`` and ``email`` come from a verified token (``invitation_token_read``). An invitee
    with an account answers as that account through the RSVP service (capacity, the waiting list,
    409 ``event_full`` with nothing changed); an address without an account takes or frees a seat
    under the same lock and capacity rule (``rsvp.address_answer``: 409 ``event_full`` with nothing
    changed when full; no waiting list). Refused (409) once the event is cancelled or over.
    """
    with transaction.atomic():
        invitation = _invitation_for_update(invitation_id, email)
        event = invitation.event
        if event.published_at is None:  # invitations are made to published events only
            raise not_found()
        now = timezone.now()
        require_open_for_answers(event, now)
        if invitation.user is None:
            seated = address_answer(event, invitation, response, now)
        else:
            seated = True
            outcome = rsvp_respond(event_id=event.pk, user=invitation.user, response=response, waitlist=waitlist)
            if outcome.waitlisted:
                return InvitationAnswer(invitation=invitation, waitlisted=True)
            invitation.response = response
            invitation.responded_at = now
            invitation.save(update_fields=["response", "responded_at"])
    if not seated:
        # Refused after the commit, as the RSVP service refuses: offers that ran out were passed on.
        raise HubError(ErrorCode.EVENT_FULL, _("This event is full."))
    return InvitationAnswer(invitation=invitation)


def invitation_stop_emails(*, invitation_id: int, email: str) -> Invitation:
    """The one-click stop of an invitation's emails (List-Unsubscribe) for an address without an account:
    the invitation counts as declined, so nothing more is sent about it (no nudge, no cancellation)."""
    with transaction.atomic():
        invitation = _invitation_for_update(invitation_id, email)
        if invitation.response != RsvpResponse.NO:
            invitation.response = RsvpResponse.NO
            invitation.responded_at = timezone.now()
            invitation.save(update_fields=["response", "responded_at"])
    return invitation
