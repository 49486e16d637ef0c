#!/usr/bin/env bash
# Installs the real servers the project runs against into tools/ (git-ignored):
#   tools/bin/temporal-dev-server   the dev server of npm start and the tests: scripts/devserver/,
#                                   the production Temporal server on SQLite plus the Web UI
#   tools/bin/temporal              Temporal CLI, the operator tool (Go module proxy)
#   tools/bin/temporal-test-server  Java time-skipping test server (Maven Central)
#   tools/bin/ocm                   official OCM CLI, for the emulator's compatibility test
#   tools/bin/temporal-server       Temporal server, its SQL schema tool (temporal-sql-tool),
#   tools/temporal-server/          its config template and PostgreSQL schemas, and Debian's
#                                   PostgreSQL: the production-shaped cluster (scripts/cluster/)
#   Go modules of test/ocm-sdk-go   official OCM Go SDK at both versions its test runs
#   Go modules of clients/go        the Go client's dependencies (Temporal Go SDK, JSON Schema)
# Each step is skipped when its version stamp is already there, so re-running is cheap.
# SETUP_TEMPORAL_CLI=0 / SETUP_TEST_SERVER=0 / SETUP_OCM_CLI=0 / SETUP_OCM_SDK=0 /
# SETUP_TEMPORAL_SERVER=0 / SETUP_GO_CLIENT=0 skip those parts (npm start needs only the dev server).
# The Temporal SDK's own binary download is never used: it cannot work offline.
set -euo pipefail
cd "$(dirname "$0")/.."
root=$PWD
bin="$root/tools/bin"
mkdir -p "$bin"

TEMPORAL_CLI_VERSION=v1.5.1
TEST_SERVER_VERSION=1.38.0
OCM_CLI_VERSION=v1.0.10
# The Temporal server version has one pin: scripts/devserver/go.mod, which builds the dev
# server; the native cluster's server is built at the same version. docker-compose.yml's
# server, admin-tools and UI tags must match it (test/versions.test.ts checks them).
devserver_dir="$root/scripts/devserver"
TEMPORAL_SERVER_VERSION=$(sed -n 's/^[[:space:]]*go\.temporal\.io\/server \(v[0-9][^[:space:]]*\)$/\1/p' "$devserver_dir/go.mod")
case "$TEMPORAL_SERVER_VERSION" in
  v[0-9]*.[0-9]*.[0-9]*) ;;
  *) echo "setup-tools: scripts/devserver/go.mod must require go.temporal.io/server at one version" >&2; exit 1 ;;
esac

stamp_ok() { [ -f "$root/tools/.$1" ] && [ "$(cat "$root/tools/.$1")" = "$2" ]; }
stamp() { echo "$2" > "$root/tools/.$1"; }
need() { command -v "$1" >/dev/null 2>&1 || { echo "setup-tools: '$1' is required ($2)" >&2; exit 1; }; }

# The stamp is a digest of the module's files: any change to them builds again.
devserver_stamp=$(cat "$devserver_dir"/go.mod "$devserver_dir"/go.sum "$devserver_dir"/*.go | sha256sum | cut -c1-16)
if ! stamp_ok temporal-dev-server "$devserver_stamp" || [ ! -x "$bin/temporal-dev-server" ]; then
  need go "to build the Temporal dev server"
  echo "setup-tools: building the Temporal dev server (server $TEMPORAL_SERVER_VERSION; first time only, a few minutes)"
  (cd "$devserver_dir" && go build -buildvcs=false -o "$bin/temporal-dev-server" .)
  stamp temporal-dev-server "$devserver_stamp"
fi

if [ "${SETUP_TEMPORAL_CLI:-1}" = 1 ] && { ! stamp_ok temporal "$TEMPORAL_CLI_VERSION" || [ ! -x "$bin/temporal" ]; }; then
  need go "to build the Temporal CLI"
  echo "setup-tools: building Temporal CLI $TEMPORAL_CLI_VERSION (first time only, a few minutes)"
  GOBIN="$bin" go install "github.com/temporalio/cli/cmd/temporal@$TEMPORAL_CLI_VERSION"
  stamp temporal "$TEMPORAL_CLI_VERSION"
fi

if [ "${SETUP_TEST_SERVER:-1}" = 1 ] && { ! stamp_ok test-server "$TEST_SERVER_VERSION" || [ ! -x "$bin/temporal-test-server" ]; }; then
  need mvn "to fetch the Temporal test server"
  need java "to run the Temporal test server"
  echo "setup-tools: fetching temporal-test-server $TEST_SERVER_VERSION"
  rm -rf "$root/tools/test-server"
  mvn -q -B -f scripts/test-server/pom.xml dependency:copy-dependencies \
    -DoutputDirectory="$root/tools/test-server/lib" -DincludeScope=runtime
  # exec so that killing the wrapper kills the JVM (the SDK tears down by pid).
  cat > "$bin/temporal-test-server" <<SH
#!/bin/sh
exec java -Xss2m -XX:+UseSerialGC -XX:TieredStopAtLevel=1 -cp "$root/tools/test-server/lib/*" io.temporal.testserver.TestServer "\$@"
SH
  chmod +x "$bin/temporal-test-server"
  stamp test-server "$TEST_SERVER_VERSION"
fi

if [ "${SETUP_OCM_CLI:-1}" = 1 ] && { ! stamp_ok ocm "$OCM_CLI_VERSION" || [ ! -x "$bin/ocm" ]; }; then
  need go "to build the OCM CLI"
  echo "setup-tools: building OCM CLI $OCM_CLI_VERSION"
  # Built through a throwaway module: the proxy refuses ocm-cli's version list,
  # which both `go install …@latest` and `…@vX` ask for; a pinned `go get` works.
  build=$(mktemp -d)
  (
    cd "$build"
    printf 'module ocmbuild\n\ngo 1.23\n' > go.mod
    GOFLAGS=-mod=mod go get "github.com/openshift-online/ocm-cli@$OCM_CLI_VERSION"
    GOFLAGS=-mod=mod go build -o "$bin/ocm" github.com/openshift-online/ocm-cli/cmd/ocm
  )
  rm -rf "$build"
  stamp ocm "$OCM_CLI_VERSION"
fi

if [ "${SETUP_TEMPORAL_SERVER:-1}" = 1 ]; then
  bash scripts/setup-postgres.sh
fi
if [ "${SETUP_TEMPORAL_SERVER:-1}" = 1 ] && { ! stamp_ok temporal-server "$TEMPORAL_SERVER_VERSION" ||
  [ ! -x "$bin/temporal-server" ] || [ ! -x "$bin/temporal-sql-tool" ]; }; then
  need go "to build the Temporal server"
  echo "setup-tools: building Temporal server $TEMPORAL_SERVER_VERSION and its SQL tool (first time only, about 5 minutes)"
  module=go.temporal.io/server
  build=$(mktemp -d)
  GOBIN="$build" go install "$module/cmd/server@$TEMPORAL_SERVER_VERSION" "$module/cmd/tools/sql@$TEMPORAL_SERVER_VERSION"
  mv "$build/server" "$bin/temporal-server"
  mv "$build/sql" "$bin/temporal-sql-tool"
  rm -rf "$build"
  # What the temporalio/server and admin-tools images keep in /etc/temporal: the
  # config template their entrypoint renders from the environment, and the schemas.
  module_dir=$(go mod download -json "$module@$TEMPORAL_SERVER_VERSION" | sed -n 's/^[[:space:]]*"Dir": "\(.*\)",$/\1/p')
  etc="$root/tools/temporal-server"
  rm -rf "$etc"
  mkdir -p "$etc/config" "$etc/schema"
  cp "$module_dir/config/docker.yaml" "$etc/config/"
  cp -R "$module_dir/schema/postgresql" "$etc/schema/"
  chmod -R u+w "$etc"
  stamp temporal-server "$TEMPORAL_SERVER_VERSION"
fi

sdk_dir="$root/test/ocm-sdk-go"
# The stamp is a digest of the module files, so changing either SDK version downloads again.
sdk_stamp=$(cd "$sdk_dir" && cat go.mod go.sum go.current.mod go.current.sum | sha256sum | cut -c1-16)
if [ "${SETUP_OCM_SDK:-1}" = 1 ] && ! stamp_ok ocm-sdk "$sdk_stamp"; then
  need go "for the emulator's conformance test with the OCM Go SDK"
  echo "setup-tools: downloading Go modules of test/ocm-sdk-go (go.mod and go.current.mod)"
  (cd "$sdk_dir" && go mod download -modfile=go.mod && go mod download -modfile=go.current.mod)
  stamp ocm-sdk "$sdk_stamp"
fi

go_client_dir="$root/clients/go"
# As above: a digest of go.mod and go.sum, so the Go client's tests download nothing at run time.
go_client_stamp=$(cat "$go_client_dir"/go.mod "$go_client_dir"/go.sum | sha256sum | cut -c1-16)
if [ "${SETUP_GO_CLIENT:-1}" = 1 ] && ! stamp_ok go-client "$go_client_stamp"; then
  need go "for the Go client (clients/go) and its tests"
  echo "setup-tools: downloading Go modules of clients/go"
  (cd "$go_client_dir" && go mod download)
  stamp go-client "$go_client_stamp"
fi

echo "setup-tools: ready in $bin"
