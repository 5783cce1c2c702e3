"""Personal calendar feeds: a secret URL per user that calendar apps subscribe to (no login).

The feed holds every event the user said yes to (published, or cancelled after being published: a
subscribed calendar then shows it cancelled instead of silently dropping it), and the upcoming events
of invitations they accepted (by link, possibly before they had an account under that address). The
token is the only credential: ``calendar_feed_reset`` replaces it, and the old URL stops working.
Reading a feed costs two queries whatever it holds.
"""

from django.conf import settings
from django.db import transaction
from django.db.models import Exists, OuterRef, Q, QuerySet
from django.urls import reverse
from django.utils import timezone

from accounts.models import User
from events.models import CalendarFeed, Event, Invitation, Rsvp, RsvpResponse, new_feed_token


def calendar_feed_url(feed: CalendarFeed) -> str:
    """The absolute address to paste into a calendar app."""
    return settings.SITE_URL + reverse("events:calendar-feed", args=[feed.token])


def calendar_feed_of(*, user: User) -> CalendarFeed:
    """The user's feed, created on first use."""
    with transaction.atomic():
        feed, _created = CalendarFeed.objects.get_or_create(user=user)
    return feed


def calendar_feed_reset(*, user: User) -> CalendarFeed:
    """A new secret for the user's feed: the old URL answers 404 from now on."""
    with transaction.atomic():
        feed, created = CalendarFeed.objects.select_for_update().get_or_create(user=user)
        if not created:
            feed.token = new_feed_token()
            feed.created_at = timezone.now()
            feed.save(update_fields=["token", "created_at"])
    return feed


def calendar_feed_by_token(token: str) -> CalendarFeed | None:
    """The feed with this secret, with its (active) user; None for any other token."""
    return CalendarFeed.objects.select_related("user").filter(token=token, user__is_active=True).first()


def feed_events(user: User) -> QuerySet[Event]:
    """The events of ``user``'s feed (module docstring), soonest first, with their organizers."""
    said_yes = Rsvp.objects.filter(event=OuterRef("pk"), user=user, response=RsvpResponse.YES)
    accepted = Invitation.objects.filter(
        Q(user=user) | Q(email__iexact=user.email), event=OuterRef("pk"), response=RsvpResponse.YES
    )
    shown = Q(status__in=[Event.Status.PUBLISHED, Event.Status.CANCELLED], published_at__isnull=False)
    return (
        Event.objects.filter(shown)
        .filter(Exists(said_yes) | (Exists(accepted) & Q(ends_at__gt=timezone.now())))
        .select_related("organizer")
        .order_by("starts_at", "pk")
    )
