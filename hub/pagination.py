"""Page links for lists that are not a queryset DRF pages itself (a search engine's page of results).

The shape is the contract's: ``{"count", "next", "previous", "results"}`` plus whatever the list
adds (``facets``); ``?page=`` from 1, ``?page_size=`` up to ``max_page_size``.
"""

from dataclasses import dataclass
from typing import Any

from rest_framework.pagination import PageNumberPagination
from rest_framework.request import Request
from rest_framework.utils.urls import remove_query_param, replace_query_param

from hub.errors import ErrorCode, HubError

# DRF's own words (and its translations) for a page that does not exist.
INVALID_PAGE = PageNumberPagination.invalid_page_message


@dataclass(frozen=True)
class PageRequest:
    number: int
    size: int

    @property
    def offset(self) -> int:
        return (self.number - 1) * self.size


def page_request(request: Request, *, default_size: int = 20, max_size: int = 100) -> PageRequest:
    """The page asked for; 404 (DRF's answer for a bad page) when ``page`` is not a positive number."""
    try:
        number = int(request.query_params.get("page", "1"))
        size = int(request.query_params.get("page_size", str(default_size)))
    except ValueError:
        raise HubError(ErrorCode.NOT_FOUND, str(INVALID_PAGE)) from None
    if number < 1 or size < 1:
        raise HubError(ErrorCode.NOT_FOUND, str(INVALID_PAGE))
    return PageRequest(number=number, size=min(size, max_size))


def page_body(request: Request, page: PageRequest, *, count: int, results: list[Any], **extra: Any) -> dict[str, Any]:
    """The paginated body; 404 for a page past the end (as DRF's ``PageNumberPagination``)."""
    if page.number > 1 and page.offset >= count:
        raise HubError(ErrorCode.NOT_FOUND, str(INVALID_PAGE))
    url = request.build_absolute_uri()
    following = replace_query_param(url, "page", page.number + 1) if page.offset + page.size < count else None
    if page.number == 1:
        preceding = None
    elif page.number == 2:
        preceding = remove_query_param(url, "page")
    else:
        preceding = replace_query_param(url, "page", page.number - 1)
    return {"count": count, "next": following, "previous": preceding, "results": results, **extra}
