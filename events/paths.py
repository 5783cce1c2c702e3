"""Where an event lives on the Hub, as the path notifications and payloads link to.

The page itself is served by ``events.page_urls`` (``events:event``); notifications store a path
(``notification_create`` refuses anything else) and emails prefix it with ``SITE_URL``.
"""


def event_path(event_id: int) -> str:
    return f"/events/{event_id}/"


def events_list_path() -> str:
    return "/events/"
