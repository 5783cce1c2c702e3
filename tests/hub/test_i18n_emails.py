"""Emails and notifications are in their recipient's language, whoever caused them and whatever
language that request was in (PROTOCOL.md, "Languages"). Pseudo-translated catalogs
(``[fr] …``) show which language each part was rendered in."""

import pytest
from django.utils import translation
from rest_framework.test import APIClient

from accounts.models import User
from accounts.services import token_for
from experts.models import ExpertContact
from notifications.digest import DigestContent
from notifications.digest_email import digest_email_build
from notifications.emails import notification_email
from notifications.models import Notification
from notifications.services import notification_create
from tests.experts.factories import ExpertFactory
from tests.factories import UserFactory
from tests.hub.pseudo_catalogs import _pseudo_locale_dir, pseudo, pseudo_catalogs  # noqa: F401  (fixtures)
from tests.notifications.smtp import smtp_server  # noqa: F401  (the fixture)

pytestmark = pytest.mark.django_db


@pytest.mark.usefixtures("pseudo_catalogs")
def test_an_arabic_users_contact_reaches_a_french_expert_in_french(smtp_server, django_capture_on_commit_callbacks):  # noqa: F811
    expert_user = UserFactory.create(username="claire", display_name="Claire Martin", language=User.Language.FRENCH)
    expert = ExpertFactory.create(user=expert_user, name="Claire Martin", email="claire@experts.example")
    sender = UserFactory.create(username="karim", display_name="Karim Haddad", language=User.Language.ARABIC)
    api = APIClient()
    api.credentials(HTTP_AUTHORIZATION=f"Token {token_for(sender)}", HTTP_ACCEPT_LANGUAGE="ar")

    with django_capture_on_commit_callbacks(execute=True):
        response = api.post(f"/api/v1/experts/{expert.pk}/contact/", {"subject": "Recrutement", "message": "Bonjour"})
    assert response.status_code == 202
    assert response["Content-Language"] == "ar"  # the request itself was Arabic

    [mail] = smtp_server.messages
    assert pseudo("fr", "Dear %(name)s,") % {"name": "Claire Martin"} in mail.text
    assert pseudo("fr", "Your profile:") in mail.text
    assert pseudo("ar", "Your profile:") not in mail.text
    [notification] = Notification.objects.filter(recipient=expert_user)
    assert notification.title == pseudo("fr", "%(sender)s wrote to you: %(subject)s") % {
        "sender": "Karim Haddad", "subject": "Recrutement"}  # fmt: skip
    assert ExpertContact.objects.get().relayed_at is not None


@pytest.mark.parametrize(("language", "locale"), [("ar", "ar"), ("zh", "zh_Hans"), ("ru", "ru")])
@pytest.mark.usefixtures("pseudo_catalogs")
def test_a_notification_email_and_a_digest_for_a_recipient_in_their_language(language, locale):
    recipient = UserFactory.create(language=language, email=f"{language}@hub.example")
    notifications = []
    with translation.override("fr"):  # whatever language the cause was in
        for number in (1, 2):
            notification = notification_create(
                recipient=recipient,
                kind=Notification.Kind.MENTION,
                title=translation.gettext_lazy("%(author)s mentioned you in %(space)s"),
                params={"author": "Amina", "space": f"Space {number}"},
                source_key=f"i18n-test:{number}",
                email=False,
            )
            assert notification is not None
            notifications.append(notification)
    title = pseudo(locale, "%(author)s mentioned you in %(space)s") % {"author": "Amina", "space": "Space 1"}
    assert notifications[0].title == title

    single = notification_email(notifications[0])
    assert single.subject == title
    html = str(single.alternatives[0][0])
    direction = "rtl" if language == "ar" else "ltr"
    assert f'<html lang="{"zh-hans" if language == "zh" else language}" dir="{direction}">' in html
    assert pseudo(locale, "Unsubscribe from these emails (one click, no login):") in single.body

    digest = digest_email_build(DigestContent(user=recipient, zone="UTC", objectives=[], notifications=notifications))
    plural = pseudo(locale, "Your daily digest: %(count)d new items on the Migration Network Hub") % {"count": 2}
    if locale == "zh_Hans":  # one form for every number
        plural = pseudo(locale, "Your daily digest: %(count)d new item on the Migration Network Hub") % {"count": 2}
    assert digest.subject == plural
    assert pseudo(locale, "Here is what happened on the Migration Network Hub since your last digest.") in digest.body
