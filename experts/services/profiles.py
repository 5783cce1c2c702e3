"""Creating and changing expert profiles.

A user has at most one profile (``Expert.user`` is one-to-one). Staff also keep profiles for
other users and for people without an account (imported from a roster): those have no owner
but staff, and contacts to them are relayed by email only.
"""

from typing import Any

from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from accounts.models import User
from accounts.selectors import user_named
from experts.models import Expert
from experts.selectors.experts import expert_editable_by
from hub.errors import ErrorCode, HubError

BIO_MAX = 5_000
KEYWORDS_MAX = 30
KEYWORD_MAX_CHARS = 60

# What ``expert_update`` changes; anything else in ``changes`` is ignored.
EDITABLE_FIELDS = (
    "name", "title", "organization", "bio", "email", "profile_language", "objectives", "principles", "regions",
    "countries", "languages", "keywords", "available_for", "accepts_contact", "verified",
)  # fmt: skip


def expert_create(
    *,
    creator: User,
    username: str | None = None,
    without_account: bool = False,
    email: str | None = None,
    verified: bool = False,
    **fields: Any,
) -> Expert:
    """Create a profile: the creator's own (``username`` None or theirs), or, by staff only, the
    profile of the user named ``username`` or (``without_account``) of a person with no account.

    ``email`` defaults to the owner's account address. Only staff create a profile ``verified``.
    A second profile for the same user is 409 ``conflict``. ``fields`` are the model's editable
    fields, already validated (``experts.serializers.experts.ExpertCreateSerializer``).
    """
    if verified and not creator.is_staff:
        raise HubError(ErrorCode.FORBIDDEN, _("Only staff verify experts."))
    owner: User | None
    if without_account:
        if not creator.is_staff:
            raise HubError(ErrorCode.FORBIDDEN, _("Only staff create profiles for people without an account."))
        owner = None
    elif username is None or username.casefold() == creator.username.casefold():
        owner = creator
    else:
        if not creator.is_staff:
            raise HubError(ErrorCode.FORBIDDEN, _("Only staff create profiles for other people."))
        try:
            owner = user_named(username)
        except HubError as error:
            raise HubError(ErrorCode.INVALID, error.detail) from None
    contact_email = email or (owner.email if owner is not None else "")
    if not contact_email:
        raise HubError(ErrorCode.INVALID, _("An expert needs an email address that contacts are relayed to."))
    try:
        with transaction.atomic():
            # The one-to-one's unique index refuses a second profile, two racing creations included.
            expert = Expert.objects.create(user=owner, email=contact_email, verified=verified, **fields)
    except IntegrityError:
        raise HubError(ErrorCode.CONFLICT, _("This person already has an expert profile.")) from None
    return expert


def expert_update(*, expert_id: int, user: User, changes: dict[str, Any]) -> Expert:
    """The owner or staff change a profile (others: 403); only staff change ``verified``.

    A ``verified`` equal to the current value is no change, so a client may send back the
    profile it read. ``changes`` are already validated (``ExpertChangeSerializer``).
    """
    with transaction.atomic():
        expert = Expert.objects.select_for_update(of=("self",)).select_related("user").filter(pk=expert_id).first()
        if expert is None:
            raise HubError(ErrorCode.NOT_FOUND, _("No such expert."))
        if not expert_editable_by(expert, user):
            raise HubError(ErrorCode.FORBIDDEN, _("Only the expert and staff change this profile."))
        changed = {
            field: value
            for field, value in changes.items()
            if field in EDITABLE_FIELDS and getattr(expert, field) != value
        }
        if "verified" in changed and not user.is_staff:
            raise HubError(ErrorCode.FORBIDDEN, _("Only staff verify experts."))
        if changed:
            for field, value in changed.items():
                setattr(expert, field, value)
            expert.save(update_fields=[*changed, "updated_at"])
    return expert
