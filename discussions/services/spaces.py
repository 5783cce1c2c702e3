"""Creating and changing spaces, membership, invitations, moderators and discussion questions."""

from typing import Any

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import User
from accounts.selectors import user_named
from discussions import payloads
from discussions.models import Ban, Invitation, Membership, ModerationAction, Space, Topic, in_force
from discussions.selectors.spaces import member_count
from discussions.services.access import MEMBER, MODERATOR, VISITOR, require_moderator, space_access_by_slug
from discussions.services.message_notifications import space_invitation_notify
from discussions.services.posting import PostResult, message_post
from discussions.streams import space_close_envelope, space_envelope, space_role_envelope
from gcm.models import Objective, Region
from hub.errors import ErrorCode, HubError
from realtime.codes import CloseCode
from realtime.publish import publish_on_commit

EDITABLE_FIELDS = (
    "name", "description", "visibility", "locked", "opens_at", "closes_at", "audience", "languages",
    "slow_mode_seconds", "summary",
)  # fmt: skip


def publish_space_updated(space: Space) -> None:
    frame = payloads.space_updated_frame(space, member_count=member_count(space))
    publish_on_commit(space_envelope(space.pk, frame))


def space_create(
    *, creator: User, slug: str, name: str, objective: str | None = None, region: str | None = None, **fields: Any
) -> Space:
    if not creator.is_staff:
        raise HubError(ErrorCode.FORBIDDEN, _("Only staff create spaces."))
    objective_row = Objective.objects.filter(key=objective).first() if objective else None
    if objective and objective_row is None:
        raise HubError(ErrorCode.INVALID, _("No objective %(key)s.") % {"key": objective})
    region_row = Region.objects.filter(slug=region).first() if region else None
    if region and region_row is None:
        raise HubError(ErrorCode.INVALID, _("No region %(slug)s.") % {"slug": region})
    try:
        with transaction.atomic():
            space = Space.objects.create(
                slug=slug, name=name, objective=objective_row, region=region_row, created_by=creator, **fields
            )
            Membership.objects.create(space=space, user=creator, role=Membership.Role.MODERATOR)
    except IntegrityError as error:
        raise HubError(ErrorCode.CONFLICT, _("A space with that slug already exists.")) from error
    return space


def space_update(*, slug: str, user: User, changes: dict[str, Any]) -> Space:
    """Moderators (and staff) change a space; locks, unlocks and summaries go to the moderation log."""
    with transaction.atomic():
        access = space_access_by_slug(slug=slug, user=user, lock=True)
        require_moderator(access)
        space = access.space
        changed = {
            field: value
            for field, value in changes.items()
            if field in EDITABLE_FIELDS and getattr(space, field) != value
        }
        if not changed:
            return space
        for field, value in changed.items():
            setattr(space, field, value)
        space.save(update_fields=list(changed))
        for field in changed:
            kind = _logged_kind(field, space)
            ModerationAction.objects.create(
                space=space, actor=user, kind=kind, details={"field": field, "value": _jsonable(changed[field])}
            )
        publish_space_updated(space)
    return space


def _logged_kind(field: str, space: Space) -> str:
    if field == "locked":
        return ModerationAction.Kind.LOCK if space.locked else ModerationAction.Kind.UNLOCK
    if field == "summary":
        return ModerationAction.Kind.PUBLISH_SUMMARY
    return ModerationAction.Kind.UPDATE_SPACE


def _jsonable(value: Any) -> Any:
    return payloads.iso(value) if hasattr(value, "isoformat") else value


def space_join(*, slug: str, user: User) -> Membership:
    """Join a public space, or a private one the user is invited to (or staff).

    A private space is never revealed to someone outside it: without an invitation the answer is
    the 404 of a space that does not exist, banned or not. A ban answers 403 only to those who
    know the space anyway (a public space, a member, an invitee).
    """
    with transaction.atomic():
        space = Space.objects.select_for_update(of=("self",)).order_by().filter(slug=slug).first()
        if space is None:
            raise HubError(ErrorCode.NOT_FOUND, _("No such space."))
        existing = Membership.objects.filter(space=space, user=user).first()
        invitation = None
        if existing is None and space.is_private and not user.is_staff:
            invitation = Invitation.objects.filter(space=space, user=user).first()
            if invitation is None:
                raise HubError(ErrorCode.NOT_FOUND, _("No such space."))
        if Ban.objects.filter(in_force(timezone.now()), space=space, user=user).exists():
            raise HubError(ErrorCode.FORBIDDEN, _("You are banned from this space."))
        if existing is not None:
            return existing
        if invitation is not None:
            invitation.accepted_at = timezone.now()
            invitation.save(update_fields=["accepted_at"])
        membership = Membership.objects.create(space=space, user=user)
        if not user.is_staff:  # staff moderate everywhere already
            # Before member.joined, so that a socket that sees it may already act as a member.
            publish_on_commit(space_role_envelope(space.pk, user.pk, MEMBER))
        publish_on_commit(space_envelope(space.pk, payloads.member_frame(user.username, joined=True)))
    return membership


def space_leave(*, slug: str, user: User) -> None:
    """Leaving a private space also closes the user's sockets there: they may no longer read it."""
    with transaction.atomic():
        deleted, _rows = Membership.objects.filter(space__slug=slug, user=user).delete()
        if not deleted:
            raise HubError(ErrorCode.NOT_MEMBER, _("You are not a member of this space."))
        space_id, visibility = Space.objects.filter(slug=slug).values_list("pk", "visibility").get()
        publish_on_commit(space_envelope(space_id, payloads.member_frame(user.username, joined=False)))
        if user.is_staff:
            return
        if visibility == Space.Visibility.PRIVATE:
            publish_on_commit(space_close_envelope(space_id, user.pk, CloseCode.NOT_FOUND))
        else:
            publish_on_commit(space_role_envelope(space_id, user.pk, VISITOR))


def invitation_create(*, slug: str, moderator: User, username: str) -> Invitation:
    with transaction.atomic():
        access = space_access_by_slug(slug=slug, user=moderator)
        require_moderator(access)
        invitee = user_named(username)
        invitation, created = Invitation.objects.get_or_create(
            space=access.space, user=invitee, defaults={"invited_by": moderator}
        )
        if created:
            ModerationAction.objects.create(
                space=access.space, actor=moderator, kind=ModerationAction.Kind.INVITE, target_user=invitee
            )
            space_invitation_notify(invitation=invitation, moderator=moderator)
    return invitation


def moderator_set(*, slug: str, staff: User, username: str, moderator: bool) -> None:
    if not staff.is_staff:
        raise HubError(ErrorCode.FORBIDDEN, _("Only staff appoint moderators."))
    with transaction.atomic():
        access = space_access_by_slug(slug=slug, user=staff)
        target = user_named(username)
        if moderator:
            Membership.objects.update_or_create(
                space=access.space, user=target, defaults={"role": Membership.Role.MODERATOR}
            )
        else:
            updated = Membership.objects.filter(space=access.space, user=target, role=Membership.Role.MODERATOR).update(
                role=Membership.Role.MEMBER
            )
            if not updated:
                raise HubError(ErrorCode.NOT_FOUND, _("%(name)s is not a moderator here.") % {"name": username})
        kind = ModerationAction.Kind.ADD_MODERATOR if moderator else ModerationAction.Kind.REMOVE_MODERATOR
        ModerationAction.objects.create(space=access.space, actor=staff, kind=kind, target_user=target)
        if not target.is_staff:  # staff keep moderating every space
            # A demoted moderator's sockets stop receiving moderator-only frames at once.
            role = MODERATOR if moderator else MEMBER
            publish_on_commit(space_role_envelope(access.space.pk, target.pk, role))


def question_pose(*, slug: str, moderator: User, title: str, body: str) -> PostResult:
    """A discussion question: a topic marked as a question, opened by the moderator's message."""
    with transaction.atomic():
        access = space_access_by_slug(slug=slug, user=moderator, lock=True)
        require_moderator(access)
        topic, created = Topic.objects.get_or_create(
            space=access.space, name=title, defaults={"is_question": True, "body": body, "created_by": moderator}
        )
        if not created:
            if topic.is_question:
                raise HubError(ErrorCode.CONFLICT, _("That question has already been posed."))
            topic.is_question, topic.body = True, body
            topic.save(update_fields=["is_question", "body"])
        ModerationAction.objects.create(
            space=access.space, actor=moderator, kind=ModerationAction.Kind.POSE_QUESTION, details={"title": title}
        )
        return message_post(slug=slug, author=moderator, body=f"**{title}**\n\n{body}", topic=title)
