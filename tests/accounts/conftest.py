"""Fixtures the accounts tests share with other packages (pytest finds fixtures by the names a conftest holds)."""

from tests.notifications.smtp import smtp_server  # noqa: F401
