"""Pages: the spaces list and a space's live page (readable without JavaScript)."""

from itertools import groupby

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from accounts.callers import AuthenticatedHttpRequest
from discussions import selectors
from discussions.models import Membership
from discussions.services.access import space_access_by_slug
from discussions.services.spaces import space_join, space_leave
from hub.errors import HubError

PAGE_SIZE = 50


@require_GET
def space_list(request: HttpRequest) -> HttpResponse:
    spaces = list(selectors.spaces_visible_to(request.user).order_by("objective__position", "name"))
    read_up_to = {}
    if request.user.is_authenticated:
        read_up_to = dict(Membership.objects.filter(user=request.user).values_list("space_id", "last_read_seq"))
    for space in spaces:
        # For the template only; not a field of the model.
        space.unread = space.last_seq - read_up_to[space.pk] if space.pk in read_up_to else None  # type: ignore[attr-defined]
    groups = [(objective, list(rows)) for objective, rows in groupby(spaces, key=lambda space: space.objective)]
    return render(request, "discussions/space_list.html", {"groups": groups})


@require_GET
def space_page(request: HttpRequest, slug: str) -> HttpResponse:
    try:
        access = space_access_by_slug(slug=slug, user=request.user)
    except HubError as error:
        return render(request, "discussions/space_unavailable.html", {"error": error}, status=error.status)
    space = access.space
    recent = selectors.newest_messages(space, PAGE_SIZE)
    last_read_seq = access.membership.last_read_seq if access.membership else space.last_seq
    context = {
        "space": space,
        "access": access,
        "history": recent,
        "pinned": list(selectors.messages_with_authors().filter(space=space, pinned=True, deleted=False)),
        "is_open": space.is_open_at(timezone.now()),
        "last_read_seq": last_read_seq,
        # What the page's script starts from; it resumes the socket after the last rendered seq.
        "page_config": {
            "slug": space.slug,
            "me": request.user.username if request.user.is_authenticated else None,
            "role": access.role,
            "lastReadSeq": last_read_seq,
            "lastSeq": recent[-1].seq if recent else 0,
            "firstSeq": recent[0].seq if recent else 0,
            "locked": space.locked,
        },
    }
    return render(request, "discussions/space_page.html", context)


@login_required
@require_POST
def space_join_page(request: AuthenticatedHttpRequest, slug: str) -> HttpResponse:
    try:
        space_join(slug=slug, user=request.user)
    except HubError as error:
        messages.error(request, error.detail)
    return redirect("discussions:space", slug=slug)


@login_required
@require_POST
def space_leave_page(request: AuthenticatedHttpRequest, slug: str) -> HttpResponse:
    try:
        space_leave(slug=slug, user=request.user)
        messages.info(request, _("You left the space."))
    except HubError as error:
        messages.error(request, error.detail)
    return redirect("discussions:space-list")
