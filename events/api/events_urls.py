from django.urls import URLPattern, URLResolver, path

from events.api import events

urlpatterns: list[URLPattern | URLResolver] = [
    path("events/", events.EventListView.as_view(), name="api-events"),
    path("events/<int:event_id>/", events.EventDetailView.as_view(), name="api-event"),
    path("events/<int:event_id>/publish/", events.EventPublishView.as_view(), name="api-event-publish"),
    path("events/<int:event_id>/cancel/", events.EventCancelView.as_view(), name="api-event-cancel"),
    path("events/<int:event_id>/rsvp/", events.EventRsvpView.as_view(), name="api-event-rsvp"),
    path("event-organizers/", events.OrganizerGrantListView.as_view(), name="api-event-organizers"),
    path("event-organizers/<str:username>/", events.OrganizerGrantDetailView.as_view(), name="api-event-organizer"),
]
