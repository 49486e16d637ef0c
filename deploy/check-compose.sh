#!/usr/bin/env bash
# Validates docker-compose.yml with Docker Compose itself (no engine needed):
# `config` parses, schema-checks and interpolates the file for staging and for
# the production example. Installs Debian's docker-compose when no compose is
# on PATH (needs root and apt). Usage: bash deploy/check-compose.sh
set -euo pipefail
cd "$(dirname "$0")/.."

if docker compose version >/dev/null 2>&1; then
  compose=(docker compose)
else
  if ! command -v docker-compose >/dev/null 2>&1; then
    echo "check-compose: installing Debian's docker-compose"
    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq docker-compose >/dev/null
  fi
  compose=(docker-compose)
fi

for env_file in deploy/staging.env deploy/production.env.example; do
  "${compose[@]}" -f docker-compose.yml --env-file "$env_file" config -q
  echo "check-compose: docker-compose.yml is valid with $env_file"
done
# Without settings it must refuse, naming what is missing.
scratch=$(mktemp -d)
trap 'rm -rf "$scratch"' EXIT
touch "$scratch/empty.env"
if "${compose[@]}" -f docker-compose.yml --env-file "$scratch/empty.env" config -q 2>"$scratch/err"; then
  echo "check-compose: expected an error without TEMPORAL_DB_PASSWORD" >&2
  exit 1
fi
if ! grep -q TEMPORAL_DB_PASSWORD "$scratch/err"; then
  echo "check-compose: unexpected error without settings:" >&2
  cat "$scratch/err" >&2
  exit 1
fi
echo "check-compose: refuses to start without the required settings"
