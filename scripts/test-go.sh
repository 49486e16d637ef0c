#!/usr/bin/env bash
# Runs the emulator's conformance test with the official OCM Go SDK
# (test/ocm-sdk-go) at both versions: go.mod pins the one the Assisted Installer
# uses, go.current.mod a current release. Each test run starts its own emulator.
# Fails if either version fails.
set -euo pipefail
cd "$(dirname "$0")/../test/ocm-sdk-go"

sdk_version() { sed -n 's|^require github.com/openshift-online/ocm-sdk-go \(v[^ ]*\).*|\1|p' "$1"; }

status=0
for modfile in go.mod go.current.mod; do
  echo "test-go: ocm-sdk-go $(sdk_version "$modfile") ($modfile)"
  if ! go test -modfile="$modfile" -v -count=1 ./...; then
    echo "test-go: FAILED with ocm-sdk-go $(sdk_version "$modfile")" >&2
    status=1
  fi
done
exit "$status"
