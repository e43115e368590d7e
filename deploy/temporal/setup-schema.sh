#!/bin/sh
# One-shot (temporalio/admin-tools): create Temporal's two databases on the shared
# PostgreSQL and bring their schemas to the version this image ships. Safe to run at every
# `docker compose up`: `create` tolerates an existing database (the `|| true`), and
# setup-schema / update-schema only apply what is missing.
set -eu

: "${POSTGRES_SEEDS:?}" "${POSTGRES_USER:?}" "${SQL_PASSWORD:?}"
DB_PORT="${DB_PORT:-5432}"
DBNAME="${DBNAME:-temporal}"
VISIBILITY_DBNAME="${VISIBILITY_DBNAME:-temporal_visibility}"
SCHEMA_DIR=/etc/temporal/schema/postgresql/v12

echo "waiting for PostgreSQL at ${POSTGRES_SEEDS}:${DB_PORT}"
until nc -z -w 5 "$POSTGRES_SEEDS" "$DB_PORT"; do sleep 1; done

sql() {
  temporal-sql-tool --plugin postgres12 --ep "$POSTGRES_SEEDS" -p "$DB_PORT" \
    -u "$POSTGRES_USER" "$@"
}

for pair in "$DBNAME:temporal" "$VISIBILITY_DBNAME:visibility"; do
  db="${pair%%:*}"
  kind="${pair##*:}"
  echo "schema of ${db} (${kind})"
  sql --db "$db" create || true
  sql --db "$db" setup-schema -v 0.0
  sql --db "$db" update-schema -d "${SCHEMA_DIR}/${kind}/versioned"
done
echo "Temporal schema is up to date"
