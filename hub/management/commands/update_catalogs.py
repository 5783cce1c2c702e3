"""``manage.py update_catalogs`` (``make messages``): every message of the project into the catalogs.

The taxonomy's names first (``taxonomy_messages``), then Django's ``makemessages`` for the
``django`` (Python and templates) and ``djangojs`` (``static/``) domains in the six languages,
then each catalog tidied (``hub.catalogs.tidy_catalog``). Needs GNU gettext (``xgettext``).
Translators then fill in ``locale/<locale>/LC_MESSAGES/*.po``.
"""

import re
from typing import Any

from django.core.management import call_command
from django.core.management.base import BaseCommand

from hub import catalogs


def _dated(content: bytes) -> bytes:
    return re.sub(rb'"POT-Creation-Date: [^"]*"', b"", content)


class Command(BaseCommand):
    help = "Extract every message into locale/<locale>/LC_MESSAGES/{django,djangojs}.po (needs GNU gettext)."

    def handle(self, *args: Any, **options: Any) -> None:
        call_command("taxonomy_messages", stdout=self.stdout)
        before = {path: path.read_bytes() for path in catalogs.catalog_paths() if path.exists()}
        for domain in catalogs.DOMAINS:
            call_command(*catalogs.makemessages_arguments(domain), verbosity=0)
        for locale in catalogs.LOCALES:
            for domain in catalogs.DOMAINS:
                path = catalogs.catalog_path(locale, domain)
                if not path.exists():
                    continue
                catalogs.tidy_catalog(path, locale)
                # Only the extraction's time changed: keep the file as it was (no churn for translators).
                if path in before and _dated(path.read_bytes()) == _dated(before[path]):
                    path.write_bytes(before[path])
                    continue
                self.stdout.write(f"{path.relative_to(catalogs.BASE_DIR)} updated")
