"""The proof of erasure (DELETE /api/v1/me/): after it, nothing that identifies the person is
left in any column of any table, nothing refers to their account but what is kept on purpose,
and no search finds them. With any one eraser left out, the proof fails.

PostgreSQL only: the scan reads every column of every table through the database's own catalog,
and SQLite's FTS5 keeps deleted words in its segments until they merge.
"""

from collections.abc import Iterator

import pytest
from django.apps import apps
from django.conf import settings
from django.db import connection
from django.db.models import Model
from rest_framework.test import APIClient

from accounts import personal_data
from accounts.models import User
from accounts.services import token_for
from experts.search import search_experts
from experts.search.queries import ExpertQuery
from tests.accounts.data_rights_world import World, world
from tests.factories import PASSWORD

pytestmark = [pytest.mark.django_db, pytest.mark.services]


def columns() -> Iterator[tuple[str, str]]:
    """Every (table, column) of the public schema: text, JSON, arrays and vectors alike."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT table_name, column_name FROM information_schema.columns "
            "WHERE table_schema = current_schema() ORDER BY table_name, ordinal_position"
        )
        yield from cursor.fetchall()


def where_found(needles: list[str]) -> list[str]:
    """``table.column: needle`` for every column that holds one of the strings (any case)."""
    tables: dict[str, list[str]] = {}
    for table, column in columns():
        tables.setdefault(table, []).append(column)
    found = []
    qn = connection.ops.quote_name
    with connection.cursor() as cursor:
        for table, names in tables.items():
            for needle in needles:
                pattern = "%" + needle.lower().replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"
                condition = " OR ".join(f"lower({qn(name)}::text) LIKE %s" for name in names)
                cursor.execute(f"SELECT count(*) FROM {qn(table)} WHERE {condition}", [pattern] * len(names))  # noqa: S608
                if cursor.fetchone()[0]:
                    for name in names:
                        sql = f"SELECT count(*) FROM {qn(table)} WHERE lower({qn(name)}::text) LIKE %s"  # noqa: S608
                        cursor.execute(sql, [pattern])
                        if cursor.fetchone()[0]:
                            found.append(f"{table}.{name}: {needle}")
    return found


def user_references() -> Iterator[tuple[str, type[Model], str]]:
    """Every foreign key to the user model: (``app_label.Model.field``, model, column attribute)."""
    user_model = apps.get_model(settings.AUTH_USER_MODEL)
    for model in apps.get_models(include_auto_created=True):
        if model._meta.proxy:
            continue
        for field in model._meta.concrete_fields:
            if field.is_relation and field.related_model is user_model:
                yield f"{model._meta.app_label}.{model.__name__}.{field.name}", model, field.attname


def references_left(user_id: int) -> list[str]:
    """The references to the erased account that no registration keeps on purpose."""
    kept = {reference.label for reference in personal_data.kept_references()}
    return [
        f"{label}: {count}"
        for label, model, attname in user_references()
        if label not in kept and (count := model._default_manager.filter(**{attname: user_id}).count())
    ]


def search_finds(w: World) -> list[str]:
    """What the expert directory and the message search of the person's spaces find for them."""
    distinct = w.distinct
    found = []
    for q in (distinct.display_name, distinct.bio_word, distinct.organization, distinct.display_name.split()[0]):
        page = search_experts(ExpertQuery(q=q), offset=0, limit=10)
        found += [f"experts {q!r}: {expert.name}" for expert in page.results]
    reader = APIClient()  # a member of both spaces
    reader.credentials(HTTP_AUTHORIZATION=f"Token {token_for(w.moderator)}")
    for space in (w.public_space, w.private_space):
        for q in (distinct.username, distinct.display_name.split()[0], distinct.display_name.split()[1]):
            results = reader.get(f"/api/v1/spaces/{space.slug}/messages/", {"q": q}).json()["results"]
            found += [f"messages of {space.slug} {q!r}: {message['body']}" for message in results]
    return found


def erase_through_the_api(w: World) -> None:
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {token_for(w.person)}")
    response = client.delete("/api/v1/me/", {"password": PASSWORD}, format="json")
    assert response.status_code == 204, response.content


def assert_nothing_left(w: World) -> None:
    assert where_found(w.distinct.needles()) == []
    assert references_left(w.person.pk) == []
    assert search_finds(w) == []


def test_the_world_holds_the_person_everywhere_before_erasure():
    """The proof is only worth something if the person was there to be found."""
    w = world()
    found = where_found(w.distinct.needles())
    for table in ("accounts_user", "experts_expert", "notifications_notification", "discussions_message",
                  "django_admin_log", "discussions_moderationaction", "experts_reviewerapplication",
                  "accounts_loginattempt"):  # fmt: skip
        assert any(place.startswith(f"{table}.") for place in found), table
    before = search_finds(w)  # the directory's resident index has them (built now)
    assert any(place.startswith("experts ") for place in before)
    assert any(place.startswith("messages of objective-9 ") for place in before)
    assert any(place.startswith("messages of quiet-room ") for place in before)
    assert references_left(w.person.pk)


def test_after_erasure_nothing_identifies_the_person_anywhere():
    w = world()
    assert search_finds(w)  # the resident index is built, with the profile in it
    erase_through_the_api(w)
    assert_nothing_left(w)
    person = User.objects.get(pk=w.person.pk)
    assert person.username == f"deleted-{person.pk}"
    assert not person.is_active
    assert not person.has_usable_password()
    assert person.erased_at is not None


@pytest.mark.parametrize("left_out", ["accounts", "discussions", "experts", "events", "notifications"])
def test_the_proof_fails_when_an_eraser_is_left_out(left_out, monkeypatch):
    w = world()
    search_finds(w)
    erasers = {eraser.name: eraser for eraser in personal_data.erasers()}  # discovered by now
    erasers.pop(left_out)
    monkeypatch.setattr(personal_data._registry, "erasers", erasers)
    erase_through_the_api(w)
    with pytest.raises(AssertionError):
        assert_nothing_left(w)
