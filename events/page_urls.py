from django.urls import path

from events.views import event, feeds, invitations, listing, organizing

app_name = "events"

urlpatterns = [
    path("events/", listing.event_list, name="list"),
    path("events/new/", organizing.event_new, name="new"),
    path("events/my-calendar/", feeds.my_calendar, name="my-calendar"),
    path("events/my-calendar/reset/", feeds.my_calendar_reset, name="my-calendar-reset"),
    path("events/<int:event_id>/", event.event_detail, name="event"),
    path("events/<int:event_id>/rsvp/", event.event_rsvp, name="rsvp"),
    path("events/<int:event_id>/edit/", organizing.event_edit, name="edit"),
    path("events/<int:event_id>/publish/", organizing.event_publish_page, name="publish"),
    path("events/<int:event_id>/invite/", organizing.event_invite, name="invite"),
    path("events/<int:event_id>/cancel/", organizing.event_cancel_page, name="cancel"),
    path("events/invitation/<str:token>/", invitations.invitation_rsvp, name="invitation-rsvp"),
    path("events/invitation/<str:token>/stop/", invitations.invitation_stop_emails_page,
         name="invitation-stop-emails"),
    path("calendar/<str:token>.ics", feeds.calendar_feed, name="calendar-feed"),
]  # fmt: skip
