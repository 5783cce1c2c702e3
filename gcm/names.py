"""The taxonomy's names in the active language (PROTOCOL.md, "Languages"); keys and slugs never change.

The database holds the English names of ``gcm/data/gcm_taxonomy.json``. Shown to people, they go
through here:

- objective titles and short titles, guiding principles, regions and document types are gettext
  messages whose msgid is the English name and whose context says what it is
  (``gcm/taxonomy_messages.py``, generated from the JSON by ``manage.py taxonomy_messages``,
  puts them in the catalogs with a comment for translators);
- countries and languages are CLDR's names (Babel), in every language but English, where the
  JSON's names (the contract's) stay.

A name that is not in the catalog (staff renamed it in the admin) is shown as stored.
"""

import unicodedata
from collections.abc import Iterable, Mapping
from functools import cache
from typing import Protocol, TypeVar

from babel import Locale, UnknownLocaleError
from django.conf import settings
from django.utils import translation
from django.utils.translation import pgettext

# The catalogs' contexts: gcm/taxonomy_messages.py spells each out literally (xgettext reads it).
OBJECTIVE_TITLE = "GCM objective title"
OBJECTIVE_SHORT_TITLE = "GCM objective short title"
PRINCIPLE = "GCM guiding principle"
REGION = "region"
DOCUMENT_TYPE = "document type"

# Django's language codes that Babel (CLDR) spells differently.
_BABEL_LOCALE = {"zh-hans": "zh_Hans"}


def translated(context: str, english: str) -> str:
    """``english`` (a stored taxonomy name) in the active language; as stored when not in the catalog."""
    return pgettext(context, english) if english else english


def _babel_locale(language: str) -> Locale | None:
    try:
        return Locale.parse(_BABEL_LOCALE.get(language, language.replace("-", "_")))
    except (UnknownLocaleError, ValueError):
        return None


@cache
def _cldr_names(language: str, kind: str) -> Mapping[str, str]:
    locale = _babel_locale(language)
    if locale is None:
        return {}
    names: Mapping[str, str] = locale.territories if kind == "territories" else locale.languages
    return names


def _active() -> str:
    return translation.get_language() or settings.LANGUAGE_CODE


def _english() -> bool:
    return _active().split("-")[0] == "en"


def country_name(iso2: str, english: str) -> str:
    """The country's CLDR name in the active language (``english``, the stored name, in English)."""
    if _english():
        return english
    return _cldr_names(_active(), "territories").get(iso2.upper(), english)


def language_name(code: str, english: str) -> str:
    """The language's CLDR name in the active language, capitalised as a list item ("Arabe", "Árabe")."""
    if _english():
        return english
    name = _cldr_names(_active(), "languages").get(code.lower(), english)
    return name[:1].upper() + name[1:]


def sort_key(name: str) -> str:
    """Alphabetical order for names of any script, accents aside ("Égypte" among the E's).

    Not a full collation (CLDR's needs ICU): Chinese names come in code-point order.
    """
    decomposed = unicodedata.normalize("NFKD", name)
    return "".join(char for char in decomposed if not unicodedata.combining(char)).casefold()


def by_name(pairs: Iterable[tuple[str, str]]) -> dict[str, str]:
    """key → name, in the active language's alphabetical order of the names."""
    return dict(sorted(pairs, key=lambda pair: sort_key(pair[1])))


class _Named(Protocol):
    @property
    def shown_name(self) -> str: ...


_N = TypeVar("_N", bound=_Named)


def in_name_order(rows: Iterable[_N]) -> list[_N]:
    """Taxonomy rows in the alphabetical order of their names in the active language."""
    return sorted(rows, key=lambda row: sort_key(row.shown_name))
