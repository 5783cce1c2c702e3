"""``manage.py compile_catalogs``: the ``.mo`` files from ``locale/*/LC_MESSAGES/*.po``, with Babel.

Django's ``compilemessages`` needs GNU gettext's ``msgfmt``; this needs only the Python
dependencies, so ``make run``, the Dockerfile and the test set-up compile anywhere.
"""

from typing import Any

from django.core.management.base import BaseCommand

from hub.catalogs import compile_catalogs


class Command(BaseCommand):
    help = "Compile locale/*/LC_MESSAGES/*.po into .mo files (Babel; no GNU gettext needed)."

    def handle(self, *args: Any, **options: Any) -> None:
        for compiled in compile_catalogs():
            self.stdout.write(f"{compiled.path}: {compiled.messages} translated messages")
