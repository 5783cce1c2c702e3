"""``experts.search.tsquery``: tsquery's text read back, and evaluated as ``tsvector @@ tsquery`` is."""

import itertools

import pytest
from django.db import connection
from pyroaring import BitMap

from experts.search.resident import current_index
from experts.search.tsquery import And, Lexeme, Not, Or, Postings, UnsupportedQuery, matching, parse_tsquery
from tests.experts.factories import ExpertFactory

_emails = itertools.count()


def test_lexemes_prefixes_and_priorities_are_read_as_postgresql_prints_them():
    assert parse_tsquery("'migration':* | 'migrat'") == Or((Lexeme("migration", True), Lexeme("migrat", False)))
    # "&" binds tighter than "|", "!" tighter than both.
    assert parse_tsquery("'a' | 'b' & !'c'") == Or(
        (Lexeme("a", False), And((Lexeme("b", False), Not(Lexeme("c", False)))))
    )
    assert parse_tsquery("( 'labour' ) & ( 'migr':* )") == And((Lexeme("labour", False), Lexeme("migr", True)))
    assert parse_tsquery("'o''brien'") == Lexeme("o'brien", False)
    assert parse_tsquery("") is None


@pytest.mark.parametrize("text", ["'a' <-> 'b'", "'a' <2> 'b'", "'a':A", "'a':*B", "('a'", "'a' &", "'a' 'b'", "x"])
def test_what_the_query_function_never_writes_is_refused_not_guessed(text):
    with pytest.raises(UnsupportedQuery):
        parse_tsquery(text)


def test_a_prefix_is_every_lexeme_that_starts_with_it():
    postings = Postings.of({"mig": BitMap([1]), "migr": BitMap([2]), "migrant": BitMap([3]), "mih": BitMap([4])})
    everyone = BitMap([1, 2, 3, 4, 5])

    assert list(matching(parse_tsquery("'migr':*"), postings, everyone)) == [2, 3]
    assert list(matching(parse_tsquery("'migr'"), postings, everyone)) == [2]
    assert list(matching(parse_tsquery("!'migr':*"), postings, everyone)) == [1, 4, 5]
    assert list(matching(parse_tsquery("'zz':*"), postings, everyone)) == []
    assert list(matching(None, postings, everyone)) == []


# Stems, stop words (in some languages only), accents, digits, prefixes of one letter and of
# none of the words, several words.
WORDS = [
    ["migration"],
    ["migr"],
    ["m"],
    ["nationales", "migration"],
    ["the"],
    ["la", "migración"],
    ["jose"],
    ["José", "garc"],
    ["vanderberg"],
    ["2030"],
    ["diaspora", "bonds", "remit"],
    ["zzzz"],
    ["политика"],
    ["移民"],
]


@pytest.mark.django_db
@pytest.mark.services
@pytest.mark.parametrize("words", WORDS)
def test_the_index_matches_exactly_the_rows_the_database_matches(words):
    bios = [
        ("José García", "es", "Investiga las políticas migratorias y la migración laboral."),
        ("Marie Dupont", "fr", "Elle conseille les ministères nationaux sur la migration de travail."),
        ("Mary Smith", "en", "Migrants, remittances and diaspora bonds; the 2030 agenda."),
        ("Anna van der Berg", "en", "Migration data."),
        ("Иван Петров", "ru", "Миграционная политика."),
        ("王伟", "zh", "移民 政策"),
        ("Mikhail", "en", ""),
    ]
    for name, language, bio in bios:
        ExpertFactory.create(name=name, bio=bio, profile_language=language, email=f"tsq-{next(_emails)}@x.example")
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT coalesce(array_agg(id), '{}') FROM experts_expert "
            "WHERE search_document @@ experts_search_tsquery(%s::text[])",
            [words],
        )
        (expected,) = cursor.fetchone()
        cursor.execute("SELECT experts_search_tsquery(%s::text[])::text", [words])
        (text,) = cursor.fetchone()
    index = current_index()

    assert sorted(matching(parse_tsquery(text or ""), index.document, index.everyone)) == sorted(expected)
