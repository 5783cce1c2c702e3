"""Run by ``bench.search`` in a process of its own, with the baseline's settings and one benchmark database.

Reads ``{"paths": [...], "hub": [i...], "baseline": [i...], "explain": [i...]}`` on stdin; sends
each chosen path through Django's test client (middleware and all, as the server does) under
``CaptureQueriesContext`` and counts the SQL queries of each request: the Hub's endpoint (the
production URLconf; each path twice: the first time its words may be new to the process, which
then asks the database what they mean, the second time they are not) and the baseline's
(``bench.search_baseline``). One search before the counting loads the process's directory index
(``experts.search.resident``), once per process. For the ``explain`` paths it also runs
``EXPLAIN (ANALYZE, BUFFERS)`` on every statement the Hub sent. Prints one JSON line.
"""

import json
import sys
import time
from typing import Any

import django


def main() -> None:
    django.setup()
    from django.db import connection
    from django.test import Client, override_settings
    from django.test.utils import CaptureQueriesContext

    asked = json.loads(sys.stdin.read())
    paths: list[str] = asked["paths"]
    client = Client(HTTP_HOST="127.0.0.1")

    def captured(path: str, *, hub: bool) -> list[dict[str, str]]:
        with CaptureQueriesContext(connection) as context:
            if hub:
                with override_settings(ROOT_URLCONF="config.urls"):
                    response = client.get(path)
            else:
                response = client.get(path)
        assert response.status_code == 200, (path, response.status_code)
        return context.captured_queries

    out: dict[str, Any] = {"hub": [], "hub_seen": [], "baseline": [], "explain": []}
    captured("/api/v1/experts/", hub=True)  # the index loaded
    for index in asked["hub"]:
        out["hub"].append(len(captured(paths[index], hub=True)))
        out["hub_seen"].append(len(captured(paths[index], hub=True)))
    for index in asked["baseline"]:
        out["baseline"].append(len(captured(paths[index], hub=False)))
    for index in asked["explain"]:
        statements = []
        for query in captured(paths[index], hub=True):
            sql = query["sql"]
            if not sql.lstrip().upper().startswith(("SELECT", "WITH")):
                continue
            with connection.cursor() as cursor:
                started = time.perf_counter()
                cursor.execute("EXPLAIN (ANALYZE, BUFFERS) " + sql)
                plan = [row[0] for row in cursor.fetchall()]
            statements.append({"sql": sql, "explain_ms": round((time.perf_counter() - started) * 1000, 2),
                               "plan": plan})  # fmt: skip
        out["explain"].append({"path": paths[index], "statements": statements})
    print(json.dumps(out))


if __name__ == "__main__":
    main()
