"""Asking an objective's experts: the group mention, the daily limit, who is chosen (relevance,
fairness over 30 days, the cap, objective and contact preference), telling them once, answers in
the space and in private, the answered count, the groups endpoint and the objective page."""

import datetime as dt

import pytest
from rest_framework.test import APIClient

from accounts.models import User
from discussions.models import Membership, Message, Space
from discussions.services.posting import PostRequest, message_post, message_post_many
from experts.models import Expert, ExpertAnswer, ExpertAsk, ExpertQuestion, ExpertReply
from experts.questions.limits import ASKS_PER_DAY
from experts.questions.relevance import question_words
from experts.questions.selectors import EXPERTS_PER_QUESTION, experts_to_ask
from experts.questions.services import expert_question_notify, expert_question_reply
from hub.errors import ErrorCode, HubError
from notifications.models import EmailDelivery, Notification, NotificationPreference
from tests.experts.factories import ExpertFactory
from tests.factories import UserFactory
from tests.notifications.smtp import smtp_server  # noqa: F401  (the fixture, used through ``mailbox``)

pytestmark = pytest.mark.django_db

NOON = dt.datetime(2026, 11, 30, 12, 0, tzinfo=dt.UTC)
QUESTION = "@objective-9-experts how do we screen for smuggling at sea crossings?"


@pytest.fixture
def mailbox(request):
    """The real SMTP server (tests/notifications/smtp.py): Django sends to it, Celery runs eagerly."""
    return request.getfixturevalue("smtp_server")


@pytest.fixture
def at_noon(time_machine):
    time_machine.move_to(NOON, tick=False)
    return time_machine


@pytest.fixture
def space(db):
    return Space.objects.create(slug="smuggling", name="Smuggling", visibility=Space.Visibility.PUBLIC)


@pytest.fixture
def asker(space):
    user = UserFactory.create(username="karim", display_name="Karim Haddad", email="karim@ngo.example")
    Membership.objects.create(space=space, user=user)
    return user


def expert_on(objectives: list[str], *, bio: str = "Works on labour mobility.", **fields) -> Expert:
    user = fields.pop("user", None) or UserFactory.create()
    return ExpertFactory.create(user=user, objectives=objectives, bio=bio, keywords=[], **fields)


def account(expert: Expert) -> User:
    """The expert's account (``expert_on`` always makes one)."""
    assert expert.user is not None
    return expert.user


def asked_before(expert: Expert, *, days_ago: list[int]) -> None:
    """Record that ``expert`` was asked earlier questions (by someone else), ``days_ago`` each."""
    someone = UserFactory.create()
    space = Space.objects.get_or_create(slug="earlier", defaults={"name": "Earlier"})[0]
    for days in days_ago:
        space.last_seq += 1
        space.save(update_fields=["last_seq"])
        message = Message.objects.create(space=space, seq=space.last_seq, author=someone, body="earlier", html="")
        moment = NOON - dt.timedelta(days=days)
        question = ExpertQuestion.objects.create(message=message, asker=someone, created_at=moment)
        ExpertAsk.objects.create(
            question=question, expert=expert, position=1, relevance=0, recent_asks=0, created_at=moment
        )


def ask(asker, body: str = QUESTION, *, space_slug: str = "smuggling") -> Message:
    return message_post(slug=space_slug, author=asker, body=body).message


def as_user(user) -> APIClient:
    client = APIClient()
    client.force_authenticate(user)
    return client


class TestTheGroupMention:
    def test_mentions_list_the_group_and_the_users_in_the_order_written(self, asker):
        UserFactory.create(username="amina")
        message = ask(asker, "@Amina and @Objective-9-Experts, also @general-experts and @nobody")
        assert message.mentions == ["amina", "objective-9-experts", "general-experts"]
        question = ExpertQuestion.objects.get()
        assert (question.message_id, question.asker_id) == (message.pk, asker.pk)
        assert question.groups == ["objective-9-experts", "general-experts"]
        assert question.objectives == ["9", "general"]
        assert question.notified_at is None  # the task tells the experts, after commit

    def test_objective_numbers_outside_1_to_23_are_not_groups(self, asker):
        message = ask(asker, "@objective-24-experts @objective-0-experts @objective-09-experts")
        assert message.mentions == []
        assert not ExpertQuestion.objects.exists()

    def test_the_question_is_queued_for_its_task_after_commit(
        self, asker, monkeypatch, django_capture_on_commit_callbacks
    ):
        from experts import tasks

        queued: list[int] = []
        monkeypatch.setattr(tasks.expert_question_notify_task, "delay", queued.append)
        with django_capture_on_commit_callbacks(execute=False) as callbacks:
            ask(asker)
        assert queued == []  # nothing before the commit
        for callback in callbacks:
            callback()
        assert queued == [ExpertQuestion.objects.get().pk]

    def test_an_edit_lists_the_group_but_asks_nothing_more(self, asker):
        from discussions.services.editing import message_edit

        message = ask(asker, "a plain message")
        edited = message_edit(message_id=message.pk, user=asker, body="now @objective-9-experts")
        assert edited.mentions == ["objective-9-experts"]
        assert not ExpertQuestion.objects.exists()


class TestDailyLimit:
    def test_the_fourth_ask_in_a_day_is_refused_and_changes_nothing(self, asker, space, at_noon):
        for hour in range(ASKS_PER_DAY):
            at_noon.move_to(NOON + dt.timedelta(hours=hour), tick=False)
            ask(asker)
        space.refresh_from_db()
        last_seq = space.last_seq
        at_noon.move_to(NOON + dt.timedelta(hours=5), tick=False)
        with pytest.raises(HubError) as refused:
            ask(asker)
        assert refused.value.code == ErrorCode.RATE_LIMITED
        # The oldest ask (at noon) leaves the 24-hour window 19 hours from now.
        assert refused.value.retry_after == 19 * 3600
        space.refresh_from_db()
        assert space.last_seq == last_seq
        assert Message.objects.count() == ASKS_PER_DAY
        assert ExpertQuestion.objects.count() == ASKS_PER_DAY

        # Messages that ask nothing are not limited; a day after the first ask, one is free again.
        ask(asker, "just chatting")
        at_noon.move_to(NOON + dt.timedelta(days=1, seconds=1), tick=False)
        ask(asker)
        assert ExpertQuestion.objects.count() == ASKS_PER_DAY + 1

    def test_a_batch_counts_its_own_earlier_asks(self, asker, at_noon):
        requests = [PostRequest(author=asker, body=QUESTION, client_id=f"c{n}") for n in range(ASKS_PER_DAY + 1)]
        outcomes = message_post_many(slug="smuggling", requests=requests)
        assert [isinstance(outcome, HubError) for outcome in outcomes] == [False] * ASKS_PER_DAY + [True]
        assert outcomes[-1].code == ErrorCode.RATE_LIMITED  # type: ignore[union-attr]
        assert ExpertQuestion.objects.count() == ASKS_PER_DAY

    def test_the_limit_is_per_user_across_spaces(self, asker, at_noon):
        other = Space.objects.create(slug="other", name="Other", visibility=Space.Visibility.PUBLIC)
        Membership.objects.create(space=other, user=asker)
        for _ in range(ASKS_PER_DAY):
            ask(asker, space_slug="other")
        with pytest.raises(HubError):
            ask(asker)

    def test_a_resent_client_id_is_not_a_second_ask(self, asker, at_noon):
        for _ in range(ASKS_PER_DAY + 2):
            message_post(slug="smuggling", author=asker, body=QUESTION, client_id="same")
        assert ExpertQuestion.objects.count() == 1


class TestWhoIsAsked:
    def test_only_experts_tagged_with_the_objective_who_accept_contact_and_have_an_account(self, asker, at_noon):
        tagged = expert_on(["9"])
        also_general = expert_on(["general", "9"])
        expert_on(["10"])
        expert_on(["9"], accepts_contact=False)
        ExpertFactory.create(user=None, objectives=["9"])
        expert_on(["9"], user=UserFactory.create(is_active=False))
        expert_on(["9"], user=asker)  # the asker's own profile
        chosen = experts_to_ask(objective_keys=["9"], text="anything", asker_id=asker.pk, now=NOON)
        assert {expert.expert_id for expert in chosen} == {tagged.pk, also_general.pk}

    def test_general_experts_are_those_tagged_general(self, asker):
        general = expert_on(["general"])
        expert_on(["9"])
        chosen = experts_to_ask(objective_keys=["general"], text="", asker_id=asker.pk, now=NOON)
        assert [expert.expert_id for expert in chosen] == [general.pk]

    def test_the_most_relevant_profiles_come_first(self, asker):
        unrelated = expert_on(["9"], bio="Works on remittances and diaspora bonds.")
        smuggling = expert_on(["9"], bio="Research on migrant smuggling routes.")
        sea_smuggling = expert_on(["9"], bio="Migrant smuggling at sea; rescue at sea crossings.")
        chosen = experts_to_ask(objective_keys=["9"], text=QUESTION, asker_id=asker.pk, now=NOON)
        assert [expert.expert_id for expert in chosen] == [sea_smuggling.pk, smuggling.pk, unrelated.pk]
        assert chosen[0].relevance > chosen[1].relevance > chosen[2].relevance == 0

    def test_at_most_25_are_asked(self, asker):
        for _ in range(EXPERTS_PER_QUESTION + 5):
            expert_on(["9"])
        assert len(experts_to_ask(objective_keys=["9"], text=QUESTION, asker_id=asker.pk, now=NOON)) == 25

    def test_those_asked_least_in_the_last_30_days_come_first_among_equals(self, asker, at_noon):
        busy, rested, idle = expert_on(["9"]), expert_on(["9"]), expert_on(["9"])
        asked_before(busy, days_ago=[3, 29])  # twice in the window
        asked_before(rested, days_ago=[31, 31, 40])  # three times, all before it
        chosen = experts_to_ask(objective_keys=["9"], text="unrelated words", asker_id=asker.pk, now=NOON)
        assert [(expert.expert_id, expert.recent_asks) for expert in chosen] == [
            (rested.pk, 0),
            (idle.pk, 0),
            (busy.pk, 2),
        ]

    def test_relevance_is_divided_by_one_plus_recent_asks(self, asker, at_noon):
        """A strong match asked nine times (relevance / 10) falls behind a weaker one never asked;
        both stay before a profile that matches no word."""
        strong = expert_on(["9"], bio="Migrant smuggling at sea; rescue at sea crossings; smuggling networks.")
        weaker = expert_on(["9"], bio="Migrant smuggling at sea crossings.")
        none = expert_on(["9"], bio="Remittances.")
        before = experts_to_ask(objective_keys=["9"], text=QUESTION, asker_id=asker.pk, now=NOON)
        assert [expert.expert_id for expert in before] == [strong.pk, weaker.pk, none.pk]
        assert before[0].relevance / 10 < before[1].relevance
        asked_before(strong, days_ago=list(range(1, 10)))
        after = experts_to_ask(objective_keys=["9"], text=QUESTION, asker_id=asker.pk, now=NOON)
        assert [expert.expert_id for expert in after] == [weaker.pk, strong.pk, none.pk]

    def test_question_words_leave_out_mentions_and_repeats(self):
        assert question_words("@objective-9-experts Smuggling, smuggling at SEA? @amina sea") == [
            "Smuggling",
            "at",
            "SEA",
        ]


class TestTellingTheExperts:
    def test_each_chosen_expert_is_told_once_with_a_link_to_the_message(self, asker, at_noon):
        experts = [expert_on(["9"]) for _ in range(3)]
        expert_on(["10"])
        message = ask(asker)
        question = ExpertQuestion.objects.get()
        assert expert_question_notify(question_id=question.pk) == 3
        notifications = Notification.objects.filter(kind=Notification.Kind.EXPERT_QUESTION)
        assert sorted(notifications.values_list("recipient_id", flat=True)) == sorted(account(e).pk for e in experts)
        notification = notifications.first()
        assert notification is not None
        assert notification.url == f"/spaces/smuggling/#m{message.seq}"
        assert notification.title == "Karim Haddad asks the experts (@objective-9-experts) in Smuggling"
        assert "smuggling at sea crossings" in notification.body
        question.refresh_from_db()
        assert question.notified_at == NOON
        assert list(question.asks.order_by("position").values_list("position", flat=True)) == [1, 2, 3]

    def test_a_retried_task_tells_nobody_twice(self, asker):
        for _ in range(3):
            expert_on(["9"])
        ask(asker)
        question = ExpertQuestion.objects.get()
        assert expert_question_notify(question_id=question.pk) == 3
        assert expert_question_notify(question_id=question.pk) == 0
        # Even if the question's guard were lost, the notifications are unique per (expert, message).
        ExpertQuestion.objects.filter(pk=question.pk).update(notified_at=None)
        ExpertAsk.objects.all().delete()
        expert_question_notify(question_id=question.pk)
        assert Notification.objects.filter(kind=Notification.Kind.EXPERT_QUESTION).count() == 3

    def test_email_follows_each_experts_preference(self, asker):
        immediate = expert_on(["9"])
        digest = expert_on(["9"])
        NotificationPreference.objects.create(user=account(digest), email=NotificationPreference.Email.DAILY_DIGEST)
        ask(asker)
        expert_question_notify(question_id=ExpertQuestion.objects.get().pk)
        emailed = EmailDelivery.objects.values_list("notification__recipient_id", flat=True)
        assert list(emailed) == [immediate.user_id]

    def test_a_question_deleted_before_the_task_asks_nobody(self, asker):
        from discussions.services.editing import message_delete

        expert_on(["9"])
        message = ask(asker)
        message_delete(message_id=message.pk, user=asker)
        assert expert_question_notify(question_id=ExpertQuestion.objects.get().pk) == 0
        assert not Notification.objects.filter(kind=Notification.Kind.EXPERT_QUESTION).exists()

    def test_the_whole_chain_runs_after_commit(self, asker, mailbox, django_capture_on_commit_callbacks):
        expert = expert_on(["9"], email="amina@experts.example")
        with django_capture_on_commit_callbacks(execute=True):
            ask(asker)
        assert Notification.objects.filter(recipient=account(expert), kind=Notification.Kind.EXPERT_QUESTION).exists()
        assert ExpertQuestion.objects.get().notified_at is not None


class TestAnswers:
    def test_a_reply_by_an_expert_is_an_answer_and_the_askers_own_is_not(self, asker, space):
        expert = expert_on(["9"])
        Membership.objects.create(space=space, user=account(expert))
        question_message = ask(asker)
        message_post(slug="smuggling", author=asker, body="any ideas?", reply_to=question_message.seq)
        message_post(slug="smuggling", author=account(expert), body="Yes: ...", reply_to=question_message.seq)
        message_post(slug="smuggling", author=account(expert), body="And also", reply_to=question_message.seq)
        [answer] = ExpertAnswer.objects.all()
        assert (answer.expert_id, answer.via) == (expert.pk, ExpertAnswer.Via.SPACE)
        response = APIClient().get(f"/api/v1/experts/{expert.pk}/")
        assert response.json()["questions_answered"] == 1

    def test_a_private_reply_is_relayed_to_the_asker_and_counts(
        self,
        asker,
        mailbox,
        django_capture_on_commit_callbacks,
    ):
        expert = expert_on(["9"], email="amina@experts.example", name="Amina Diallo")
        ask(asker)
        question = ExpertQuestion.objects.get()
        expert_question_notify(question_id=question.pk)
        with django_capture_on_commit_callbacks(execute=True):
            response = as_user(account(expert)).post(
                f"/api/v1/expert-questions/{question.pk}/replies/", {"message": "Call me: 100% happy to help."}
            )
        assert response.status_code == 201
        assert "karim@ngo.example" not in response.content.decode()
        [mail] = mailbox.messages
        assert mail.rcpt_tos == ["karim@ngo.example"]
        assert mail.message["Reply-To"] == "amina@experts.example"
        assert str(mail.message["List-Unsubscribe"]).strip().startswith("<http")
        assert "Call me: 100% happy to help." in mail.text
        told = Notification.objects.get(recipient=asker, kind=Notification.Kind.EXPERT_QUESTION)
        assert told.title == "Amina Diallo answered your question privately"
        assert ExpertAnswer.objects.get().via == ExpertAnswer.Via.PRIVATE
        assert ExpertReply.objects.get().relayed_at is not None

    def test_only_an_asked_expert_may_reply_privately(self, asker):
        expert = expert_on(["10"])
        ask(asker)
        question = ExpertQuestion.objects.get()
        expert_question_notify(question_id=question.pk)
        response = as_user(account(expert)).post(f"/api/v1/expert-questions/{question.pk}/replies/", {"message": "hi"})
        assert response.status_code == 404
        assert not ExpertReply.objects.exists()

    def test_an_empty_private_reply_is_a_400_and_stores_nothing(self, asker):
        expert = expert_on(["9"])
        ask(asker)
        question = ExpertQuestion.objects.get()
        expert_question_notify(question_id=question.pk)
        response = as_user(account(expert)).post(f"/api/v1/expert-questions/{question.pk}/replies/", {"message": ""})
        assert response.status_code == 400
        assert "message" in response.json()
        assert not ExpertReply.objects.exists()


class TestPages:
    def test_the_groups_endpoint_filters_by_what_was_typed(self, taxonomy):
        response = APIClient().get("/api/v1/expert-groups/", {"q": "@obj"})
        names = [group["name"] for group in response.json()["results"]]
        assert names[0] == "objective-1-experts"
        assert len(names) == 23
        everything = APIClient().get("/api/v1/expert-groups/").json()["results"]
        assert {group["name"] for group in everything} >= {"general-experts", "objective-23-experts"}
        assert len(everything) == 24

    def test_the_objective_page_shows_open_questions_until_an_expert_answers(self, taxonomy, asker, space, client):
        expert = expert_on(["9"])
        Membership.objects.create(space=space, user=account(expert))
        question_message = ask(asker, "@objective-9-experts who tracks smuggling prosecutions?")
        page = client.get("/objectives/9/").content.decode()
        assert "who tracks smuggling prosecutions?" in page
        assert "who tracks smuggling prosecutions?" not in client.get("/objectives/10/").content.decode()
        message_post(slug="smuggling", author=account(expert), body="We do.", reply_to=question_message.seq)
        assert "who tracks smuggling prosecutions?" not in client.get("/objectives/9/").content.decode()

    def test_questions_in_private_spaces_stay_off_the_objective_page(self, taxonomy, asker, client):
        private = Space.objects.create(slug="private", name="Private", visibility=Space.Visibility.PRIVATE)
        Membership.objects.create(space=private, user=asker)
        ask(asker, "@objective-9-experts a confidential question", space_slug="private")
        assert "a confidential question" not in client.get("/objectives/9/").content.decode()

    def test_the_profile_page_shows_how_many_questions_the_expert_answered(self, asker, space, client):
        expert = expert_on(["9"])
        Membership.objects.create(space=space, user=account(expert))
        question_message = ask(asker)
        message_post(slug="smuggling", author=account(expert), body="Answer", reply_to=question_message.seq)
        page = client.get(f"/experts/{expert.pk}/").content.decode()
        assert '<dd id="questions-answered">1</dd>' in page


class TestRegistries:
    def test_the_digest_lists_open_questions_of_followed_objectives_but_not_the_readers_own(self, asker, space):
        from experts.questions.digest import open_questions_section
        from notifications.digest_sections import DigestBatch, DigestReader

        reader = UserFactory.create()
        before = NOON - dt.timedelta(days=1)
        message = ask(asker, "@objective-9-experts who tracks smuggling prosecutions?")
        ask(asker, "@objective-10-experts an objective the reader does not follow")
        batch = DigestBatch(
            readers={
                reader.pk: DigestReader(user_id=reader.pk, objectives=frozenset({"9"}), since=before),
                asker.pk: DigestReader(user_id=asker.pk, objectives=frozenset({"9"}), since=before),
            },
            until=message.created_at + dt.timedelta(hours=1),
        )
        found = open_questions_section(batch)
        assert list(found) == [(reader.pk, "9")]
        [item] = found[reader.pk, "9"]
        assert item.title == "@objective-9-experts who tracks smuggling prosecutions?"
        assert item.url == f"/spaces/smuggling/#m{message.seq}"

    def test_the_export_holds_the_users_questions_and_erasure_removes_them(self, asker):
        from accounts.erasure import user_erase
        from accounts.personal_data import export_sections

        expert = expert_on(["9"])
        ask(asker)
        expert_question_notify(question_id=ExpertQuestion.objects.get().pk)
        sections = {section.name: section for section in export_sections()}
        [asked] = list(sections["expert_questions_asked"].items(asker))
        assert (asked["space"], asked["groups"], asked["experts_asked"]) == ("smuggling", ["objective-9-experts"], 1)
        [received] = list(sections["expert_questions_received"].items(account(expert)))
        assert received["answered"] is None
        told = Notification.objects.get(recipient=account(expert), kind=Notification.Kind.EXPERT_QUESTION)
        assert "Karim Haddad" in told.title
        user_erase(user_id=asker.pk)
        told.refresh_from_db()
        assert told.title == "Deleted user asks the experts (@objective-9-experts) in Smuggling"
        assert not ExpertQuestion.objects.exists()
        assert not ExpertAsk.objects.exists()
        assert Message.objects.count() == 1  # the message stays, shown as a deleted user


def test_the_sweep_queues_questions_whose_task_was_lost(asker, at_noon, monkeypatch):
    from experts import tasks

    ask(asker)
    question = ExpertQuestion.objects.get()
    queued: list[int] = []
    monkeypatch.setattr(tasks.expert_question_notify_task, "delay", queued.append)
    assert tasks.expert_question_notify_sweep() == 0  # too recent: its own task is on the way
    at_noon.move_to(NOON + dt.timedelta(minutes=6), tick=False)
    assert tasks.expert_question_notify_sweep() == 1
    assert queued == [question.pk]
    expert_question_notify(question_id=question.pk)
    assert tasks.expert_question_notify_sweep() == 0


def test_an_asked_expert_replies_privately_from_the_question_page(
    asker, client, mailbox, django_capture_on_commit_callbacks
):
    expert = expert_on(["9"], email="amina@experts.example")
    ask(asker)
    question = ExpertQuestion.objects.get()
    expert_question_notify(question_id=question.pk)
    client.force_login(account(expert))
    profile = client.get(f"/experts/{expert.pk}/").content.decode()
    assert f'href="/experts/questions/{question.pk}/"' in profile
    page = client.get(f"/experts/questions/{question.pk}/")
    assert page.status_code == 200
    assert "smuggling at sea crossings" in page.content.decode()
    assert "karim@ngo.example" not in page.content.decode()
    assert client.post(f"/experts/questions/{question.pk}/", {"message": ""}).status_code == 400
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(f"/experts/questions/{question.pk}/", {"message": "Happy to help."})
    assert response.status_code == 302
    [mail] = mailbox.messages
    assert mail.rcpt_tos == ["karim@ngo.example"]
    other = UserFactory.create()
    client.force_login(other)
    assert client.get(f"/experts/questions/{question.pk}/").status_code == 404


def test_in_a_private_space_the_notification_links_to_the_question_page(asker):
    private = Space.objects.create(slug="private", name="Private", visibility=Space.Visibility.PRIVATE)
    Membership.objects.create(space=private, user=asker)
    expert = expert_on(["9"])
    ask(asker, space_slug="private")
    question = ExpertQuestion.objects.get()
    expert_question_notify(question_id=question.pk)
    notification = Notification.objects.get(recipient=account(expert))
    assert notification.url == f"/experts/questions/{question.pk}/"


def test_the_groups_list_is_one_query(taxonomy, django_assert_num_queries):
    with django_assert_num_queries(1):
        response = APIClient().get("/api/v1/expert-groups/", {"q": "obj"})
    assert len(response.json()["results"]) == 23


def test_erasing_an_expert_renames_them_in_the_askers_reply_notifications(asker):
    from accounts.erasure import user_erase

    expert = expert_on(["9"], name="Amina Diallo")
    ask(asker)
    question = ExpertQuestion.objects.get()
    expert_question_notify(question_id=question.pk)
    expert_question_reply(question_id=question.pk, user=account(expert), message="Happy to help.")
    user_erase(user_id=account(expert).pk)
    told = Notification.objects.get(recipient=asker, kind=Notification.Kind.EXPERT_QUESTION)
    assert told.title == "Deleted user answered your question privately"
    assert not ExpertReply.objects.exists()
