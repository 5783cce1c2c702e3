"""Credentials sockets were opened with, so that revoking one closes its sockets.

A socket authenticated by an API token carries a *credential*, a string its app makes (accounts
uses the user id and a digest of the token, never the token itself, since it travels through
Redis). Revoking the token publishes a control envelope that every process acts on; since
envelopes are at-most-once, each process also asks the registered check, on its periodic access
re-check, which of its sockets' credentials are gone.
"""

from collections.abc import Callable

CredentialCheck = Callable[[set[str]], set[str]]  # credentials -> those no longer valid

_checks: list[CredentialCheck] = []


def register_credential_check(check: CredentialCheck) -> None:
    _checks.append(check)


def revoked_credentials(credentials: set[str]) -> set[str]:
    revoked: set[str] = set()
    for check in _checks:
        revoked |= check(credentials)
    return revoked
