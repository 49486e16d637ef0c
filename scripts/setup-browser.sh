#!/usr/bin/env bash
# Installs Debian's Chromium for the Web UI browser test (test/webui.e2e.test.ts),
# which drives it with playwright-core. Playwright's own browser download is never
# used: it cannot work offline. Quick no-op when /usr/bin/chromium is already there.
set -euo pipefail

CHROMIUM=/usr/bin/chromium

if [ -x "$CHROMIUM" ]; then
  exit 0
fi

source "$(dirname "$0")/apt-install.sh"
apt_install setup-browser chromium "$CHROMIUM"
[ -x "$CHROMIUM" ] || { echo "setup-browser: the chromium package did not provide $CHROMIUM" >&2; exit 1; }
echo "setup-browser: $("$CHROMIUM" --version 2>/dev/null || echo chromium) installed"
