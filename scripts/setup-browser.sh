#!/usr/bin/env bash
# Installs Debian's Chromium for the Web UI browser test (test/webui.e2e.test.ts),
# which drives it with playwright-core. Playwright's own browser download is never
# used: it cannot work offline. Quick no-op when /usr/bin/chromium is already there.
set -euo pipefail

CHROMIUM=/usr/bin/chromium

if [ -x "$CHROMIUM" ]; then
  exit 0
fi

fail() {
  echo "setup-browser: $CHROMIUM is missing and $1." >&2
  echo "setup-browser: install it yourself (Debian/Ubuntu: sudo apt-get install -y chromium) and run again." >&2
  exit 1
}

[ "$(id -u)" = 0 ] || fail "this script is not running as root, so it cannot install it"
command -v apt-get >/dev/null 2>&1 || fail "apt-get is not available here"

echo "setup-browser: installing Debian's chromium (first time only)"
export DEBIAN_FRONTEND=noninteractive NEEDRESTART_SUSPEND=1
apt-get update -qq || fail "'apt-get update' failed"
apt-get install -y -qq --no-install-recommends chromium >/dev/null || fail "'apt-get install chromium' failed"
[ -x "$CHROMIUM" ] || fail "the chromium package did not provide it"
echo "setup-browser: $("$CHROMIUM" --version 2>/dev/null || echo chromium) installed"
