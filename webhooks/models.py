"""Webhooks: an integration's URL that hears of what happens on the Hub, and the deliveries to it.

A ``Delivery`` is an outbox row, written in the same transaction as its cause
(``webhooks.outbox``) and sent by Celery (``webhooks.delivery``), one at a time per webhook and in
id order. ``DeliveryAttempt`` is the log of each HTTP request made for it.
"""

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from hub.fields import TagsField


class WebhookEvent(models.TextChoices):
    """The events a webhook can ask for (the contract's names)."""

    MESSAGE_NEW = "message.new", _("New message")
    MESSAGE_UPDATED = "message.updated", _("Message changed")
    EVENT_PUBLISHED = "event.published", _("Event published")
    EVENT_CANCELLED = "event.cancelled", _("Event cancelled")
    RESOURCE_APPROVED = "resource.approved", _("Resource approved")


# What the log says of deliveries that were not sent, or not confirmed (shown by the API and admin).
SKIPPED_ERROR = _("Not sent: the webhook was disabled.")
UNCONFIRMED_ERROR = _("The request was under way when its worker stopped: it may have arrived. Not sent again.")


class Webhook(models.Model):
    owner = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="webhooks")
    url = models.URLField(_("URL"), max_length=2000)
    events = TagsField(_("events"))  # WebhookEvent values
    # Set: messages of this space only (private or public). Unset: messages of public spaces.
    space = models.ForeignKey(
        "discussions.Space", on_delete=models.CASCADE, null=True, blank=True, related_name="webhooks"
    )
    # Kept in the clear because signing needs it (HMAC); never returned by the API.
    secret = models.CharField(_("secret"), max_length=256)
    active = models.BooleanField(_("active"), default=True)
    disabled_at = models.DateTimeField(_("disabled"), null=True, blank=True)
    disabled_reason = models.CharField(_("why disabled"), max_length=300, blank=True)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    # The one sender allowed to send for this webhook now (``webhooks.delivery``): a lease that
    # a dead worker's sender loses when it runs out.
    sender_claim = models.UUIDField(null=True, blank=True, editable=False)
    sender_lease_until = models.DateTimeField(null=True, blank=True, editable=False)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("webhook")
        verbose_name_plural = _("webhooks")
        indexes = [models.Index(fields=["active"], name="webhook_active")]

    def __str__(self) -> str:
        return self.url


class Delivery(models.Model):
    """One event to one webhook. ``state`` only moves forward, except that a failed attempt puts
    it back to pending for the next one (the receiver did not take it: an error or a non-2xx):

    pending → sending (claimed for attempt n, ``attempts`` = n) → delivered (a 2xx: never sent
    again) | pending (retry at ``next_attempt_at``) | failed (given up after a day) |
    unconfirmed (a worker died during the request: never sent again automatically).
    pending → skipped (the webhook was disabled before its turn).
    """

    class State(models.TextChoices):
        PENDING = "pending", _("Pending")
        SENDING = "sending", _("Sending")
        DELIVERED = "delivered", _("Delivered")
        FAILED = "failed", _("Failed")
        UNCONFIRMED = "unconfirmed", _("Unconfirmed")
        SKIPPED = "skipped", _("Skipped")

    webhook = models.ForeignKey(Webhook, on_delete=models.CASCADE, related_name="deliveries")
    event = models.CharField(_("event"), max_length=32, choices=WebhookEvent.choices)
    # The payload's ``data``, as the REST API shows the object (the body is built from it when sent).
    data = models.JSONField(_("data"))
    created_at = models.DateTimeField(_("created"), default=timezone.now)
    state = models.CharField(_("state"), max_length=16, choices=State.choices, default=State.PENDING)
    attempts = models.PositiveIntegerField(_("attempts"), default=0)
    next_attempt_at = models.DateTimeField(_("next attempt"), default=timezone.now)
    first_attempt_at = models.DateTimeField(_("first attempt"), null=True, blank=True)
    claimed_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(_("finished"), null=True, blank=True)
    status_code = models.PositiveIntegerField(_("last status"), null=True, blank=True)
    error = models.CharField(_("last error"), max_length=500, blank=True)
    redelivery_of = models.ForeignKey(
        "self", on_delete=models.SET_NULL, null=True, blank=True, related_name="redeliveries"
    )

    class Meta:
        ordering = ["-id"]
        verbose_name = _("webhook delivery")
        verbose_name_plural = _("webhook deliveries")
        indexes = [
            # The head of each webhook's queue, and its log newest first.
            models.Index(fields=["webhook", "state", "id"], name="webhook_delivery_queue"),
            # The sweep: work that is due and nobody is doing.
            models.Index(fields=["state", "next_attempt_at"], name="webhook_delivery_due"),
        ]

    def __str__(self) -> str:
        return f"{self.event} #{self.pk} to webhook {self.webhook_id}: {self.state}"


class DeliveryAttempt(models.Model):
    """One HTTP request made for a delivery, as the delivery log shows it."""

    delivery = models.ForeignKey(Delivery, on_delete=models.CASCADE, related_name="attempt_log")
    number = models.PositiveIntegerField()
    started_at = models.DateTimeField()
    duration_ms = models.PositiveIntegerField(null=True, blank=True)
    status_code = models.PositiveIntegerField(null=True, blank=True)  # None: no answer (error)
    error = models.CharField(max_length=500, blank=True)

    class Meta:
        ordering = ["delivery_id", "number"]
        constraints = [models.UniqueConstraint(fields=["delivery", "number"], name="unique_delivery_attempt")]

    def __str__(self) -> str:
        return f"attempt {self.number} of delivery {self.delivery_id}: {self.status_code or self.error}"
