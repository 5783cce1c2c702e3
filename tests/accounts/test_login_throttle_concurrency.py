"""A burst of parallel guesses cannot slip more than the limit past the throttle."""

from concurrent.futures import ThreadPoolExecutor

import pytest
from django.db import connection

from accounts.services import user_authenticate
from hub.errors import HubError

pytestmark = [pytest.mark.services, pytest.mark.django_db(transaction=True)]


def test_parallel_wrong_guesses_get_at_most_the_limit_checked(user, settings):
    def guess(_):
        try:
            return "checked" if user_authenticate(request=None, username=user.username, password="x") is None else "in"
        except HubError as error:
            return error.status
        finally:
            connection.close()

    with ThreadPoolExecutor(max_workers=12) as pool:
        outcomes = list(pool.map(guess, range(12)))
    assert outcomes.count("checked") <= settings.LOGIN_FAILURE_LIMIT
    assert outcomes.count(429) >= 12 - settings.LOGIN_FAILURE_LIMIT
    assert "in" not in outcomes
