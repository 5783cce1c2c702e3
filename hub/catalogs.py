"""The Hub's translation catalogs: where they are, how they are extracted, kept tidy and compiled.

``locale/<locale>/LC_MESSAGES/{django,djangojs}.po`` hold every message of the project's Python,
templates and JavaScript (``static/``), in the six UN languages. ``make messages``
(``manage.py update_catalogs``) extracts them with Django's ``makemessages`` (GNU gettext's
``xgettext`` and ``msgmerge``), then rewrites each catalog with Babel: messages sorted, each
language's plural forms, no header left fuzzy. ``manage.py compile_catalogs`` compiles the ``.mo``
files with Babel alone, so a machine without GNU gettext can serve the Hub (``make run``, the
Dockerfile and the test set-up run it; the ``.mo`` files are build output, not committed).
"""

import io
import os
import shutil
import subprocess
import sys
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from babel import Locale
from babel.messages.catalog import Catalog, Message
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po, write_po

BASE_DIR = Path(__file__).resolve().parent.parent
LOCALE_DIR = BASE_DIR / "locale"

# Catalog directories (gettext's locale names; Django's language code of Chinese is zh-hans).
LOCALES = ("ar", "zh_Hans", "en", "fr", "ru", "es")
DOMAINS = ("django", "djangojs")

# GNU gettext's plural forms of each language (the forms translators fill in, in this order).
PLURAL_FORMS = {
    "ar": "nplurals=6; plural=(n==0 ? 0 : n==1 ? 1 : n==2 ? 2 : n%100>=3 && n%100<=10 ? 3 : n%100>=11 ? 4 : 5);",
    "zh_Hans": "nplurals=1; plural=0;",
    "en": "nplurals=2; plural=(n != 1);",
    "fr": "nplurals=2; plural=(n > 1);",
    "ru": ("nplurals=3; plural=(n%10==1 && n%100!=11 ? 0 : n%10>=2 && n%10<=4 && (n%100<10 || n%100>=20) ? 1 : 2);"),
    "es": "nplurals=2; plural=(n != 1);",
}

# What the sources are: the project's own code (not the virtualenv, benchmarks, tests, or npm's).
SOURCE_DIRS = ("accounts", "config", "discussions", "events", "experts", "gcm", "hub", "notifications", "webhooks",
               "realtime", "static", "templates")  # fmt: skip
IGNORED = (".venv", "venv", "bench", "tests", "node_modules", "var", "build", "locale", "*.egg-info")

PROJECT = "Migration Network Hub"
_HEADER_COMMENT = """\
# The Migration Network Hub's %(language)s messages (%(domain)s domain).
# Updated by `make messages`; how to translate: docs/i18n.md, "Contributing translations".
# Entries whose wording is the project's own rather than an official UN text say so in a comment."""


def catalog_path(locale: str, domain: str, locale_dir: Path = LOCALE_DIR) -> Path:
    return locale_dir / locale / "LC_MESSAGES" / f"{domain}.po"


def catalog_paths(locale_dir: Path = LOCALE_DIR) -> Iterator[Path]:
    for locale in LOCALES:
        for domain in DOMAINS:
            yield catalog_path(locale, domain, locale_dir)


def makemessages_arguments(domain: str) -> list[str]:
    """``manage.py makemessages`` for one domain and every locale (run from the project's root)."""
    arguments = ["makemessages", "--domain", domain, "--no-obsolete", "--add-location=file"]
    for locale in LOCALES:
        arguments += ["--locale", locale]
    for pattern in IGNORED:
        arguments += ["--ignore", pattern]
    if domain == "djangojs":
        arguments += ["--extension", "js"]
    return arguments


def read_catalog(path: Path, locale: str) -> Catalog:
    with path.open("rb") as file:
        return read_po(file, locale=locale, domain=path.stem)


def tidy_catalog(path: Path, locale: str) -> None:
    """Rewrite ``path`` in the Hub's shape: sorted by message, the language's plural forms, a header
    that is not fuzzy, no line numbers. Translations, flags and comments are kept as they are."""
    catalog = read_catalog(path, locale)
    headers = [(name, value) for name, value in catalog.mime_headers if name != "Plural-Forms"]
    catalog.mime_headers = [*headers, ("Plural-Forms", PLURAL_FORMS[locale])]
    catalog.locale = Locale.parse(locale)
    catalog.fuzzy = False
    catalog.project = PROJECT
    catalog.version = ""
    catalog.header_comment = _HEADER_COMMENT % {"domain": path.stem, "language": catalog.locale.english_name}
    output = io.BytesIO()
    write_po(output, catalog, width=0, sort_output=True, include_lineno=False, ignore_obsolete=True)
    path.write_bytes(output.getvalue())


def strings_of(message: Message) -> tuple[str, ...]:
    """A message's translations: one, or one per plural form."""
    string = message.string
    return tuple(string) if isinstance(string, tuple | list) else (string or "",)


@dataclass(frozen=True)
class Compiled:
    path: Path
    messages: int


def compile_catalogs(locale_dir: Path = LOCALE_DIR) -> list[Compiled]:
    """Write the ``.mo`` beside each ``.po`` (Babel; fuzzy and untranslated entries left out, so
    that they fall back to English as gettext's own ``msgfmt`` does)."""
    compiled = []
    for path in catalog_paths(locale_dir):
        if not path.exists():
            continue
        locale = path.parent.parent.name
        catalog = read_catalog(path, locale)
        output = io.BytesIO()
        write_mo(output, catalog, use_fuzzy=False)
        # Written aside and renamed: a server or test run reading the catalogs never sees half a file.
        partial = path.with_name(f".{path.stem}.{os.getpid()}.mo")
        partial.write_bytes(output.getvalue())
        os.replace(partial, path.with_suffix(".mo"))
        translated = sum(1 for message in catalog if message.id and all(strings_of(message)))
        compiled.append(Compiled(path.with_suffix(".mo"), translated))
    return compiled


def extract_catalogs(into: Path) -> Path:
    """Run the extraction of ``make messages`` on a copy of the sources, with fresh catalogs under
    ``into``: what the catalogs would hold now (the working tree is left alone). Needs GNU gettext."""
    project = into / "project"
    project.mkdir(parents=True)
    for name in SOURCE_DIRS:
        shutil.copytree(BASE_DIR / name, project / name, ignore=shutil.ignore_patterns("__pycache__", "*.mo", "*.po"))
    shutil.copy2(BASE_DIR / "manage.py", project / "manage.py")
    (project / "locale").mkdir()
    environment = {
        "PATH": os.environ.get("PATH", "/usr/local/bin:/usr/bin:/bin"),
        "DJANGO_SETTINGS_MODULE": "config.settings",
        "DEBUG": "1",
        "HUB_VAR_DIR": str(into / "var"),
        "LANG": "C.UTF-8",
    }
    for domain in DOMAINS:
        subprocess.run(  # noqa: S603  # our own interpreter and manage.py, fixed arguments
            [sys.executable, "manage.py", *makemessages_arguments(domain)],
            cwd=project, env=environment, check=True, capture_output=True,
        )  # fmt: skip
    for locale in LOCALES:
        for domain in DOMAINS:
            path = catalog_path(locale, domain, project / "locale")
            if path.exists():
                tidy_catalog(path, locale)
    return project / "locale"
