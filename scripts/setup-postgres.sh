#!/usr/bin/env bash
# Installs Debian's PostgreSQL for the production-shaped Temporal cluster
# (scripts/cluster/), which runs its own server in a folder of its own: the
# package's binaries are all it needs. Quick no-op when initdb is already there,
# on PATH or in Debian's /usr/lib/postgresql/<version>/bin.
set -euo pipefail

have_initdb() {
  command -v initdb >/dev/null 2>&1 && return 0
  compgen -G '/usr/lib/postgresql/*/bin/initdb' >/dev/null
}

if have_initdb; then
  exit 0
fi

fail() {
  echo "setup-postgres: PostgreSQL (initdb, postgres) is missing and $1." >&2
  echo "setup-postgres: install it yourself (Debian/Ubuntu: sudo apt-get install -y postgresql) and run again." >&2
  exit 1
}

[ "$(id -u)" = 0 ] || fail "this script is not running as root, so it cannot install it"
command -v apt-get >/dev/null 2>&1 || fail "apt-get is not available here"

echo "setup-postgres: installing Debian's postgresql (first time only)"
export DEBIAN_FRONTEND=noninteractive NEEDRESTART_SUSPEND=1
apt-get update -qq || fail "'apt-get update' failed"
apt-get install -y -qq --no-install-recommends postgresql >/dev/null || fail "'apt-get install postgresql' failed"
have_initdb || fail "the postgresql package did not provide it"
echo "setup-postgres: PostgreSQL installed"
