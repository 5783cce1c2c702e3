"""Every page has a Content-Security-Policy with a nonce of its own, no 'unsafe-inline' for scripts,
and every script and style element of the page carries that nonce.

The pages are found by walking the URL resolver, not listed: a page added later is checked too.
Path parameters are filled from the hostile world (tests/security/hostile_world.py) by name; a
page whose parameter cannot be filled (a token sent by email) is still fetched, and its refusal
page must have the same policy.
"""

import re
from html.parser import HTMLParser

import pytest
from django.test import Client

from tests.security.walk import page_paths

NONCE = re.compile(r"'nonce-([A-Za-z0-9+/=_-]+)'")


class _Elements(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.elements: list[tuple[str, dict[str, str | None]]] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in {"script", "style"}:
            self.elements.append((tag, dict(attrs)))


def script_src_of(policy: str) -> list[str]:
    directives = {}
    for part in policy.split(";"):
        name, _, sources = part.strip().partition(" ")
        directives[name] = sources
    return (directives.get("script-src") or directives.get("default-src") or "").split()


@pytest.mark.parametrize("logged_in", [False, True], ids=["anonymous", "staff"])
def test_every_page_has_a_nonce_policy_that_its_scripts_carry(world, logged_in):
    client = Client()
    if logged_in:
        client.force_login(world.viewer)
    pages = 0
    for path in page_paths(world):
        response = client.get(path)
        if not response.get("Content-Type", "").startswith("text/html") or not response.content:
            continue
        pages += 1
        policy = response.get("Content-Security-Policy", "")
        assert policy, f"{path} ({response.status_code}) has no Content-Security-Policy"
        sources = script_src_of(policy)
        assert "'unsafe-inline'" not in sources and "'unsafe-eval'" not in sources, f"{path}: {policy}"
        nonce = NONCE.search(" ".join(sources))
        assert nonce, f"{path}: script-src without a nonce: {policy}"
        parser = _Elements()
        parser.feed(response.content.decode())
        for tag, attributes in parser.elements:
            if tag == "script" and attributes.get("type") == "application/json":
                continue  # a data block (json_script), never run
            assert attributes.get("nonce") == nonce.group(1), f"{path}: <{tag} {attributes}> lacks the nonce"
        again = NONCE.search(client.get(path).get("Content-Security-Policy", ""))
        assert again and again.group(1) != nonce.group(1), f"{path}: the same nonce twice"
    # Anonymous callers are sent to the login page from most pages (a redirect without a body).
    assert pages >= (30 if logged_in else 15), f"only {pages} pages answered HTML: the walk misses the Hub's pages"
