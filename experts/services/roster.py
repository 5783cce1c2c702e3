"""The Peer Review Roster: applying to join it, and staff deciding on the applications."""

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import User
from experts.models import Reviewer, ReviewerApplication
from experts.selectors.review import is_on_roster, pending_application_exists
from hub.errors import ErrorCode, HubError


def reviewer_apply(*, user: User, motivation: str, objectives: list[str]) -> ReviewerApplication:
    """Apply to join the roster: 409 for someone already on it, or with an application still pending.

    Two applications sent at once cannot both stay pending: the partial unique constraint
    ``one_pending_reviewer_application`` refuses the second insert, which answers 409 too.
    """
    if is_on_roster(user):
        raise HubError(ErrorCode.CONFLICT, _("You are on the Peer Review Roster already."))
    if pending_application_exists(user):
        raise HubError(ErrorCode.CONFLICT, _("Your application to the roster is waiting for a decision."))
    try:
        with transaction.atomic():
            return ReviewerApplication.objects.create(user=user, motivation=motivation, objectives=objectives)
    except IntegrityError as error:
        raise HubError(ErrorCode.CONFLICT, _("Your application to the roster is waiting for a decision.")) from error


def reviewer_application_approve(*, staff: User, application_id: int) -> ReviewerApplication:
    """Staff approve a pending application: its author joins the roster with the objectives they named.

    Locks the application row, so that two staff deciding at once decide once (the second gets 409).
    """
    with transaction.atomic():
        application = _pending_application_locked(staff=staff, application_id=application_id)
        Reviewer.objects.update_or_create(user=application.user, defaults={"objectives": application.objectives})
        _decide(application, staff=staff, status=ReviewerApplication.Status.APPROVED)
    return application


def reviewer_application_reject(*, staff: User, application_id: int) -> ReviewerApplication:
    """Staff turn down a pending application; its author may apply again. Locks the application row."""
    with transaction.atomic():
        application = _pending_application_locked(staff=staff, application_id=application_id)
        _decide(application, staff=staff, status=ReviewerApplication.Status.REJECTED)
    return application


def _pending_application_locked(*, staff: User, application_id: int) -> ReviewerApplication:
    """Precondition: inside ``transaction.atomic``. 403 for non-staff, 404, or 409 once decided."""
    if not staff.is_staff:
        raise HubError(ErrorCode.FORBIDDEN, _("Only staff decide on roster applications."))
    application = (
        ReviewerApplication.objects.select_for_update(of=("self",))
        .select_related("user")
        .filter(pk=application_id)
        .first()
    )
    if application is None:
        raise HubError(ErrorCode.NOT_FOUND, _("No such application."))
    if application.status != ReviewerApplication.Status.PENDING:
        raise HubError(ErrorCode.CONFLICT, _("This application has been decided already."))
    return application


def _decide(application: ReviewerApplication, *, staff: User, status: ReviewerApplication.Status) -> None:
    application.status = status
    application.decided_by = staff
    application.decided_at = timezone.now()
    application.save(update_fields=["status", "decided_by", "decided_at"])
