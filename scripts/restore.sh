#!/usr/bin/env bash
# Restores a dump made by scripts/backup.sh into a fresh database, never over one in use.
#
#   scripts/restore.sh DUMP [TARGET_URL]      (or `make restore DUMP=... [RESTORE_DATABASE_URL=...]`)
#
# TARGET_URL (default RESTORE_DATABASE_URL, then DATABASE_URL) names the database to restore into.
# It is created when it does not exist; an existing one must be empty (no table in its public
# schema), or nothing is done (exit 3). The restore runs in one transaction: it lands whole or not
# at all. Then point the Hub's DATABASE_URL at it and start the Hub (`manage.py migrate` first when
# the code is newer than the dump).
set -euo pipefail

dump=${1:?usage: scripts/restore.sh DUMP [TARGET_URL]}
url=${2:-${RESTORE_DATABASE_URL:-${DATABASE_URL:-}}}
[ -n "$url" ] || { echo "restore: no target: give TARGET_URL, RESTORE_DATABASE_URL or DATABASE_URL" >&2; exit 2; }
[ -r "$dump" ] || { echo "restore: cannot read $dump" >&2; exit 2; }
case $url in postgres://* | postgresql://*) ;; *) echo "restore: the target is not a PostgreSQL URL" >&2; exit 2 ;; esac

# The server's maintenance database, to create the target from: the same URL with another name.
base=${url%%\?*}
options=${url#"$base"}
name=${base##*/}
name=$(printf '%b' "${name//%/\\x}")  # percent-escapes decoded
maintenance="${base%/*}/postgres$options"
[ -n "$name" ] || { echo "restore: the target URL names no database" >&2; exit 2; }

# (psql interpolates :'name' and :"name" only in what it reads, not in -c.)
exists=$(psql "$maintenance" -X -A -t -v ON_ERROR_STOP=1 -v name="$name" \
  <<<"SELECT count(*) FROM pg_database WHERE datname = :'name'")
if [ "$exists" = 0 ]; then
  psql "$maintenance" -X -q -v ON_ERROR_STOP=1 -v name="$name" <<<'CREATE DATABASE :"name"'
else
  tables=$(psql "$url" -X -A -t -v ON_ERROR_STOP=1 \
    -c "SELECT count(*) FROM pg_tables WHERE schemaname = 'public'")
  if [ "$tables" != 0 ]; then
    echo "restore: database $name already has $tables tables; restore into a fresh database" >&2
    exit 3
  fi
fi
# --no-owner: the restoring role owns what it restores (the dump's roles need not exist here).
pg_restore --no-owner --exit-on-error --single-transaction --dbname="$url" "$dump"
echo "restored $dump into $name"
