"""https to a pinned address: the TLS server name (SNI) and the certificate check stay the URL's
name while the connection goes to the checked address; a certificate for another name fails."""

import ipaddress
import shutil
import ssl
import subprocess
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from tests.conftest import free_port
from webhooks.destinations import Destination
from webhooks.sending import post

pytestmark = pytest.mark.skipif(shutil.which("openssl") is None, reason="needs the openssl command")


def certificate(tmp_path, name):
    key, cert = tmp_path / f"{name}.key", tmp_path / f"{name}.pem"
    subprocess.run(
        ["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", str(key), "-out", str(cert),
         "-days", "1", "-subj", f"/CN={name}", "-addext", f"subjectAltName=DNS:{name}"],
        check=True, capture_output=True,
    )  # fmt: skip
    return key, cert


@pytest.fixture
def tls_receiver(tmp_path):
    """An https receiver on loopback with a certificate for the name it is given; records SNI and Host."""
    servers = []

    def start(name):
        key, cert = certificate(tmp_path, name)
        seen: dict[str, list[str | None]] = {"sni": [], "hosts": []}

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):
                self.rfile.read(int(self.headers.get("Content-Length", "0")))
                seen["hosts"].append(self.headers["Host"])
                self.send_response(200)
                self.send_header("Content-Length", "0")
                self.end_headers()

            def log_message(self, *args):
                pass

        context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
        context.load_cert_chain(cert, key)
        context.sni_callback = lambda sock, server_name, ctx: seen["sni"].append(server_name)
        server = ThreadingHTTPServer(("127.0.0.1", free_port()), Handler)
        server.socket = context.wrap_socket(server.socket, server_side=True, do_handshake_on_connect=False)
        threading.Thread(target=server.serve_forever, daemon=True).start()
        servers.append(server)
        return server.server_address[1], cert, seen

    yield start
    for server in servers:
        server.shutdown()
        server.server_close()


def trusting(monkeypatch, cert):
    """The sender's default context, trusting the test's certificate (as a public CA's would be)."""
    original = ssl.create_default_context
    monkeypatch.setattr(ssl, "create_default_context", lambda: original(cafile=str(cert)))


def pinned(port):
    loopback = ipaddress.ip_address("127.0.0.1")
    return Destination(scheme="https", host="hooks.example.org", port=port, target="/in", addresses=(loopback,))


def test_https_to_the_pinned_address_sends_the_name_as_sni_and_host(tls_receiver, monkeypatch):
    port, cert, seen = tls_receiver("hooks.example.org")
    trusting(monkeypatch, cert)
    answer = post(pinned(port), body=b"{}", headers={}, timeout=5)
    assert answer.status_code == 200, answer.error
    assert seen["sni"] == ["hooks.example.org"]
    assert seen["hosts"] == [f"hooks.example.org:{port}"]


def test_a_certificate_for_another_name_is_refused(tls_receiver, monkeypatch):
    port, cert, seen = tls_receiver("other.example.org")
    trusting(monkeypatch, cert)
    answer = post(pinned(port), body=b"{}", headers={}, timeout=5)
    assert answer.status_code is None
    assert "certificate" in answer.error.lower() or "hostname" in answer.error.lower()
    assert seen["hosts"] == []
