"""A stand-in for the OSV vulnerability service (``POST /v1/query``), for pip-audit's failing case.

This machine reaches the package indexes and nothing else, so pip-audit's real services (PyPI's
per-release JSON, api.osv.dev) never answer here, and a dependency audit can only skip. pip-audit
can be pointed at any OSV-compatible service (``--osv-url``, ``PIP_AUDIT_OSV_URL``: a deployment
may run its own mirror of OSV's published data); this one answers from the records it is given,
as OSV does: the records whose ``affected`` entry names the package and whose ECOSYSTEM range
holds the version. So ``tests/security/test_dependency_audit.py`` can run pip-audit for real,
end to end, against a known advisory and see the audit fail, and pass on the fixed release.
"""

import json
import threading
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

from packaging.utils import canonicalize_name
from packaging.version import Version

Record = dict[str, Any]

# Django's security release of 4 May 2021 (3.2.1, 3.1.9, 3.0.15, 2.2.21): CVE-2021-31542,
# directory traversal through uploaded files' names. Written as an OSV record; the id is ours.
DJANGO_3_2_0_ADVISORY: Record = {
    "schema_version": "1.4.0",
    "id": "HUB-STANDIN-2021-31542",
    "aliases": ["CVE-2021-31542"],
    "summary": "Potential directory traversal via uploaded files",
    "published": "2021-05-04T00:00:00Z",
    "affected": [
        {
            "package": {"name": "django", "ecosystem": "PyPI"},
            "ranges": [
                {
                    "type": "ECOSYSTEM",
                    "events": [
                        {"introduced": "0"},
                        {"fixed": "2.2.21"},
                        {"introduced": "3.0"},
                        {"fixed": "3.0.15"},
                        {"introduced": "3.1"},
                        {"fixed": "3.1.9"},
                        {"introduced": "3.2"},
                        {"fixed": "3.2.1"},
                    ],
                }
            ],
        }
    ],
}


def _affects(range_: Record, version: Version) -> bool:
    """Whether ``version`` lies in an OSV ECOSYSTEM range (introduced/fixed events, in order)."""
    affected = False
    for event in range_["events"]:
        if "introduced" in event and (event["introduced"] == "0" or version >= Version(event["introduced"])):
            affected = True
        elif "fixed" in event and version >= Version(event["fixed"]):
            affected = False
    return affected


def matching(records: Sequence[Record], name: str, version: str) -> list[Record]:
    wanted, parsed = canonicalize_name(name), Version(version)
    return [
        record
        for record in records
        if any(
            canonicalize_name(affected["package"]["name"]) == wanted
            and affected["package"]["ecosystem"] == "PyPI"
            and any(_affects(range_, parsed) for range_ in affected.get("ranges", []) if range_["type"] == "ECOSYSTEM")
            for affected in record["affected"]
        )
    ]


@contextmanager
def osv_standin(records: Sequence[Record]) -> Iterator[str]:
    """Serve ``records`` on a spare loopback port for the block; yields the query URL."""

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:
            if self.path != "/v1/query":
                self.send_error(404)
                return
            query = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
            found = matching(records, query["package"]["name"], query["version"])
            body = json.dumps({"vulns": found} if found else {}).encode()
            self.send_response(200)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, format: str, *args: Any) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}/v1/query"
    finally:
        server.shutdown()
        server.server_close()
