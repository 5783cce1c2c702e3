"""Experts' personal data in the data-rights registry (``accounts.personal_data``).

Export: the caller's expert profile (with its contact address), the contacts they sent and
received (a received contact shows who wrote on the Hub and what they wrote, never the sender's
email address), their place on the peer review roster, applications, assignments and reviews,
and the resources they submitted.

Erasure: the expert profile is deleted, and with it the contacts it received; the statement's
trigger logs the change in ``experts_search_change``, so every process's resident directory
index drops the profile at its next search (``experts.search.resident``), and the database's
own full-text rows go with the row. Contacts sent, roster place, applications, assignments and
reviews go too (a resource's decision stands); submitted resources stay in the library without
a submitter. The experts who received the user's contacts keep them no longer in the Hub's
inbox under the user's name: their notification is rewritten to "Deleted user".
"""

from collections.abc import Iterator, Mapping
from typing import Any

from django.utils.translation import gettext_lazy as _

from accounts.models import User
from accounts.personal_data import EXPORT_CHUNK_SIZE, iso, register_eraser, register_export, register_kept_reference
from experts.models import (
    Expert,
    ExpertContact,
    Resource,
    Review,
    ReviewAssignment,
    Reviewer,
    ReviewerApplication,
)
from experts.questions import personal_data as _questions  # noqa: F401  (registers questions to experts)
from notifications.personal_data import notifications_rename_author, source_keys_of

CONTACT_SOURCE_PREFIX = "contact:"  # experts.services.contact's notification source_key

_PROFILE_FIELDS = {
    "id": _("The profile's number (/experts/<id>/)."),
    "name": _("The name shown on the profile."),
    "title": _("Your position."),
    "organization": _("Your organization."),
    "bio": _("Your biography."),
    "email": _("Where contacts are relayed to you (never shown to others)."),
    "profile_language": _("The language your biography is written in."),
    "objectives": _("The GCM objectives you work on (keys)."),
    "principles": _("The guiding principles (slugs)."),
    "regions": _("Regions (slugs)."),
    "countries": _("Countries (ISO codes)."),
    "languages": _("Languages you speak."),
    "keywords": _("Keywords."),
    "available_for": _("What you are available for."),
    "accepts_contact": _("Whether people may contact you through the Hub."),
    "verified": _("Whether staff verified the profile."),
    "created_at": _("When the profile was created."),
    "updated_at": _("When it last changed."),
}


def profile_items(user: User) -> Iterator[Mapping[str, Any]]:
    expert = Expert.objects.filter(user=user).first()
    if expert is not None:
        values = {name: getattr(expert, name) for name in _PROFILE_FIELDS}
        yield {name: iso(value) if hasattr(value, "isoformat") else value for name, value in values.items()}


def contacts_sent_items(user: User) -> Iterator[Mapping[str, Any]]:
    contacts = ExpertContact.objects.filter(sender=user).select_related("expert").order_by("pk")
    for contact in contacts.iterator(chunk_size=EXPORT_CHUNK_SIZE):
        yield {
            "expert": contact.expert_id,
            "expert_name": contact.expert.name,
            "subject": contact.subject,
            "message": contact.message,
            "created_at": iso(contact.created_at),
            "relayed_at": iso(contact.relayed_at),
        }


def contacts_received_items(user: User) -> Iterator[Mapping[str, Any]]:
    # The sender's username and display name, as the expert's inbox shows them; never their address.
    contacts = ExpertContact.objects.filter(expert__user=user).select_related("sender").order_by("pk")
    for contact in contacts.iterator(chunk_size=EXPORT_CHUNK_SIZE):
        yield {
            "sender": {"username": contact.sender.username, "display_name": contact.sender.shown_name},
            "subject": contact.subject,
            "message": contact.message,
            "created_at": iso(contact.created_at),
            "relayed_at": iso(contact.relayed_at),
        }


def roster_items(user: User) -> Iterator[Mapping[str, Any]]:
    reviewer = Reviewer.objects.filter(user=user).first()
    if reviewer is not None:
        yield {"objectives": reviewer.objectives, "joined_at": iso(reviewer.joined_at)}


def application_items(user: User) -> Iterator[Mapping[str, Any]]:
    for application in ReviewerApplication.objects.filter(user=user).order_by("pk"):
        yield {
            "motivation": application.motivation,
            "objectives": application.objectives,
            "status": application.status,
            "created_at": iso(application.created_at),
            "decided_at": iso(application.decided_at),
        }


def assignment_items(user: User) -> Iterator[Mapping[str, Any]]:
    assignments = ReviewAssignment.objects.filter(reviewer=user).select_related("resource").order_by("pk")
    for assignment in assignments.iterator(chunk_size=EXPORT_CHUNK_SIZE):
        yield {
            "resource": assignment.resource_id,
            "resource_title": assignment.resource.title,
            "assigned_at": iso(assignment.assigned_at),
        }


def review_items(user: User) -> Iterator[Mapping[str, Any]]:
    reviews = Review.objects.filter(reviewer=user).select_related("resource").order_by("pk")
    for review in reviews.iterator(chunk_size=EXPORT_CHUNK_SIZE):
        yield {
            "resource": review.resource_id,
            "resource_title": review.resource.title,
            "decision": review.decision,
            "comment": review.comment,
            "no_conflict_of_interest": review.no_conflict_of_interest,
            "created_at": iso(review.created_at),
        }


def resource_items(user: User) -> Iterator[Mapping[str, Any]]:
    resources = Resource.objects.filter(submitted_by=user).order_by("pk")
    for resource in resources.iterator(chunk_size=EXPORT_CHUNK_SIZE):
        yield {
            "id": resource.pk,
            "kind": resource.kind,
            "title": resource.title,
            "url": resource.url,
            "status": resource.status,
            "created_at": iso(resource.created_at),
        }


def experts_erase(user: User) -> None:
    sent = ExpertContact.objects.filter(sender=user)
    keys = source_keys_of(CONTACT_SOURCE_PREFIX, sent)
    notifications_rename_author(source_keys=keys, old=user.shown_name, new=None)
    sent.delete()
    # One DELETE statement: the search trigger logs it, and the contacts it received cascade.
    Expert.objects.filter(user=user).delete()
    Reviewer.objects.filter(user=user).delete()
    ReviewerApplication.objects.filter(user=user).delete()
    ReviewAssignment.objects.filter(reviewer=user).delete()
    Review.objects.filter(reviewer=user).delete()
    Resource.objects.filter(submitted_by=user).update(submitted_by=None)


register_export(
    "expert_profile",
    items=profile_items,
    single=True,
    description=_("Your expert profile, or null if you have none."),
    fields=_PROFILE_FIELDS,
    order=20,
)
register_export(
    "contacts_sent",
    items=contacts_sent_items,
    description=_("The messages you sent to experts through the Hub."),
    fields={
        "expert": _("The expert's profile number."),
        "expert_name": _("The expert's name as shown on their public profile."),
        "subject": _("Your subject."),
        "message": _("Your message."),
        "created_at": _("When you sent it."),
        "relayed_at": _("When it was relayed to the expert by email, or null."),
    },
    order=21,
)
register_export(
    "contacts_received",
    items=contacts_received_items,
    description=_("The messages people sent you as an expert (who wrote on the Hub; never their email address)."),
    fields={
        "sender": _("The sender's username and display name on the Hub."),
        "subject": _("Their subject."),
        "message": _("Their message to you."),
        "created_at": _("When they sent it."),
        "relayed_at": _("When it was relayed to you by email, or null."),
    },
    order=22,
)
register_export(
    "peer_review_roster",
    items=roster_items,
    single=True,
    description=_("Your place on the Peer Review Roster, or null."),
    fields={"objectives": _("The objectives you review for."), "joined_at": _("When you joined the roster.")},
    order=23,
)
register_export(
    "reviewer_applications",
    items=application_items,
    description=_("Your applications to join the Peer Review Roster."),
    fields={
        "motivation": _("What you wrote."),
        "objectives": _("The objectives you applied for."),
        "status": _("pending, approved or rejected."),
        "created_at": _("When you applied."),
        "decided_at": _("When staff decided, or null."),
    },
    order=24,
)
register_export(
    "review_assignments",
    items=assignment_items,
    description=_("Resources staff asked you to review."),
    fields={
        "resource": _("The resource's number."),
        "resource_title": _("Its title."),
        "assigned_at": _("When you were assigned."),
    },
    order=25,
)
register_export(
    "reviews",
    items=review_items,
    description=_("Your peer reviews."),
    fields={
        "resource": _("The resource's number."),
        "resource_title": _("Its title."),
        "decision": _("approve or reject."),
        "comment": _("Your comment."),
        "no_conflict_of_interest": _("Whether you declared no conflict of interest."),
        "created_at": _("When you reviewed it."),
    },
    order=26,
)
register_export(
    "resources_submitted",
    items=resource_items,
    description=_("Resources you submitted to the library."),
    fields={
        "id": _("The resource's number."),
        "kind": _("Its kind."),
        "title": _("Its title."),
        "url": _("Its link."),
        "status": _("submitted, in_review, approved or rejected."),
        "created_at": _("When you submitted it."),
    },
    order=27,
)
register_eraser(
    "experts",
    erase=experts_erase,
    handles=[
        "experts.Expert.user",
        "experts.ExpertContact.sender",
        "experts.Reviewer.user",
        "experts.ReviewerApplication.user",
        "experts.ReviewAssignment.reviewer",
        "experts.Review.reviewer",
        "experts.Resource.submitted_by",
    ],
    order=20,
)
for _label in ("experts.ReviewerApplication.decided_by", "experts.ReviewAssignment.assigned_by"):
    register_kept_reference(
        _label, reason=_("Staff decisions on other people's applications and assignments keep their record.")
    )
