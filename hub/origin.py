"""WebSocket origin checks against ALLOWED_HOSTS."""

from typing import TYPE_CHECKING
from urllib.parse import ParseResult

from channels.security.websocket import OriginValidator
from django.conf import settings

if TYPE_CHECKING:
    from channels.utils import _ChannelApplication


class AllowedOriginValidator(OriginValidator):
    """Refuse WebSocket handshakes whose Origin is not one of ALLOWED_HOSTS (403 on the handshake).

    Like Channels' ``AllowedHostsOriginValidator``, with two differences: ALLOWED_HOSTS is read
    at each handshake (so it follows settings changes), and a handshake *without* an Origin
    header passes. Only browsers carry ambient credentials (cookies) across sites, and browsers
    always send Origin; a missing Origin means a native client or script using a token.
    """

    def __init__(self, application: "_ChannelApplication") -> None:
        super().__init__(application, allowed_origins=[])

    def valid_origin(self, parsed_origin: ParseResult | None) -> bool:
        return parsed_origin is None or self.validate_origin(parsed_origin)

    def validate_origin(self, parsed_origin: ParseResult | None) -> bool:
        allowed_hosts = settings.ALLOWED_HOSTS
        if settings.DEBUG and not allowed_hosts:
            allowed_hosts = ["localhost", "127.0.0.1", "[::1]"]
        return any(pattern == "*" or self.match_allowed_origin(parsed_origin, pattern) for pattern in allowed_hosts)
