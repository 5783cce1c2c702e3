"""The expert and resource database: expert profiles, the contacts relayed to them, the
peer-reviewed library of resources, and the roster of people who review it.

Taxonomy tags (objective keys, principle and region slugs, ISO codes) are ``TagsField`` lists on
the row: see ``hub.fields`` for why. The full-text index is the database's business (a trigger
kept ``tsvector`` on PostgreSQL, FTS5 on SQLite, created by migrations, read by
``experts.search``), so it does not appear here.
"""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from gcm.models import DocumentType
from hub.fields import TagsField


class ProfileLanguage(models.TextChoices):
    """The language a profile or summary is written in, which decides how its words are stemmed."""

    ARABIC = "ar", "العربية"
    CHINESE = "zh", "中文"
    ENGLISH = "en", "English"
    FRENCH = "fr", "Français"
    RUSSIAN = "ru", "Русский"
    SPANISH = "es", "Español"


class Expert(models.Model):
    """A person others can find by topic and contact through the Hub, without seeing their address."""

    class Availability(models.TextChoices):
        ADVISORY = "advisory", _("Advisory")
        SPEAKING = "speaking", _("Speaking")
        MEDIA = "media", _("Media")
        PEER_REVIEW = "peer_review", _("Peer review")
        TRAINING = "training", _("Training")

    # Null for a profile staff keep for someone without an account (imported from a roster).
    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.CASCADE, related_name="expert"
    )
    name = models.CharField(_("name"), max_length=200)
    title = models.CharField(_("title"), max_length=200, blank=True)
    organization = models.CharField(_("organization"), max_length=200, blank=True)
    bio = models.TextField(_("biography"), blank=True)
    # Where contacts are relayed; never shown to anyone but the expert and staff.
    email = models.EmailField(_("contact email"))
    profile_language = models.CharField(
        _("profile language"), max_length=2, choices=ProfileLanguage.choices, default=ProfileLanguage.ENGLISH,
        help_text=_("The language the biography is written in (how its words are stemmed for search)."),
    )  # fmt: skip
    objectives = TagsField(_("objectives"))
    principles = TagsField(_("guiding principles"))
    regions = TagsField(_("regions"))
    countries = TagsField(_("countries"))
    languages = TagsField(_("languages spoken"))
    keywords = TagsField(_("keywords"))
    available_for = TagsField(_("available for"))
    accepts_contact = models.BooleanField(_("accepts contact"), default=True)
    verified = models.BooleanField(_("verified by staff"), default=False)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True, db_index=True)

    class Meta:
        ordering = ["name", "pk"]
        verbose_name = _("expert")
        verbose_name_plural = _("experts")

    def __str__(self) -> str:
        return f"{self.name} ({self.organization})" if self.organization else self.name


class ExpertContact(models.Model):
    """A message relayed to an expert: kept so the expert sees who wrote, and to count the sender's rate."""

    expert = models.ForeignKey(Expert, on_delete=models.CASCADE, related_name="contacts")
    sender = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="expert_contacts")
    subject = models.CharField(_("subject"), max_length=200)
    message = models.TextField(_("message"))
    created_at = models.DateTimeField(auto_now_add=True)
    relayed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        indexes = [models.Index(fields=["sender", "created_at"], name="expert_contact_sender_time")]

    def __str__(self) -> str:
        return f"{self.sender} → {self.expert}: {self.subject}"


class Resource(models.Model):
    """A document, practice, project, video or training in the peer-reviewed library."""

    class Kind(models.TextChoices):
        DOCUMENT = "document", _("Document")
        PRACTICE = "practice", _("Repository of practices")
        PROJECT = "project", _("Project")
        VIDEO = "video", _("Video")
        TRAINING = "training", _("Training and guidance")

    class Scope(models.TextChoices):
        GLOBAL = "global", _("Global")
        REGIONAL = "regional", _("Regional")
        NATIONAL = "national", _("National")

    class Status(models.TextChoices):
        SUBMITTED = "submitted", _("Submitted")
        IN_REVIEW = "in_review", _("In review")
        APPROVED = "approved", _("Approved")
        REJECTED = "rejected", _("Rejected")

    kind = models.CharField(_("kind"), max_length=16, choices=Kind.choices)
    title = models.CharField(_("title"), max_length=300)
    summary = models.TextField(_("summary"), blank=True)
    url = models.URLField(_("link"), max_length=1000, blank=True)
    # The slug (``document_type_id``) is the API's value; slugs never change.
    document_type = models.ForeignKey(
        DocumentType, to_field="slug", db_column="document_type", null=True, blank=True,
        on_delete=models.PROTECT, related_name="+", verbose_name=_("document type"),
    )  # fmt: skip
    publication_date = models.DateField(_("publication date"), null=True, blank=True)
    summary_language = models.CharField(
        _("summary language"), max_length=2, choices=ProfileLanguage.choices, default=ProfileLanguage.ENGLISH
    )
    objectives = TagsField(_("objectives"))
    principles = TagsField(_("guiding principles"))
    regions = TagsField(_("regions"))
    countries = TagsField(_("countries"))
    languages = TagsField(_("languages"))
    scope = models.CharField(_("geographic scope"), max_length=16, choices=Scope.choices, default=Scope.GLOBAL)
    organization = models.CharField(_("organization"), max_length=200, blank=True)
    status = models.CharField(_("status"), max_length=16, choices=Status.choices, default=Status.SUBMITTED)
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="submitted_resources"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    decided_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("resource")
        verbose_name_plural = _("resources")
        indexes = [models.Index(fields=["status", "kind"], name="resource_status_kind")]

    def __str__(self) -> str:
        return self.title


class Reviewer(models.Model):
    """A member of the Peer Review Roster (staff approved their application)."""

    user = models.OneToOneField(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="reviewer")
    objectives = TagsField(_("objectives"))
    joined_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("peer reviewer")
        verbose_name_plural = _("peer review roster")

    def __str__(self) -> str:
        return str(self.user)


class ReviewerApplication(models.Model):
    """ "Apply to join the Peer Review Roster"."""

    class Status(models.TextChoices):
        PENDING = "pending", _("Pending")
        APPROVED = "approved", _("Approved")
        REJECTED = "rejected", _("Rejected")

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="reviewer_applications")
    motivation = models.TextField(_("motivation"))
    objectives = TagsField(_("objectives"))
    status = models.CharField(_("status"), max_length=16, choices=Status.choices, default=Status.PENDING)
    created_at = models.DateTimeField(auto_now_add=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    decided_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        constraints = [
            # One open application per person at a time.
            models.UniqueConstraint(
                fields=["user"], condition=models.Q(status="pending"), name="one_pending_reviewer_application"
            )
        ]

    def __str__(self) -> str:
        return f"{self.user} ({self.status})"


class ReviewAssignment(models.Model):
    """Staff asked this roster member to review this resource."""

    resource = models.ForeignKey(Resource, on_delete=models.CASCADE, related_name="assignments")
    reviewer = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="review_assignments")
    assigned_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    assigned_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["resource", "reviewer"], name="unique_review_assignment")]

    def __str__(self) -> str:
        return f"{self.reviewer} reviews {self.resource}"


class Review(models.Model):
    """An assigned reviewer's decision, given after declaring no conflict of interest."""

    class Decision(models.TextChoices):
        APPROVE = "approve", _("Approve")
        REJECT = "reject", _("Reject")

    resource = models.ForeignKey(Resource, on_delete=models.CASCADE, related_name="reviews")
    reviewer = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="reviews")
    decision = models.CharField(_("decision"), max_length=8, choices=Decision.choices)
    comment = models.TextField(_("comment"), blank=True)
    no_conflict_of_interest = models.BooleanField(_("declared no conflict of interest"))
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["created_at", "pk"]
        constraints = [models.UniqueConstraint(fields=["resource", "reviewer"], name="one_review_per_reviewer")]

    def __str__(self) -> str:
        return f"{self.reviewer}: {self.decision} {self.resource}"


class ExpertQuestion(models.Model):
    """A message that asked an objective's experts (``@objective-9-experts``, ``@general-experts``).

    One row per asking message, written in the transaction that stores the message (so it counts
    towards its author's daily limit at once); ``notified_at`` is set by the task that chose and
    told the experts (``experts.questions.services.expert_question_notify``), once.
    """

    message = models.OneToOneField(
        "discussions.Message", on_delete=models.CASCADE, related_name="expert_question", verbose_name=_("message")
    )
    asker = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="expert_questions")
    groups = TagsField(_("expert groups"))  # as mentioned: "objective-9-experts", "general-experts"
    objectives = TagsField(_("objectives"))  # their objective keys: "9", "general"
    created_at = models.DateTimeField(_("asked at"))
    notified_at = models.DateTimeField(_("experts told at"), null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        indexes = [models.Index(fields=["asker", "created_at"], name="expert_question_asker_time")]
        verbose_name = _("question to experts")
        verbose_name_plural = _("questions to experts")

    def __str__(self) -> str:
        return f"{self.asker} asks {', '.join(self.groups)} (message {self.message_id})"


class ExpertAsk(models.Model):
    """One expert chosen for one question: what fairness counts (asks in the last 30 days)."""

    question = models.ForeignKey(ExpertQuestion, on_delete=models.CASCADE, related_name="asks")
    expert = models.ForeignKey(Expert, on_delete=models.CASCADE, related_name="asks")
    position = models.PositiveSmallIntegerField()  # 1 = chosen first
    relevance = models.FloatField()  # the profile's text rank against the question (0: no word matched)
    recent_asks = models.PositiveIntegerField()  # the expert's asks in the fairness window when chosen
    created_at = models.DateTimeField()

    class Meta:
        ordering = ["question", "position"]
        indexes = [models.Index(fields=["expert", "created_at"], name="expert_ask_expert_time")]
        constraints = [models.UniqueConstraint(fields=["question", "expert"], name="one_ask_per_expert_question")]

    def __str__(self) -> str:
        return f"{self.expert} asked ({self.question_id})"


class ExpertAnswer(models.Model):
    """An expert answered a question: by replying to its message in the space, or privately.

    One per (question, expert), the first way they answered; ``questions_answered`` counts them."""

    class Via(models.TextChoices):
        SPACE = "space", _("In the space")
        PRIVATE = "private", _("Privately")

    question = models.ForeignKey(ExpertQuestion, on_delete=models.CASCADE, related_name="answers")
    expert = models.ForeignKey(Expert, on_delete=models.CASCADE, related_name="answers")
    via = models.CharField(_("answered"), max_length=8, choices=Via.choices)
    created_at = models.DateTimeField()

    class Meta:
        ordering = ["created_at", "pk"]
        constraints = [models.UniqueConstraint(fields=["question", "expert"], name="one_answer_per_expert_question")]

    def __str__(self) -> str:
        return f"{self.expert} answered {self.question_id} ({self.via})"


class ExpertReply(models.Model):
    """An expert's private reply to a question, relayed by email to the asker (``Reply-To`` the
    expert, who chose to write) and shown in the asker's notifications. ``relayed_at`` is claimed
    before sending, as for contacts."""

    question = models.ForeignKey(ExpertQuestion, on_delete=models.CASCADE, related_name="replies")
    expert = models.ForeignKey(Expert, on_delete=models.CASCADE, related_name="question_replies")
    message = models.TextField(_("message"))
    created_at = models.DateTimeField(auto_now_add=True)
    relayed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["created_at", "pk"]

    def __str__(self) -> str:
        return f"{self.expert} → question {self.question_id}"
