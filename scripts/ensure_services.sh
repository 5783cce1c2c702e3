#!/usr/bin/env bash
# Makes sure the PostgreSQL and Redis that the tests or the benchmark use answer, starting this
# machine's own servers when they are installed but stopped. Silent on success but for what it
# starts. When a service cannot be had it says which, where and why: not installed, failed to start
# (with the command's error and the tail of the server's log), or started but not answering.
#
#   scripts/ensure_services.sh [POSTGRES_URL [REDIS_URL]]
#
# Defaults: postgres://postgres@127.0.0.1:5432 and redis://127.0.0.1:6379 (PG_PORT and REDIS_PORT
# change the ports). A server on another machine is checked, never started.
# Exit status: 0 both answer; 3 one is not installed here (and nothing answers in its place);
# 1 one is installed but did not start, or does not answer.
set -u
PG_URL=${1:-postgres://postgres@127.0.0.1:${PG_PORT:-5432}/postgres}
REDIS_SERVER_URL=${2:-redis://127.0.0.1:${REDIS_PORT:-6379}}
WAIT_SECONDS=${SERVICE_WAIT_SECONDS:-30}

say() { echo "$*" >&2; }
indent() { sed 's/^/    /' >&2; }
# The last lines of a server's log, indented, or why there are none.
log_tail() {
  if [ -s "$1" ] && [ -r "$1" ]; then say "  last lines of $1:"; tail -n 15 "$1" | indent
  elif [ -e "$1" ]; then say "  ($1 is empty)"
  else say "  (no readable log at $1)"; fi
}
# Sets url_host and url_port from scheme://[user[:password]@]host[:port][/...] ($2: default port).
parse_url() {
  local rest=${1#*://}
  rest=${rest%%[/?#]*}
  rest=${rest##*@}
  if [[ $rest == \[* ]]; then url_host=${rest%%]*}; url_host=${url_host#[}; rest=${rest#*]}
  else url_host=${rest%%:*}; rest=${rest#"$url_host"}; fi
  url_port=${rest#:}
  url_port=${url_port:-$2}
}
is_local() { case $1 in "" | 127.0.0.1 | localhost | ::1 | /*) return 0 ;; *) return 1 ;; esac; }
tcp_open() { timeout 3 bash -c "exec 3<>/dev/tcp/${1:-127.0.0.1}/$2" 2>/dev/null; }

# --- PostgreSQL ---------------------------------------------------------------------------------
parse_url "$PG_URL" 5432
PG_HOST=$url_host PG_PORT=$url_port
PG_WHERE="${PG_HOST:-local socket}:$PG_PORT"

pg_answers() {
  if command -v pg_isready >/dev/null; then
    pg_isready -q ${PG_HOST:+-h "$PG_HOST"} -p "$PG_PORT" 2>/dev/null
  else
    tcp_open "$PG_HOST" "$PG_PORT"
  fi
}
# pg_isready's verdict ("127.0.0.1:5432 - no response"), for messages.
pg_state() {
  if command -v pg_isready >/dev/null; then pg_isready ${PG_HOST:+-h "$PG_HOST"} -p "$PG_PORT" 2>&1
  else echo "no TCP connection"; fi
}
pg_wait() { for _ in $(seq 1 "$WAIT_SECONDS"); do pg_answers && return 0; sleep 1; done; return 1; }

ensure_postgres() {
  pg_answers && return 0
  if ! is_local "$PG_HOST"; then
    say "PostgreSQL at $PG_WHERE does not answer ($(pg_state)); it is on another machine, so this script does not start it."
    return 1
  fi
  if command -v pg_lsclusters >/dev/null && command -v pg_ctlcluster >/dev/null; then
    local cluster
    cluster=$(pg_lsclusters --no-header 2>/dev/null | awk -v port="$PG_PORT" '$3 == port' | head -1)
    if [ -z "$cluster" ]; then
      say "PostgreSQL is installed but no cluster is set up for port $PG_PORT. pg_lsclusters says:"
      pg_lsclusters 2>&1 | indent
      return 1
    fi
    local version name _port _status _owner _data logfile output
    read -r version name _port _status _owner _data logfile <<<"$cluster"
    say "Starting PostgreSQL $version/$name on port $PG_PORT..."
    if ! output=$(pg_ctlcluster --skip-systemctl-redirect "$version" "$name" start 2>&1); then
      say "PostgreSQL $version/$name failed to start on port $PG_PORT: pg_ctlcluster said:"
      indent <<<"${output:-(nothing)}"
      log_tail "$logfile"
      return 1
    fi
    pg_wait && return 0
    say "PostgreSQL $version/$name started but does not answer on $PG_WHERE after ${WAIT_SECONDS}s ($(pg_state))."
    log_tail "$logfile"
    return 1
  elif command -v pg_ctl >/dev/null && [ -n "${PGDATA:-}" ]; then
    local output
    say "Starting PostgreSQL in $PGDATA on port $PG_PORT..."
    if ! output=$(pg_ctl -D "$PGDATA" -l "$PGDATA/server.log" -o "-p $PG_PORT" -w -t "$WAIT_SECONDS" start 2>&1); then
      say "PostgreSQL in $PGDATA failed to start on port $PG_PORT: pg_ctl said:"
      indent <<<"${output:-(nothing)}"
      log_tail "$PGDATA/server.log"
      return 1
    fi
    pg_wait && return 0
    say "PostgreSQL in $PGDATA started but does not answer on $PG_WHERE ($(pg_state))."
    log_tail "$PGDATA/server.log"
    return 1
  elif command -v postgres >/dev/null || command -v pg_ctl >/dev/null; then
    say "PostgreSQL is installed but does not answer on $PG_WHERE, and this script cannot start it (no pg_ctlcluster; set PGDATA for pg_ctl). Start it, or set TEST_DATABASE_URL."
    return 1
  fi
  say "PostgreSQL is not installed (no pg_ctlcluster, pg_ctl or postgres on PATH) and nothing answers on $PG_WHERE."
  return 3
}

# --- Redis --------------------------------------------------------------------------------------
parse_url "$REDIS_SERVER_URL" 6379
REDIS_HOST=${url_host:-127.0.0.1} REDIS_PORT=$url_port
REDIS_WHERE="$REDIS_HOST:$REDIS_PORT"

# redis-cli's answer to PING, without credentials: PONG, or NOAUTH from a server that wants a
# password (it answers; the run itself tells a wrong password, redis-cli would not decode it).
redis_reply() {
  if command -v redis-cli >/dev/null; then
    redis-cli -h "$REDIS_HOST" -p "$REDIS_PORT" ping 2>&1 | grep -v '^$' | tail -n 1
  elif tcp_open "$REDIS_HOST" "$REDIS_PORT"; then
    echo PONG  # something listens; without redis-cli the run itself will tell the rest
  else
    echo "no TCP connection"
  fi
}
redis_answers() { case $(redis_reply) in PONG | NOAUTH*) return 0 ;; *) return 1 ;; esac; }

ensure_redis() {
  local reply
  reply=$(redis_reply)
  case $reply in PONG | NOAUTH*) return 0 ;; esac
  if ! is_local "$REDIS_HOST"; then
    say "Redis at $REDIS_WHERE does not answer ($reply); it is on another machine, so this script does not start it."
    return 1
  fi
  if tcp_open "$REDIS_HOST" "$REDIS_PORT"; then
    say "Something that is not a working Redis listens on $REDIS_WHERE (PING got: $reply)."
    return 1
  fi
  if ! command -v redis-server >/dev/null; then
    say "Redis is not installed (no redis-server on PATH) and nothing answers on $REDIS_WHERE."
    return 3
  fi
  local dir=/var/lib/redis logdir=/var/log/redis output
  mkdir -p "$dir" "$logdir" 2>/dev/null
  [ -w "$dir" ] || dir=${TMPDIR:-/tmp}
  [ -w "$logdir" ] || logdir=${TMPDIR:-/tmp}
  local log="$logdir/hub-redis-$REDIS_PORT.log"
  say "Starting Redis on port $REDIS_PORT (log: $log)..."
  : >"$log" 2>/dev/null  # only this start's lines in what a failure shows
  if ! output=$(redis-server --daemonize yes --bind 127.0.0.1 -::1 --port "$REDIS_PORT" --save "" \
    --appendonly no --dir "$dir" --logfile "$log" 2>&1); then
    say "Redis failed to start on port $REDIS_PORT: redis-server said:"
    indent <<<"${output:-(nothing)}"
    log_tail "$log"
    return 1
  fi
  for _ in $(seq 1 "$((WAIT_SECONDS * 2))"); do redis_answers && return 0; sleep 0.5; done
  say "redis-server started but nothing answers PING on $REDIS_WHERE after ${WAIT_SECONDS}s ($(redis_reply))."
  log_tail "$log"
  return 1
}

ensure_postgres; pg_status=$?
ensure_redis; redis_status=$?
[ "$pg_status" = 1 ] || [ "$redis_status" = 1 ] && exit 1
[ "$pg_status" = 3 ] || [ "$redis_status" = 3 ] && exit 3
exit 0
