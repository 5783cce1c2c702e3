"""Who is online in a space, a page at a time: the rest of what a socket's ``hello`` begins.

``hello`` names the first ``payloads.HELLO_ONLINE_PAGE`` users online (by username) and the
count; ``GET /api/v1/spaces/{slug}/online/`` pages the same sorted list, so that a client in a
crowded space reads the rest when it wants it rather than every socket being sent all of it.
"""

from dataclasses import dataclass

from accounts.models import User
from discussions.models import Space
from discussions.streams import space_group
from hub.pagination import PageRequest
from realtime.presence import online_usernames


@dataclass(frozen=True)
class OnlineUser:
    username: str
    display_name: str


def online_page(space: Space, page: PageRequest) -> tuple[int, list[OnlineUser]]:
    """How many users are online in the space, and the page asked for (sorted by username), with
    display names in one query."""
    usernames = sorted(online_usernames(space_group(space.pk)))
    wanted = usernames[page.offset : page.offset + page.size]
    names = dict(User.objects.filter(username__in=wanted).values_list("username", "display_name"))
    return len(usernames), [OnlineUser(username, names.get(username) or username) for username in wanted]
