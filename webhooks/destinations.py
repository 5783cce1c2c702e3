"""Where a webhook may send (SSRF protection): refused addresses, resolved once and pinned.

A webhook URL is chosen by a user, and the Hub's workers sit inside a network with databases,
caches and a cloud provider's metadata service. So a destination is checked at registration and
again at every send: the host name is resolved once, *every* address it resolves to must be
public, and the connection is then made to one of those checked addresses (``webhooks.sending``
pins it), never by resolving the name a second time — a DNS answer that changes between the check
and the connection ("DNS rebinding") cannot move the request inside. Redirects are not followed
(GitHub's hooks do not follow them either): a 3xx is a failed attempt.

Refused (unless ``settings.WEBHOOK_ALLOW_PRIVATE``): private (RFC 1918), loopback, link-local,
carrier-grade NAT (100.64.0.0/10), unique-local IPv6 (fc00::/7), multicast, unspecified, reserved
and other non-global ranges, and the cloud-metadata addresses by name; an IPv4-mapped IPv6 address
is judged as its IPv4 address.
"""

import ipaddress
import socket
from dataclasses import dataclass
from urllib.parse import urlsplit

from django.conf import settings
from django.utils.translation import gettext as _

IPAddress = ipaddress.IPv4Address | ipaddress.IPv6Address

CLOUD_METADATA = frozenset(
    {
        ipaddress.ip_address("169.254.169.254"),
        ipaddress.ip_address("fd00:ec2::254"),
        ipaddress.ip_address("100.100.100.200"),
    }
)
CARRIER_GRADE_NAT = ipaddress.ip_network("100.64.0.0/10")
UNIQUE_LOCAL = ipaddress.ip_network("fc00::/7")
SCHEMES = {"http": 80, "https": 443}


class DestinationRefused(Exception):
    """The URL may not be sent to; ``str()`` says why, for people."""


@dataclass(frozen=True)
class Destination:
    scheme: str
    host: str  # the name as written (the Host header and the TLS server name)
    port: int
    target: str  # path and query, what the request line asks for
    addresses: tuple[IPAddress, ...]  # every address the name resolved to, all checked


def address_refusal(address: IPAddress) -> str | None:
    """Why ``address`` is no destination for a webhook, or None if it is a public address."""
    if isinstance(address, ipaddress.IPv6Address) and address.ipv4_mapped is not None:
        address = address.ipv4_mapped
    if address in CLOUD_METADATA:
        return _("a cloud metadata address")
    if address.is_unspecified:
        return _("an unspecified address")
    if address.is_loopback:
        return _("a loopback address")
    if address.is_link_local:
        return _("a link-local address")
    if address.is_multicast:
        return _("a multicast address")
    if address.version == 4 and address in CARRIER_GRADE_NAT:
        return _("a carrier-grade NAT address")
    if address.version == 6 and address in UNIQUE_LOCAL:
        return _("a unique-local address")
    if address.is_reserved:
        return _("a reserved address")
    if address.is_private:
        return _("a private address")
    if not address.is_global:
        return _("not a public address")
    return None


def resolve(host: str, port: int) -> tuple[IPAddress, ...]:
    """Every address ``host`` resolves to (an address literal resolves to itself); raises ``OSError``."""
    infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    found: list[IPAddress] = []
    for _family, _type, _proto, _canonical, sockaddr in infos:
        address = ipaddress.ip_address(str(sockaddr[0]).split("%", 1)[0])  # drop an IPv6 zone id
        if address not in found:
            found.append(address)
    return tuple(found)


def url_problem(url: str) -> str | None:
    """What is wrong with the URL's form alone (no DNS), or None."""
    try:
        parts = urlsplit(url)
        port = parts.port  # raises ValueError for a port out of range
    except ValueError:
        return _("Not a valid URL.")
    if port == 0:
        return _("Not a valid URL.")
    if parts.scheme not in SCHEMES:
        return _("Only http and https URLs can receive webhooks.")
    if not parts.hostname:
        return _("The URL needs a host.")
    if parts.username is not None or parts.password is not None:
        return _("Put no user name or password in the URL: the signature authenticates the Hub.")
    return None


def destination_checked(url: str, *, allow_private: bool | None = None) -> Destination:
    """Parse, resolve and check ``url``; raises ``DestinationRefused`` saying why it may not be used."""
    problem = url_problem(url)
    if problem is not None:
        raise DestinationRefused(problem)
    parts = urlsplit(url)
    host = parts.hostname or ""
    port = parts.port if parts.port is not None else SCHEMES[parts.scheme]
    try:
        addresses = resolve(host, port)
    except (OSError, UnicodeError) as error:
        raise DestinationRefused(_("The host %(host)s could not be resolved.") % {"host": host}) from error
    if not addresses:
        raise DestinationRefused(_("The host %(host)s could not be resolved.") % {"host": host})
    if not (settings.WEBHOOK_ALLOW_PRIVATE if allow_private is None else allow_private):
        for address in addresses:
            refusal = address_refusal(address)
            if refusal is not None:
                raise DestinationRefused(
                    _("%(host)s resolves to %(address)s, %(why)s: webhooks only go to public addresses.")
                    % {"host": host, "address": address, "why": refusal}
                )
    target = parts.path or "/"
    if parts.query:
        target = f"{target}?{parts.query}"
    return Destination(scheme=parts.scheme, host=host, port=port, target=target, addresses=addresses)
