"""Where an event lives on the Hub, as the path notifications and payloads link to.

The pages are ``events.page_urls``' (``events:event``, ``events:list``); notifications store a path
(``notification_create`` refuses anything else) and emails prefix it with ``SITE_URL``.
"""

from django.urls import reverse


def event_path(event_id: int) -> str:
    return reverse("events:event", args=[event_id])


def events_list_path() -> str:
    return reverse("events:list")
