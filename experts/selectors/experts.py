"""Reads of expert profiles and of the contacts relayed to them. Querysets come with what their
callers serialize already joined (the owner's username, each contact's sender)."""

from datetime import timedelta

from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.callers import Caller
from experts.contact_opt_out import contact_opt_out_expert_id
from experts.models import Expert, ExpertContact
from hub.errors import ErrorCode, HubError


def experts_with_owners() -> QuerySet[Expert]:
    return Expert.objects.select_related("user")


def expert_by_id(expert_id: int) -> Expert:
    """The profile (with its owner); 404 ``not_found`` otherwise. Profiles are public."""
    expert = experts_with_owners().filter(pk=expert_id).first()
    if expert is None:
        raise HubError(ErrorCode.NOT_FOUND, _("No such expert."))
    return expert


def expert_editable_by(expert: Expert, user: Caller) -> bool:
    """The owner of the profile and staff change it and read the contacts it received."""
    return user.is_authenticated and (user.is_staff or (expert.user_id is not None and expert.user_id == user.pk))


def contacts_of_expert(*, expert_id: int, user: Caller) -> QuerySet[ExpertContact]:
    """The contacts relayed to an expert, newest first, for its owner and staff.

    Anyone else gets the 404 of a profile that does not exist, so that nobody can probe whether
    an expert has been written to.
    """
    expert = expert_by_id(expert_id)
    if not expert_editable_by(expert, user):
        raise HubError(ErrorCode.NOT_FOUND, _("No such expert."))
    return ExpertContact.objects.filter(expert=expert).select_related("sender").order_by("-created_at", "-pk")


def unrelayed_contact_ids(*, older_than: timedelta, newer_than: timedelta) -> list[int]:
    """Contacts whose relay nobody claimed between ``newer_than`` and ``older_than`` ago: their task
    was lost (the broker was down when the contact committed) or gave up."""
    now = timezone.now()
    return list(
        ExpertContact.objects.filter(relayed_at=None, created_at__lt=now - older_than, created_at__gt=now - newer_than)
        .order_by("pk")
        .values_list("pk", flat=True)
    )


def expert_by_opt_out_token(token: str) -> Expert | None:
    """The profile a relay's opt-out link names (``experts.contact_opt_out``), or None."""
    expert_id = contact_opt_out_expert_id(token)
    return experts_with_owners().filter(pk=expert_id).first() if expert_id is not None else None
