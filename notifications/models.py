"""Notifications: what the Hub tells one person (in-app), their email preference, and the email
deliveries that carry a notification to their inbox exactly once.

Rows are only ever created by ``notifications.services.notification_create``; see
``notifications.tasks`` for how an ``EmailDelivery`` is claimed and sent.
"""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


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
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
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
