"""What a digest holds, over real SMTP: per followed objective its approved resources, upcoming
events and busiest discussions (never a private space the reader is not in), then the unread
notifications; what the reader already read is left out; nothing to say, nothing sent."""

import datetime as dt
import re

import pytest

from discussions.models import Ban, Membership, Message, Space, Topic
from events.models import Event, Rsvp
from events.services.announcements import announcement_source_key
from experts.models import Resource
from gcm.models import Objective
from notifications.digest import digests_send
from notifications.digest_sections import DIGEST_ITEMS_PER_SECTION, digest_sections
from notifications.models import DigestDelivery, Notification, NotificationPreference, Subscription
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

UTC = dt.UTC
NOW = dt.datetime(2026, 12, 1, 7, tzinfo=UTC)  # 07:00 UTC: the default digest hour in the default zone
EARLIER = NOW - dt.timedelta(hours=5)


def reader(objectives=("9",), **fields):
    user = UserFactory.create(**fields)
    NotificationPreference.objects.create(user=user, email=NotificationPreference.Email.DAILY_DIGEST)
    Subscription.objects.create(user=user, objectives=list(objectives))
    return user


def approved(title: str, objectives=("9",), *, at=EARLIER, submitted_by=None) -> Resource:
    return Resource.objects.create(
        kind=Resource.Kind.DOCUMENT, title=title, objectives=list(objectives), status=Resource.Status.APPROVED,
        decided_at=at, submitted_by=submitted_by,
    )  # fmt: skip


def published(title: str, objectives=("9",), *, at=EARLIER, starts_in=dt.timedelta(days=3), **fields) -> Event:
    return Event.objects.create(title=title, objectives=list(objectives), status=Event.Status.PUBLISHED,
                                published_at=at, starts_at=NOW + starts_in,
                                ends_at=NOW + starts_in + dt.timedelta(hours=1), **fields)  # fmt: skip


def space(slug: str, objective="9", *, private=False) -> Space:
    return Space.objects.create(
        slug=slug, name=slug.replace("-", " ").title(), objective=Objective.objects.get(key=objective),
        visibility=Space.Visibility.PRIVATE if private else Space.Visibility.PUBLIC,
    )  # fmt: skip


def messages(in_space: Space, count: int, *, at=EARLIER, topic: Topic | None = None) -> None:
    author = UserFactory.create()
    start = in_space.last_seq
    Message.objects.bulk_create(
        Message(space=in_space, seq=start + n, author=author, body=f"message {n}", topic=topic, created_at=at)
        for n in range(1, count + 1)
    )
    in_space.last_seq = start + count
    in_space.save(update_fields=["last_seq"])


def the_mail(smtp_server, user) -> str:
    [mail] = [mail for mail in smtp_server.messages if mail.rcpt_tos == [user.email]]
    return mail.text.replace("\r\n", "\n")


def blocks(text: str) -> dict[str, str]:
    """The text part's objective blocks by heading ("== 9 - ... ==")."""
    parts = re.split(r"^== (.+) ==$", text, flags=re.MULTILINE)
    return {heading: body for heading, body in zip(parts[1::2], parts[2::2], strict=True)}


def test_the_three_apps_register_their_sections():
    assert [section.key for section in digest_sections()][:3] == [
        "approved_resources", "upcoming_events", "busiest_discussions",
    ]  # fmt: skip


def test_a_digest_groups_what_happened_by_followed_objective(taxonomy, smtp_server):
    amina = reader(objectives=["9", "10"])
    approved("Smuggling handbook", ["9"])
    approved("Trafficking toolkit", ["10"])
    approved("Unrelated guide", ["2"])
    published("Training on smuggling", ["9"])
    messages(space("smuggling-talk"), 4)
    messages(space("quiet-corner"), 1)
    Notification.objects.create(recipient=amina, kind=Notification.Kind.MENTION, title="Bo mentioned you",
                                source_key="message:1")  # fmt: skip
    assert digests_send(user_ids=[amina.pk], now=NOW) == 1
    text = the_mail(smtp_server, amina)
    found = blocks(text)
    nine, ten = (next(body for heading, body in found.items() if heading.startswith(f"{n} ")) for n in (9, 10))
    assert list(found)[:2] == [str(Objective.objects.get(key="9")), str(Objective.objects.get(key="10"))]
    assert "Approved resources:\n* Smuggling handbook" in nine
    assert "Upcoming events:\n* Training on smuggling" in nine
    assert "Busiest discussions:\n* Smuggling Talk\n  4 new messages" in nine
    assert nine.index("Smuggling Talk") < nine.index("Quiet Corner")  # busiest first
    assert "Trafficking toolkit" in ten and "Smuggling handbook" not in ten
    assert "Unrelated guide" not in text
    assert "== Your unread notifications ==\n\n* Bo mentioned you" in text
    assert "/resources/" in text and "/events/" in text and "/spaces/smuggling-talk/" in text
    delivery = DigestDelivery.objects.get(user=amina)
    assert (delivery.state, delivery.notification_count) == (DigestDelivery.State.SENT, 1)


def test_busiest_threads_are_counted_in_the_readers_period_only(taxonomy, smtp_server):
    amina = reader()
    DigestDelivery.objects.create(user=amina, day=NOW.date() - dt.timedelta(days=1), state=DigestDelivery.State.SENT,
                                  covers_until=NOW - dt.timedelta(days=1))  # fmt: skip
    talk = space("smuggling-talk")
    messages(talk, 7, at=NOW - dt.timedelta(days=1, hours=3))  # before the previous digest: told then
    messages(talk, 2, topic=Topic.objects.create(space=talk, name="Routes"))
    approved("Told yesterday", at=NOW - dt.timedelta(days=1, hours=1))
    digests_send(user_ids=[amina.pk], now=NOW)
    text = the_mail(smtp_server, amina)
    assert "* Smuggling Talk · Routes\n  2 new messages" in text
    assert "7 new messages" not in text
    assert "Told yesterday" not in text


def test_a_private_space_reaches_only_its_members_digests(taxonomy, smtp_server):
    member, outsider, banned = reader(), reader(), reader()
    secret = space("working-group", private=True)
    messages(secret, 5)
    Membership.objects.create(space=secret, user=member)
    Membership.objects.create(space=secret, user=banned)
    Ban.objects.create(space=secret, user=banned)
    messages(space("open-talk"), 1)
    assert digests_send(user_ids=[member.pk, outsider.pk, banned.pk], now=NOW) == 3
    assert "Working Group" in the_mail(smtp_server, member)
    for user in (outsider, banned):
        text = the_mail(smtp_server, user)
        assert "Open Talk" in text
        assert "Working Group" not in text and "working-group" not in text


def test_what_the_reader_already_read_or_knows_is_left_out(taxonomy, smtp_server):
    amina = reader()
    talk = space("smuggling-talk")
    messages(talk, 3)
    Membership.objects.create(space=talk, user=amina, last_read_seq=3)  # read to the end
    seen, answered, theirs, fresh = (
        published(title) for title in ("Seen event", "Answered event", "Own event", "Fresh event")
    )
    announcement = Notification.objects.create(recipient=amina, kind=Notification.Kind.EVENT_ANNOUNCEMENT,
        title="Seen event announced", source_key=announcement_source_key(seen.pk), read_at=EARLIER)  # fmt: skip
    assert announcement.read_at is not None
    Rsvp.objects.create(event=answered, user=amina, response=Rsvp.Response.YES)
    Event.objects.filter(pk=theirs.pk).update(organizer=amina)
    approved("My own submission", submitted_by=amina)
    approved("Someone else's guide")
    digests_send(user_ids=[amina.pk], now=NOW)
    text = the_mail(smtp_server, amina)
    assert "Fresh event" in text and "Someone else's guide" in text
    for left_out in ("Smuggling Talk", "Seen event", "Answered event", "Own event", "My own submission"):
        assert left_out not in text
    assert fresh.pk


def test_each_section_lists_a_few_items_at_most(taxonomy, smtp_server):
    amina = reader()
    for n in range(DIGEST_ITEMS_PER_SECTION + 3):
        approved(f"Guide number {n}", at=EARLIER + dt.timedelta(minutes=n))
    digests_send(user_ids=[amina.pk], now=NOW)
    text = the_mail(smtp_server, amina)
    assert text.count("* Guide number") == DIGEST_ITEMS_PER_SECTION
    assert f"Guide number {DIGEST_ITEMS_PER_SECTION + 2}" in text  # the newest first


def test_nothing_new_in_followed_objectives_and_nothing_unread_sends_nothing(taxonomy, smtp_server):
    amina = reader(objectives=["9"])
    no_subscription = UserFactory.create()
    NotificationPreference.objects.create(user=no_subscription, email=NotificationPreference.Email.DAILY_DIGEST)
    approved("Another objective's guide", ["10"])
    published("Already started", starts_in=-dt.timedelta(hours=1))
    messages(space("other-objective", objective="10"), 3)
    assert digests_send(user_ids=[amina.pk, no_subscription.pk], now=NOW) == 0
    assert smtp_server.messages == []
    states = set(DigestDelivery.objects.values_list("state", flat=True))
    assert states == {DigestDelivery.State.EMPTY}


def test_event_times_are_shown_in_the_readers_zone(taxonomy, smtp_server):
    amina = reader()
    NotificationPreference.objects.filter(user=amina).update(timezone="Asia/Tokyo", digest_hour=9)
    tokyo_nine = dt.datetime(2026, 12, 1, 0, tzinfo=UTC)
    # 3 December 12:00 UTC: 21:00 in Tokyo.
    published("Evening talk", at=tokyo_nine - dt.timedelta(hours=1), starts_in=dt.timedelta(days=2, hours=5))
    digests_send(user_ids=[amina.pk], now=tokyo_nine)
    text = the_mail(smtp_server, amina)
    assert "* Evening talk (Dec. 3, 2026, 9 p.m., Asia/Tokyo)" in text


def test_the_digest_is_in_the_readers_language_down_to_the_section_headings(taxonomy, smtp_server):
    amina = reader(language="fr")
    published("Formation sur le trafic", ["9"], kind=Event.Kind.TRAINING)
    digests_send(user_ids=[amina.pk], now=NOW)
    text = the_mail(smtp_server, amina)
    assert "Événements à venir:\n* Formation sur le trafic (" in text  # heading and the event's time
    assert "\n  Formation\n" in text  # the event's kind, translated
    assert "Upcoming events" not in text


def test_an_unread_announcement_is_shown_under_its_events_objective_not_again_below(taxonomy, smtp_server):
    amina = reader()
    event = published("Webinar on smuggling routes")
    Notification.objects.create(recipient=amina, kind=Notification.Kind.EVENT_ANNOUNCEMENT,
                                title="Webinar announced", source_key=announcement_source_key(event.pk),
                                url=f"/events/{event.pk}/")  # fmt: skip
    Notification.objects.create(recipient=amina, kind=Notification.Kind.MENTION, title="Bo mentioned you",
                                source_key="message:1", url="/spaces/elsewhere/")  # fmt: skip
    digests_send(user_ids=[amina.pk], now=NOW)
    text = the_mail(smtp_server, amina)
    assert "Upcoming events:\n* Webinar on smuggling routes" in text
    assert "Webinar announced" not in text
    assert "== Your unread notifications ==\n\n* Bo mentioned you" in text
    assert DigestDelivery.objects.get(user=amina).notification_count == 1
