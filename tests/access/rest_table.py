"""The REST half of the authorization matrix: one row per (operation, object), one status per role.

A row names the request (method, path template, valid body) and what each role gets. Bodies are
valid, so a status says what the caller may do, not whether the input was right. Expectations are
written with ``roles(...)``: a default for everyone signed in, then the exceptions. Staff may do
whatever moderators and organizers may (the contract). The path template's ``{…}`` names are
filled from the world (``tests/access/world.py``): ``{slug}`` is a space's, ``{message}`` the
message in that space, and so on.
"""

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from tests.access.world import ROLES, World
from tests.factories import PASSWORD

SIGNED_IN = tuple(role for role in ROLES if role != "anonymous")


def roles(default: int, *, anonymous: int = 401, **exceptions: int) -> dict[str, int]:
    """Each role's status: ``default`` for everyone signed in unless named; ``anonymous`` apart."""
    unknown = set(exceptions) - set(ROLES)
    assert not unknown, f"no such roles: {unknown}"
    return {"anonymous": anonymous, **dict.fromkeys(SIGNED_IN, default), **exceptions}


def everyone(status: int) -> dict[str, int]:
    return roles(status, anonymous=status)


@dataclass(frozen=True)
class Row:
    method: str
    path: str
    expect: dict[str, int]
    body: Mapping[str, Any] | None = None
    values: Mapping[str, str] = field(default_factory=dict)
    note: str = ""  # tells apart two rows of one operation

    @property
    def operation(self) -> str:
        """The OpenAPI path this row exercises: the template without its query."""
        return self.path.partition("?")[0]

    @property
    def id(self) -> str:
        label = self.path
        for name, value in self.values.items():
            label = label.replace("{" + name + "}", value)
        return f"{self.method} {label}" + (f" [{self.note}]" if self.note else "")


def fill(path: str, world: World, values: Mapping[str, str]) -> str:
    """The concrete URL of a row in ``world``."""
    space = {"public": world.public, "private": world.private}.get(values.get("space", ""))
    message = {"public": world.public_message, "private": world.private_message}.get(values.get("space", ""))
    resource = {"pending": world.pending_resource, "approved": world.approved_resource}.get(values.get("resource", ""))
    event = {"published": world.event, "draft": world.draft_event}.get(values.get("event", ""))
    names = {
        "slug": space.slug if space else "",
        "message_id": str(message.pk) if message else "",
        "resource_id": str(resource.pk) if resource else "",
        "event_id": str(event.pk) if event else "",
        "expert_id": str(world.expert.pk),
        "application_id": str(world.application.pk),
        "notification_id": str(world.notification.pk),
        "question_id": str(world.question.pk),
        "webhook_id": str(world.webhook.pk),
        "delivery_id": str(world.delivery.pk),
        "username": values.get("username", "author"),
        "emoji": values.get("emoji", "👍"),
        "key": "6",
    }
    return path.format(**names)


OUTSIDERS = ("user", "other_moderator", "expert", "reviewer", "organizer")


def in_space(
    *,
    member: int,
    outsiders: int,
    anonymous: int,
    moderator: int | None = None,
    staff: int | None = None,
    muted: int | None = None,
    banned: int = 403,
) -> dict[str, int]:
    """A space row's statuses by the caller's standing there: ``outsiders`` are the signed-in roles
    with no membership (including a moderator of another space); ``moderator``, ``staff`` and
    ``muted`` default to ``member``."""
    return {
        "anonymous": anonymous,
        **dict.fromkeys(OUTSIDERS, outsiders),
        "member": member,
        "moderator": member if moderator is None else moderator,
        "muted": member if muted is None else muted,
        "banned": banned,
        "staff": member if staff is None else staff,
    }


def _space_rows(visibility: str) -> list[Row]:
    """The rows of a space and of a message in it (written by ``author``); ``visibility`` picks the
    world's public or private space. A private space is never revealed: outside it, 404."""
    private = visibility == "private"

    def row(
        method: str, path: str, expect: dict[str, int], body: Mapping[str, Any] | None = None, **values: str
    ) -> Row:
        return Row(method, path, expect, body, values={"space": visibility, **values})

    def reading(status: int = 200) -> dict[str, int]:
        """Public spaces are read by anyone, even signed out; the banned read nothing (contract)."""
        if private:
            return in_space(member=status, outsiders=404, anonymous=404)
        return in_space(member=status, outsiders=status, anonymous=status)

    def membership(status: int, *, muted: int | None = None, staff: int = 403) -> dict[str, int]:
        """Acting in the space needs membership (outsiders: 403 ``not_member``, or 404 when private)."""
        return in_space(member=status, outsiders=404 if private else 403, anonymous=401, muted=muted, staff=staff)

    def moderating(status: int) -> dict[str, int]:
        return in_space(member=403, outsiders=404 if private else 403, anonymous=401, moderator=status, staff=status)

    def staff_only(status: int) -> dict[str, int]:
        """Checked before the space is looked at: the same 403 for a private space as for none."""
        return in_space(member=403, outsiders=403, anonymous=401, staff=status)

    return [
        row("GET", "/api/v1/spaces/{slug}/", reading()),
        row("GET", "/api/v1/spaces/{slug}/messages/", reading()),
        row("GET", "/api/v1/spaces/{slug}/messages/?q=confidential", reading()),
        row("GET", "/api/v1/spaces/{slug}/topics/", reading()),
        row("GET", "/api/v1/spaces/{slug}/members/", reading()),
        row("GET", "/api/v1/spaces/{slug}/online/", reading()),
        # Staff may post where moderators may, without joining.
        row(
            "POST",
            "/api/v1/spaces/{slug}/messages/",
            membership(201, muted=403, staff=201),
            {"body": "A member's message", "client_id": "matrix-1"},
        ),
        row("POST", "/api/v1/spaces/{slug}/read/", membership(200), {"seq": 1}),
        row("PATCH", "/api/v1/spaces/{slug}/", moderating(200), {"name": "Renamed"}),
        row("GET", "/api/v1/spaces/{slug}/reports/", moderating(200)),
        row("GET", "/api/v1/spaces/{slug}/moderation-log/", moderating(200)),
        row("POST", "/api/v1/spaces/{slug}/invitations/", moderating(201), {"username": "user"}),
        row(
            "POST",
            "/api/v1/spaces/{slug}/questions/",
            moderating(201),
            {"title": "What works?", "body": "Tell us what works."},
        ),
        row("POST", "/api/v1/spaces/{slug}/bans/", moderating(201), {"username": "member", "reason": "spam"}),
        row("DELETE", "/api/v1/spaces/{slug}/bans/{username}/", moderating(204), username="banned"),
        row("POST", "/api/v1/spaces/{slug}/mutes/", moderating(201), {"username": "member", "minutes": 10}),
        row("DELETE", "/api/v1/spaces/{slug}/mutes/{username}/", moderating(204), username="muted"),
        row("POST", "/api/v1/spaces/{slug}/moderators/", staff_only(201), {"username": "member"}),
        row("DELETE", "/api/v1/spaces/{slug}/moderators/{username}/", staff_only(204), username="moderator"),
        # Joining a private space needs an invitation (404 without: never revealed).
        row(
            "POST",
            "/api/v1/spaces/{slug}/join/",
            in_space(member=200, outsiders=404 if private else 200, anonymous=401, staff=200),
        ),
        # Leaving: the banned may leave; staff are not members here. A non-member gets 403 whether the
        # space is private, public or missing: the answer reveals nothing.
        row(
            "POST",
            "/api/v1/spaces/{slug}/leave/",
            in_space(member=204, outsiders=403, anonymous=401, staff=403, banned=204),
        ),
        row("PATCH", "/api/v1/messages/{message_id}/", membership(403), {"body": "Edited"}),  # author only
        row("DELETE", "/api/v1/messages/{message_id}/", membership(403) | {"moderator": 200, "staff": 200}),
        row("POST", "/api/v1/messages/{message_id}/pin/", moderating(200)),
        row("DELETE", "/api/v1/messages/{message_id}/pin/", moderating(200)),
        row("POST", "/api/v1/messages/{message_id}/reactions/", membership(200, muted=403, staff=200), {"emoji": "👍"}),
        row("DELETE", "/api/v1/messages/{message_id}/reactions/{emoji}/", membership(200, muted=403, staff=200)),
        row("POST", "/api/v1/messages/{message_id}/reports/", membership(201, staff=201), {"reason": "off topic"}),
        row("GET", "/api/v1/messages/{message_id}/revisions/", moderating(200)),
    ]


def rest_rows() -> list[Row]:
    signed_in_200 = roles(200)
    public = everyone(200)
    published = {"event": "published"}
    draft = {"event": "draft"}
    pending = {"resource": "pending"}
    approved = {"resource": "approved"}
    return [
        *_space_rows("public"),
        *_space_rows("private"),
        # Accounts
        # Registering needs no account; a signed-in caller may register another (as on Zulip or Discourse).
        Row(
            "POST",
            "/api/v1/auth/register/",
            everyone(201),
            {"username": "newcomer", "email": "newcomer@example.org", "password": "a long passphrase 42"},
        ),
        Row("POST", "/api/v1/auth/token/", everyone(400), {"username": "author", "password": "wrong"}),
        Row("DELETE", "/api/v1/auth/token/", roles(204)),
        Row("GET", "/api/v1/me/", signed_in_200),
        Row("PATCH", "/api/v1/me/", signed_in_200, {"display_name": "Renamed"}),
        # Taxonomy
        Row("GET", "/api/v1/objectives/", public),
        Row("GET", "/api/v1/objectives/{key}/", public),
        Row("GET", "/api/v1/principles/", public),
        Row("GET", "/api/v1/regions/", public),
        Row("GET", "/api/v1/countries/", public),
        Row("GET", "/api/v1/document-types/", public),
        Row("GET", "/api/v1/languages/", public),
        # Spaces (the collection)
        Row("GET", "/api/v1/spaces/", public),
        Row("POST", "/api/v1/spaces/", roles(403, staff=201), {"slug": "matrix-new", "name": "New space"}),
        # Experts
        Row("GET", "/api/v1/experts/", public),
        Row("GET", "/api/v1/experts/?q=labour", public),
        Row("GET", "/api/v1/experts/{expert_id}/", public),
        Row(
            "POST",
            "/api/v1/experts/",
            roles(201, expert=409),
            {"name": "Someone", "title": "Adviser", "organization": "UNHCR", "objectives": ["6"]},
        ),
        Row("PATCH", "/api/v1/experts/{expert_id}/", roles(403, expert=200, staff=200), {"title": "Senior adviser"}),
        Row(
            "POST",
            "/api/v1/experts/{expert_id}/contact/",
            roles(202, expert=400),
            {"subject": "A question", "message": "Could we talk about recruitment?"},
        ),
        Row("GET", "/api/v1/experts/{expert_id}/contacts/", roles(404, expert=200, staff=200)),
        # Resources and review
        Row("GET", "/api/v1/resources/", public),
        Row("GET", "/api/v1/resources/?q=guidance", public),
        Row("GET", "/api/v1/resources/{resource_id}/", public, values=approved),
        Row("GET", "/api/v1/resources/{resource_id}/", everyone(404) | {"reviewer": 200, "staff": 200}, values=pending),
        Row(
            "POST",
            "/api/v1/resources/",
            roles(201),
            {"kind": "document", "title": "New guidance", "summary": "Guidance.", "objectives": ["6"]},
        ),
        Row(
            "POST",
            "/api/v1/resources/{resource_id}/assign/",
            roles(403, staff=200) | {"anonymous": 401},
            {"usernames": ["reviewer"]},
            values=pending,
        ),
        Row("GET", "/api/v1/resources/{resource_id}/reviews/", roles(404, reviewer=200, staff=200), values=pending),
        Row(
            "POST",
            "/api/v1/resources/{resource_id}/reviews/",
            roles(404, reviewer=201, staff=403),
            {"decision": "approve", "comment": "Sound.", "no_conflict_of_interest": True},
            values=pending,
        ),
        Row("GET", "/api/v1/reviewer-applications/", signed_in_200),
        Row(
            "POST",
            "/api/v1/reviewer-applications/",
            roles(201, reviewer=409),
            {"motivation": "I know the field.", "objectives": ["6"]},
        ),
        Row("POST", "/api/v1/reviewer-applications/{application_id}/approve/", roles(403, staff=200)),
        Row("POST", "/api/v1/reviewer-applications/{application_id}/reject/", roles(403, staff=200)),
        Row("GET", "/api/v1/me/review-assignments/", signed_in_200),
        # Events
        Row("GET", "/api/v1/events/", public),
        Row("GET", "/api/v1/events/?upcoming=true&kind=training", public),
        Row("GET", "/api/v1/events/{event_id}/", public, values=published),
        Row("GET", "/api/v1/events/{event_id}/", everyone(404) | {"organizer": 200, "staff": 200}, values=draft),
        Row("GET", "/api/v1/events/{event_id}/ics", public, values=published),
        Row("GET", "/api/v1/events/{event_id}/ics", everyone(404) | {"organizer": 200, "staff": 200}, values=draft),
        Row(
            "POST",
            "/api/v1/events/",
            roles(403, organizer=201, staff=201),
            {
                "title": "A webinar",
                "kind": "webinar",
                "starts_at": "2030-01-10T10:00:00Z",
                "ends_at": "2030-01-10T11:00:00Z",
                "timezone": "UTC",
                "online_url": "https://meet.example.org/w",
            },
        ),
        Row(
            "PATCH",
            "/api/v1/events/{event_id}/",
            roles(404, organizer=200, staff=200),
            {"title": "Renamed"},
            values=draft,
        ),
        Row(
            "PATCH",
            "/api/v1/events/{event_id}/",
            roles(403, organizer=200, staff=200),
            {"title": "Renamed"},
            values=published,
        ),
        Row("POST", "/api/v1/events/{event_id}/publish/", roles(404, organizer=200, staff=200), values=draft),
        Row("POST", "/api/v1/events/{event_id}/cancel/", roles(403, organizer=200, staff=200), values=published),
        Row("GET", "/api/v1/events/{event_id}/invitations/", roles(403, organizer=200, staff=200), values=published),
        Row(
            "POST",
            "/api/v1/events/{event_id}/invitations/",
            roles(403, organizer=201, staff=201),
            {"usernames": ["user"]},
            values=published,
        ),
        Row("GET", "/api/v1/events/{event_id}/rsvp/", signed_in_200, values=published),
        Row("POST", "/api/v1/events/{event_id}/rsvp/", signed_in_200, {"response": "yes"}, values=published),
        Row(
            "POST",
            "/api/v1/events/{event_id}/rsvp/",
            roles(404, organizer=409, staff=409),
            {"response": "yes"},
            values=draft,
        ),
        Row("GET", "/api/v1/event-organizers/", roles(403, staff=200)),
        Row("POST", "/api/v1/event-organizers/", roles(403, staff=201), {"username": "user"}),
        Row("DELETE", "/api/v1/event-organizers/{username}/", roles(403, staff=204), values={"username": "organizer"}),
        Row("GET", "/api/v1/me/calendar-feed/", signed_in_200),
        Row("POST", "/api/v1/me/calendar-feed/reset/", signed_in_200),
        # Notifications
        Row("GET", "/api/v1/notifications/", signed_in_200),
        Row("GET", "/api/v1/notifications/?unread=true", signed_in_200),
        Row("POST", "/api/v1/notifications/{notification_id}/read/", roles(404)),
        Row("POST", "/api/v1/notifications/read-all/", signed_in_200),
        Row("GET", "/api/v1/me/subscriptions/", signed_in_200),
        Row("PUT", "/api/v1/me/subscriptions/", signed_in_200, {"objectives": ["6"], "regions": [], "kinds": []}),
        Row("GET", "/api/v1/me/notification-preferences/", signed_in_200),
        Row("PUT", "/api/v1/me/notification-preferences/", signed_in_200, {"email": "off", "muted_spaces": []}),
        # Data rights: each their own (the password confirms the deletion).
        Row("GET", "/api/v1/me/export/", signed_in_200),
        Row("DELETE", "/api/v1/me/", roles(204), {"password": PASSWORD}),
        # Questions to experts: the groups are public; only an asked expert replies privately.
        Row("GET", "/api/v1/expert-groups/", public),
        Row(
            "POST",
            "/api/v1/expert-questions/{question_id}/replies/",
            roles(404, expert=201),
            {"message": "Happy to help: write to me."},
        ),
        # Webhooks: staff for the whole Hub; a space's moderators for their space (the world's webhook
        # is the private space's). Others see none of them.
        Row("GET", "/api/v1/webhooks/", signed_in_200),
        Row(
            "POST",
            "/api/v1/webhooks/",
            roles(403, staff=201),
            {"url": "http://127.0.0.1:9/hook", "events": ["event.published"], "secret": "a secret of enough length"},
            note="the whole Hub's",
        ),
        Row(
            "POST",
            "/api/v1/webhooks/",
            # Naming a space one does not moderate is a field error, the same whether it exists or not.
            roles(400, moderator=201, staff=201),
            {
                "url": "http://127.0.0.1:9/hook",
                "events": ["message.new"],
                "space": "matrix-private",
                "secret": "a secret of enough length",
            },
            note="a space's",
        ),
        Row("GET", "/api/v1/webhooks/{webhook_id}/", roles(404, moderator=200, staff=200)),
        Row("PATCH", "/api/v1/webhooks/{webhook_id}/", roles(404, moderator=200, staff=200), {"active": False}),
        Row("DELETE", "/api/v1/webhooks/{webhook_id}/", roles(404, moderator=204, staff=204)),
        Row("GET", "/api/v1/webhooks/{webhook_id}/deliveries/", roles(404, moderator=200, staff=200)),
        Row(
            "POST",
            "/api/v1/webhooks/{webhook_id}/deliveries/{delivery_id}/redeliver/",
            roles(404, moderator=201, staff=201),
        ),
    ]
