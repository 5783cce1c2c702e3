"""One small Hub in which every role of the contract exists, for the authorization matrix.

The roles (``ROLES``) are the contract's, seen from the spaces ``public`` and ``private`` that
the matrix's space rows address: ``member`` belongs to both, ``moderator`` moderates both,
``banned`` and ``muted`` are members banned or muted in both, ``other_moderator`` moderates only a
third space, ``expert`` has the expert profile the expert rows address, ``reviewer`` is on the roster
and assigned to the pending resource, ``organizer`` organizes the events, ``staff`` is staff, and
``user`` is an account with none of these. ``author`` (not a role) wrote the messages, submitted
the pending resource and owns a notification, so that no role acts on its own things by accident.

Each secret (``SECRETS``) is a string only some roles may ever receive: a private space's message
and name, a draft event, a pending resource, another user's notification, an expert's address.
"""

import datetime as dt
from dataclasses import dataclass, field

from django.utils import timezone

from accounts.models import User
from accounts.services import token_for
from discussions.models import Ban, Membership, Message, Mute, Report, Space
from discussions.services.posting import message_post
from events.models import Event, OrganizerGrant, Rsvp
from experts.models import (
    Expert,
    ExpertAsk,
    ExpertContact,
    ExpertQuestion,
    Resource,
    ReviewAssignment,
    Reviewer,
    ReviewerApplication,
)
from notifications.models import Notification
from tests.factories import UserFactory
from webhooks.models import Delivery, Webhook

ROLES = (
    "anonymous",
    "user",
    "member",
    "other_moderator",
    "moderator",
    "banned",
    "muted",
    "expert",
    "reviewer",
    "organizer",
    "staff",
)

# Strings only the roles named may ever receive, in any response.
PRIVATE_MESSAGE = "Confidential draft of the working group 7c1e"
PRIVATE_SPACE_NAME = "Restricted working group 3b9d"
DRAFT_EVENT = "Unannounced training 5a2f"
PENDING_RESOURCE = "Unreviewed guidance 8e4b"
OTHERS_NOTIFICATION = "Notification for the author only 2d6c"
EXPERT_ADDRESS = "hidden-address-4f1a@experts.example"
WEBHOOK_SECRET = "webhook-secret-never-returned-9c3a"
WEBHOOK_URL = "https://hooks.example.org/private-space-9e1b"
SECRETS: dict[str, frozenset[str]] = {
    # Banned users can neither read nor post in the space (contract); staff may do what moderators may.
    PRIVATE_MESSAGE: frozenset({"member", "moderator", "muted", "staff"}),
    PRIVATE_SPACE_NAME: frozenset({"member", "moderator", "muted", "staff", "banned"}),
    DRAFT_EVENT: frozenset({"organizer", "staff"}),
    PENDING_RESOURCE: frozenset({"reviewer", "staff"}),
    OTHERS_NOTIFICATION: frozenset(),
    # In no response but the expert's own data export (their own address, theirs to have).
    EXPERT_ADDRESS: frozenset({"expert"}),
    # Write-only: nobody reads a webhook's secret back, not even its owner.
    WEBHOOK_SECRET: frozenset(),
    # The private space's webhook: its moderators' and staff's.
    WEBHOOK_URL: frozenset({"moderator", "staff"}),
}


@dataclass
class World:
    users: dict[str, User]
    tokens: dict[str, str]
    public: Space
    private: Space
    other: Space
    public_message: Message
    private_message: Message
    expert: Expert
    approved_resource: Resource
    pending_resource: Resource
    application: ReviewerApplication
    event: Event
    draft_event: Event
    notification: Notification
    question: ExpertQuestion
    webhook: Webhook
    delivery: Delivery
    ids: dict[str, object] = field(default_factory=dict)


def _user(name: str, **fields: object) -> User:
    return UserFactory.create(username=name, email=f"{name}@example.org", display_name=name.title(), **fields)


def build_world() -> World:
    """Precondition: the GCM taxonomy and objective spaces exist (migrations)."""
    names = [role for role in ROLES if role != "anonymous"]
    users = {name: _user(name, is_staff=(name == "staff")) for name in names}
    author = users["author"] = _user("author")
    staff = users["staff"]

    public = Space.objects.create(slug="matrix-public", name="Matrix public space", visibility=Space.Visibility.PUBLIC)
    private = Space.objects.create(slug="matrix-private", name=PRIVATE_SPACE_NAME, visibility=Space.Visibility.PRIVATE)
    other = Space.objects.create(slug="matrix-other", name="Another working group", visibility=Space.Visibility.PRIVATE)
    for space in (public, private):
        for name in ("member", "banned", "muted", "author"):
            Membership.objects.create(space=space, user=users[name])
        Membership.objects.create(space=space, user=users["moderator"], role=Membership.Role.MODERATOR)
        Ban.objects.create(space=space, user=users["banned"], created_by=users["moderator"], reason="spam")
        Mute.objects.create(space=space, user=users["muted"], created_by=users["moderator"], reason="heated")
    Membership.objects.create(space=other, user=users["other_moderator"], role=Membership.Role.MODERATOR)

    public_message = message_post(slug=public.slug, author=author, body="An open question on remittances").message
    private_message = message_post(slug=private.slug, author=author, body=PRIVATE_MESSAGE).message
    Report.objects.create(message=private_message, reporter=users["member"], reason="off topic")

    expert = Expert.objects.create(
        user=users["expert"],
        name="Expert Role",
        title="Adviser",
        organization="IOM",
        bio="Labour migration.",
        email=EXPERT_ADDRESS,
        objectives=["6"],
        regions=["africa"],
        countries=["KE"],
        languages=["en"],
        available_for=["advisory"],
        accepts_contact=True,
    )
    ExpertContact.objects.create(expert=expert, sender=author, subject="A question", message="Could we talk?")

    approved = Resource.objects.create(
        kind=Resource.Kind.DOCUMENT,
        title="Approved guidance",
        summary="Approved.",
        objectives=["6"],
        status=Resource.Status.APPROVED,
        submitted_by=author,
    )
    pending = Resource.objects.create(
        kind=Resource.Kind.DOCUMENT,
        title=PENDING_RESOURCE,
        summary="Pending.",
        objectives=["6"],
        status=Resource.Status.IN_REVIEW,
        submitted_by=author,
    )
    Reviewer.objects.create(user=users["reviewer"], objectives=["6"])
    ReviewAssignment.objects.create(resource=pending, reviewer=users["reviewer"], assigned_by=staff)
    application = ReviewerApplication.objects.create(user=author, motivation="I review for a living.", objectives=["6"])

    OrganizerGrant.objects.create(user=users["organizer"])
    starts = (timezone.now() + dt.timedelta(days=10)).replace(microsecond=0)
    event_fields = {
        "kind": Event.Kind.TRAINING,
        "description": "Training.",
        "objectives": ["6"],
        "regions": ["africa"],
        "starts_at": starts,
        "ends_at": starts + dt.timedelta(hours=2),
        "timezone": "UTC",
        "location": "Geneva",
        "organizer": users["organizer"],
    }
    event = Event.objects.create(
        title="Published training", status=Event.Status.PUBLISHED, published_at=timezone.now(), **event_fields
    )
    draft = Event.objects.create(title=DRAFT_EVENT, status=Event.Status.DRAFT, **event_fields)
    Rsvp.objects.create(event=event, user=author, response=Rsvp.Response.YES)

    notification = Notification.objects.create(
        recipient=author, kind=Notification.Kind.MENTION, title=OTHERS_NOTIFICATION, source_key="matrix"
    )
    question_message = message_post(slug=public.slug, author=author, body="Which practices work?").message
    question = ExpertQuestion.objects.create(
        message=question_message,
        asker=author,
        groups=["objective-6-experts"],
        objectives=["6"],
        created_at=timezone.now(),
        notified_at=timezone.now(),
    )
    ExpertAsk.objects.create(
        question=question, expert=expert, position=1, relevance=0.5, recent_asks=0, created_at=timezone.now()
    )
    webhook = Webhook.objects.create(
        owner=users["moderator"], url=WEBHOOK_URL, events=["message.new"], space=private, secret=WEBHOOK_SECRET
    )
    delivery = Delivery.objects.create(
        webhook=webhook, event="message.new", data={"body": PRIVATE_MESSAGE}, state=Delivery.State.DELIVERED
    )

    tokens = {name: token_for(user) for name, user in users.items()}
    return World(
        users=users,
        tokens=tokens,
        public=public,
        private=private,
        other=other,
        public_message=public_message,
        private_message=private_message,
        expert=expert,
        approved_resource=approved,
        pending_resource=pending,
        application=application,
        event=event,
        draft_event=draft,
        notification=notification,
        question=question,
        webhook=webhook,
        delivery=delivery,
    )
