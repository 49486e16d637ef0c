#!/bin/sh
# One-shot: creates or upgrades Temporal's PostgreSQL schemas (main and
# visibility) to the versions shipped in this admin-tools image. Idempotent:
# setup-schema skips a database that is already versioned, and update-schema
# applies only the migrations it has not applied yet. The databases themselves
# are created by deploy/postgres/init-databases.sql when the volume is new.
# Env: SQL_HOST, SQL_PORT (default 5432), SQL_USER, and SQL_PASSWORD, which
# temporal-sql-tool reads itself so the password stays out of the process list.
# TEMPORAL_SCHEMA_DIR (default: the image's /etc/temporal/schema) lets the native
# cluster (scripts/cluster/) run this script with the schemas in tools/.
set -eu

host=${SQL_HOST:?SQL_HOST is required}
port=${SQL_PORT:-5432}
user=${SQL_USER:?SQL_USER is required}
: "${SQL_PASSWORD:?SQL_PASSWORD is required}"

sql_tool() {
  db=$1
  shift
  temporal-sql-tool --plugin postgres12 --endpoint "$host" --port "$port" --user "$user" --database "$db" "$@"
}

schema_dir=${TEMPORAL_SCHEMA_DIR:-/etc/temporal/schema}/postgresql/v12
for database in temporal temporal_visibility; do
  case $database in
    temporal) versions=$schema_dir/temporal/versioned ;;
    *) versions=$schema_dir/visibility/versioned ;;
  esac
  echo "setup-schema: $database"
  sql_tool "$database" setup-schema -v 0.0
  sql_tool "$database" update-schema -d "$versions"
done
echo "setup-schema: done"
