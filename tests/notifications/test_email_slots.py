"""Notification emails serialized once per content (``notifications.email_slots``): a filled message is
the message built whole, and whatever cannot be slotted safely is built whole instead."""

import re
import smtplib

import pytest
from django.core.mail.backends.smtp import EmailBackend

from notifications import email_slots
from notifications.delivery import email_deliveries_send
from notifications.email_slots import slotted_email, unsubscribe_urls
from notifications.emails import notification_email, renderings_shared
from notifications.models import EmailDelivery, Notification
from notifications.services import language_of, notification_create
from notifications.unsubscribe import unsubscribe_url
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

# What differs between two builds of one message: its Date, its Message-ID and its MIME boundary.
_VARYING = [
    (re.compile(rb"^Date: .*$", re.MULTILINE), b"Date: D"),
    (re.compile(rb"^Message-ID: .*$", re.MULTILINE), b"Message-ID: M"),
    (re.compile(rb"={15}\d+=="), b"BOUNDARY"),
]


def normalized(data: bytes) -> bytes:
    for pattern, replacement in _VARYING:
        data = pattern.sub(replacement, data)
    return data


def notification_for(user, *, title: str, body: str = "", url: str = "/events/7/") -> Notification:
    return Notification(recipient=user, title=title, body=body, url=url)


@pytest.mark.parametrize(
    ("language", "title", "body"),
    [
        ("en", "Training: Fair recruitment", "2026-12-14 10:00 (Africa/Nairobi), Nairobi."),
        ("ar", "تدريب: التوظيف العادل", "سطر أول\nسطر ثان"),
        ("zh", "培训, 公平招聘" * 8, "很长的标题之后的正文。"),
        ("", "Webinar: <b>&amp; “quotes”</b>", ""),
    ],
)
def test_a_filled_message_is_byte_for_byte_the_message_built_whole(settings, language, title, body):
    settings.SITE_URL = "https://hub.example.org"
    user = UserFactory.create(email="amina.k+events@example.org", language=language)
    notification = notification_for(user, title=title, body=body)
    whole = notification_email(notification).message().as_bytes(linesep="\r\n")  # type: ignore[call-arg]
    with renderings_shared():
        slotted = slotted_email(language=language_of(user), title=title, body=body, url="/events/7/")
    assert slotted is not None
    filled = slotted.filled(to=user.email, unsubscribe=unsubscribe_url(user_id=user.pk))
    assert filled is not None
    assert normalized(filled) == normalized(whole)
    assert re.search(rb"^Message-ID: <\S+@\S+>\r$", filled, re.MULTILINE)
    assert re.search(rb"^Date: \w{3}, \d", filled, re.MULTILINE)


def test_each_filled_message_has_its_own_message_id():
    with renderings_shared():
        slotted = slotted_email(language="en", title="Talk", body="", url="")
    assert slotted is not None
    first = slotted.filled(to="a@example.org", unsubscribe="https://hub.example/u/1/")
    second = slotted.filled(to="a@example.org", unsubscribe="https://hub.example/u/1/")
    assert first is not None and second is not None
    ids = {re.search(rb"^Message-ID: (.*)\r$", data, re.MULTILINE).group(1) for data in (first, second)}  # type: ignore[union-attr]
    assert len(ids) == 2


def test_a_line_over_998_characters_makes_the_content_unslottable():
    """Such a part turns quoted-printable, whose soft line breaks may cut a slot: built whole instead."""
    with renderings_shared():
        assert slotted_email(language="en", title="Long", body="x" * 1200, url="") is None
        assert slotted_email(language="en", title="Long", body="\n".join(["x" * 100] * 12), url="") is not None


def test_a_title_holding_a_slot_marker_makes_the_content_unslottable():
    with renderings_shared():
        assert slotted_email(language="en", title=f"Hi {email_slots._SLOT_DATE}", body="", url="") is None


@pytest.mark.parametrize(
    "address",
    ["amína@example.org", "Amina <amina@example.org>", "amina@exämple.org", "a b@example.org", "a@b.org\r\nBcc: x"],
)
def test_an_address_that_is_not_plain_ascii_is_not_filled_in(address):
    with renderings_shared():
        slotted = slotted_email(language="en", title="Talk", body="", url="")
    assert slotted is not None
    assert slotted.filled(to=address, unsubscribe="https://hub.example/u/1/") is None


def test_a_plain_address_is_what_django_puts_in_the_envelope():
    from django.core.mail.message import sanitize_address

    for address in ("amina@example.org", "a.b+c_d-e@sub.example.org", "O'Neil@Example.ORG", "x!#$%&*=?^`{|}~@a.io"):
        assert email_slots._PLAIN_ADDRESS.fullmatch(address)
        assert sanitize_address(address, "utf-8") == address


def test_unsubscribe_urls_are_the_links_unsubscribe_url_makes(settings):
    settings.SITE_URL = "https://hub.example.org"
    url = unsubscribe_urls()
    for user_id in (1, 42, 987654321):
        assert url(user_id) == unsubscribe_url(user_id=user_id)


# --- Through the delivery ------------------------------------------------------------------------


def notify(user, **kwargs) -> None:
    kwargs.setdefault("title", "Bo wrote to you")
    created = notification_create(recipient=user, kind=Notification.Kind.CONTACT_REQUEST, source_key="c:1", **kwargs)
    assert created is not None


def ids() -> list[int]:
    return list(EmailDelivery.objects.order_by("pk").values_list("pk", flat=True))


def test_with_the_smtp_backend_messages_go_as_bytes_over_smtplib(smtp_server, monkeypatch):
    def not_this_way(self, messages):
        raise AssertionError("a slottable message went through EmailMessage")

    monkeypatch.setattr(EmailBackend, "send_messages", not_this_way)
    users = [UserFactory.create(language=code) for code in ("fr", "en")]
    for user in users:
        notify(user, body="About visas", url="/experts/7/")
    assert email_deliveries_send(delivery_ids=ids()) == 2
    assert sorted(mail.rcpt_tos[0] for mail in smtp_server.messages) == sorted(user.email for user in users)
    for mail in smtp_server.messages:
        [user] = [user for user in users if user.email == mail.rcpt_tos[0]]
        assert mail.message["To"] == user.email
        assert str(mail.message["List-Unsubscribe"]).strip() == f"<{unsubscribe_url(user_id=user.pk)}>"
        assert unsubscribe_url(user_id=user.pk) in mail.text
    assert set(EmailDelivery.objects.values_list("state", flat=True)) == {EmailDelivery.State.SENT}


def test_an_unslottable_message_is_built_whole_and_sent_through_the_backend(smtp_server, monkeypatch):
    through_backend: list[str] = []
    real = EmailBackend.send_messages

    def counted(self, messages):
        through_backend.extend(address for message in messages for address in message.to)
        return real(self, messages)

    monkeypatch.setattr(EmailBackend, "send_messages", counted)
    plain, long_body = UserFactory.create(), UserFactory.create()
    notify(plain, body="Short")
    notification_create(recipient=long_body, kind=Notification.Kind.CONTACT_REQUEST, source_key="c:2",
                        title="Long", body="y" * 1200)  # fmt: skip
    assert email_deliveries_send(delivery_ids=ids()) == 2
    assert through_backend == [long_body.email]
    [long_mail] = [mail for mail in smtp_server.messages if mail.rcpt_tos == [long_body.email]]
    assert "y" * 1200 in long_mail.text
    assert unsubscribe_url(user_id=long_body.pk) in long_mail.text


def test_a_refusal_on_the_bytes_path_fails_the_row(smtp_server):
    notify(UserFactory.create())
    smtp_server.refuse_recipients_with = "550 No such user here"
    assert email_deliveries_send(delivery_ids=ids()) == 0
    delivery = EmailDelivery.objects.get()
    assert delivery.state == EmailDelivery.State.FAILED
    assert smtplib.SMTPRecipientsRefused.__name__ in delivery.error
