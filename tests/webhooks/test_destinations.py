"""SSRF protection: refused ranges, DNS answers checked, the checked address pinned, no redirects."""

import ipaddress
import re
import socket

import pytest

from webhooks.destinations import Destination, DestinationRefused, address_refusal, destination_checked
from webhooks.sending import post

REFUSED = {
    "10.1.2.3": "private",
    "172.16.0.1": "private",
    "192.168.1.10": "private",
    "127.0.0.1": "loopback",
    "127.8.9.10": "loopback",
    "::1": "loopback",
    "169.254.10.20": "link-local",
    "fe80::1": "link-local",
    "100.64.0.1": "carrier-grade NAT",
    "100.127.255.254": "carrier-grade NAT",
    "fc00::1": "unique-local",
    "fd12:3456::1": "unique-local",
    "224.0.0.1": "multicast",
    "239.255.255.250": "multicast",
    "ff02::1": "multicast",
    "0.0.0.0": "unspecified",  # noqa: S104 (the address refused, not bound)
    "::": "unspecified",
    "169.254.169.254": "cloud metadata",
    "fd00:ec2::254": "cloud metadata",
    "::ffff:127.0.0.1": "loopback",  # IPv4-mapped: judged as its IPv4 address
    "::ffff:10.0.0.1": "private",
    "192.0.2.1": "private",  # documentation range (TEST-NET-1), in Python's non-public table
    "240.0.0.1": "reserved",
    "198.18.0.1": "private",  # benchmarking range
}


@pytest.mark.parametrize(("address", "why"), sorted(REFUSED.items()))
def test_every_non_public_range_is_refused_by_name(address, why):
    refusal = address_refusal(ipaddress.ip_address(address))
    assert refusal is not None
    assert why in refusal


@pytest.mark.parametrize("address", ["93.184.215.14", "1.1.1.1", "2606:4700:4700::1111", "100.128.0.1"])
def test_public_addresses_pass(address):
    assert address_refusal(ipaddress.ip_address(address)) is None


def fake_dns(monkeypatch, answers: dict[str, list[str]]):
    asked: list[str] = []

    def getaddrinfo(host, port, *args, **kwargs):
        asked.append(host)
        if host not in answers:
            raise socket.gaierror(socket.EAI_NONAME, "Name or service not known")
        family = {4: socket.AF_INET, 6: socket.AF_INET6}
        return [(family[ipaddress.ip_address(a).version], socket.SOCK_STREAM, 6, "", (a, port)) for a in answers[host]]

    monkeypatch.setattr(socket, "getaddrinfo", getaddrinfo)
    return asked


@pytest.mark.parametrize("literal", ["http://127.0.0.1/hook", "http://[::1]:8080/x", "https://169.254.169.254/latest"])
def test_address_literals_are_refused_by_default(settings, literal):
    settings.WEBHOOK_ALLOW_PRIVATE = False
    with pytest.raises(DestinationRefused):
        destination_checked(literal)


def test_a_name_resolving_to_a_private_address_is_refused(settings, monkeypatch):
    settings.WEBHOOK_ALLOW_PRIVATE = False
    fake_dns(monkeypatch, {"hooks.example.org": ["10.0.0.5"]})
    with pytest.raises(DestinationRefused, match=re.escape("10.0.0.5")):
        destination_checked("https://hooks.example.org/in")


def test_one_private_answer_among_public_ones_is_enough_to_refuse(settings, monkeypatch):
    settings.WEBHOOK_ALLOW_PRIVATE = False
    fake_dns(monkeypatch, {"hooks.example.org": ["93.184.215.14", "192.168.0.7"]})
    with pytest.raises(DestinationRefused, match=re.escape("192.168.0.7")):
        destination_checked("https://hooks.example.org/in")


def test_a_public_name_is_resolved_once_and_all_its_addresses_kept(settings, monkeypatch):
    settings.WEBHOOK_ALLOW_PRIVATE = False
    asked = fake_dns(monkeypatch, {"hooks.example.org": ["93.184.215.14", "2606:2800:21f:cb07:6820:80da:af6b:8b2c"]})
    destination = destination_checked("https://hooks.example.org:8443/in?x=1")
    assert asked == ["hooks.example.org"]
    assert destination.host == "hooks.example.org"
    assert destination.port == 8443
    assert destination.target == "/in?x=1"
    assert [str(a) for a in destination.addresses] == ["93.184.215.14", "2606:2800:21f:cb07:6820:80da:af6b:8b2c"]


def test_allow_private_lets_loopback_through(settings):
    settings.WEBHOOK_ALLOW_PRIVATE = True
    assert str(destination_checked("http://127.0.0.1:9/x").addresses[0]) == "127.0.0.1"


@pytest.mark.parametrize(
    "url",
    [
        "ftp://example.org/x",
        "file:///etc/passwd",
        "http://user:pw@example.org/",
        "http:///nohost",
        "gopher://x/",
        "http://93.184.215.14:0/",
        "http://example.org:99999/",
        "http://[::1/",
    ],
)
def test_urls_of_the_wrong_form_are_refused(url):
    with pytest.raises(DestinationRefused):
        destination_checked(url, allow_private=True)


def test_an_unresolvable_name_is_refused(monkeypatch):
    fake_dns(monkeypatch, {})
    with pytest.raises(DestinationRefused, match="could not be resolved"):
        destination_checked("https://nowhere.invalid/")


def test_the_connection_goes_to_the_pinned_address_with_the_name_as_host(monkeypatch, receiver):
    """DNS is not asked again when sending: the request reaches the checked address while the
    Host header keeps the name (a rebinding answer after the check cannot redirect it)."""
    destination = Destination(
        scheme="http", host="hooks.example.org", port=receiver.port, target="/in",
        addresses=(ipaddress.ip_address("127.0.0.1"),),
    )  # fmt: skip

    def no_dns(*args, **kwargs):
        raise AssertionError("resolved again while sending")

    monkeypatch.setattr(socket, "getaddrinfo", no_dns)
    answer = post(destination, body=b"{}", headers={"Content-Type": "application/json"}, timeout=5)
    assert answer.status_code == 200
    (request,) = receiver.requests()
    assert request.headers["host"] == f"hooks.example.org:{receiver.port}"
    assert request.path == "/in"


def test_a_redirect_is_not_followed_so_a_private_target_is_never_reached(allow_private):
    from tests.webhooks.receiver import receiver_running

    with receiver_running() as inner, receiver_running(redirect_to=None) as outer:
        outer.redirect_to = inner.url  # a receiver that sends the Hub to an internal address
        destination = destination_checked(outer.url)
        answer = post(destination, body=b"{}", headers={}, timeout=5)
        assert answer.status_code == 302
        assert not answer.accepted
        assert outer.count() == 1
        assert inner.count() == 0


def test_a_receiver_that_does_not_answer_in_time_is_an_error(allow_private):
    with socket.socket() as silent:
        silent.bind(("127.0.0.1", 0))
        silent.listen(1)  # accepts the connection (backlog) and never answers
        destination = destination_checked(f"http://127.0.0.1:{silent.getsockname()[1]}/")
        answer = post(destination, body=b"{}", headers={}, timeout=0.5)
    assert answer.status_code is None
    assert "within" in answer.error


def test_a_refused_connection_is_an_error(allow_private):
    from tests.conftest import free_port

    destination = destination_checked(f"http://127.0.0.1:{free_port()}/")
    answer = post(destination, body=b"{}", headers={}, timeout=2)
    assert answer.status_code is None
    assert "could not connect" in answer.error
