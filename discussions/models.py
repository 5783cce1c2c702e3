"""Discussion spaces: moderated, real-time consultations per GCM objective.

A space's messages are numbered by ``seq``: 1, 2, 3, ... in commit order, with no gap. The
counter lives on the space row (``last_seq``) and is advanced under that row's lock, which is
what serializes writers per space (see ``discussions.services.posting.message_post_many``).
"""

from datetime import datetime

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class Space(models.Model):
    class Visibility(models.TextChoices):
        PUBLIC = "public", _("Public")
        PRIVATE = "private", _("Private")

    class Kind(models.TextChoices):
        OBJECTIVE = "objective", _("Objective")
        THEMATIC = "thematic", _("Thematic")
        REGIONAL = "regional", _("Regional")

    slug = models.SlugField(_("slug"), max_length=80, unique=True)
    name = models.CharField(_("name"), max_length=200)
    description = models.TextField(_("description"), blank=True)
    kind = models.CharField(_("kind"), max_length=16, choices=Kind.choices, default=Kind.THEMATIC)
    objective = models.ForeignKey(
        "gcm.Objective", on_delete=models.PROTECT, null=True, blank=True, related_name="spaces"
    )
    region = models.ForeignKey("gcm.Region", on_delete=models.PROTECT, null=True, blank=True, related_name="spaces")
    visibility = models.CharField(_("visibility"), max_length=8, choices=Visibility.choices, default=Visibility.PUBLIC)
    locked = models.BooleanField(_("locked"), default=False)
    opens_at = models.DateTimeField(_("opens at"), null=True, blank=True)
    closes_at = models.DateTimeField(_("closes at"), null=True, blank=True)
    audience = models.CharField(_("audience"), max_length=200, blank=True)
    languages = models.JSONField(_("languages"), default=list, blank=True)
    slow_mode_seconds = models.PositiveIntegerField(_("slow mode (seconds)"), default=0)
    summary = models.TextField(_("summary"), blank=True)
    last_seq = models.PositiveBigIntegerField(default=0, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    class Meta:
        ordering = ["objective__position", "name"]
        verbose_name = _("discussion space")
        verbose_name_plural = _("discussion spaces")

    def __str__(self) -> str:
        return self.name

    @property
    def is_private(self) -> bool:
        return self.visibility == self.Visibility.PRIVATE

    def is_open_at(self, moment: datetime) -> bool:
        return (self.opens_at is None or self.opens_at <= moment) and (
            self.closes_at is None or moment < self.closes_at
        )


class Membership(models.Model):
    class Role(models.TextChoices):
        MEMBER = "member", _("Member")
        MODERATOR = "moderator", _("Moderator")

    space = models.ForeignKey(Space, on_delete=models.CASCADE, related_name="memberships")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="space_memberships")
    role = models.CharField(max_length=16, choices=Role.choices, default=Role.MEMBER)
    last_read_seq = models.PositiveBigIntegerField(default=0)
    joined_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["space", "user"], name="unique_membership")]

    def __str__(self) -> str:
        return f"{self.user} in {self.space} ({self.role})"


class Invitation(models.Model):
    space = models.ForeignKey(Space, on_delete=models.CASCADE, related_name="invitations")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="space_invitations")
    invited_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    accepted_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["space", "user"], name="unique_invitation")]

    def __str__(self) -> str:
        return f"{self.user} invited to {self.space}"


class Topic(models.Model):
    """A thread within a space; a moderator's discussion question is a topic with ``is_question``."""

    space = models.ForeignKey(Space, on_delete=models.CASCADE, related_name="topics")
    name = models.CharField(max_length=200)
    is_question = models.BooleanField(default=False)
    body = models.TextField(blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["created_at"]
        constraints = [models.UniqueConstraint(fields=["space", "name"], name="unique_topic_name")]

    def __str__(self) -> str:
        return self.name


class Message(models.Model):
    space = models.ForeignKey(Space, on_delete=models.CASCADE, related_name="messages")
    seq = models.PositiveBigIntegerField()
    topic = models.ForeignKey(Topic, on_delete=models.SET_NULL, null=True, blank=True, related_name="messages")
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="messages")
    body = models.TextField(blank=True)
    html = models.TextField(blank=True)
    reply_to_seq = models.PositiveBigIntegerField(null=True, blank=True)
    # Null, not "", when absent: the unique constraint must not see absent client_ids as equal.
    client_id = models.CharField(max_length=64, null=True, blank=True)  # noqa: DJ001
    mentions = models.JSONField(default=list, blank=True)
    reactions = models.JSONField(default=dict, blank=True, help_text=_("emoji -> count, kept with Reaction rows"))
    pinned = models.BooleanField(default=False)
    deleted = models.BooleanField(default=False)
    created_at = models.DateTimeField(default=timezone.now)
    edited_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["seq"]
        constraints = [
            models.UniqueConstraint(fields=["space", "seq"], name="unique_message_seq"),
            # Idempotent sends: a resent client_id can never make a second row.
            models.UniqueConstraint(
                fields=["space", "author", "client_id"],
                condition=Q(client_id__isnull=False),
                name="unique_message_client_id",
            ),
        ]
        indexes = [models.Index(fields=["space", "author", "created_at"], name="message_rate_window")]

    def __str__(self) -> str:
        return f"{self.space.slug}#{self.seq}"


class MessageRevision(models.Model):
    """An earlier body of an edited or deleted message, kept for moderators."""

    message = models.ForeignKey(Message, on_delete=models.CASCADE, related_name="revisions")
    body = models.TextField()
    replaced_at = models.DateTimeField(auto_now_add=True)
    replaced_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+")

    class Meta:
        ordering = ["replaced_at"]

    def __str__(self) -> str:
        return f"revision of {self.message}"


class Reaction(models.Model):
    message = models.ForeignKey(Message, on_delete=models.CASCADE, related_name="reaction_rows")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    emoji = models.CharField(max_length=32)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["message", "user", "emoji"], name="unique_reaction")]

    def __str__(self) -> str:
        return f"{self.emoji} on {self.message}"


class _Restriction(models.Model):
    """A ban or mute of a user in a space, until ``expires_at`` (null: until lifted)."""

    space = models.ForeignKey(Space, on_delete=models.CASCADE, related_name="+")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    reason = models.TextField(blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    expires_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        abstract = True

    def __str__(self) -> str:
        return f"{self.user} in {self.space}"


class Ban(_Restriction):
    class Meta:
        constraints = [models.UniqueConstraint(fields=["space", "user"], name="unique_ban")]


class Mute(_Restriction):
    class Meta:
        constraints = [models.UniqueConstraint(fields=["space", "user"], name="unique_mute")]


def in_force(moment: datetime) -> Q:
    """Bans and mutes that apply at ``moment``."""
    return Q(expires_at__isnull=True) | Q(expires_at__gt=moment)


class Report(models.Model):
    class Status(models.TextChoices):
        OPEN = "open", _("Open")
        RESOLVED = "resolved", _("Resolved")

    message = models.ForeignKey(Message, on_delete=models.CASCADE, related_name="reports")
    reporter = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    reason = models.TextField()
    status = models.CharField(max_length=16, choices=Status.choices, default=Status.OPEN)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at"]
        constraints = [models.UniqueConstraint(fields=["message", "reporter"], name="unique_report")]

    def __str__(self) -> str:
        return f"report on {self.message}"


class ModerationAction(models.Model):
    """The moderation log: who did what to whom, when and why."""

    class Kind(models.TextChoices):
        BAN = "ban", _("Ban")
        UNBAN = "unban", _("Unban")
        MUTE = "mute", _("Mute")
        UNMUTE = "unmute", _("Unmute")
        DELETE_MESSAGE = "delete_message", _("Delete message")
        PIN = "pin", _("Pin")
        UNPIN = "unpin", _("Unpin")
        LOCK = "lock", _("Lock")
        UNLOCK = "unlock", _("Unlock")
        UPDATE_SPACE = "update_space", _("Update space")
        INVITE = "invite", _("Invite")
        ADD_MODERATOR = "add_moderator", _("Add moderator")
        REMOVE_MODERATOR = "remove_moderator", _("Remove moderator")
        POSE_QUESTION = "pose_question", _("Pose question")
        PUBLISH_SUMMARY = "publish_summary", _("Publish summary")

    space = models.ForeignKey(Space, on_delete=models.CASCADE, related_name="moderation_actions")
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+")
    kind = models.CharField(max_length=32, choices=Kind.choices)
    target_user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    message_seq = models.PositiveBigIntegerField(null=True, blank=True)
    reason = models.TextField(blank=True)
    details = models.JSONField(default=dict, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"{self.kind} in {self.space}"
