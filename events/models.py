"""Events: GCM Talks, trainings and webinars, who organizes them, who comes, who waits for a seat.

Times are stored in UTC; ``timezone`` is the IANA zone the event is held in (shown beside the
viewer's own). Taxonomy tags are ``TagsField`` lists as on experts and resources (GIN indexes on
PostgreSQL, created by migration 0002). ``sequence`` is the iCalendar SEQUENCE: it grows whenever
the time, place, title or status of a published event changes, so calendar clients update the
entry they already hold instead of adding a second one.

Capacity: the attendee count is the number of ``yes`` RSVPs. A seat offered to the first person on
the waiting list is held for them (``EVENT_SEAT_OFFER_HOURS``) and counts as taken while the offer
is open. RSVPs that could take a seat lock the event row (``select_for_update``) first, so two
people racing for the last seat are served one after the other.
"""

import secrets
from urllib.parse import urlsplit

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from hub.fields import TagsField


class Event(models.Model):
    """A GCM Talk, training, webinar or other event, tagged with objectives and regions."""

    class Kind(models.TextChoices):
        EVENT = "event", _("Event")
        TRAINING = "training", _("Training")
        TALK = "talk", _("GCM Talk")
        WEBINAR = "webinar", _("Webinar")

    class Status(models.TextChoices):
        DRAFT = "draft", _("Draft")
        PUBLISHED = "published", _("Published")
        CANCELLED = "cancelled", _("Cancelled")

    title = models.CharField(_("title"), max_length=300)
    kind = models.CharField(_("kind"), max_length=16, choices=Kind.choices, default=Kind.EVENT)
    # Plain text or Markdown, rendered safely like messages.
    description = models.TextField(_("description"), blank=True)
    objectives = TagsField(_("objectives"))
    regions = TagsField(_("regions"))
    starts_at = models.DateTimeField(_("starts at"))
    ends_at = models.DateTimeField(_("ends at"))
    # IANA name (validated with zoneinfo by the services).
    timezone = models.CharField(_("time zone"), max_length=64, default="UTC")
    location = models.CharField(_("location"), max_length=300, blank=True)
    online_url = models.URLField(_("online link"), max_length=1000, blank=True)
    # None: unlimited.
    capacity = models.PositiveIntegerField(_("capacity"), null=True, blank=True)
    # SET_NULL: erasing an account (DELETE /api/v1/me/) keeps the events it organized.
    organizer = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
        related_name="organized_events", verbose_name=_("organizer"),
    )  # fmt: skip
    status = models.CharField(_("status"), max_length=16, choices=Status.choices, default=Status.DRAFT)
    sequence = models.PositiveIntegerField(_("iCalendar sequence"), default=0)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    published_at = models.DateTimeField(null=True, blank=True)
    cancelled_at = models.DateTimeField(null=True, blank=True)
    # Set by the announcement task once every subscriber's notification is committed
    # (events.services.announcements); null while the announcement is owed (the sweep's outbox).
    announced_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["starts_at", "pk"]
        verbose_name = _("event")
        verbose_name_plural = _("events")
        indexes = [
            models.Index(fields=["status", "starts_at"], name="event_status_starts"),
            # The announcement sweep's outbox: almost every row is announced, so it holds only the owed.
            models.Index(
                fields=["published_at"],
                condition=models.Q(status="published", announced_at__isnull=True),
                name="event_announcement_owed",
            ),
        ]
        constraints = [
            models.CheckConstraint(condition=models.Q(ends_at__gt=models.F("starts_at")), name="event_ends_after_start")
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def ical_uid(self) -> str:
        """The iCalendar UID: stable for the event's whole life (updates and cancellation reuse it)."""
        domain = getattr(settings, "HUB_CALENDAR_DOMAIN", "") or urlsplit(settings.SITE_URL).hostname or "localhost"
        return f"event-{self.pk}@{domain}"


class OrganizerGrant(models.Model):
    """Staff let this user organize events (staff organize without a grant)."""

    user = models.OneToOneField(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="organizer_grant")
    granted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("organizer grant")
        verbose_name_plural = _("organizer grants")

    def __str__(self) -> str:
        return str(self.user)


class RsvpResponse(models.TextChoices):
    YES = "yes", _("Yes")
    NO = "no", _("No")
    MAYBE = "maybe", _("Maybe")


class Rsvp(models.Model):
    """A user's answer to an event; the attendee count is the number of ``yes``."""

    Response = RsvpResponse

    event = models.ForeignKey(Event, on_delete=models.CASCADE, related_name="rsvps")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="event_rsvps")
    response = models.CharField(_("response"), max_length=8, choices=RsvpResponse.choices)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("RSVP")
        verbose_name_plural = _("RSVPs")
        constraints = [models.UniqueConstraint(fields=["event", "user"], name="one_rsvp_per_user")]
        indexes = [models.Index(fields=["event", "response"], name="rsvp_event_response")]

    def __str__(self) -> str:
        return f"{self.user} → {self.event}: {self.response}"


class WaitlistEntry(models.Model):
    """A place in an event's waiting list (first come, first offered)."""

    class State(models.TextChoices):
        WAITING = "waiting", _("Waiting")
        OFFERED = "offered", _("Seat offered")
        ACCEPTED = "accepted", _("Accepted")
        EXPIRED = "expired", _("Offer expired")
        LEFT = "left", _("Left the list")

    event = models.ForeignKey(Event, on_delete=models.CASCADE, related_name="waitlist")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="event_waitlist_entries")
    created_at = models.DateTimeField(auto_now_add=True)
    state = models.CharField(_("state"), max_length=16, choices=State.choices, default=State.WAITING)
    offered_at = models.DateTimeField(null=True, blank=True)
    offer_expires_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["created_at", "pk"]
        verbose_name = _("waiting list entry")
        verbose_name_plural = _("waiting list entries")
        constraints = [models.UniqueConstraint(fields=["event", "user"], name="one_waitlist_entry_per_user")]
        indexes = [
            models.Index(fields=["event", "state", "created_at"], name="waitlist_event_state"),
            models.Index(fields=["state", "offer_expires_at"], name="waitlist_offer_expiry"),
        ]

    def __str__(self) -> str:
        return f"{self.user} waits for {self.event} ({self.state})"


class Invitation(models.Model):
    """An invitation to a user or to an email address without an account (one per address).

    The invitation email (METHOD:REQUEST) and the cancellation email (METHOD:CANCEL) each reach the
    invitee at most once: claimed by a guarded UPDATE of their state (events.services.invitations).
    """

    class EmailState(models.TextChoices):
        PENDING = "pending", _("Pending")
        SENDING = "sending", _("Sending")
        SENT = "sent", _("Sent")
        FAILED = "failed", _("Failed")
        UNCONFIRMED = "unconfirmed", _("Unconfirmed")
        # Not sent because the event was cancelled before it went out (no REQUEST, so no CANCEL either).
        SKIPPED = "skipped", _("Skipped")

    event = models.ForeignKey(Event, on_delete=models.CASCADE, related_name="invitations")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.CASCADE, related_name="event_invitations"
    )
    # Lower case; the user's own address when a user is invited.
    email = models.EmailField(_("email"))
    invited_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    response = models.CharField(_("response"), max_length=8, choices=RsvpResponse.choices, blank=True, default="")
    responded_at = models.DateTimeField(null=True, blank=True)
    # The invitation email (METHOD:REQUEST).
    email_state = models.CharField(max_length=16, choices=EmailState.choices, default=EmailState.PENDING)
    email_claimed_at = models.DateTimeField(null=True, blank=True)
    email_sent_at = models.DateTimeField(null=True, blank=True)
    email_error = models.TextField(blank=True)  # the server's refusal, for staff (admin)
    # The cancellation email (METHOD:CANCEL): "" until the event is cancelled, then pending → ...
    cancel_email_state = models.CharField(max_length=16, choices=EmailState.choices, blank=True, default="")
    cancel_email_claimed_at = models.DateTimeField(null=True, blank=True)
    cancel_email_sent_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["created_at", "pk"]
        verbose_name = _("invitation")
        verbose_name_plural = _("invitations")
        constraints = [models.UniqueConstraint(fields=["event", "email"], name="one_invitation_per_email")]
        # The sweep reads pending rows by age.
        indexes = [models.Index(fields=["email_state", "created_at"], name="invitation_email_state")]

    def __str__(self) -> str:
        return f"{self.email} → {self.event}"


class EventNotice(models.Model):
    """The claim row of a reminder or event message: inserted before sending, so it is sent once.

    ``starts_at`` is the start time the notice was for: an event moved to another time re-arms its
    reminders. Unique per (event, user, email, kind, starts_at); since NULLs are distinct in a
    unique index, that is two partial unique constraints: one for user rows, one for address rows.
    """

    class Kind(models.TextChoices):
        REMINDER_24H = "reminder_24h", _("Reminder 24 hours before")
        REMINDER_1H = "reminder_1h", _("Reminder 1 hour before")
        NUDGE = "nudge", _("Nudge to answer an invitation")
        TIME_CHANGED = "time_changed", _("Time changed")
        CANCELLED = "cancelled", _("Cancelled")

    event = models.ForeignKey(Event, on_delete=models.CASCADE, related_name="notices")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    email = models.EmailField(_("email"), blank=True)
    kind = models.CharField(_("kind"), max_length=16, choices=Kind.choices)
    starts_at = models.DateTimeField()
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("event notice")
        verbose_name_plural = _("event notices")
        constraints = [
            models.UniqueConstraint(
                fields=["event", "user", "email", "kind", "starts_at"],
                condition=models.Q(user__isnull=False),
                name="one_event_notice_per_user",
            ),
            models.UniqueConstraint(
                fields=["event", "email", "kind", "starts_at"],
                condition=models.Q(user__isnull=True),
                name="one_event_notice_per_email",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.kind} {self.event} → {self.user_id or self.email}"


def new_feed_token() -> str:
    return secrets.token_urlsafe(32)


class CalendarFeed(models.Model):
    """A user's personal calendar feed: its secret token is the only credential the URL needs."""

    user = models.OneToOneField(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="calendar_feed")
    token = models.CharField(max_length=64, unique=True, default=new_feed_token)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("calendar feed")
        verbose_name_plural = _("calendar feeds")

    def __str__(self) -> str:
        return f"{self.user}'s calendar feed"
