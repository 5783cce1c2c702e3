from datetime import UTC, datetime

import pytest

from accounts.models import LoginLockout, User
from tests.factories import PASSWORD, UserFactory

pytestmark = pytest.mark.django_db

NOON = datetime(2026, 11, 30, 12, 0, tzinfo=UTC)
REGISTER = "/api/v1/auth/register/"
TOKEN = "/api/v1/auth/token/"
ME = "/api/v1/me/"
STRONG = "Ocean-Breeze-Migration-2018"


def register(client, **overrides):
    payload = {"username": "amina", "email": "amina@iom.example", "password": STRONG, "display_name": "Amina D."}
    return client.post(REGISTER, {**payload, **overrides}, format="json")


class TestRegister:
    def test_register_creates_user_with_argon2_hash(self, api_client):
        response = register(api_client)
        assert response.status_code == 201
        user = User.objects.get(username="amina")
        assert response.json() == {"id": user.id, "username": "amina", "display_name": "Amina D."}
        assert user.password.startswith("argon2")
        assert user.check_password(STRONG)

    def test_duplicate_username_in_any_case_is_400(self, api_client):
        UserFactory.create(username="amina")
        response = register(api_client, username="AMINA")
        assert response.status_code == 400
        assert "username" in response.json()
        assert User.objects.count() == 1

    def test_duplicate_email_in_any_case_is_400(self, api_client):
        UserFactory.create(email="amina@iom.example")
        response = register(api_client, email="Amina@IOM.example")
        assert response.status_code == 400
        assert "email" in response.json()
        assert User.objects.count() == 1

    @pytest.mark.parametrize("password", ["short1!", "password123", "1234567890123", "amina-iom-example"])
    def test_weak_password_is_400_and_creates_nothing(self, api_client, password):
        response = register(api_client, password=password)
        assert response.status_code == 400
        assert response.json()["password"]
        assert not User.objects.exists()

    def test_missing_and_malformed_fields_are_named(self, api_client):
        response = api_client.post(REGISTER, {"username": "no spaces allowed", "email": "not-an-email"}, format="json")
        assert response.status_code == 400
        assert set(response.json()) == {"username", "email", "password"}
        assert not User.objects.exists()

    def test_registration_is_throttled_per_client(self, api_client, settings, time_machine):
        settings.REGISTER_THROTTLE_RATE = "2/hour"
        time_machine.move_to(NOON, tick=False)
        assert register(api_client, username="a1", email="a1@x.example").status_code == 201
        time_machine.shift(60)
        assert register(api_client, username="a2", email="a2@x.example").status_code == 201
        response = register(api_client, username="a3", email="a3@x.example")
        assert response.status_code == 429
        assert response["Retry-After"] == "3540"  # the first registration leaves the hour then
        assert not User.objects.filter(username="a3").exists()


class TestToken:
    def test_right_password_gives_a_token_that_authenticates(self, api_client, user):
        response = api_client.post(TOKEN, {"username": user.username, "password": PASSWORD}, format="json")
        assert response.status_code == 200
        token = response.json()["token"]
        api_client.credentials(HTTP_AUTHORIZATION=f"Token {token}")
        assert api_client.get(ME).json()["username"] == user.username

    def test_username_is_case_insensitive(self, api_client, user):
        response = api_client.post(TOKEN, {"username": user.username.upper(), "password": PASSWORD}, format="json")
        assert response.status_code == 200

    def test_wrong_password_and_unknown_user_get_the_same_answer(self, api_client, user):
        wrong = api_client.post(TOKEN, {"username": user.username, "password": "nope"}, format="json")
        unknown = api_client.post(TOKEN, {"username": "nobody-here", "password": "nope"}, format="json")
        assert wrong.status_code == unknown.status_code == 400
        assert (
            wrong.json()
            == unknown.json()
            == {
                "detail": "Unable to log in with the provided credentials.",
                "code": "invalid_credentials",
            }
        )

    def test_missing_fields_are_400(self, api_client):
        response = api_client.post(TOKEN, {}, format="json")
        assert response.status_code == 400
        assert set(response.json()) == {"username", "password"}

    def test_inactive_user_gets_no_token(self, api_client):
        user = UserFactory.create(is_active=False)
        response = api_client.post(TOKEN, {"username": user.username, "password": PASSWORD}, format="json")
        assert response.status_code == 400


class TestLoginThrottle:
    def fail(self, client, username, times):
        for _ in range(times):
            response = client.post(TOKEN, {"username": username, "password": "wrong"}, format="json")
            assert response.status_code == 400

    def test_sixth_attempt_after_five_failures_is_429_even_with_the_right_password(
        self, api_client, user, time_machine
    ):
        time_machine.move_to(NOON, tick=False)
        self.fail(api_client, user.username, 5)
        response = api_client.post(TOKEN, {"username": user.username, "password": PASSWORD}, format="json")
        assert response.status_code == 429
        assert response.json()["code"] == "throttled"
        assert response["Retry-After"] == "1800"

    def test_unknown_username_is_locked_out_the_same_way(self, api_client, user):
        self.fail(api_client, "ghost", 5)
        known = api_client.post(TOKEN, {"username": user.username, "password": "wrong"}, format="json")
        self.fail(api_client, user.username, 4)
        ghost = api_client.post(TOKEN, {"username": "ghost", "password": "wrong"}, format="json")
        known = api_client.post(TOKEN, {"username": user.username, "password": "wrong"}, format="json")
        assert ghost.status_code == known.status_code == 429
        assert ghost.json() == known.json()

    def test_lockout_is_per_username_in_any_case(self, api_client, user):
        self.fail(api_client, user.username.upper(), 5)
        response = api_client.post(TOKEN, {"username": user.username, "password": PASSWORD}, format="json")
        assert response.status_code == 429
        other = UserFactory.create()
        assert api_client.post(TOKEN, {"username": other.username, "password": PASSWORD}).status_code == 200

    def test_lockout_lasts_thirty_minutes(self, api_client, user, time_machine):
        right = {"username": user.username, "password": PASSWORD}
        time_machine.move_to(NOON, tick=False)
        self.fail(api_client, user.username, 5)
        assert api_client.post(TOKEN, right, format="json").status_code == 429
        time_machine.shift(30 * 60 - 1)
        locked = api_client.post(TOKEN, right, format="json")
        assert (locked.status_code, locked["Retry-After"]) == (429, "1")
        # Thirty minutes on: the lockout has run out and the failures have left the window with it.
        time_machine.shift(1)
        assert api_client.post(TOKEN, right, format="json").status_code == 200

    def test_failures_count_for_thirty_minutes_and_no_longer(self, api_client, user, time_machine):
        right = {"username": user.username, "password": PASSWORD}
        time_machine.move_to(NOON, tick=False)
        self.fail(api_client, user.username, 4)
        time_machine.shift(30 * 60)  # those four have just left the window
        self.fail(api_client, user.username, 5)
        assert api_client.post(TOKEN, right, format="json").status_code == 429

    def test_a_failure_thirty_minutes_less_a_second_old_still_counts(self, api_client, user, time_machine):
        time_machine.move_to(NOON, tick=False)
        self.fail(api_client, user.username, 1)
        time_machine.shift(30 * 60 - 1)
        self.fail(api_client, user.username, 4)
        response = api_client.post(TOKEN, {"username": user.username, "password": PASSWORD}, format="json")
        assert (response.status_code, response["Retry-After"]) == (429, "1800")

    def test_a_successful_login_forgives_earlier_failures(self, api_client, user):
        self.fail(api_client, user.username, 4)
        assert api_client.post(TOKEN, {"username": user.username, "password": PASSWORD}).status_code == 200
        self.fail(api_client, user.username, 5)
        assert not LoginLockout.objects.exists()


class TestMe:
    def test_anonymous_is_401(self, api_client):
        response = api_client.get(ME)
        assert response.status_code == 401
        assert response.json()["code"] == "not_authenticated"

    def test_bad_token_is_401(self, api_client):
        api_client.credentials(HTTP_AUTHORIZATION="Token not-a-real-token")
        assert api_client.get(ME).status_code == 401

    def test_me_describes_the_caller(self, token_client, user):
        assert token_client.get(ME).json() == {
            "id": user.id,
            "username": user.username,
            "display_name": user.display_name,
            "is_staff": False,
            "expert_id": None,
            "language": "",
        }

    def test_session_authenticated_browser_sees_me(self, client, user):
        client.force_login(user)
        assert client.get(ME).json()["username"] == user.username

    def test_patch_changes_display_name_only(self, token_client, user):
        response = token_client.patch(ME, {"display_name": "Dr. Amina", "is_staff": True}, format="json")
        assert response.status_code == 200
        user.refresh_from_db()
        assert user.display_name == "Dr. Amina"
        assert not user.is_staff

    def test_patch_rejects_an_overlong_display_name(self, token_client, user):
        before = user.display_name
        response = token_client.patch(ME, {"display_name": "x" * 151}, format="json")
        assert response.status_code == 400
        assert "display_name" in response.json()
        user.refresh_from_db()
        assert user.display_name == before

    @pytest.mark.parametrize("language", ["ar", "zh", "en", "fr", "ru", "es"])
    def test_patch_chooses_one_of_the_six_un_languages(self, token_client, user, language):
        response = token_client.patch(ME, {"language": language}, format="json")
        assert response.status_code == 200
        assert response.json()["language"] == language
        user.refresh_from_db()
        assert user.language == language
        assert token_client.get(ME).json()["language"] == language

    @pytest.mark.parametrize("language", ["zh-hans", "de", "EN", None, 7])
    def test_patch_refuses_any_other_language_with_a_field_error(self, token_client, user, language):
        user.language = "fr"
        user.save(update_fields=["language"])
        response = token_client.patch(ME, {"language": language}, format="json")
        assert response.status_code == 400
        assert list(response.json()) == ["language"]
        user.refresh_from_db()
        assert user.language == "fr"

    def test_patch_with_an_empty_language_goes_back_to_not_chosen(self, token_client, user):
        user.language = "fr"
        user.save(update_fields=["language"])
        response = token_client.patch(ME, {"language": ""}, format="json")
        assert response.status_code == 200
        assert response.json()["language"] == ""
        user.refresh_from_db()
        assert user.language == ""

    def test_language_is_not_chosen_until_the_user_chooses(self, token_client):
        assert token_client.get(ME).json()["language"] == ""

    def test_patch_leaves_fields_it_does_not_name(self, token_client, user):
        token_client.patch(ME, {"language": "ar"}, format="json")
        token_client.patch(ME, {"display_name": "Amina"}, format="json")
        user.refresh_from_db()
        assert (user.language, user.display_name) == ("ar", "Amina")


class TestJsonOnly:
    def test_form_encoded_and_multipart_bodies_are_refused_with_415(self, api_client):
        form = {"username": "amina", "email": "amina@iom.example", "password": STRONG}
        multipart = api_client.post(REGISTER, form, format="multipart")
        encoded = api_client.post(
            REGISTER,
            "username=amina&email=amina%40iom.example&password=x",
            content_type="application/x-www-form-urlencoded",
        )
        for response in (multipart, encoded):
            assert response.status_code == 415
            assert response.json()["code"] == "unsupported_media_type"
        assert not User.objects.exists()
        assert register(api_client).status_code == 201
