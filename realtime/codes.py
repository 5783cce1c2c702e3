"""WebSocket close codes of every Hub socket, defined once (the contract: PROTOCOL.md)."""

from enum import IntEnum


class CloseCode(IntEnum):
    TRY_AGAIN_LATER = 1013  # the database is away at the handshake; reconnect later with ?after=
    RESYNC = 4008  # the socket fell too far behind; reconnect with ?after=<last seq seen>
    UNAUTHENTICATED = 4401  # no credentials, or they were revoked
    FORBIDDEN = 4403  # e.g. banned
    NOT_FOUND = 4404  # no such stream, or one the user may not know exists
