"""The Global Compact for Migration's vocabulary, which everything else on the Hub is tagged with.

Rows are created by a data migration from ``gcm/data/`` and are read-only through the API;
staff edit objectives' commitment texts in the admin.
"""

from django.db import models
from django.utils.translation import gettext_lazy as _

from gcm import names

GENERAL_KEY = "general"


class Objective(models.Model):
    """One of the 23 GCM objectives, or the cross-cutting "General" (``number`` is null)."""

    key = models.SlugField(_("key"), max_length=16, unique=True, help_text=_('"1".."23" or "general"'))
    number = models.PositiveSmallIntegerField(_("number"), null=True, blank=True, unique=True)
    position = models.PositiveSmallIntegerField(_("position"), unique=True)
    short_title = models.CharField(_("short title"), max_length=100)
    title = models.CharField(_("title"), max_length=300)
    commitment = models.TextField(_("commitment"), blank=True, help_text=_("The GCM paragraph."))
    commitment_reference = models.CharField(_("reference"), max_length=100, blank=True)
    related = models.ManyToManyField(
        "self",
        symmetrical=False,
        blank=True,
        related_name="mentioned_by",
        verbose_name=_("mentioned in"),
        help_text=_("Objectives whose text mentions this objective's theme."),
    )

    class Meta:
        ordering = ["position"]
        verbose_name = _("objective")
        verbose_name_plural = _("objectives")

    def __str__(self) -> str:
        return f"{self.number} - {self.shown_short_title}" if self.number else self.shown_short_title

    @property
    def shown_short_title(self) -> str:
        """The short title in the active language (``short_title`` is the stored English)."""
        return names.translated(names.OBJECTIVE_SHORT_TITLE, self.short_title)

    @property
    def shown_title(self) -> str:
        """The title in the active language (``title`` is the stored English)."""
        return names.translated(names.OBJECTIVE_TITLE, self.title)


class ObjectiveAction(models.Model):
    """A lettered action (a, b, c, ...) through which an objective's commitment is realised."""

    objective = models.ForeignKey(Objective, on_delete=models.CASCADE, related_name="actions")
    letter = models.CharField(_("letter"), max_length=2)
    text = models.TextField(_("text"))

    class Meta:
        ordering = ["objective", "letter"]
        constraints = [models.UniqueConstraint(fields=["objective", "letter"], name="unique_action_letter")]
        verbose_name = _("action")
        verbose_name_plural = _("actions")

    def __str__(self) -> str:
        return f"{self.letter}) {self.text[:60]}"


class GuidingPrinciple(models.Model):
    slug = models.SlugField(_("slug"), max_length=64, unique=True)
    name = models.CharField(_("name"), max_length=100)
    position = models.PositiveSmallIntegerField(_("position"), unique=True)

    class Meta:
        ordering = ["position"]
        verbose_name = _("guiding principle")
        verbose_name_plural = _("guiding principles")

    def __str__(self) -> str:
        return self.shown_name

    @property
    def shown_name(self) -> str:
        """The name in the active language (``name`` is the stored English)."""
        return names.translated(names.PRINCIPLE, self.name)


class Region(models.Model):
    slug = models.SlugField(_("slug"), max_length=32, unique=True)
    name = models.CharField(_("name"), max_length=64)

    class Meta:
        ordering = ["name"]
        verbose_name = _("region")
        verbose_name_plural = _("regions")

    def __str__(self) -> str:
        return self.shown_name

    @property
    def shown_name(self) -> str:
        """The name in the active language (``name`` is the stored English)."""
        return names.translated(names.REGION, self.name)


class Country(models.Model):
    iso2 = models.CharField(_("ISO 3166-1 alpha-2"), max_length=2, primary_key=True)
    iso3 = models.CharField(_("ISO 3166-1 alpha-3"), max_length=3, unique=True)
    name = models.CharField(_("name"), max_length=100)
    region = models.ForeignKey(Region, on_delete=models.PROTECT, related_name="countries")

    class Meta:
        ordering = ["name"]
        verbose_name = _("country")
        verbose_name_plural = _("countries")

    def __str__(self) -> str:
        return self.shown_name

    @property
    def shown_name(self) -> str:
        """CLDR's name in the active language (``name``, the stored English, in English)."""
        return names.country_name(self.iso2, self.name)


class DocumentType(models.Model):
    slug = models.SlugField(_("slug"), max_length=64, unique=True)
    name = models.CharField(_("name"), max_length=100)
    position = models.PositiveSmallIntegerField(_("position"), unique=True)

    class Meta:
        ordering = ["position"]
        verbose_name = _("document type")
        verbose_name_plural = _("document types")

    def __str__(self) -> str:
        return self.shown_name

    @property
    def shown_name(self) -> str:
        """The name in the active language (``name`` is the stored English)."""
        return names.translated(names.DOCUMENT_TYPE, self.name)


class Language(models.Model):
    """The six official UN languages, by ISO 639-1 code."""

    code = models.CharField(_("ISO 639-1 code"), max_length=2, primary_key=True)
    name = models.CharField(_("name"), max_length=32)

    class Meta:
        ordering = ["name"]
        verbose_name = _("language")
        verbose_name_plural = _("languages")

    def __str__(self) -> str:
        return self.shown_name

    @property
    def shown_name(self) -> str:
        """CLDR's name in the active language (``name``, the stored English, in English)."""
        return names.language_name(self.code, self.name)
