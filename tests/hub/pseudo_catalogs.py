"""Pseudo-translated catalogs: the project's real ``.po`` files with every entry "translated" as
``[fr] <English>`` (placeholders kept), compiled into a temporary ``LOCALE_PATHS``.

Until the translators have filled the catalogs, this is how a test sees that a string is marked,
extracted, and served in the language the rule chose, without depending on anyone's wording.
"""

from collections.abc import Iterator
from pathlib import Path

import pytest
from babel.messages.mofile import write_mo
from django.test import override_settings

from hub import catalogs

PSEUDO = ("ar", "zh_Hans", "fr", "ru", "es")


def pseudo(locale: str, text: str) -> str:
    """What the pseudo catalog of ``locale`` makes of ``text``."""
    return f"[{locale}] {text}"


def write_pseudo_catalogs(into: Path) -> None:
    for locale in PSEUDO:
        for domain in catalogs.DOMAINS:
            catalog = catalogs.read_catalog(catalogs.catalog_path(locale, domain), locale)
            for message in catalog:
                if not message.id:
                    continue
                if isinstance(message.id, tuple | list):
                    singular, plural = message.id[0], message.id[1]
                    forms = catalog.num_plurals
                    message.string = tuple(pseudo(locale, singular if i == 0 else plural) for i in range(forms))
                else:
                    message.string = pseudo(locale, message.id)
                message.flags.discard("fuzzy")
            target = catalogs.catalog_path(locale, domain, into).with_suffix(".mo")
            target.parent.mkdir(parents=True, exist_ok=True)
            with target.open("wb") as file:
                write_mo(file, catalog)


@pytest.fixture(scope="session")
def _pseudo_locale_dir(tmp_path_factory) -> Path:
    directory = tmp_path_factory.mktemp("pseudo-locale")
    write_pseudo_catalogs(directory)
    return directory


@pytest.fixture
def pseudo_catalogs(_pseudo_locale_dir) -> Iterator[Path]:
    """The project served from pseudo-translated catalogs for the duration of the test."""
    # Changing LOCALE_PATHS empties Django's translation cache (django.test.signals), both ways.
    with override_settings(LOCALE_PATHS=[_pseudo_locale_dir]):
        yield _pseudo_locale_dir
