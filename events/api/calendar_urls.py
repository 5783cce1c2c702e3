"""REST routes of invitations, the .ics download and the personal calendar feed (events-calendar)."""

from django.urls import URLPattern, URLResolver, path

from events.api import calendar, invitations

urlpatterns: list[URLPattern | URLResolver] = [
    path("events/<int:event_id>/invitations/", invitations.EventInvitationsView.as_view(),
         name="api-event-invitations"),
    path("events/<int:event_id>/ics", calendar.EventIcsView.as_view(), name="api-event-ics"),
    path("me/calendar-feed/", calendar.CalendarFeedView.as_view(), name="api-calendar-feed"),
    path("me/calendar-feed/reset/", calendar.CalendarFeedResetView.as_view(), name="api-calendar-feed-reset"),
]  # fmt: skip
