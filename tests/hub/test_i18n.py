"""Which language the Hub speaks (PROTOCOL.md, "Languages"): the user's ``language``, else the
switcher's cookie, else ``Accept-Language``, else English; pages, API ``detail`` texts, socket
``error`` frames and emails. Served from pseudo-translated catalogs (``[fr] Objectives``), so each
test also proves that the string is marked, extracted and looked up in the chosen language."""

import json
import re

import pytest
from channels.db import database_sync_to_async
from channels.testing import WebsocketCommunicator
from django.conf import settings
from django.test import Client
from rest_framework.test import APIClient

from accounts.language import api_language, django_language, language_from_headers, supported_language
from accounts.models import User
from accounts.services import token_for
from config.asgi import application
from tests.factories import UserFactory
from tests.hub.pseudo_catalogs import _pseudo_locale_dir, pseudo, pseudo_catalogs  # noqa: F401  (fixtures)

pytestmark = pytest.mark.django_db

NAV = "Objectives"  # a link of the header's navigation on every page


def html_lang_dir(content: str) -> tuple[str, str]:
    match = re.search(r'<html lang="([^"]*)" dir="([^"]*)">', content)
    assert match is not None, "every page carries <html lang dir>"
    return match.group(1), match.group(2)


def page(client: Client, *, accept: str | None = None, cookie: str | None = None) -> tuple[str, str, str]:
    """(lang, dir, body) of the home page as ``client`` gets it."""
    if cookie is not None:
        client.cookies[settings.LANGUAGE_COOKIE_NAME] = cookie
    headers = {"Accept-Language": accept} if accept is not None else {}
    response = client.get("/", headers=headers)
    assert response.status_code == 200
    content = response.content.decode()
    lang, direction = html_lang_dir(content)
    return lang, direction, content


class TestTheRule:
    @pytest.mark.usefixtures("pseudo_catalogs")
    def test_english_without_any_choice(self, client):
        lang, direction, content = page(client)
        assert (lang, direction) == ("en", "ltr")
        assert f">{NAV}<" in content

    @pytest.mark.usefixtures("pseudo_catalogs")
    def test_accept_language_when_nothing_else(self, client):
        lang, direction, content = page(client, accept="fr-CA,fr;q=0.9,en;q=0.5")
        assert (lang, direction) == ("fr", "ltr")
        assert pseudo("fr", NAV) in content

    @pytest.mark.usefixtures("pseudo_catalogs")
    def test_an_unspoken_accept_language_falls_through_to_the_next_then_english(self, client):
        assert page(client, accept="pt-BR,ru;q=0.8")[0] == "ru"
        assert page(Client(), accept="pt-BR,de;q=0.8")[0] == "en"

    @pytest.mark.usefixtures("pseudo_catalogs")
    def test_the_cookie_beats_accept_language(self, client):
        lang, direction, content = page(client, accept="fr", cookie="ar")
        assert (lang, direction) == ("ar", "rtl")
        assert pseudo("ar", NAV) in content

    @pytest.mark.usefixtures("pseudo_catalogs")
    def test_the_users_language_beats_the_cookie_and_accept_language(self, client):
        client.force_login(UserFactory.create(language=User.Language.RUSSIAN))
        lang, direction, content = page(client, accept="fr", cookie="ar")
        assert (lang, direction) == ("ru", "ltr")
        assert pseudo("ru", NAV) in content

    @pytest.mark.usefixtures("pseudo_catalogs")
    def test_a_user_who_chose_nothing_gets_the_cookie(self, client):
        client.force_login(UserFactory.create(language=""))
        assert page(client, accept="fr", cookie="es")[0] == "es"

    def test_the_response_says_its_language_and_what_it_varies_on(self, client):
        response = client.get("/", headers={"Accept-Language": "es"})
        assert response["Content-Language"] == "es"
        vary = {value.strip().lower() for value in response["Vary"].split(",")}
        assert {"accept-language", "cookie"} <= vary

    def test_urls_do_not_change_with_the_language(self, client):
        response = client.get("/", headers={"Accept-Language": "ar"})
        assert response.status_code == 200  # no redirect to /ar/
        assert client.get("/ar/").status_code == 404


class TestChinese:
    @pytest.mark.parametrize("accept", ["zh", "zh-CN", "zh-cn", "zh-Hans", "zh-hans", "zh-Hans-CN", "zh-TW"])
    @pytest.mark.usefixtures("pseudo_catalogs")
    def test_any_chinese_accept_language_gets_simplified_chinese(self, client, accept):
        lang, direction, content = page(client, accept=accept)
        assert (lang, direction) == ("zh-hans", "ltr")
        assert pseudo("zh_Hans", NAV) in content

    @pytest.mark.usefixtures("pseudo_catalogs")
    def test_the_users_zh_is_djangos_zh_hans(self, client):
        user = UserFactory.create(language=User.Language.CHINESE)
        client.force_login(user)
        assert page(client, accept="en")[0] == "zh-hans"

    def test_codes_both_ways(self):
        assert django_language("zh") == "zh-hans"
        assert django_language("ar") == "ar"
        assert api_language("zh-hans") == "zh"
        assert api_language("fr") == "fr"
        assert supported_language("zh-Hans") == "zh-hans"
        assert supported_language("ZH-cn") == "zh-hans"
        assert supported_language("pt") is None
        assert supported_language("") is None
        assert supported_language("x" * 200) is None
        assert language_from_headers(cookie_language="klingon", accept_language="de, zh;q=0.5") == "zh-hans"
        assert language_from_headers(cookie_language=None, accept_language="*, zh;q=0.5") == "en"


class TestRightToLeft:
    @pytest.mark.parametrize(
        ("cookie", "lang", "direction"),
        [("ar", "ar", "rtl"), ("zh-hans", "zh-hans", "ltr"), ("en", "en", "ltr"), ("fr", "fr", "ltr"),
         ("ru", "ru", "ltr"), ("es", "es", "ltr")],
    )  # fmt: skip
    def test_every_page_says_its_language_and_direction(self, client, cookie, lang, direction):
        assert page(client, cookie=cookie)[:2] == (lang, direction)

    @pytest.mark.parametrize("path", ["/objectives/", "/objectives/9/", "/spaces/", "/experts/", "/resources/",
                                      "/events/", "/accounts/login/", "/no-such-page/"])  # fmt: skip
    def test_arabic_pages_are_right_to_left(self, client, taxonomy, path):
        response = client.get(path, headers={"Accept-Language": "ar"})
        assert html_lang_dir(response.content.decode()) == ("ar", "rtl")


class TestSwitcher:
    @pytest.mark.usefixtures("pseudo_catalogs")
    def test_the_switcher_sets_the_cookie_and_comes_back_to_the_page(self, client):
        response = client.post("/i18n/setlang/", {"language": "fr", "next": "/objectives/"})
        assert response.status_code == 302
        assert response["Location"] == "/objectives/"
        assert response.cookies[settings.LANGUAGE_COOKIE_NAME].value == "fr"
        assert page(client, accept="ru")[0] == "fr"

    @pytest.mark.usefixtures("pseudo_catalogs")
    def test_a_logged_in_users_switch_changes_their_language(self, client):
        user = UserFactory.create(language=User.Language.RUSSIAN)
        client.force_login(user)
        client.post("/i18n/setlang/", {"language": "zh-hans", "next": "/"})
        user.refresh_from_db()
        assert user.language == "zh"  # the API's code
        assert page(client)[0] == "zh-hans"
        token = APIClient()
        token.credentials(HTTP_AUTHORIZATION=f"Token {token_for(user)}")
        assert token.get("/api/v1/me/").json()["language"] == "zh"

    def test_an_unknown_language_changes_nothing(self, client):
        user = UserFactory.create(language=User.Language.SPANISH)
        client.force_login(user)
        client.post("/i18n/setlang/", {"language": "tlh", "next": "/"})
        user.refresh_from_db()
        assert user.language == "es"

    def test_the_page_has_a_working_switcher(self, client):
        content = client.get("/objectives/?x=1").content.decode()
        form = re.search(r'<form action="([^"]+)" method="post" class="language-picker">(.*?)</form>', content, re.S)
        assert form is not None and form.group(1) == "/i18n/setlang/"
        assert '<input type="hidden" name="next" value="/objectives/?x=1">' in form.group(2)
        assert re.findall(r'<option value="([^"]+)"', form.group(2)) == ["ar", "zh-hans", "en", "fr", "ru", "es"]

    @pytest.mark.usefixtures("pseudo_catalogs")
    def test_the_me_api_sets_the_language_the_pages_then_use(self, client):
        user = UserFactory.create()
        api = APIClient()
        api.force_authenticate(user)
        assert api.patch("/api/v1/me/", {"language": "ar"}).json()["language"] == "ar"
        client.force_login(user)
        assert page(client, accept="fr", cookie="es")[:2] == ("ar", "rtl")


class TestApi:
    def token_client(self, language: str, **headers: str) -> APIClient:
        api = APIClient()
        user = UserFactory.create(language=language)
        api.credentials(HTTP_AUTHORIZATION=f"Token {token_for(user)}", **headers)
        return api

    @pytest.mark.parametrize("language", ["ar", "zh", "fr", "ru", "es"])
    @pytest.mark.usefixtures("pseudo_catalogs")
    def test_an_error_detail_is_in_the_token_users_language(self, language):
        api = self.token_client(language, HTTP_ACCEPT_LANGUAGE="en", HTTP_COOKIE=f"{settings.LANGUAGE_COOKIE_NAME}=en")
        response = api.get("/api/v1/spaces/no-such-space/")
        assert response.status_code == 404
        assert response.json() == {"detail": pseudo(django_language(language).replace("zh-hans", "zh_Hans"),
                                                    "No such space."), "code": "not_found"}  # fmt: skip
        assert response["Content-Language"] == django_language(language)

    @pytest.mark.usefixtures("pseudo_catalogs")
    def test_anonymous_api_errors_follow_accept_language(self):
        response = APIClient().post("/api/v1/auth/token/", {"username": "nobody", "password": "wrong-password-1"},
                                    HTTP_ACCEPT_LANGUAGE="es")  # fmt: skip
        assert response.status_code == 400
        assert response.json()["detail"] == pseudo("es", "Unable to log in with the provided credentials.")

    def test_validation_errors_from_django_and_drf_are_translated_too(self):
        api = self.token_client("fr")
        response = api.patch("/api/v1/me/", {"language": "tlh"})
        assert response.status_code == 400
        assert "tlh" in response.json()["language"][0]
        assert "n'est pas un choix valide" in response.json()["language"][0]  # DRF's own French catalog

    @pytest.mark.usefixtures("pseudo_catalogs")
    def test_a_session_users_language_applies_to_the_api(self, client):
        client.force_login(UserFactory.create(language="ru"))
        response = client.get("/api/v1/spaces/no-such-space/", headers={"Accept-Language": "fr"})
        assert response.json()["detail"] == pseudo("ru", "No such space.")


@pytest.mark.django_db(transaction=True)
class TestSockets:
    async def frames(self, headers: list[tuple[bytes, bytes]]) -> dict:
        """The health socket's answer to a frame it does not understand."""
        communicator = WebsocketCommunicator(application, "/ws/health/", headers=headers)
        connected, _ = await communicator.connect()
        assert connected
        await communicator.receive_json_from()
        await communicator.send_json_to({"type": "jump"})
        frame = await communicator.receive_json_from()
        await communicator.disconnect()
        return frame

    @pytest.mark.usefixtures("pseudo_catalogs")
    async def test_an_error_frame_is_in_the_token_users_language(self):
        user = await database_sync_to_async(UserFactory.create)(language="ar")
        token = await database_sync_to_async(token_for)(user)
        frame = await self.frames([(b"authorization", f"Token {token}".encode()), (b"accept-language", b"fr")])
        assert frame == {"type": "error", "code": "invalid_frame",
                         "detail": pseudo("ar", "Only 'ping' frames are understood here.")}  # fmt: skip

    @pytest.mark.usefixtures("pseudo_catalogs")
    async def test_an_anonymous_socket_follows_its_cookie_then_accept_language(self):
        cookie = f"{settings.LANGUAGE_COOKIE_NAME}=es".encode()
        frame = await self.frames([(b"cookie", cookie), (b"accept-language", b"fr"), (b"origin", b"http://testserver")])
        assert frame["detail"] == pseudo("es", "Only 'ping' frames are understood here.")
        frame = await self.frames([(b"accept-language", b"zh-CN")])
        assert frame["detail"] == pseudo("zh_Hans", "Only 'ping' frames are understood here.")
        frame = await self.frames([])
        assert frame["detail"] == "Only 'ping' frames are understood here."


class TestJavaScript:
    def test_the_pages_load_the_javascript_catalog_before_their_scripts(self, client):
        content = client.get("/").content.decode()
        catalog = content.index('src="/i18n/js/"')
        assert catalog < content.index("hub/hub.js")

    @pytest.mark.usefixtures("pseudo_catalogs")
    def test_the_javascript_catalog_is_in_the_request_language(self, client):
        response = client.get("/i18n/js/", headers={"Accept-Language": "ru"})
        assert response.status_code == 200
        body = response.content.decode()
        match = re.search(r"const newcatalog = (\{.*?\});", body, re.S)
        assert match is not None
        catalog = json.loads(match.group(1))
        assert catalog["Reconnecting…"] == pseudo("ru", "Reconnecting…")
        # Russian's three plural forms, each for its numbers (1, 2..4, 5..20).
        assert (
            catalog["%(names)s is typing…"]
            == [pseudo("ru", "%(names)s is typing…")] + [pseudo("ru", "%(names)s are typing…")] * 2
        )
        assert "(n%10==1 && n%100!=11 ? 0" in body
