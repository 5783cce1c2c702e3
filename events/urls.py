"""The events REST API under /api/v1/: events, answers and organizer grants (``events.api.events_urls``),
invitations, .ics and the calendar feed (``events.api.calendar_urls``)."""

from django.urls import include, path

urlpatterns = [
    path("", include("events.api.events_urls")),
    path("", include("events.api.calendar_urls")),
]
