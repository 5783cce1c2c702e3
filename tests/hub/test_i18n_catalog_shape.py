"""The catalogs hold exactly the messages of the code, in the six languages, with each language's
plural forms, in the tidy shape ``make messages`` leaves them in, and compile without GNU gettext.

A string marked in a template, a module or ``static/`` JavaScript that is not yet in the catalogs
(``make messages`` not run) fails here; ``test_i18n_catalogs.py`` then says it awaits translation.
"""

import gettext
import shutil
from pathlib import Path

import pytest

from hub import catalogs

PLURALS = {  # nplurals and the form of a few numbers, per language
    "ar": (6, {0: 0, 1: 1, 2: 2, 3: 3, 10: 3, 11: 4, 99: 4, 100: 5, 102: 5, 103: 3}),
    "zh_Hans": (1, {0: 0, 1: 0, 2: 0, 5: 0}),
    "en": (2, {0: 1, 1: 0, 2: 1}),
    "fr": (2, {0: 0, 1: 0, 2: 1, 100: 1}),
    "ru": (3, {1: 0, 21: 0, 2: 1, 4: 1, 22: 1, 5: 2, 11: 2, 12: 2, 14: 2, 25: 2, 111: 2}),
    "es": (2, {0: 1, 1: 0, 2: 1}),
}


def keys(path: Path, locale: str) -> set[tuple[str | None, str]]:
    """(context, msgid) of every message of the catalog at ``path``."""
    return {
        (message.context, message.id if isinstance(message.id, str) else message.id[0])
        for message in catalogs.read_catalog(path, locale)
        if message.id
    }


@pytest.fixture(scope="module")
def extracted(tmp_path_factory) -> Path:
    """What ``make messages`` would put in the catalogs now, extracted from a copy of the sources."""
    if shutil.which("xgettext") is None or shutil.which("msgmerge") is None:
        pytest.fail("GNU gettext (xgettext, msgmerge) is needed to extract the messages: apt-get install gettext")
    return catalogs.extract_catalogs(tmp_path_factory.mktemp("extraction"))


@pytest.mark.parametrize("locale", catalogs.LOCALES)
@pytest.mark.parametrize("domain", catalogs.DOMAINS)
def test_the_catalogs_hold_exactly_the_messages_of_the_code(extracted, locale, domain):
    committed = keys(catalogs.catalog_path(locale, domain), locale)
    current = keys(catalogs.catalog_path(locale, domain, extracted), locale)
    missing, stale = sorted(current - committed, key=str), sorted(committed - current, key=str)
    assert not missing and not stale, (
        f"locale/{locale}/LC_MESSAGES/{domain}.po is out of date: run `make messages`.\n"
        f"Marked in the code, missing from the catalog: {missing}\nIn the catalog, no longer in the code: {stale}"
    )


def test_the_extraction_sees_every_kind_of_source(extracted):
    messages = keys(catalogs.catalog_path("fr", "django", extracted), "fr")
    assert (None, "Skip to main content") in messages  # templates/base.html
    assert (None, "No such space.") in messages  # Python
    assert ("GCM objective short title", "Counter smuggling") in messages  # the taxonomy (generated module)
    assert (None, "Reconnecting…") in keys(catalogs.catalog_path("fr", "djangojs", extracted), "fr")  # static/*.js


@pytest.mark.parametrize("locale", catalogs.LOCALES)
@pytest.mark.parametrize("domain", catalogs.DOMAINS)
def test_each_catalog_has_its_languages_plural_forms(locale, domain):
    catalog = catalogs.read_catalog(catalogs.catalog_path(locale, domain), locale)
    header = dict(catalog.mime_headers)
    count, forms = PLURALS[locale]
    assert header["Plural-Forms"].startswith(f"nplurals={count};")
    plural = gettext.c2py(header["Plural-Forms"].split("plural=", 1)[1].rstrip(";"))
    assert {n: plural(n) for n in forms} == forms
    assert not catalog.fuzzy, "a fuzzy header is skipped by the compilers"
    for message in catalog:
        if message.id and not isinstance(message.id, str):
            assert len(catalogs.strings_of(message)) == count, message.id


@pytest.mark.parametrize("locale", catalogs.LOCALES)
@pytest.mark.parametrize("domain", catalogs.DOMAINS)
def test_the_catalogs_are_in_make_messages_tidy_shape(tmp_path, locale, domain):
    path = catalogs.catalog_path(locale, domain)
    copy = tmp_path / path.name
    copy.write_bytes(path.read_bytes())
    catalogs.tidy_catalog(copy, locale)
    assert copy.read_bytes() == path.read_bytes(), f"{path} was edited by hand out of shape: run `make messages`"


def test_the_taxonomy_module_is_generated_from_the_json():
    from gcm.management.commands.taxonomy_messages import TARGET, taxonomy_messages_source

    assert TARGET.read_text(encoding="utf-8") == taxonomy_messages_source(), "run `make messages`"


def test_compiled_catalogs_serve_translations_and_plurals(tmp_path):
    """compile_catalogs (Babel, no msgfmt) writes .mo files that gettext reads, plural forms included."""
    po = catalogs.catalog_path("ru", "djangojs", tmp_path)
    po.parent.mkdir(parents=True)
    catalog = catalogs.read_catalog(catalogs.catalog_path("ru", "djangojs"), "ru")
    for message in catalog:
        if message.id == "Reconnecting…":
            message.string = "Переподключение…"
        elif message.id and message.id[0] == "%(names)s is typing…":
            message.string = ("%(names)s печатает…", "%(names)s печатают…", "%(names)s печатают…")
        elif message.id == "Edit":
            message.string = "Изменить"
            message.flags.add("fuzzy")
        elif message.id == "Delete":
            message.string = ""  # whatever the real catalog says: this copy leaves it untranslated
    from babel.messages.pofile import write_po

    with po.open("wb") as file:
        write_po(file, catalog)
    [*_, compiled] = [c for c in catalogs.compile_catalogs(tmp_path) if c.path.parent == po.parent]
    assert compiled.path == po.with_suffix(".mo")
    with compiled.path.open("rb") as file:
        translations = gettext.GNUTranslations(file)
    assert translations.gettext("Reconnecting…") == "Переподключение…"
    assert translations.ngettext("%(names)s is typing…", "%(names)s are typing…", 1) == "%(names)s печатает…"
    assert translations.ngettext("%(names)s is typing…", "%(names)s are typing…", 3) == "%(names)s печатают…"
    assert translations.gettext("Edit") == "Edit"  # fuzzy: left out, English shows
    assert translations.gettext("Delete") == "Delete"  # untranslated: English
