"""Notifications: what the Hub tells one person (in-app), their email preference, their
subscriptions, and the email deliveries that carry notifications to their inbox at most once.

Rows are only ever created by ``notifications.services.notification_create`` (one) and
``notifications.bulk`` (many); see ``notifications.tasks`` for how each kind of email is claimed
and sent: ``EmailDelivery`` (one notification, at once), ``MessageEmail`` (a mention or reply,
held a couple of minutes and grouped by space) and ``DigestDelivery`` (one per user and day).
"""

from django.conf import settings
from django.core.validators import MaxValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from hub.fields import TagsField


class Notification(models.Model):
    """One thing one recipient is told, stored already rendered in the recipient's language."""

    class Kind(models.TextChoices):
        EVENT_ANNOUNCEMENT = "event_announcement", _("Event announcement")
        EVENT_INVITATION = "event_invitation", _("Event invitation")
        EVENT_REMINDER = "event_reminder", _("Event reminder")
        EVENT_CANCELLED = "event_cancelled", _("Event cancelled")
        MENTION = "mention", _("Mention")
        REPLY = "reply", _("Reply")
        SPACE_INVITATION = "space_invitation", _("Space invitation")
        CONTACT_REQUEST = "contact_request", _("Contact request")
        REVIEW_ASSIGNED = "review_assigned", _("Review assigned")
        RESOURCE_DECISION = "resource_decision", _("Resource decision")
        EXPERT_QUESTION = "expert_question", _("Question to experts")
        # Extensions of the contract's kinds: the time or place of an event the user follows changed;
        # a webhook of the user's was disabled after a day of failed deliveries.
        EVENT_UPDATED = "event_updated", _("Event updated")
        WEBHOOK_DISABLED = "webhook_disabled", _("Webhook disabled")

    recipient = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notifications")
    kind = models.CharField(_("kind"), max_length=32, choices=Kind.choices)
    title = models.CharField(_("title"), max_length=300)
    body = models.TextField(_("body"), blank=True)
    # A path on the Hub ("/events/12/"); emails prefix it with SITE_URL.
    url = models.CharField(_("link"), max_length=500, blank=True)
    # What caused it, chosen by the caller ("event:12", "contact:345"): with recipient and kind
    # it makes a retried or repeated cause create nothing new.
    source_key = models.CharField(max_length=200)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    read_at = models.DateTimeField(_("read"), null=True, blank=True)
    # Whether the cause wants it to reach the recipient by email at all (immediately or in their
    # daily digest, as they chose). False for what is emailed some other way (a relayed contact).
    # A database default too, so that set-based inserts (``notifications.bulk``) may leave it out.
    by_email = models.BooleanField(_("by email"), default=True, db_default=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("notification")
        verbose_name_plural = _("notifications")
        constraints = [
            models.UniqueConstraint(fields=["recipient", "kind", "source_key"], name="unique_notification_source"),
        ]
        indexes = [
            # The inbox, newest first, and its unread filter.
            models.Index(fields=["recipient", "-created_at", "-id"], name="notification_inbox"),
            models.Index(
                fields=["recipient", "-created_at", "-id"],
                condition=models.Q(read_at__isnull=True),
                name="notification_unread",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.kind} for {self.recipient_id}: {self.title}"


DIGEST_HOUR_DEFAULT = 7  # local time; 07:00 UTC was the one hour of every digest before time zones


class NotificationPreference(models.Model):
    """A user's choices; absent until they first change one (the defaults below apply meanwhile)."""

    class Email(models.TextChoices):
        IMMEDIATE = "immediate", _("Immediately")
        DAILY_DIGEST = "daily_digest", _("Daily digest")
        OFF = "off", _("Off")

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notification_preference"
    )
    email = models.CharField(_("email"), max_length=16, choices=Email.choices, default=Email.IMMEDIATE)
    # Slugs of spaces whose mentions and replies the user does not want to hear about.
    muted_spaces = models.JSONField(_("muted spaces"), default=list, blank=True)
    # The daily digest goes out at ``digest_hour`` o'clock in ``timezone`` (an IANA name the
    # serializer checks with zoneinfo), once per local day: see ``notifications.digest``.
    timezone = models.CharField(_("time zone"), max_length=64, default="UTC")
    digest_hour = models.PositiveSmallIntegerField(
        _("digest hour"), default=DIGEST_HOUR_DEFAULT, validators=[MaxValueValidator(23)]
    )
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        # The digest's hourly tick reads the daily_digest users, zone by zone.
        indexes = [models.Index(fields=["email", "timezone"], name="notification_preference_digest")]
        constraints = [models.CheckConstraint(condition=models.Q(digest_hour__lte=23), name="digest_hour_in_a_day")]
        verbose_name = _("notification preference")
        verbose_name_plural = _("notification preferences")

    def __str__(self) -> str:
        return f"{self.user_id}: email {self.email}"


class EmailDelivery(models.Model):
    """The email that carries one notification; its ``state`` moves only forward.

    pending → sending (claimed by one task run, ``claim`` set) → sent | failed. A row left in
    ``sending`` by a worker that died is never sent again: see ``notifications.tasks``.
    """

    class State(models.TextChoices):
        PENDING = "pending", _("Pending")
        SENDING = "sending", _("Sending")
        SENT = "sent", _("Sent")
        FAILED = "failed", _("Failed")
        # Claimed but never confirmed sent (the worker died mid-send): it may or may not have arrived.
        UNCONFIRMED = "unconfirmed", _("Unconfirmed")

    notification = models.OneToOneField(Notification, on_delete=models.CASCADE, related_name="email_delivery")
    state = models.CharField(_("state"), max_length=16, choices=State.choices, default=State.PENDING)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    # The task run that claimed it (one UPDATE sets both), and when.
    claim = models.UUIDField(null=True, blank=True)
    claimed_at = models.DateTimeField(_("claimed"), null=True, blank=True)
    sent_at = models.DateTimeField(_("sent"), null=True, blank=True)
    error = models.TextField(_("error"), blank=True)

    class Meta:
        verbose_name = _("email delivery")
        verbose_name_plural = _("email deliveries")
        indexes = [models.Index(fields=["state", "created_at"], name="email_delivery_state")]

    def __str__(self) -> str:
        return f"email for notification {self.notification_id}: {self.state}"


class Subscription(models.Model):
    """What events a user wants to hear about: those tagged with one of ``objectives`` or one of
    ``regions``, of one of ``kinds`` (empty: every kind). Absent until the user first subscribes.

    Announcements select recipients from this table set-based (``events.services.announcements``):
    GIN indexes on the tag columns on PostgreSQL answer ``overlaps`` from the index.
    """

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notification_subscription"
    )
    objectives = TagsField(_("objectives"))  # objective keys ("1".."23", "general")
    regions = TagsField(_("regions"))  # region slugs
    kinds = TagsField(_("event kinds"))  # Event.Kind values; empty means every kind
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("subscription")
        verbose_name_plural = _("subscriptions")

    def __str__(self) -> str:
        return f"{self.user_id}: objectives {self.objectives}, regions {self.regions}, kinds {self.kinds or 'all'}"


class MessageEmail(models.Model):
    """The email about a mention or reply in a discussion space, held for a couple of minutes.

    Created with its notification for a recipient whose preference is "immediate"; sent after
    ``NOTIFICATION_MESSAGE_EMAIL_DELAY_SECONDS`` unless the recipient read the message meanwhile
    (their read marker in the space passed ``seq``, or they read the notification). The pending
    rows of one recipient and space go out together, as one email (Zulip's missed-message emails).
    ``state`` moves only forward: pending → sending (claimed with ``claim``) → sent | dropped |
    failed; a row a worker died on stays ``sending`` until the sweep marks it ``unconfirmed``.
    """

    class State(models.TextChoices):
        PENDING = "pending", _("Pending")
        SENDING = "sending", _("Sending")
        SENT = "sent", _("Sent")
        DROPPED = "dropped", _("Dropped (read meanwhile)")
        FAILED = "failed", _("Failed")
        UNCONFIRMED = "unconfirmed", _("Unconfirmed")

    notification = models.OneToOneField(Notification, on_delete=models.CASCADE, related_name="message_email")
    recipient = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    space = models.ForeignKey("discussions.Space", on_delete=models.CASCADE, related_name="+")
    seq = models.PositiveBigIntegerField()  # the message's seq in its space
    due_at = models.DateTimeField(_("due"))
    state = models.CharField(_("state"), max_length=16, choices=State.choices, default=State.PENDING)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    claim = models.UUIDField(null=True, blank=True)
    claimed_at = models.DateTimeField(_("claimed"), null=True, blank=True)
    sent_at = models.DateTimeField(_("sent"), null=True, blank=True)
    error = models.TextField(_("error"), blank=True)

    class Meta:
        verbose_name = _("message email")
        verbose_name_plural = _("message emails")
        indexes = [
            models.Index(fields=["state", "due_at"], name="message_email_due"),
            models.Index(fields=["recipient", "space", "state"], name="message_email_group"),
        ]

    def __str__(self) -> str:
        return f"message email for notification {self.notification_id}: {self.state}"


class DigestDelivery(models.Model):
    """One user's daily digest of one day: inserting the row claims that day's digest.

    The unique (user, day) row is written before anything is sent, so two beat ticks, a retried
    task or two workers never send a day's digest twice. ``covers_until``: the notifications
    created up to this moment were considered; the next digest starts after it.
    """

    class State(models.TextChoices):
        SENDING = "sending", _("Sending")
        SENT = "sent", _("Sent")
        EMPTY = "empty", _("Nothing to send")
        FAILED = "failed", _("Failed")
        UNCONFIRMED = "unconfirmed", _("Unconfirmed")

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    day = models.DateField(_("day"))
    state = models.CharField(_("state"), max_length=16, choices=State.choices, default=State.SENDING)
    covers_until = models.DateTimeField(_("covers until"))
    notification_count = models.PositiveIntegerField(default=0)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    sent_at = models.DateTimeField(_("sent"), null=True, blank=True)
    # Set (committed) right before the email is handed to the server: a claim a dead worker left
    # without it was never attempted, and goes back to the next tick (notifications/digest.py).
    attempted_at = models.DateTimeField(_("attempted"), null=True, blank=True)
    error = models.TextField(_("error"), blank=True)

    class Meta:
        verbose_name = _("digest delivery")
        verbose_name_plural = _("digest deliveries")
        constraints = [models.UniqueConstraint(fields=["user", "day"], name="unique_digest_per_day")]
        indexes = [models.Index(fields=["state", "created_at"], name="digest_delivery_state")]

    def __str__(self) -> str:
        return f"digest of {self.day} for {self.user_id}: {self.state}"
