#!/usr/bin/env bash
# Back up a GRC database with pg_dump, restore it into a new database and
# check that every table has the same number of rows: a backup is only
# known good once it has been restored.
#
#   scripts/backup_restore_check.sh DATABASE_URL [BACKUP_FILE]
#
# DATABASE_URL: postgresql://user[:password]@host:port/name (the +psycopg
# suffix of SQLAlchemy URLs is accepted). BACKUP_FILE: where the dump is
# written (default: a temporary file, removed afterwards). The restored copy
# is named <name>_restore_check and dropped at the end; the user needs the
# CREATEDB right. Exit status 0 when every count matches, 1 otherwise.
set -euo pipefail
export PGOPTIONS="${PGOPTIONS:-} -c client_min_messages=warning"

if [ $# -lt 1 ]; then
  sed -n '2,13p' "$0" | sed 's/^# \{0,1\}//'
  exit 2
fi
source_url="${1/postgresql+psycopg:/postgresql:}"
source_url="${source_url/postgres:/postgresql:}"
database="${source_url##*/}"
database="${database%%\?*}"
server_url="${source_url%/*}"
restore_db="${database}_restore_check"
restore_url="${server_url}/${restore_db}"
backup="${2:-}"
cleanup_backup=""
if [ -z "$backup" ]; then
  backup="$(mktemp --suffix=.dump)"
  cleanup_backup="$backup"
fi

drop_restore() {
  psql "${server_url}/postgres" -qAtc "DROP DATABASE IF EXISTS \"${restore_db}\"" >/dev/null
  [ -n "$cleanup_backup" ] && rm -f "$cleanup_backup"
  return 0
}
trap drop_restore EXIT

echo "Dump of ${database} into ${backup}"
# Custom format: compressed, restorable table by table, in parallel if needed.
pg_dump --format=custom --no-owner --no-privileges --file="$backup" "$source_url"

echo "Restore into ${restore_db}"
psql "${server_url}/postgres" -qAtc "DROP DATABASE IF EXISTS \"${restore_db}\"" >/dev/null
psql "${server_url}/postgres" -qAtc "CREATE DATABASE \"${restore_db}\"" >/dev/null
pg_restore --no-owner --no-privileges --exit-on-error --dbname="$restore_url" "$backup"

count_rows() {
  # One line per table: "name count", exact counts (not the planner's estimates).
  psql "$1" -qAt -F ' ' <<'SQL'
SELECT format('SELECT %L, count(*) FROM %I.%I', table_name, table_schema, table_name)
FROM information_schema.tables
WHERE table_schema = 'public' AND table_type = 'BASE TABLE'
ORDER BY table_name
\gexec
SQL
}

source_counts="$(count_rows "$source_url")"
restored_counts="$(count_rows "$restore_url")"
tables=$(printf '%s\n' "$source_counts" | grep -c . || true)
rows=$(printf '%s\n' "$source_counts" | awk '{ total += $2 } END { print total + 0 }')
if [ "$source_counts" != "$restored_counts" ]; then
  echo "MISMATCH between ${database} and its restored copy:"
  diff <(printf '%s\n' "$source_counts") <(printf '%s\n' "$restored_counts") || true
  exit 1
fi
echo "OK: ${tables} tables, ${rows} rows, identical counts after restore."
