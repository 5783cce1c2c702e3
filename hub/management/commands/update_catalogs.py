"""``manage.py update_catalogs`` (``make messages``): every message of the project into the catalogs.

The taxonomy's names first (``taxonomy_messages``), then Django's ``makemessages`` for the
``django`` (Python and templates) and ``djangojs`` (``static/``) domains in the six languages,
then each catalog tidied (``hub.catalogs.tidy_catalog``). Needs GNU gettext (``xgettext``).
Translators then fill in ``locale/<locale>/LC_MESSAGES/*.po``.
"""

from typing import Any

from django.core.management import call_command
from django.core.management.base import BaseCommand

from hub import catalogs


class Command(BaseCommand):
    help = "Extract every message into locale/<locale>/LC_MESSAGES/{django,djangojs}.po (needs GNU gettext)."

    def handle(self, *args: Any, **options: Any) -> None:
        call_command("taxonomy_messages", stdout=self.stdout)
        for domain in catalogs.DOMAINS:
            call_command(*catalogs.makemessages_arguments(domain), verbosity=0)
        for locale in catalogs.LOCALES:
            for domain in catalogs.DOMAINS:
                path = catalogs.catalog_path(locale, domain)
                if path.exists():
                    catalogs.tidy_catalog(path, locale)
                    self.stdout.write(f"{path.relative_to(catalogs.BASE_DIR)}")
