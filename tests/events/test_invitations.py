"""Invitations: the endpoint (who may, bad input changes nothing, re-inviting creates nothing), the email
over real SMTP (its parts, headers and METHOD:REQUEST calendar), sending at most once, the signed
answer link (no login, not forgeable, not for another address), and the cancellation email."""

import datetime as dt
import re
import smtplib
from urllib.parse import urlsplit

import pytest
from django.core import signing
from django.test import Client
from icalendar import Calendar

from events import invitation_delivery
from events.invitation_delivery import cancellation_emails_send, invitation_emails_send, invitation_emails_sweep
from events.invitation_links import LinkPurpose, email_digest, invitation_token
from events.invitation_tasks import sweep_invitation_emails
from events.models import Event, Invitation, Rsvp, RsvpResponse, WaitlistEntry
from events.services.events import event_cancel
from events.services.invitations import Invitee, invitations_create
from notifications.models import EmailDelivery, Notification, NotificationPreference
from tests.events.factories import EventFactory, organizer_user
from tests.factories import UserFactory
from tests.notifications.smtp import smtp_server  # noqa: F401  (the fixture, used through ``mailbox``)

pytestmark = pytest.mark.django_db

State = Invitation.EmailState


@pytest.fixture
def mailbox(request):
    """The real SMTP server of ``tests/notifications/smtp.py`` (Celery eager while it runs)."""
    return request.getfixturevalue("smtp_server")


@pytest.fixture
def site(settings):
    settings.SITE_URL = "https://hub.example.org"
    settings.DEFAULT_FROM_EMAIL = "Migration Network Hub <hub@hub.example.org>"


@pytest.fixture
def event(site):
    organizer = organizer_user(username="amina", display_name="Amina Diallo")
    return EventFactory.create(title="Training: screening at borders", organizer=organizer, timezone="Africa/Nairobi")


def invite(client, event, **body):
    return client.post(f"/api/v1/events/{event.pk}/invitations/", body, format="json")


def calendar_of(mail) -> Calendar:
    [part] = [p for p in mail.message.walk() if p.get_content_type() == "text/calendar"]
    assert part.get_param("method") == "REQUEST" or part.get_param("method") == "CANCEL"
    calendar = Calendar.from_ical(part.get_content())
    assert isinstance(calendar, Calendar)
    return calendar


def link_in(mail, pattern: str) -> str:
    match = re.search(pattern, mail.text)
    assert match, mail.text
    return urlsplit(match.group(0)).path


# --- The endpoint ----------------------------------------------------------------------------------


def test_organizer_invites_users_and_addresses_each_emailed_once_with_the_ics(
    event, as_user, mailbox, django_capture_on_commit_callbacks
):
    bo = UserFactory.create(username="bo", email="Bo@Example.org", display_name="Bo Li")
    with django_capture_on_commit_callbacks(execute=True):
        response = invite(as_user(event.organizer), event, usernames=["BO"], emails=["Guest@Partner.example"])
    assert response.status_code == 201
    body = response.json()
    assert body["created"] == 2
    assert [(i["email"], i["username"], i["new"], i["response"]) for i in body["invitations"]] == [
        ("bo@example.org", "bo", True, ""),
        ("guest@partner.example", None, True, ""),
    ]
    assert sorted(mail.rcpt_tos[0] for mail in mailbox.messages) == ["bo@example.org", "guest@partner.example"]
    assert mailbox.sessions == 1  # one SMTP connection for the chunk
    assert set(Invitation.objects.values_list("email_state", flat=True)) == {State.SENT}
    # The user also gets an in-app notification, whose email is the invitation (no second email).
    [notification] = Notification.objects.filter(recipient=bo)
    assert notification.kind == Notification.Kind.EVENT_INVITATION
    assert notification.url == f"/events/{event.pk}/"
    assert notification.source_key == f"event-invitation:{Invitation.objects.get(user=bo).pk}"
    assert "Amina Diallo" in notification.title
    assert not EmailDelivery.objects.exists()


def test_invitation_email_has_text_html_calendar_and_one_click_unsubscribe(
    event, as_user, mailbox, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        invite(as_user(event.organizer), event, emails=["guest@partner.example"])
    [mail] = mailbox.messages
    assert mail.mail_from == "hub@hub.example.org"
    assert mail.message["Subject"] == "Invitation: Training: screening at borders"
    assert mail.message["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    unsubscribe = str(mail.message["List-Unsubscribe"]).strip()
    assert unsubscribe.startswith("<https://hub.example.org/events/invitation/")
    assert unsubscribe[1:-1] in mail.text
    html = mail.message.get_body(("html",))
    assert html is not None and "Training: screening at borders" in html.get_content()
    assert "Amina Diallo invites you to Training: screening at borders." in mail.text
    assert f"https://hub.example.org/events/{event.pk}/" in mail.text
    # The calendar part (RFC 6047) and the same object attached as a file.
    calendar = calendar_of(mail)
    [attachment] = [p for p in mail.message.iter_attachments() if p.get_filename() == "invite.ics"]
    assert Calendar.from_ical(attachment.get_content()).events[0]["UID"] == event.ical_uid
    assert calendar["METHOD"] == "REQUEST"
    [vevent] = calendar.events
    assert vevent["UID"] == event.ical_uid
    assert vevent["SEQUENCE"] == event.sequence
    attendee = vevent["ATTENDEE"]
    assert attendee == "mailto:guest@partner.example"
    assert (attendee.params["RSVP"], attendee.params["PARTSTAT"], attendee.params["ROLE"]) == (
        "TRUE", "NEEDS-ACTION", "REQ-PARTICIPANT",
    )  # fmt: skip
    assert vevent["ORGANIZER"].params["CN"] == "Amina Diallo"
    assert [alarm["ACTION"] for alarm in vevent.walk("VALARM")] == ["DISPLAY", "DISPLAY"]
    assert [zone["TZID"] for zone in calendar.timezones] == ["Africa/Nairobi"]
    assert "DTSTART;TZID=Africa/Nairobi:" in attachment.get_content().decode()


def test_account_holders_unsubscribe_link_is_the_notification_one(
    event, as_user, mailbox, django_capture_on_commit_callbacks
):
    UserFactory.create(username="bo")
    with django_capture_on_commit_callbacks(execute=True):
        invite(as_user(event.organizer), event, usernames=["bo"])
    [mail] = mailbox.messages
    assert (
        str(mail.message["List-Unsubscribe"]).strip().startswith("<https://hub.example.org/notifications/unsubscribe/")
    )


def test_invitation_email_speaks_the_invitees_language(event, as_user, mailbox, django_capture_on_commit_callbacks):
    UserFactory.create(username="chloe", language="fr")
    with django_capture_on_commit_callbacks(execute=True):
        invite(as_user(event.organizer), event, usernames=["chloe"])
    [mail] = mailbox.messages
    html = mail.message.get_body(("html",))
    assert html is not None and '<html lang="fr"' in html.get_content()


def test_reinviting_creates_nothing_and_says_which_are_new(event, as_user, mailbox, django_capture_on_commit_callbacks):
    client = as_user(event.organizer)
    with django_capture_on_commit_callbacks(execute=True):
        invite(client, event, emails=["guest@partner.example"])
    with django_capture_on_commit_callbacks(execute=True):
        response = invite(client, event, emails=["GUEST@partner.example", "other@partner.example"])
    assert response.status_code == 201
    assert [(i["email"], i["new"]) for i in response.json()["invitations"]] == [
        ("guest@partner.example", False), ("other@partner.example", True),
    ]  # fmt: skip
    with django_capture_on_commit_callbacks(execute=True):
        again = invite(client, event, emails=["other@partner.example"])
    assert again.status_code == 200
    assert again.json()["created"] == 0
    assert Invitation.objects.count() == 2
    assert sorted(mail.rcpt_tos[0] for mail in mailbox.messages) == [
        "guest@partner.example",
        "other@partner.example",
    ]


def test_an_address_with_an_account_invites_that_account(event, as_user, django_capture_on_commit_callbacks):
    bo = UserFactory.create(username="bo", email="bo@example.org")
    with django_capture_on_commit_callbacks(execute=False):
        response = invite(as_user(event.organizer), event, usernames=["bo"], emails=["BO@example.org"])
    assert [(i["username"], i["email"]) for i in response.json()["invitations"]] == [("bo", "bo@example.org")]
    assert Invitation.objects.get().user == bo


def test_unknown_usernames_are_refused_with_field_errors_and_nobody_is_invited(event, as_user):
    UserFactory.create(username="bo")
    response = invite(as_user(event.organizer), event, usernames=["bo", "nobody", "ghost"], emails=["x@example.org"])
    assert response.status_code == 400
    assert "nobody, ghost" in response.json()["usernames"][0]
    assert not Invitation.objects.exists()


def test_malformed_addresses_are_refused_with_field_errors(event, as_user):
    response = invite(as_user(event.organizer), event, emails=["fine@example.org", "not an address"])
    assert response.status_code == 400
    assert "emails" in response.json()
    assert not Invitation.objects.exists()


def test_an_empty_invitation_is_refused(event, as_user):
    response = invite(as_user(event.organizer), event, usernames=[], emails=[])
    assert response.status_code == 400
    assert not Invitation.objects.exists()


def test_only_the_events_organizer_and_staff_invite(event, as_user, django_capture_on_commit_callbacks):
    other_organizer = organizer_user()
    assert invite(as_user(UserFactory.create()), event, emails=["x@example.org"]).status_code == 403
    assert invite(as_user(other_organizer), event, emails=["x@example.org"]).status_code == 403
    assert not Invitation.objects.exists()
    with django_capture_on_commit_callbacks(execute=False):
        assert invite(as_user(UserFactory.create(is_staff=True)), event, emails=["x@example.org"]).status_code == 201


def test_invitations_need_a_published_event_that_is_not_over(site, as_user, time_machine):
    draft = EventFactory.create(status=Event.Status.DRAFT, organizer=organizer_user())
    response = invite(as_user(draft.organizer), draft, emails=["x@example.org"])
    assert response.status_code == 409
    assert response.json()["code"] == "conflict"
    past = EventFactory.create(organizer=draft.organizer)
    time_machine.move_to(past.ends_at + dt.timedelta(minutes=1))
    assert invite(as_user(past.organizer), past, emails=["x@example.org"]).status_code == 409
    # Someone else's draft does not exist for them.
    assert invite(as_user(organizer_user()), draft, emails=["x@example.org"]).status_code == 404
    assert not Invitation.objects.exists()


def test_anonymous_cannot_invite(event, api_client):
    assert invite(api_client, event, emails=["x@example.org"]).status_code == 401


def test_the_organizer_lists_invitations_with_answers(event, as_user, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=False):
        invite(as_user(event.organizer), event, emails=["a@example.org", "b@example.org"])
    Invitation.objects.filter(email="b@example.org").update(response=RsvpResponse.MAYBE)
    response = as_user(event.organizer).get(f"/api/v1/events/{event.pk}/invitations/")
    assert response.status_code == 200
    assert [(i["email"], i["response"]) for i in response.json()["results"]] == [
        ("a@example.org", ""), ("b@example.org", "maybe"),
    ]  # fmt: skip
    assert as_user(UserFactory.create()).get(f"/api/v1/events/{event.pk}/invitations/").status_code == 403


def test_a_rolled_back_invitation_sends_nothing(event, mailbox):
    from django.db import transaction

    class Boom(Exception):
        pass

    with pytest.raises(Boom), transaction.atomic():
        invitations_create(event_id=event.pk, by=event.organizer, invitees=[Invitee("x@example.org")])
        raise Boom
    assert not Invitation.objects.exists()
    assert mailbox.messages == []


def test_users_who_turned_emails_off_get_the_notification_but_no_email(
    event, as_user, mailbox, django_capture_on_commit_callbacks
):
    bo = UserFactory.create(username="bo")
    NotificationPreference.objects.create(user=bo, email=NotificationPreference.Email.OFF)
    with django_capture_on_commit_callbacks(execute=True):
        invite(as_user(event.organizer), event, usernames=["bo"])
    assert mailbox.messages == []
    assert Notification.objects.filter(recipient=bo, kind=Notification.Kind.EVENT_INVITATION).exists()
    assert Invitation.objects.get().email_state == State.SKIPPED


# --- At most once ---------------------------------------------------------------------------------


def pending_invitations(event, *emails: str) -> list[int]:
    invitations_create(event_id=event.pk, by=event.organizer, invitees=[Invitee(email) for email in emails])
    return list(Invitation.objects.order_by("pk").values_list("pk", flat=True))


def test_a_task_run_twice_sends_each_email_once(event, mailbox):
    ids = pending_invitations(event, "a@example.org", "b@example.org")
    assert invitation_emails_send(invitation_ids=ids) == 2
    assert invitation_emails_send(invitation_ids=ids) == 0
    assert len(mailbox.messages) == 2


def test_a_row_another_run_claimed_is_not_sent(event, mailbox):
    [first, second] = pending_invitations(event, "a@example.org", "b@example.org")
    Invitation.objects.filter(pk=first).update(email_state=State.SENDING)
    assert invitation_emails_send(invitation_ids=[first, second]) == 1
    assert [mail.rcpt_tos for mail in mailbox.messages] == [["b@example.org"]]


def test_a_refused_recipient_is_failed_and_not_retried(event, mailbox):
    [invitation_id] = pending_invitations(event, "gone@example.org")
    mailbox.refuse_recipients_with = "550 No such user here"
    invitation_emails_send(invitation_ids=[invitation_id])
    invitation = Invitation.objects.get()
    assert invitation.email_state == State.FAILED
    assert "550" in invitation.email_error
    mailbox.refuse_recipients_with = None
    assert invitation_emails_send(invitation_ids=[invitation_id]) == 0
    assert mailbox.messages == []


def test_an_unreachable_server_leaves_the_row_pending_for_the_sweep(event, settings, time_machine):
    time_machine.move_to(dt.datetime(2026, 5, 1, 12, 0, tzinfo=dt.UTC), tick=False)
    event.starts_at, event.ends_at = dt.datetime(2026, 6, 1, tzinfo=dt.UTC), dt.datetime(2026, 6, 2, tzinfo=dt.UTC)
    event.save()
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT, settings.EMAIL_TIMEOUT = "127.0.0.1", 1, 2
    [invitation_id] = pending_invitations(event, "a@example.org")
    with pytest.raises(OSError):
        invitation_emails_send(invitation_ids=[invitation_id])
    assert Invitation.objects.get().email_state == State.PENDING
    assert invitation_emails_sweep().invitation_chunks == []  # not yet: the normal path may still run
    time_machine.shift(dt.timedelta(seconds=settings.NOTIFICATION_EMAIL_SWEEP_AFTER_SECONDS + 1))
    assert invitation_emails_sweep().invitation_chunks == [[invitation_id]]


def test_a_connection_lost_mid_message_is_never_sent_again_and_later_flagged(
    event, settings, time_machine, monkeypatch
):
    time_machine.move_to(dt.datetime(2026, 5, 1, 12, 0, tzinfo=dt.UTC), tick=False)
    event.starts_at, event.ends_at = dt.datetime(2026, 6, 1, tzinfo=dt.UTC), dt.datetime(2026, 6, 2, tzinfo=dt.UTC)
    event.save()
    [invitation_id] = pending_invitations(event, "a@example.org")

    class Dropping:
        def open(self):
            return True

        def close(self):
            pass

        def send_messages(self, messages):
            raise smtplib.SMTPServerDisconnected("lost")

    monkeypatch.setattr(invitation_delivery, "get_connection", lambda: Dropping())
    with pytest.raises(smtplib.SMTPServerDisconnected):
        invitation_emails_send(invitation_ids=[invitation_id])
    assert Invitation.objects.get().email_state == State.SENDING
    monkeypatch.undo()
    assert invitation_emails_send(invitation_ids=[invitation_id]) == 0
    time_machine.shift(dt.timedelta(seconds=settings.NOTIFICATION_EMAIL_SEND_TIMEOUT_SECONDS + 1))
    sweep = invitation_emails_sweep()
    assert sweep.invitation_chunks == []
    assert Invitation.objects.get().email_state == State.UNCONFIRMED


def test_the_beat_sweep_sends_what_the_broker_never_delivered(event, mailbox, settings, time_machine):
    time_machine.move_to(dt.datetime(2026, 5, 1, 12, 0, tzinfo=dt.UTC), tick=False)
    event.starts_at, event.ends_at = dt.datetime(2026, 6, 1, tzinfo=dt.UTC), dt.datetime(2026, 6, 2, tzinfo=dt.UTC)
    event.save()
    pending_invitations(event, "a@example.org")  # committed, but its task was lost (no on_commit here)
    time_machine.shift(dt.timedelta(seconds=settings.NOTIFICATION_EMAIL_SWEEP_AFTER_SECONDS + 1))
    assert sweep_invitation_emails() == 1
    assert [mail.rcpt_tos for mail in mailbox.messages] == [["a@example.org"]]
    assert sweep_invitation_emails() == 0


# --- The signed answer link -----------------------------------------------------------------------


def invited(event, as_user, mailbox, capture, **body):
    with capture(execute=True):
        invite(as_user(event.organizer), event, **body)
    return mailbox.messages[-1]


def test_an_address_without_account_answers_by_its_link_without_login(
    event, as_user, mailbox, django_capture_on_commit_callbacks
):
    mail = invited(event, as_user, mailbox, django_capture_on_commit_callbacks, emails=["guest@partner.example"])
    path = link_in(mail, r"https://hub\.example\.org/events/invitation/[^/\s]+/(?=\s)")
    assert "guest" not in path and "partner" not in path  # the address stays out of URLs and logs
    browser = Client(enforce_csrf_checks=True)
    page = browser.get(path)
    assert page.status_code == 200
    assert "Training: screening at borders" in page.content.decode()
    assert 'name="response" value="yes"' in page.content.decode()
    csrf = browser.cookies["csrftoken"].value
    answer = browser.post(path, {"response": "yes", "csrfmiddlewaretoken": csrf})
    assert answer.status_code == 200
    invitation = Invitation.objects.get()
    assert invitation.response == RsvpResponse.YES
    assert invitation.responded_at is not None
    assert not Rsvp.objects.exists()  # no account: no seat


def test_the_answer_form_is_csrf_protected(event, as_user, mailbox, django_capture_on_commit_callbacks):
    mail = invited(event, as_user, mailbox, django_capture_on_commit_callbacks, emails=["guest@partner.example"])
    path = link_in(mail, r"https://hub\.example\.org/events/invitation/[^/\s]+/(?=\s)")
    assert Client(enforce_csrf_checks=True).post(path, {"response": "yes"}).status_code == 403
    assert Invitation.objects.get().response == ""


def test_an_account_holder_answers_by_link_and_gets_a_seat(event, as_user, mailbox, django_capture_on_commit_callbacks):
    bo = UserFactory.create(username="bo")
    mail = invited(event, as_user, mailbox, django_capture_on_commit_callbacks, usernames=["bo"])
    path = link_in(mail, r"https://hub\.example\.org/events/invitation/[^/\s]+/(?=\s)")
    with django_capture_on_commit_callbacks(execute=True):
        assert Client().post(path, {"response": "yes"}).status_code == 200
    assert Rsvp.objects.get(event=event, user=bo).response == RsvpResponse.YES
    assert Invitation.objects.get().response == RsvpResponse.YES


def test_a_full_event_refuses_a_yes_by_link_and_changes_nothing(
    site, as_user, mailbox, django_capture_on_commit_callbacks
):
    event = EventFactory.create(capacity=1, organizer=organizer_user())
    Rsvp.objects.create(event=event, user=UserFactory.create(), response=RsvpResponse.YES)
    UserFactory.create(username="bo")
    mail = invited(event, as_user, mailbox, django_capture_on_commit_callbacks, usernames=["bo"])
    path = link_in(mail, r"https://hub\.example\.org/events/invitation/[^/\s]+/(?=\s)")
    response = Client().post(path, {"response": "yes"})
    assert response.status_code == 409
    assert "full" in response.content.decode()
    assert Invitation.objects.get().response == ""
    assert Rsvp.objects.filter(event=event).count() == 1
    assert "Join the waiting list" in response.content.decode()
    joined = Client().post(path, {"response": "yes", "waitlist": "on"})
    assert joined.status_code == 200
    assert "you are on the waiting list" in joined.content.decode()
    assert WaitlistEntry.objects.get(event=event).user.username == "bo"
    assert Invitation.objects.get().response == ""  # waiting is not an answer yet


def test_a_forged_or_altered_link_is_refused(event, as_user, mailbox, django_capture_on_commit_callbacks):
    mail = invited(event, as_user, mailbox, django_capture_on_commit_callbacks, emails=["guest@partner.example"])
    path = link_in(mail, r"https://hub\.example\.org/events/invitation/[^/\s]+/(?=\s)")
    token = path.split("/")[3]
    tampered = token[:-2] + ("AA" if not token.endswith("AA") else "BB")
    assert Client().get(f"/events/invitation/{tampered}/").status_code == 404
    assert Client().post(f"/events/invitation/{tampered}/", {"response": "yes"}).status_code == 404
    # A token signed with another key (made by someone who does not hold SECRET_KEY).
    invitation = Invitation.objects.get()
    forged = signing.Signer(key="not-the-secret", salt="events.invitation:rsvp").sign_object(
        {"i": invitation.pk, "e": email_digest(invitation.email)}
    )
    assert Client().post(f"/events/invitation/{forged}/", {"response": "yes"}).status_code == 404
    assert Invitation.objects.get().response == ""


def test_a_link_answers_only_its_own_invitation_and_address(event, as_user, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=False):
        invite(as_user(event.organizer), event, emails=["a@example.org", "b@example.org"])
    a, b = Invitation.objects.order_by("pk")
    # A valid token for a is no token for b: the id is inside it, and the address is compared.
    token_a = invitation_token(a, LinkPurpose.RSVP)
    assert Client().post(f"/events/invitation/{token_a}/", {"response": "no"}).status_code == 200
    assert (Invitation.objects.get(pk=a.pk).response, Invitation.objects.get(pk=b.pk).response) == ("no", "")
    # A token naming b's invitation with a's address (as if re-signed) does not exist without the key;
    # and if b's address changes, b's old link stops working.
    token_b = invitation_token(b, LinkPurpose.RSVP)
    Invitation.objects.filter(pk=b.pk).update(email="someone-else@example.org")
    assert Client().post(f"/events/invitation/{token_b}/", {"response": "yes"}).status_code == 404
    # A token for the other purpose (stop emails) is no answer token.
    stop_token = invitation_token(a, LinkPurpose.STOP_EMAILS)
    assert Client().post(f"/events/invitation/{stop_token}/", {"response": "yes"}).status_code == 404
    assert Invitation.objects.get(pk=a.pk).response == "no"


def test_the_one_click_stop_link_declines_without_login_or_csrf(
    event, as_user, mailbox, django_capture_on_commit_callbacks
):
    mail = invited(event, as_user, mailbox, django_capture_on_commit_callbacks, emails=["guest@partner.example"])
    path = urlsplit(str(mail.message["List-Unsubscribe"]).strip()[1:-1]).path
    assert Client().get(path).status_code == 200  # a confirmation page: link scanners decline nothing
    assert Invitation.objects.get().response == ""
    response = Client(enforce_csrf_checks=True).post(
        path, "List-Unsubscribe=One-Click", content_type="application/x-www-form-urlencoded"
    )
    assert response.status_code == 200
    assert Invitation.objects.get().response == RsvpResponse.NO


def test_answers_close_when_the_event_is_cancelled(event, as_user, mailbox, django_capture_on_commit_callbacks):
    mail = invited(event, as_user, mailbox, django_capture_on_commit_callbacks, emails=["guest@partner.example"])
    path = link_in(mail, r"https://hub\.example\.org/events/invitation/[^/\s]+/(?=\s)")
    with django_capture_on_commit_callbacks(execute=True):
        event_cancel(event.pk, by=event.organizer)
    assert Client().post(path, {"response": "yes"}).status_code == 409
    page = Client().get(path)
    assert page.status_code == 200 and "cancelled" in page.content.decode()


# --- Cancellation ---------------------------------------------------------------------------------


def test_cancelling_sends_method_cancel_once_to_invitees_who_did_not_decline(
    event, as_user, mailbox, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        invite(as_user(event.organizer), event, emails=["yes@example.org", "no@example.org", "quiet@example.org"])
    Invitation.objects.filter(email="no@example.org").update(response=RsvpResponse.NO)
    Invitation.objects.filter(email="yes@example.org").update(response=RsvpResponse.YES)
    mailbox.messages.clear()
    with django_capture_on_commit_callbacks(execute=True):
        event_cancel(event.pk, by=event.organizer)
    assert sorted(mail.rcpt_tos[0] for mail in mailbox.messages) == ["quiet@example.org", "yes@example.org"]
    mail = mailbox.messages[0]
    assert mail.message["Subject"] == "Cancelled: Training: screening at borders"
    calendar = calendar_of(mail)
    assert calendar["METHOD"] == "CANCEL"
    [vevent] = calendar.events
    assert vevent["UID"] == event.ical_uid
    assert vevent["STATUS"] == "CANCELLED"
    assert vevent["SEQUENCE"] == Event.objects.get().sequence > 0
    # Once: a second run (a redelivered task) sends nothing more.
    ids = list(Invitation.objects.values_list("pk", flat=True))
    assert cancellation_emails_send(invitation_ids=ids) == 0
    assert len(mailbox.messages) == 2


def test_an_invitation_not_yet_sent_when_the_event_is_cancelled_is_withdrawn(
    event, mailbox, django_capture_on_commit_callbacks
):
    # Invited, but the email task has not run yet (nothing captured runs).
    [invitation_id] = pending_invitations(event, "late@example.org")
    with django_capture_on_commit_callbacks(execute=True):
        event_cancel(event.pk, by=event.organizer)
    assert mailbox.messages == []  # neither the invitation nor its cancellation
    assert invitation_emails_send(invitation_ids=[invitation_id]) == 0
    invitation = Invitation.objects.get()
    assert (invitation.email_state, invitation.cancel_email_state) == (State.SKIPPED, State.SKIPPED)
    assert invitation_emails_sweep().invitation_chunks == []


def test_no_cancellation_goes_to_an_invitee_whose_invitation_was_refused(
    event, mailbox, django_capture_on_commit_callbacks
):
    [invitation_id] = pending_invitations(event, "gone@example.org")
    mailbox.refuse_recipients_with = "550 No such user here"
    invitation_emails_send(invitation_ids=[invitation_id])
    mailbox.refuse_recipients_with = None
    with django_capture_on_commit_callbacks(execute=True):
        event_cancel(event.pk, by=event.organizer)
    assert mailbox.messages == []
    invitation = Invitation.objects.get()
    assert (invitation.email_state, invitation.cancel_email_state) == (State.FAILED, State.SKIPPED)


def test_the_invitations_list_is_constant_in_queries(event, as_user, django_assert_num_queries):
    client = as_user(event.organizer)
    path = f"/api/v1/events/{event.pk}/invitations/"
    Invitation.objects.create(event=event, email="a@example.org", user=UserFactory.create())
    client.get(path)
    # The token, the event with its counts, the organizer grant, the count, the page.
    with django_assert_num_queries(5) as one:
        assert client.get(path).json()["count"] == 1
    for n in range(12):
        Invitation.objects.create(
            event=event, email=f"guest{n}@example.org", user=UserFactory.create() if n % 2 else None
        )
    with django_assert_num_queries(len(one.captured_queries)):
        assert client.get(path).json()["count"] == 13
