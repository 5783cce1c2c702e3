#!/usr/bin/env bash
# `make test`: the whole suite against real PostgreSQL and Redis, plus the embedded-mode smoke test.
# Where PostgreSQL or Redis is not installed at all it runs in embedded mode and names what it
# could not run; under CI (CI=true) a missing service is a failure.
set -uo pipefail
cd "$(dirname "$0")/.."

scripts/ensure_services.sh
status=$?
if [ "$status" = 0 ]; then
  export DATABASE_URL=${TEST_DATABASE_URL:-postgres://postgres@127.0.0.1:5432/hub}
  export REDIS_URL=${TEST_REDIS_URL:-redis://127.0.0.1:6379/15}
  echo "Running the suite against PostgreSQL ($DATABASE_URL) and Redis ($REDIS_URL)."
elif [ "$status" = 3 ] && [ "${CI:-}" != "true" ]; then
  unset DATABASE_URL REDIS_URL
  echo "PostgreSQL or Redis is not installed: running in embedded mode; service-only tests are skipped."
else
  echo "CI needs PostgreSQL and Redis, and one of them is missing or did not start." >&2
  exit 1
fi

scripts/ensure_chromium.sh || exit 1

.venv/bin/pytest "$@"
