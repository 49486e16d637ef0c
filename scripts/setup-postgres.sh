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

source "$(dirname "$0")/apt-install.sh"
apt_install setup-postgres postgresql "PostgreSQL (initdb, postgres)"
have_initdb || { echo "setup-postgres: the postgresql package did not provide initdb" >&2; exit 1; }
echo "setup-postgres: PostgreSQL installed"
