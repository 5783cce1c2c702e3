"""Output shapes of the discussion API for the OpenAPI document (responses are built in ``payloads``).

The test suite checks every response it receives against these shapes (``tests/rest_contract.py``).
"""

from drf_spectacular.utils import OpenApiParameter
from rest_framework import serializers

from discussions.models import Membership, ModerationAction, Report, Space

# For views that page by hand (``api._paginated``): generic list views get it from DRF.
PAGE = OpenApiParameter("page", int, description="A page number within the paginated result set (from 1).")


class AuthorOut(serializers.Serializer[None]):
    id = serializers.IntegerField()
    username = serializers.CharField()
    display_name = serializers.CharField()


class SpaceOut(serializers.Serializer[None]):
    slug = serializers.SlugField()
    name = serializers.CharField()
    description = serializers.CharField()
    kind = serializers.ChoiceField(choices=Space.Kind.choices)
    objective = serializers.CharField(allow_null=True)
    region = serializers.CharField(allow_null=True)
    visibility = serializers.ChoiceField(choices=Space.Visibility.choices)
    locked = serializers.BooleanField()
    opens_at = serializers.DateTimeField(allow_null=True)
    closes_at = serializers.DateTimeField(allow_null=True)
    audience = serializers.CharField()
    languages = serializers.ListField(child=serializers.CharField())
    slow_mode_seconds = serializers.IntegerField()
    summary = serializers.CharField()
    member_count = serializers.IntegerField()
    last_seq = serializers.IntegerField()
    created_at = serializers.DateTimeField()


class MessageOut(serializers.Serializer[None]):
    id = serializers.IntegerField()
    seq = serializers.IntegerField()
    space = serializers.SlugField()
    topic = serializers.CharField(allow_null=True)
    author = AuthorOut()
    body = serializers.CharField()
    html = serializers.CharField()
    reply_to = serializers.IntegerField(allow_null=True)
    client_id = serializers.CharField(allow_null=True)
    mentions = serializers.ListField(child=serializers.CharField())
    reactions = serializers.DictField(child=serializers.IntegerField())
    pinned = serializers.BooleanField()
    created_at = serializers.DateTimeField()
    edited_at = serializers.DateTimeField(allow_null=True)
    deleted = serializers.BooleanField()


class MessageListOut(serializers.Serializer[None]):
    results = MessageOut(many=True)
    last_seq = serializers.IntegerField()


class TopicOut(serializers.Serializer[None]):
    name = serializers.CharField()
    question = serializers.BooleanField()
    body = serializers.CharField()
    message_count = serializers.IntegerField()
    last_seq = serializers.IntegerField(allow_null=True)


class MemberOut(serializers.Serializer[None]):
    username = serializers.CharField()
    display_name = serializers.CharField()
    role = serializers.ChoiceField(choices=Membership.Role.choices)
    online = serializers.BooleanField()


class OnlineUserOut(serializers.Serializer[None]):
    username = serializers.CharField()
    display_name = serializers.CharField()


PAGE_SIZE = OpenApiParameter("page_size", int, description="Items per page (at most 100; 100 by default).")


class ReportOut(serializers.Serializer[None]):
    id = serializers.IntegerField()
    message = MessageOut()
    reason = serializers.CharField()
    reporter = serializers.CharField()
    status = serializers.ChoiceField(choices=Report.Status.choices)
    created_at = serializers.DateTimeField()


class ModerationActionOut(serializers.Serializer[None]):
    id = serializers.IntegerField()
    action = serializers.ChoiceField(choices=ModerationAction.Kind.choices)
    actor = serializers.CharField(allow_null=True)
    target = serializers.CharField(allow_null=True)
    message_seq = serializers.IntegerField(allow_null=True)
    reason = serializers.CharField()
    details = serializers.DictField()
    created_at = serializers.DateTimeField()


class RevisionListOut(serializers.Serializer[None]):
    class RevisionOut(serializers.Serializer[None]):
        body = serializers.CharField()
        replaced_at = serializers.DateTimeField()
        replaced_by = serializers.CharField(allow_null=True)

    results = RevisionOut(many=True)


class ReactionsOut(serializers.Serializer[None]):
    seq = serializers.IntegerField()
    reactions = serializers.DictField(child=serializers.IntegerField())


class RestrictionOut(serializers.Serializer[None]):
    username = serializers.CharField()
    reason = serializers.CharField()
    expires_at = serializers.DateTimeField(allow_null=True)


class MembershipOut(serializers.Serializer[None]):
    space = serializers.SlugField()
    role = serializers.ChoiceField(choices=Membership.Role.choices)


class ModeratorOut(serializers.Serializer[None]):
    username = serializers.CharField()
    role = serializers.ChoiceField(choices=Membership.Role.choices)


class InvitationOut(serializers.Serializer[None]):
    space = serializers.SlugField()
    username = serializers.CharField()
    created_at = serializers.DateTimeField()


class ReportCreatedOut(serializers.Serializer[None]):
    id = serializers.IntegerField()
    status = serializers.ChoiceField(choices=Report.Status.choices)


class ReadOut(serializers.Serializer[None]):
    last_read_seq = serializers.IntegerField()


def paginated(item: type[serializers.Serializer[None]]) -> type[serializers.Serializer[None]]:
    return type(
        f"Paginated{item.__name__}",
        (serializers.Serializer,),
        {
            "count": serializers.IntegerField(),
            "next": serializers.URLField(allow_null=True),
            "previous": serializers.URLField(allow_null=True),
            "results": item(many=True),
        },
    )
