#!/usr/bin/env bash
# Runs the emulator's conformance test with the official OCM Go SDK
# (test/ocm-sdk-go) at both versions: go.mod pins the one the Assisted Installer
# uses, go.current.mod a current release. Each test run starts its own emulator.
# Then the Go client's tests (clients/go), which start their own dev server,
# emulator and TypeScript worker. Fails if any of them fails.
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
cd "$root/test/ocm-sdk-go"

sdk_version() { sed -n 's|^require github.com/openshift-online/ocm-sdk-go \(v[^ ]*\).*|\1|p' "$1"; }

status=0
for modfile in go.mod go.current.mod; do
  echo "test-go: ocm-sdk-go $(sdk_version "$modfile") ($modfile)"
  if ! go test -modfile="$modfile" -v -count=1 ./...; then
    echo "test-go: FAILED with ocm-sdk-go $(sdk_version "$modfile")" >&2
    status=1
  fi
done

echo "test-go: Go client (clients/go)"
if ! (cd "$root/clients/go" && go test -v -count=1 ./...); then
  echo "test-go: FAILED in the Go client (clients/go)" >&2
  status=1
fi
exit "$status"
