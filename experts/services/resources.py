"""Submitting a resource to the library: it waits, unseen by others, until two reviewers approve it."""

import datetime as dt

from django.db import transaction
from django.utils.translation import gettext as _

from accounts.models import User
from experts.models import ProfileLanguage, Resource
from hub.errors import ErrorCode, HubError

SUMMARY_MAX_CHARS = 10_000


def resource_submit(
    *,
    submitter: User,
    kind: Resource.Kind,
    title: str,
    summary: str = "",
    summary_language: ProfileLanguage = ProfileLanguage.ENGLISH,
    url: str = "",
    document_type: str | None = None,
    publication_date: dt.date | None = None,
    objectives: list[str] | None = None,
    principles: list[str] | None = None,
    regions: list[str] | None = None,
    countries: list[str] | None = None,
    languages: list[str] | None = None,
    scope: Resource.Scope = Resource.Scope.GLOBAL,
    organization: str = "",
) -> Resource:
    """Store ``submitter``'s resource with status ``submitted``; staff then assign reviewers.

    Preconditions (the API's serializer checks them, with a message per field): the tags are known
    taxonomy keys, ``url`` is http(s), ``document_type`` is a known slug. Only documents have a
    document type; it is refused for the other kinds rather than dropped without a word.
    """
    if document_type is not None and kind != Resource.Kind.DOCUMENT:
        raise HubError(ErrorCode.INVALID, _("Only documents have a document type."))
    if len(summary) > SUMMARY_MAX_CHARS:
        raise HubError(ErrorCode.INVALID, _("A summary is at most %(n)d characters.") % {"n": SUMMARY_MAX_CHARS})
    with transaction.atomic():
        resource = Resource.objects.create(
            kind=kind,
            title=title,
            summary=summary,
            summary_language=summary_language,
            url=url,
            document_type_id=document_type,
            publication_date=publication_date,
            objectives=objectives or [],
            principles=principles or [],
            regions=regions or [],
            countries=countries or [],
            languages=languages or [],
            scope=scope,
            organization=organization,
            status=Resource.Status.SUBMITTED,
            submitted_by=submitter,
        )
    return resource
