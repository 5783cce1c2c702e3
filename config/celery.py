"""The Celery application: ``celery -A config worker`` (and ``beat``)."""

import os

from celery import Celery

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")

# Celery's Django fix-up, but keeping Django's connection pool across tasks (config/celery_fixup.py).
app = Celery("hub", fixups=["config.celery_fixup:fixup"])
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()
