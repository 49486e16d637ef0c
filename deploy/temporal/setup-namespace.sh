#!/bin/sh
# One-shot setup of a Temporal namespace for ams-lifecycle: creates the namespace
# if it is missing and registers the custom search attributes the
# clusterSubscription workflow upserts (only those not registered yet), then
# waits until visibility queries accept them. Safe to run again.
#
# Runs in temporalio/admin-tools (POSIX sh, no bash) or anywhere the `temporal`
# CLI is on PATH. The CLI reads the connection from its environment:
# TEMPORAL_ADDRESS, and for TLS/Temporal Cloud TEMPORAL_TLS_CLIENT_CERT_PATH,
# TEMPORAL_TLS_CLIENT_KEY_PATH or TEMPORAL_API_KEY.
#   TEMPORAL_NAMESPACE   namespace to set up (required)
#   SEARCH_ATTRIBUTES    space-separated Name=Type pairs (required), e.g. "ClusterId=Keyword"
#   NAMESPACE_RETENTION  retention of closed runs for a new namespace (default 30d)
#   SETUP_WAIT_SECONDS   how long to wait for the server and for caches (default 180)
set -eu

namespace=${TEMPORAL_NAMESPACE:?TEMPORAL_NAMESPACE is required}
attributes=${SEARCH_ATTRIBUTES:?SEARCH_ATTRIBUTES is required (Name=Type pairs)}
retention=${NAMESPACE_RETENTION:-30d}
wait_seconds=${SETUP_WAIT_SECONDS:-180}
# The CLI looks for its optional config file under $HOME and fails without one.
export HOME="${HOME:-/tmp}"

log() { echo "setup-namespace: $*"; }

# Retries a command every 2 s until it succeeds; on timeout runs it once more
# with its output shown, so the last error is in the log.
until_ok() {
  what=$1
  shift
  deadline=$(($(date +%s) + wait_seconds))
  until "$@" >/dev/null 2>&1; do
    if [ "$(date +%s)" -ge "$deadline" ]; then
      log "gave up after ${wait_seconds}s waiting for $what"
      "$@"
      return 1
    fi
    sleep 2
  done
}

log "waiting for the Temporal frontend at ${TEMPORAL_ADDRESS:-the CLI default address}"
until_ok "the Temporal frontend" temporal operator cluster health

if temporal operator namespace describe --namespace "$namespace" >/dev/null 2>&1; then
  log "namespace '$namespace' exists"
else
  log "creating namespace '$namespace' (retention $retention)"
  temporal operator namespace create --namespace "$namespace" --retention "$retention"
fi

# A new namespace becomes visible to the frontend on its next cache refresh.
until_ok "namespace '$namespace'" temporal operator search-attribute list --namespace "$namespace"
registered=$(temporal operator search-attribute list --namespace "$namespace")

probe=''
for pair in $attributes; do
  name=${pair%%=*}
  type=${pair#*=}
  if [ -z "$name" ] || [ "$name" = "$pair" ] || [ -z "$type" ]; then
    log "SEARCH_ATTRIBUTES: '$pair' must be Name=Type"
    exit 2
  fi
  if printf '%s\n' "$registered" | grep -qw "$name"; then
    log "search attribute $name already registered"
  else
    log "registering search attribute $name ($type)"
    temporal operator search-attribute create --namespace "$namespace" --name "$name" --type "$type"
  fi
  probe="${probe:+$probe OR }$name IS NOT NULL"
done

# Until the frontend's search-attribute cache has them, list queries (the Web
# UI's search) reject the names: wait, so the stack is usable when this exits.
until_ok "the search attributes to be queryable" \
  temporal workflow count --namespace "$namespace" --query "$probe"
log "namespace '$namespace' is ready"
