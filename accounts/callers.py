"""Who calls a service or a view: a ``User``, or nobody logged in (``AnonymousUser``).

Views that only authenticated users reach annotate ``request: AuthenticatedRequest`` (DRF) or
``AuthenticatedHttpRequest`` (pages): their ``user`` is a ``User``. The permission classes
(``IsAuthenticated``, or ``IsAuthenticatedOrReadOnly`` for unsafe methods) or ``login_required``
guarantee it before the handler runs; the type checker cannot follow that, so the handler states
it (django-stubs' documented pattern). These request classes are annotations only.
"""

from typing import TypeAlias

from django.contrib.auth.models import AnonymousUser
from django.http import HttpRequest
from rest_framework.request import Request

from accounts.models import User

Caller: TypeAlias = User | AnonymousUser


class AuthenticatedRequest(Request):
    user: User


class AuthenticatedHttpRequest(HttpRequest):
    user: User
