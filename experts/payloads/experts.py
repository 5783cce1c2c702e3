"""The JSON shapes of expert profiles and of the contacts relayed to them.

One typed function per shape. The expert's email address is in none of them: it is input only
(``tests/experts/test_experts_api.py`` checks every endpoint's answer for it). The OpenAPI
document declares the same shapes (``experts/schema/experts.py``).
"""

from datetime import datetime
from typing import TypedDict

from experts.models import Expert, ExpertContact


def iso(moment: datetime) -> str:
    return moment.isoformat().replace("+00:00", "Z")


class ExpertPayload(TypedDict):
    id: int
    name: str
    title: str
    organization: str
    bio: str
    objectives: list[str]
    principles: list[str]
    regions: list[str]
    countries: list[str]
    languages: list[str]
    keywords: list[str]
    available_for: list[str]
    accepts_contact: bool
    updated_at: str
    verified: bool
    profile_language: str
    username: str | None


class ContactSenderPayload(TypedDict):
    username: str
    display_name: str


class ContactPayload(TypedDict):
    id: int
    subject: str
    message: str
    sender: ContactSenderPayload
    created_at: str
    relayed_at: str | None


class ContactAcceptedPayload(TypedDict):
    id: int
    created_at: str


class ExpertDetailPayload(ExpertPayload):
    questions_answered: int


def expert_detail_payload(expert: Expert, *, questions_answered: int) -> ExpertDetailPayload:
    """``expert_payload`` and how many questions to experts the expert answered."""
    return {**expert_payload(expert), "questions_answered": questions_answered}


def expert_payload(expert: Expert) -> ExpertPayload:
    """Precondition: ``expert.user`` is loaded (``selectors.experts.experts_with_owners``)."""
    return {
        "id": expert.pk,
        "name": expert.name,
        "title": expert.title,
        "organization": expert.organization,
        "bio": expert.bio,
        "objectives": list(expert.objectives),
        "principles": list(expert.principles),
        "regions": list(expert.regions),
        "countries": list(expert.countries),
        "languages": list(expert.languages),
        "keywords": list(expert.keywords),
        "available_for": list(expert.available_for),
        "accepts_contact": expert.accepts_contact,
        "updated_at": iso(expert.updated_at),
        "verified": expert.verified,
        "profile_language": expert.profile_language,
        "username": expert.user.username if expert.user is not None else None,
    }


def contact_payload(contact: ExpertContact) -> ContactPayload:
    """Precondition: ``contact.sender`` is loaded. Never the sender's address."""
    sender = contact.sender
    return {
        "id": contact.pk,
        "subject": contact.subject,
        "message": contact.message,
        "sender": {"username": sender.username, "display_name": sender.display_name or sender.username},
        "created_at": iso(contact.created_at),
        "relayed_at": iso(contact.relayed_at) if contact.relayed_at is not None else None,
    }


def contact_accepted_payload(contact: ExpertContact) -> ContactAcceptedPayload:
    return {"id": contact.pk, "created_at": iso(contact.created_at)}
