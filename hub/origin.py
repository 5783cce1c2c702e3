"""WebSocket origin checks against ALLOWED_HOSTS."""

from urllib.parse import ParseResult

from channels.security.websocket import OriginValidator
from django.conf import settings


class _BrowserOriginValidator(OriginValidator):
    # Channels refuses a handshake without an Origin header. Only browsers carry ambient
    # credentials (cookies) across sites, and browsers always send Origin, so a missing Origin
    # means a native client or script authenticating with a token: let it through.
    def valid_origin(self, parsed_origin: ParseResult | None) -> bool:
        return parsed_origin is None or self.validate_origin(parsed_origin)


def AllowedOriginValidator(application):
    """Refuse WebSocket handshakes whose Origin is not one of ALLOWED_HOSTS (403 on the handshake)."""
    allowed_hosts = settings.ALLOWED_HOSTS
    if settings.DEBUG and not allowed_hosts:
        allowed_hosts = ["localhost", "127.0.0.1", "[::1]"]
    return _BrowserOriginValidator(application, allowed_hosts)
