#!/usr/bin/env bash
# A backup of the Hub's PostgreSQL database: pg_dump's custom format (-Fc: compressed, restored
# table by table with pg_restore, which scripts/restore.sh does), then the oldest dumps beyond
# BACKUP_KEEP removed. Prints the new dump's path. docs/operations.md, "Backups", has the schedule.
#
#   scripts/backup.sh            (or `make backup`)
#
# DATABASE_URL   the database to dump (postgres://user[:password]@host[:port]/name[?options]).
# BACKUP_DIR     where dumps go (default var/backups); one file per run, hub-<UTC time>.dump.
# BACKUP_KEEP    how many dumps to keep (default 14: two weeks of daily backups); 0 keeps all.
#
# The dump is written beside its final name and renamed when pg_dump succeeded, so a failed or
# interrupted run never leaves a file that looks like a backup. pg_dump reads one snapshot of the
# whole database (one transaction): every space's messages and its last_seq agree in the dump.
set -euo pipefail
cd "$(dirname "$0")/.."

url=${DATABASE_URL:?DATABASE_URL must name the PostgreSQL database to back up}
case $url in postgres://* | postgresql://*) ;; *)
  echo "backup: DATABASE_URL is not a PostgreSQL URL (embedded mode: copy var/hub.sqlite3 instead)" >&2
  exit 2 ;;
esac
dir=${BACKUP_DIR:-var/backups}
keep=${BACKUP_KEEP:-14}
mkdir -p "$dir"

dump="$dir/hub-$(date -u +%Y%m%dT%H%M%S.%3NZ).dump"
partial="$dump.partial"
trap 'rm -f "$partial"' EXIT
pg_dump --format=custom --file="$partial" "$url"
mv "$partial" "$dump"
trap - EXIT

if [ "$keep" -gt 0 ]; then
  # Names sort by time; everything before the newest $keep goes.
  mapfile -t dumps < <(find "$dir" -maxdepth 1 -name 'hub-*.dump' -type f | sort)
  excess=$((${#dumps[@]} - keep))
  for ((i = 0; i < excess; i++)); do rm -f "${dumps[i]}"; done
fi
echo "$dump"
