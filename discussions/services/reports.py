"""Reports: a member flags a message; the space's moderators are told at once (``report.new``)."""

from django.db import transaction
from django.utils.translation import gettext as _

from accounts.models import User
from discussions import payloads
from discussions.models import Report
from discussions.services.access import MODERATOR, require_member
from discussions.services.editing import message_for_change
from discussions.streams import space_envelope
from hub.errors import ErrorCode, HubError
from realtime.publish import publish_on_commit


def report_create(*, message_id: int, user: User, reason: str) -> Report:
    if not reason.strip() or len(reason) > 2000:
        raise HubError(ErrorCode.INVALID, _("Say why, in at most 2000 characters."))
    with transaction.atomic():
        message, access = message_for_change(message_id=message_id, user=user)
        require_member(access)
        report, created = Report.objects.get_or_create(message=message, reporter=user, defaults={"reason": reason})
        if created:
            publish_on_commit(space_envelope(message.space_id, payloads.report_frame(report), roles=[MODERATOR]))
    return report
