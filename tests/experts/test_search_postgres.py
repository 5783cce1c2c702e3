"""What only the PostgreSQL engine of ``experts.search`` does: stemming each profile in its own
language, leaving out stop words, the stored vectors kept by the trigger, and each process's
in-memory index of the directory kept current from the change log (``experts.search.resident``)."""

import itertools

import pytest
from django.db import connection, transaction

from experts.models import Expert
from experts.search import search_experts
from experts.search.queries import ExpertQuery
from tests.experts.factories import ExpertFactory

pytestmark = [pytest.mark.django_db, pytest.mark.services]

_emails = itertools.count()


def expert(name: str, **fields: object) -> Expert:
    fields.setdefault("email", f"pg-expert-{next(_emails)}@experts.example")
    for text in ("bio", "organization", "title"):
        fields.setdefault(text, "")
    return ExpertFactory.create(name=name, **fields)


def found(q: str = "", **filters: tuple[str, ...]) -> list[str]:
    page = search_experts(ExpertQuery(q=q, **filters), offset=0, limit=50)  # type: ignore[arg-type]
    return [e.name for e in page.results]


def column(expert_id: int, name: str) -> str:
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT {name}::text FROM experts_expert WHERE id = %s", [expert_id])  # noqa: S608
        (value,) = cursor.fetchone()
    return value


def test_a_french_biography_is_stemmed_in_french_and_found_by_another_form_of_its_words():
    bio = "Elle conseille les ministères nationaux sur la migration de travail."
    expert("Marie Dupont", bio=bio, profile_language="fr")
    expert("Mary Smith", bio=bio, profile_language="en")  # the same words, stemmed as English

    # "nationales" and "nationaux" share only their French stem.
    assert found("nationales migration") == ["Marie Dupont"]
    assert sorted(found("nationaux migration")) == ["Marie Dupont", "Mary Smith"]


def test_a_spanish_biography_is_stemmed_in_spanish():
    expert("Lucía Pérez", bio="Investiga las políticas migratorias.", profile_language="es")
    expert("Lucy Perry", bio="Investiga las políticas migratorias.", profile_language="en")

    # "investigaciones" and "investiga" share only their Spanish stem.
    assert found("investigaciones migratorias") == ["Lucía Pérez"]
    assert sorted(found("investiga migratorias")) == ["Lucy Perry", "Lucía Pérez"]


def test_a_chinese_profile_is_indexed_unstemmed():
    expert("王伟", bio="移民 政策", profile_language="zh")

    assert found("移民") == ["王伟"]
    assert found("王伟") == ["王伟"]


def test_stop_words_do_not_hide_profiles_that_leave_them_out():
    expert("Ana Silva", bio="The rights of migrant workers.")
    expert("Marie Dupont", bio="Les droits des travailleurs.", profile_language="fr")

    assert found("the rights of migrant") == ["Ana Silva"]
    assert found("les droits travailleurs") == ["Marie Dupont"]


def test_the_trigger_keeps_names_organization_and_facets_and_leaves_untouched_text_alone():
    ana = expert("José van der Berg", organization="OIM", regions=["africa"], countries=["KE"])
    document = column(ana.pk, "search_document")

    assert column(ana.pk, "search_names") == (
        "'berg':4,8 'der':3 'derberg':7 'jose':1 'josevanderberg':5 'oim':9 'van':2 'vanderberg':6"
    )
    assert "'region:africa'" in column(ana.pk, "search_facets")

    Expert.objects.filter(pk=ana.pk).update(regions=["asia"], verified=True)

    assert column(ana.pk, "search_document") == document
    facets = column(ana.pk, "search_facets")
    assert "'region:asia'" in facets
    assert "'region:africa'" not in facets
    assert found(regions=("asia",)) == ["José van der Berg"]


def test_the_facet_vector_holds_every_facet_value_and_the_total_marker():
    ana = expert(
        "Ana",
        objectives=["6"],
        principles=["people-centred"],
        regions=["africa"],
        countries=["KE"],
        languages=["sw"],
        available_for=["media"],
    )

    assert column(ana.pk, "search_facets") == (
        "'*' 'available_for:media' 'country:KE' 'language:sw' 'objective:6' 'principle:people-centred' 'region:africa'"
    )


# --- The resident index: kept current from the change log ------------------------------------


def test_a_search_over_an_unchanged_directory_reads_the_log_and_the_page_only(django_assert_num_queries):
    expert("Ana", bio="Remittances.", regions=["africa"])
    expert("Ben", bio="Remittances.", regions=["asia"])
    query = ExpertQuery(q="remittances", regions=("africa",))
    first = search_experts(query, offset=0, limit=10)

    with django_assert_num_queries(2):
        again = search_experts(query, offset=0, limit=10)

    assert again == first
    assert again.facets["region"] == {"africa": 1, "asia": 1}


def test_words_new_to_the_process_cost_one_statement_once(django_assert_num_queries):
    word = f"bond{next(_emails)}x"  # never searched by this process
    expert("Ana", bio=f"Remittances and diaspora {word}.")
    search_experts(ExpertQuery(q="remittances"), offset=0, limit=10)
    words = f"diaspora {word}"

    with django_assert_num_queries(3):
        search_experts(ExpertQuery(q=words), offset=0, limit=10)
    with django_assert_num_queries(2):
        search_experts(ExpertQuery(q=words), offset=0, limit=10)


def test_each_write_is_seen_by_the_next_search_at_the_cost_of_two_statements(django_assert_num_queries):
    expert("Ana", bio="Remittances.", regions=["africa"])
    query = ExpertQuery(q="remittances")
    search_experts(query, offset=0, limit=10)

    expert("Ben", bio="Remittances.", regions=["asia"])
    # The log, its new row, the written expert's lexemes and facets, the page.
    with django_assert_num_queries(4):
        page = search_experts(query, offset=0, limit=10)
    assert page.count == 2
    assert page.facets["region"] == {"africa": 1, "asia": 1}

    Expert.objects.filter(name="Ben").update(regions=["europe"], bio="Diaspora bonds.")
    assert search_experts(query, offset=0, limit=10).count == 1
    assert search_experts(ExpertQuery(q="diaspora"), offset=0, limit=10).facets["region"] == {"europe": 1}
    assert search_experts(ExpertQuery(), offset=0, limit=10).facets["region"] == {"africa": 1, "europe": 1}

    Expert.objects.filter(name="Ben").delete()
    again = search_experts(ExpertQuery(), offset=0, limit=10)
    assert again.count == 1
    assert again.facets["region"] == {"africa": 1}
    assert search_experts(ExpertQuery(q="diaspora"), offset=0, limit=10).count == 0


def test_a_write_that_touches_no_expert_changes_nothing(django_assert_num_queries):
    expert("Ana", bio="Remittances.")
    search_experts(ExpertQuery(), offset=0, limit=10)

    Expert.objects.filter(name="Nobody").update(bio="x")
    with django_assert_num_queries(2):
        assert search_experts(ExpertQuery(), offset=0, limit=10).count == 1


def test_a_verified_mark_is_seen_by_the_next_search():
    ana = expert("Ana", bio="Remittances.")
    expert("Ben", bio="Remittances.")
    assert search_experts(ExpertQuery(verified=True), offset=0, limit=10).count == 0

    Expert.objects.filter(pk=ana.pk).update(verified=True)

    verified = search_experts(ExpertQuery(q="remittances", verified=True), offset=0, limit=10)
    assert [e.name for e in verified.results] == ["Ana"]
    assert search_experts(ExpertQuery(verified=False), offset=0, limit=10).count == 1


def test_counts_made_inside_a_rolled_back_write_are_never_served_afterwards():
    expert("Ana", bio="Remittances.", regions=["africa"])
    query = ExpertQuery(q="remittances")
    search_experts(query, offset=0, limit=10)

    with transaction.atomic():
        expert("Ben", bio="Remittances.", regions=["asia"])
        inside = search_experts(query, offset=0, limit=10)  # the index took Ben in
        assert inside.count == 2
        transaction.set_rollback(True)

    after = search_experts(query, offset=0, limit=10)
    assert after.count == 1
    assert after.facets["region"] == {"africa": 1}
    expert("Cy", bio="Remittances.", regions=["europe"])  # a new write never reuses Ben's log row
    assert search_experts(query, offset=0, limit=10).facets["region"] == {"africa": 1, "europe": 1}


@pytest.mark.django_db(transaction=True)
def test_a_truncated_directory_is_read_again_whole():
    expert("Ana", bio="Remittances.")
    assert search_experts(ExpertQuery(), offset=0, limit=10).count == 1

    with connection.cursor() as cursor:
        cursor.execute("TRUNCATE experts_expert CASCADE")

    assert search_experts(ExpertQuery(), offset=0, limit=10).count == 0
    expert("Ben", bio="Remittances.")
    assert found("remittances") == ["Ben"]


def test_a_change_to_much_of_the_directory_rebuilds_the_index(monkeypatch, django_assert_num_queries):
    from experts.search import resident

    monkeypatch.setattr(resident, "REBUILD_MINIMUM", 1)
    for name in ("Ana", "Ben", "Cy"):
        expert(name, bio="Remittances.")
    search_experts(ExpertQuery(), offset=0, limit=10)

    Expert.objects.update(bio="Diaspora.")  # every expert: reading them all again is cheaper
    # The log, its new row, everything, the page: more than a fifth changed.
    with django_assert_num_queries(4):
        assert search_experts(ExpertQuery(q="diaspora"), offset=0, limit=10).count == 3


@pytest.mark.django_db(transaction=True)
def test_an_index_not_looked_at_for_longer_than_the_log_is_sure_to_hold_is_rebuilt(monkeypatch):
    from datetime import timedelta

    from experts.search import resident

    expert("Ana", bio="Remittances.")
    search_experts(ExpertQuery(), offset=0, limit=10)
    # A change the process never saw: its log row already pruned (as a day later).
    with connection.cursor() as cursor:
        cursor.execute("ALTER TABLE experts_expert DISABLE TRIGGER experts_expert_search_change_update")
        cursor.execute("UPDATE experts_expert SET bio = 'Diaspora.'")
        cursor.execute("ALTER TABLE experts_expert ENABLE TRIGGER experts_expert_search_change_update")
    assert found("diaspora") == []  # the process cannot know

    monkeypatch.setattr(resident, "STALE_AFTER", timedelta(0))
    assert found("diaspora") == ["Ana"]


def test_an_empty_page_still_counts():
    expert("Ana", bio="Remittances.")

    page = search_experts(ExpertQuery(q="remittances"), offset=10, limit=10)

    assert page.results == []
    assert page.count == 1


def test_a_query_the_index_cannot_evaluate_is_answered_in_sql(monkeypatch, caplog):
    from experts.search import directory
    from experts.search.tsquery import parse_tsquery

    expert("Ana", bio="Remittances.", regions=["africa"])
    expert("Ben", bio="Diaspora.", regions=["asia"])
    monkeypatch.setattr(directory, "_tsquery", lambda words: parse_tsquery("'a' <-> 'b'"))

    page = search_experts(ExpertQuery(q="remittances"), offset=0, limit=10)

    assert [e.name for e in page.results] == ["Ana"]
    assert page.facets["region"] == {"africa": 1}
    assert "falls back to SQL" in caplog.text


def test_a_look_at_an_unchanged_log_is_recorded_without_rebuilding(monkeypatch, django_assert_num_queries):
    """So that a quiet directory is not rebuilt every STALE_AFTER: only one nobody looked at is."""
    from datetime import timedelta

    from experts.search import resident

    expert("Ana", bio="Remittances.")
    search_experts(ExpertQuery(), offset=0, limit=10)
    first = resident._current
    assert first is not None
    monkeypatch.setattr(resident, "STAMP_AFTER", timedelta(0))  # every look is recorded

    with django_assert_num_queries(2):  # the log and the page: nothing read again
        search_experts(ExpertQuery(), offset=0, limit=10)

    looked = resident._current
    assert looked is not None
    assert looked.checked_at > first.checked_at
    assert looked.document is first.document and looked.facets is first.facets
