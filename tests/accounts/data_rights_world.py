"""A person with data in every app, and the others around them, for the data-rights tests.

``world()`` builds it through the apps' own services where they exist (so that notifications,
deliveries, mentions and logs are made as in production) and returns the people and the strings
that identify the person (``Distinct``): after erasure none may be found anywhere.
"""

import datetime as dt
from dataclasses import dataclass, field

from django.contrib.admin.models import CHANGE, LogEntry
from django.contrib.contenttypes.models import ContentType
from django.test import Client
from django.utils import timezone

from accounts.models import LoginAttempt, LoginLockout, User
from accounts.services import token_for
from discussions.models import Membership, Message, Space
from discussions.services.editing import message_edit
from discussions.services.moderation import ban_create, mute_create
from discussions.services.posting import message_post
from discussions.services.reactions import reaction_set
from discussions.services.reports import report_create
from discussions.services.spaces import invitation_create, space_join
from events.models import CalendarFeed, Event, OrganizerGrant
from events.services.invitations import Invitee, invitations_create
from events.services.rsvp import rsvp_respond
from experts.models import Expert, Review, ReviewAssignment, Reviewer, ReviewerApplication
from experts.services.contact import expert_contact
from experts.services.profiles import expert_create
from gcm.models import Objective
from notifications.models import DigestDelivery, NotificationPreference
from notifications.services import subscription_set
from tests.events.factories import EventFactory
from tests.experts.factories import ExpertFactory, ResourceFactory
from tests.factories import PASSWORD, UserFactory


@dataclass(frozen=True)
class Distinct:
    """What identifies the person: none of it may survive the erasure, in any table."""

    username: str = "qx_wanderer42"
    email: str = "zoq.private@mailbox.example"
    display_name: str = "Zephyrine Oyelaran-Quist"
    bio_word: str = "xylophagous"
    organization: str = "Quillfeather Migrant Collective"

    def needles(self) -> list[str]:
        first, last = self.display_name.split(" ", 1)
        return [self.username, self.email, self.display_name, first, last, self.bio_word, self.organization]


@dataclass
class World:
    person: User
    friend: User
    moderator: User
    staff: User
    distinct: Distinct
    public_space: Space
    private_space: Space
    others_private_space: Space
    friend_expert: Expert
    event: Event
    full_event: Event
    waiting: User
    friend_private_message: Message
    mention_ids: list[int] = field(default_factory=list)


def world(distinct: Distinct | None = None) -> World:
    distinct = distinct or Distinct()
    staff = UserFactory.create(is_staff=True, username="staff_sam", display_name="Sam Staff")
    person = UserFactory.create(
        username=distinct.username, email=distinct.email, display_name=distinct.display_name,
        first_name=distinct.display_name.split()[0], last_name=distinct.display_name.split()[1],
        last_login=timezone.now(), language="fr",
    )  # fmt: skip
    friend = UserFactory.create(username="friend_fa", email="fa@friends.example", display_name="Fatou Friend")
    moderator = UserFactory.create(username="mod_mo", email="mo@mods.example", display_name="Moses Moderator")
    waiting = UserFactory.create(username="waiting_wu", email="wu@wait.example", display_name="Wu Waiting")
    OrganizerGrant.objects.create(user=moderator, granted_by=staff)

    # --- accounts ---
    token_for(person)
    LoginAttempt.objects.create(username=distinct.username)
    LoginLockout.objects.create(username=distinct.username, until=timezone.now() - dt.timedelta(minutes=5))  # over
    LogEntry.objects.create(
        user=staff, content_type=ContentType.objects.get_for_model(User), object_id=str(person.pk),
        object_repr=str(person), action_flag=CHANGE, change_message=f"Changed email of {distinct.email}",
    )  # fmt: skip

    # --- discussions ---
    # Migrations made it; a transactional test that ran before may have flushed it.
    objective = Objective.objects.filter(number=9).first()
    public, _created = Space.objects.get_or_create(
        slug="objective-9", defaults={"name": "Objective 9", "kind": Space.Kind.OBJECTIVE, "objective": objective}
    )
    for member in (person, friend, moderator):
        space_join(slug=public.slug, user=member)
    Membership.objects.filter(space=public, user=moderator).update(role=Membership.Role.MODERATOR)
    private = Space.objects.create(slug="quiet-room", name="Quiet room", visibility=Space.Visibility.PRIVATE)
    Membership.objects.create(space=private, user=moderator, role=Membership.Role.MODERATOR)
    invitation_create(slug=private.slug, moderator=moderator, username=person.username)
    space_join(slug=private.slug, user=person)
    Membership.objects.create(space=private, user=friend)
    # A private space the person is not in: nothing of it may reach their export.
    others = Space.objects.create(slug="friends-only", name="Friends only", visibility=Space.Visibility.PRIVATE)
    Membership.objects.create(space=others, user=friend)
    friend_private = message_post(slug=others.slug, author=friend, body="Our secret plan: the blue door.").message

    own = message_post(slug=public.slug, author=person, body="Remittance corridors need cheaper transfers.").message
    message_post(
        slug=public.slug, author=person, body="@friend_fa what do you think?"
    )  # names the person in a notification
    message_edit(message_id=own.pk, user=person, body="Remittance corridors need much cheaper transfers.")
    mentions = [
        message_post(slug=public.slug, author=friend, body=f"Good point @{distinct.username}, agreed.").message,
        message_post(slug=private.slug, author=moderator, body=f"**@{distinct.username}** please summarise.").message,
    ]
    edited = message_post(slug=public.slug, author=friend, body=f"cc @{distinct.username}").message
    message_edit(message_id=edited.pk, user=friend, body=f"cc @{distinct.username} and @mod_mo")
    mentions.append(edited)
    message_post(slug=private.slug, author=person, body="Draft summary attached.")
    reaction_set(message_id=mentions[0].pk, user=person, emoji="👍", present=True)
    report_create(message_id=mentions[1].pk, user=person, reason="Off topic.")
    mute_create(slug=public.slug, moderator=moderator, username=person.username, minutes=10,
                reason=f"{distinct.display_name} was shouting")  # fmt: skip
    ban_create(slug=private.slug, moderator=moderator, username=person.username, minutes=5,
               reason=f"cool-off for {distinct.username}")  # fmt: skip

    # --- experts ---
    expert_create(
        creator=person, name=distinct.display_name, organization=distinct.organization,
        bio=f"A {distinct.bio_word} scholar of remittance corridors.", objectives=["9"], regions=["africa"],
    )  # fmt: skip
    friend_expert = ExpertFactory.create(user=friend, name="Fatou Friend", email="fa@friends.example")
    expert_contact(expert_id=friend_expert.pk, sender=person, subject="Question", message="Could we talk?")
    expert_contact(expert_id=person.expert.pk, sender=friend, subject="Hello", message="I read your bio.")
    Reviewer.objects.create(user=person, objectives=["9"])
    ReviewerApplication.objects.create(user=person, motivation=f"I am {distinct.display_name}.", objectives=["9"])
    resource = ResourceFactory.create(status="in_review", title="Remittance costs review")
    ReviewAssignment.objects.create(resource=resource, reviewer=person, assigned_by=staff)
    Review.objects.create(resource=resource, reviewer=person, decision="approve", comment="Solid.",
                          no_conflict_of_interest=True)  # fmt: skip
    ResourceFactory.create(submitted_by=person, title="Corridor cost tables")

    # --- events ---
    OrganizerGrant.objects.create(user=person, granted_by=staff)
    CalendarFeed.objects.create(user=person)
    event = EventFactory.create(organizer=person, title="Remittances in practice")
    invitations_create(event_id=event.pk, by=person, invitees=[Invitee(email=friend.email, user=friend)])
    other_event = EventFactory.create(organizer=moderator, title="Diaspora bonds")
    invitations_create(event_id=other_event.pk, by=moderator, invitees=[Invitee(email=person.email, user=person)])
    rsvp_respond(event_id=other_event.pk, user=person, response="maybe")
    full = EventFactory.create(organizer=moderator, title="Small workshop", capacity=1)
    rsvp_respond(event_id=full.pk, user=person, response="yes")
    rsvp_respond(event_id=full.pk, user=waiting, response="yes", waitlist=True)

    # --- notifications ---
    subscription_set(user=person, objectives=["9"], regions=["africa"], kinds=[])
    NotificationPreference.objects.update_or_create(user=person, defaults={"email": "immediate"})
    DigestDelivery.objects.create(user=person, day=timezone.now().date(), covers_until=timezone.now())

    return World(
        person=person, friend=friend, moderator=moderator, staff=staff, distinct=distinct, public_space=public,
        private_space=private, others_private_space=others, friend_expert=friend_expert, event=event,
        full_event=full, waiting=waiting, friend_private_message=friend_private,
        mention_ids=[message.pk for message in mentions],
    )  # fmt: skip


def logged_in_client(user: User) -> Client:
    client = Client()
    assert client.login(username=user.username, password=PASSWORD)
    return client
