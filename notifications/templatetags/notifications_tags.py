"""``{% notification_bell %}``: the header's link to the inbox with the unread count, rendered on
the server (it works without JavaScript) and kept live by ``static/notifications/bell.js``."""

from typing import Any

from django import template

from notifications.selectors import unread_notification_count

register = template.Library()


@register.inclusion_tag("notifications/_bell.html", takes_context=True)
def notification_bell(context: template.Context) -> dict[str, Any]:
    """Nothing for visitors; one query (the unread partial index) for a logged-in user."""
    request = context.get("request")
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {"show": False}
    return {"show": True, "count": unread_notification_count(user), "request": request}
