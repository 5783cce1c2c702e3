#!/usr/bin/env bash
# `make test` after lint: the suite twice, and both runs must pass.
#   1. services: the whole suite on PostgreSQL and Redis (TEST_DATABASE_URL, TEST_REDIS_URL),
#      end-to-end tests with real uvicorn and Celery processes and `make run` included;
#   2. embedded: the accounts, gcm, hub and discussions suites again on SQLite, with the in-process
#      channel layer and no Redis, where tests marked `services` skip themselves and are listed.
# Where PostgreSQL or Redis is not installed at all it runs the whole suite once in embedded mode
# and names what it could not run; under CI (CI=true) that, or a service that will not start, fails.
#
#   scripts/test.sh [--only=services|--only=embedded] [PYTEST ARGS...]
#
# With PYTEST ARGS both runs get them (name the paths); without, each runs its own set.
# Each run takes a Redis database and a PostgreSQL test database of its own (tests/isolation.py),
# so runs at once on one machine do not meet.
set -uo pipefail
cd "$(dirname "$0")/.." || exit 1

only=
case ${1:-} in --only=services | --only=embedded) only=${1#--only=}; shift ;; esac
PG_URL=${TEST_DATABASE_URL:-postgres://postgres@127.0.0.1:5432/hub}
REDIS_SERVER_URL=${TEST_REDIS_URL:-redis://127.0.0.1:6379}
EMBEDDED_SUITES=(tests/accounts tests/gcm tests/hub tests/discussions tests/experts tests/events tests/notifications)
started=$SECONDS
summary=()
failed=0

redact() { sed -E 's#(://[^:@/]*:)[^@/]*@#\1***@#' <<<"$1"; }
banner() { printf '\n%s\n== %s\n%s\n' "$(printf '=%.0s' {1..100})" "$1" "$(printf '=%.0s' {1..100})"; }
color=(); [ -t 1 ] && color=(--color=yes)

# summarize NAME LOG STATUS SECONDS: a run's line in the final summary.
summarize() {
  local name=$1 log=$2 status=$3 took=$4 line skipped verdict=passed
  line=$(sed 's/\x1b\[[0-9;]*m//g' "$log" | grep -E '(passed|failed|error|skipped|no tests ran).* in [0-9.]+s' | tail -n 1 | sed -E 's/^=+ //; s/ =+$//')
  [ "$status" = 0 ] || { verdict="FAILED (exit $status)"; failed=1; }
  summary+=("$(printf '%-16s %-18s %s [%ss wall]' "$name" "$verdict" "${line:-no result line}" "$took")")
  skipped=$(sed 's/\x1b\[[0-9;]*m//g' "$log" | grep -oE 'embedded mode: [0-9]+ tests marked services not run' | tail -n 1)
  [ -z "$skipped" ] || summary+=("          $skipped (listed above)")
}

# run NAME TITLE ENV... -- PYTEST ARGS: one pytest run, its output shown as it goes and kept for the summary.
run() {
  local name=$1 title=$2 log status begun=$SECONDS
  shift 2
  local envs=()
  while [ "$1" != -- ]; do envs+=("$1"); shift; done
  shift
  banner "$title"
  log=$(mktemp)
  env "${envs[@]}" .venv/bin/pytest "${color[@]}" "$@" 2>&1 | tee "$log"
  status=${PIPESTATUS[0]}
  summarize "$name" "$log" "$status" "$((SECONDS - begun))"
  rm -f "$log"
}

# begin NAME ENV... -- PYTEST ARGS: the same run in the background, its output kept until ``end``.
# The two runs of a whole `make test` go at once: the services run spends much of its time
# waiting on servers, workers and browsers, which the embedded run fills.
declare -A run_logs run_pids run_begun
begin() {
  local name=$1
  shift
  local envs=()
  while [ "$1" != -- ]; do envs+=("$1"); shift; done
  shift
  run_logs[$name]=$(mktemp)
  run_begun[$name]=$SECONDS
  (
    env "${envs[@]}" .venv/bin/pytest "$@" >"${run_logs[$name]}" 2>&1
    echo "$? $SECONDS" >"${run_logs[$name]}.status"
  ) &
  run_pids[$name]=$!
}

# end NAME TITLE: wait for a run begun in the background, then show its output and summarize it.
end() {
  local name=$1 title=$2 log=${run_logs[$1]} status ended
  wait "${run_pids[$name]}"
  banner "$title"
  cat "$log"
  read -r status ended <"$log.status"
  summarize "$name" "$log" "$status" "$((ended - ${run_begun[$name]}))"
  rm -f "$log" "$log.status"
}

has_paths=0
for arg in "$@"; do case $arg in tests | tests/* | *.py | *.py::*) has_paths=1 ;; esac; done
embedded_args=("$@")
[ "$has_paths" = 1 ] || embedded_args+=("${EMBEDDED_SUITES[@]}")
# Neither run may inherit the caller's Hub settings; the services run gets its own below.
hub_env=(-u DATABASE_URL -u REDIS_URL -u CELERY_BROKER_URL -u CHANNEL_LAYER_PREFIX -u HUB_TEST_REDIS_DB)

services=1
if [ "$only" != embedded ]; then
  scripts/ensure_services.sh "$PG_URL" "$REDIS_SERVER_URL"
  status=$?
  if [ "$status" = 3 ] && [ "${CI:-}" != true ]; then
    services=0
    echo "PostgreSQL or Redis is not installed: the whole suite runs in embedded mode only, and tests marked services are skipped."
    summary+=("services  NOT RUN            PostgreSQL or Redis is not installed here (see above)")
  elif [ "$status" != 0 ]; then
    echo "make test needs PostgreSQL at $(redact "$PG_URL") and Redis at $(redact "$REDIS_SERVER_URL") (TEST_DATABASE_URL, TEST_REDIS_URL), and the message above says why one is missing." >&2
    exit 1
  fi
fi

scripts/ensure_chromium.sh || exit 1
scripts/ensure_axe.sh || exit 1

do_services=0 do_embedded=0
[ "$only" = embedded ] || [ "$services" = 0 ] || do_services=1
[ "$only" = services ] || do_embedded=1
services_title="services: ${*:-the whole suite} on PostgreSQL ($(redact "$PG_URL")) and Redis ($(redact "$REDIS_SERVER_URL"))"
embedded_title="embedded: ${embedded_args[*]} on SQLite, in-process channel layer, no Redis"
services_env=("${hub_env[@]}" DATABASE_URL="$PG_URL" REDIS_URL="$REDIS_SERVER_URL")
if [ "$do_services" = 1 ] && [ "$do_embedded" = 1 ] && [ "$has_paths" = 0 ]; then
  # The whole suite: the services run in three parts (the end-to-end tests in Chromium, the other
  # end-to-end tests, both of which mostly wait on the processes they start, and the rest), and the
  # embedded run, all four at once. Each claims its own Redis database and PostgreSQL test database
  # (tests/isolation.py). The browser tests are named by their files; every other file under
  # tests/e2e runs in the second part, so a new end-to-end test cannot be left out.
  browser_tests=(tests/e2e/test_a11y*.py tests/e2e/test_browser_*.py tests/e2e/test_keyboard_*.py tests/e2e/test_*_browser.py)
  not_browser=()
  for path in "${browser_tests[@]}"; do not_browser+=("--ignore=$path"); done
  echo "Four runs go at once; each one's output follows when it has finished."
  begin services-browser "${services_env[@]}" -- "$@" "${browser_tests[@]}"
  begin services-e2e "${services_env[@]}" -- "$@" tests/e2e "${not_browser[@]}"
  begin services "${services_env[@]}" -- "$@" tests --ignore=tests/e2e
  begin embedded "${hub_env[@]}" -- "${embedded_args[@]}"
  end embedded "run 4 of 4, $embedded_title"
  end services "run 3 of 4, $services_title (all but tests/e2e)"
  end services-e2e "run 2 of 4, services: tests/e2e but the browser tests, on PostgreSQL and Redis"
  end services-browser "run 1 of 4, services: the browser tests of tests/e2e, on PostgreSQL and Redis"
elif [ "$do_services" = 1 ] && [ "$do_embedded" = 1 ]; then
  echo "Both runs go at once; each one's output follows when it has finished."
  begin services "${services_env[@]}" -- "$@"
  begin embedded "${hub_env[@]}" -- "${embedded_args[@]}"
  end embedded "run 2 of 2, $embedded_title"
  end services "run 1 of 2, $services_title"
elif [ "$do_services" = 1 ]; then
  run services "run 1 of 1, $services_title" "${services_env[@]}" -- "$@"
elif [ "$do_embedded" = 1 ] && [ "$services" = 1 ]; then
  run embedded "run 1 of 1, $embedded_title" "${hub_env[@]}" -- "${embedded_args[@]}"
elif [ "$do_embedded" = 1 ]; then
  run embedded "embedded only: ${*:-the whole suite} on SQLite, in-process channel layer, no Redis" "${hub_env[@]}" -- "$@"
fi

banner "make test: $( [ "$failed" = 0 ] && echo passed || echo FAILED ) in $((SECONDS - started))s"
printf '%s\n' "${summary[@]}"
exit "$failed"
