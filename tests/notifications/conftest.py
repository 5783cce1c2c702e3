import pytest

from tests.notifications.smtp import smtp_server  # noqa: F401  (the fixture, for every test here)


@pytest.fixture
async def fanout_cleanup():
    """Stops this test's fan-out (its event loop ends with the test)."""
    yield
    from realtime.fanout import fanout_shutdown

    await fanout_shutdown()
