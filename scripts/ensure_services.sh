#!/usr/bin/env bash
# Starts this machine's PostgreSQL and Redis when they are installed but not answering, and
# creates the database the tests use. Prints nothing on success but what it started.
# Exit status: 0 both answer, 3 one of them is not installed at all, 1 one failed to start.
set -u
PG_HOST=${PG_HOST:-127.0.0.1}
PG_PORT=${PG_PORT:-5432}
REDIS_PORT=${REDIS_PORT:-6379}
missing=0

pg_answers() { pg_isready -q -h "$PG_HOST" -p "$PG_PORT" 2>/dev/null; }
redis_answers() { [ "$(redis-cli -h 127.0.0.1 -p "$REDIS_PORT" ping 2>/dev/null)" = "PONG" ]; }

if ! command -v pg_isready >/dev/null || ! { command -v pg_ctlcluster >/dev/null || command -v pg_ctl >/dev/null; }; then
  echo "PostgreSQL is not installed." >&2; missing=1
elif ! pg_answers; then
  echo "Starting PostgreSQL..." >&2
  if command -v pg_ctlcluster >/dev/null && ls /etc/postgresql >/dev/null 2>&1; then
    pg_ctlcluster --skip-systemctl-redirect "$(ls /etc/postgresql | sort -V | tail -1)" main start
  fi
  for _ in $(seq 1 30); do pg_answers && break; sleep 1; done
  pg_answers || { echo "PostgreSQL did not start." >&2; exit 1; }
fi

if ! command -v redis-server >/dev/null; then
  echo "Redis is not installed." >&2; missing=1
elif ! redis_answers; then
  echo "Starting Redis..." >&2
  mkdir -p /var/lib/redis /var/log/redis 2>/dev/null || true
  redis-server --daemonize yes --bind 127.0.0.1 -::1 --port "$REDIS_PORT" --save "" --appendonly no \
    --dir /var/lib/redis --logfile /var/log/redis/ci.log
  for _ in $(seq 1 30); do redis_answers && break; sleep 0.5; done
  redis_answers || { echo "Redis did not start." >&2; exit 1; }
fi

[ "$missing" = 0 ] || exit 3
exit 0
